"""CloudFront's headers in REST API events: an edge-optimized API (the default) gets them,
a regional or private one and HTTP APIs do not; EndpointConfiguration is checked as API
Gateway checks it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.gateway import GatewayApp
from fogbank.gateway.model import stable_id
from fogbank.types import Resource

CLOUDFRONT_ONLY = ("CloudFront-Forwarded-Proto", "CloudFront-Is-Desktop-Viewer",
                   "CloudFront-Is-Mobile-Viewer", "CloudFront-Is-SmartTV-Viewer",
                   "CloudFront-Is-Tablet-Viewer", "CloudFront-Viewer-Country", "Via",
                   "X-Amz-Cf-Id")
VIA = re.compile(r"1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)")
CF_ID = re.compile(r"[A-Za-z0-9_-]{54}==")
CURL = "curl/8.5.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
IPAD = ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/16.6 Mobile/15E148 Safari/604.1")
ANDROID_PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                 "Gecko) Chrome/124.0.0.0 Mobile Safari/537.36")
ANDROID_TABLET = ("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/124.0.0.0 Safari/537.36")
SAMSUNG_TV = ("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like "
              "Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36")
FIRE_TV = ("Mozilla/5.0 (Linux; Android 9; AFTKA Build/PS7633) AppleWebKit/537.36 (KHTML, "
           "like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36")
DESKTOP_CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/124.0.0.0 Safari/537.36")


def sam_rest_api(deploy_sam, sam_function, **api_props):
    """A SAM app: GET /who on a REST API with `api_props`; answers with the event."""
    stack = deploy_sam({
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "Prod",
                                                               **api_props}},
        "Fn": sam_function({"Get": {"Type": "Api", "Properties": {
            "Path": "/who", "Method": "get", "RestApiId": {"Ref": "Api"}}}})})
    return stack.api_id("Api")


def get_event(gateway, api_id, stage="Prod", path="/who", **kwargs):
    r = gateway.request("GET", gateway.url(api_id, stage, path), **kwargs)
    assert r.status_code == 200, r.text
    return gateway.runtime.event


def test_edge_api_event_carries_cloudfront_headers(gateway, deploy_sam, sam_function,
                                                   echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    api_id = sam_rest_api(deploy_sam, sam_function)         # EDGE: no EndpointConfiguration
    event = get_event(gateway, api_id, headers={"User-Agent": CURL})
    headers, multi = event["headers"], event["multiValueHeaders"]
    assert headers["CloudFront-Forwarded-Proto"] == "http"
    assert headers["CloudFront-Is-Desktop-Viewer"] == "true"
    assert headers["CloudFront-Is-Mobile-Viewer"] == "false"
    assert headers["CloudFront-Is-SmartTV-Viewer"] == "false"
    assert headers["CloudFront-Is-Tablet-Viewer"] == "false"
    assert headers["CloudFront-Viewer-Country"] == "US"
    assert VIA.fullmatch(headers["Via"]), headers["Via"]
    assert CF_ID.fullmatch(headers["X-Amz-Cf-Id"]), headers["X-Amz-Cf-Id"]
    # CloudFront is the last hop; the client stays the source.
    assert headers["X-Forwarded-For"] == f"{gateway.CLIENT_IP}, 127.0.0.1"
    assert event["requestContext"]["identity"]["sourceIp"] == gateway.CLIENT_IP
    for name in (*CLOUDFRONT_ONLY, "X-Forwarded-For", "X-Forwarded-Port",
                 "X-Forwarded-Proto", "X-Amzn-Trace-Id"):
        assert multi[name] == [headers[name]], name
    again = get_event(gateway, api_id)["headers"]
    assert again["X-Amz-Cf-Id"] != headers["X-Amz-Cf-Id"]       # one per request
    assert again["Via"] == headers["Via"]                       # the same CloudFront server


def test_viewer_country_is_the_node_setting(gateway, rest_api, echo) -> None:
    gateway.app = GatewayApp(gateway.apis, gateway.runtime.invoke, viewer_country="NZ")
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /who": "fn"}))
    headers = get_event(gateway, "rest123456")["headers"]
    assert headers["CloudFront-Viewer-Country"] == "NZ"


@pytest.mark.parametrize("agent, desktop, mobile, smart_tv, tablet", [
    (CURL, "true", "false", "false", "false"),
    (DESKTOP_CHROME, "true", "false", "false", "false"),
    ("", "true", "false", "false", "false"),
    (IPHONE, "false", "true", "false", "false"),
    (ANDROID_PHONE, "false", "true", "false", "false"),
    (IPAD, "false", "true", "false", "true"),               # a tablet is mobile too
    (ANDROID_TABLET, "false", "true", "false", "true"),
    (SAMSUNG_TV, "false", "false", "true", "false"),
    (FIRE_TV, "false", "false", "true", "false"),
])
def test_device_flags_follow_the_user_agent(gateway, rest_api, echo, agent, desktop, mobile,
                                            smart_tv, tablet) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /who": "fn"}))
    headers = get_event(gateway, "rest123456", headers={"User-Agent": agent})["headers"]
    assert (headers["CloudFront-Is-Desktop-Viewer"], headers["CloudFront-Is-Mobile-Viewer"],
            headers["CloudFront-Is-SmartTV-Viewer"], headers["CloudFront-Is-Tablet-Viewer"]
            ) == (desktop, mobile, smart_tv, tablet)


def test_viewer_cannot_set_cloudfront_headers(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /who": "fn"}))
    event = get_event(gateway, "rest123456", headers=[
        ("CloudFront-Viewer-Country", "FR"), ("CloudFront-Is-Mobile-Viewer", "true"),
        ("X-Amz-Cf-Id", "forged=="), ("Via", "1.1 proxy.example"),
        ("X-Forwarded-For", "198.51.100.7"), ("User-Agent", CURL)])
    headers, multi = event["headers"], event["multiValueHeaders"]
    assert multi["CloudFront-Viewer-Country"] == ["US"]
    assert multi["CloudFront-Is-Mobile-Viewer"] == ["false"]
    assert multi["X-Amz-Cf-Id"] != ["forged=="]
    # A proxy before CloudFront stays in Via and X-Forwarded-For.
    assert headers["Via"].startswith("1.1 proxy.example, 1.1 ")
    assert VIA.fullmatch(headers["Via"].split(", ")[1])
    assert headers["X-Forwarded-For"] == f"198.51.100.7, {gateway.CLIENT_IP}, 127.0.0.1"


@pytest.mark.parametrize("configuration", ["REGIONAL", {"Type": "PRIVATE"}])
def test_regional_and_private_apis_get_no_cloudfront_headers(gateway, deploy_sam, sam_function,
                                                             echo, configuration) -> None:
    gateway.runtime.handlers["fn"] = echo
    api_id = sam_rest_api(deploy_sam, sam_function, EndpointConfiguration=configuration)
    event = get_event(gateway, api_id, headers={"User-Agent": CURL})
    names = {name.lower() for name in event["headers"]}
    assert not names & {name.lower() for name in CLOUDFRONT_ONLY}
    assert not {name.lower() for name in event["multiValueHeaders"]} & {
        name.lower() for name in CLOUDFRONT_ONLY}
    assert event["headers"]["X-Forwarded-For"] == gateway.CLIENT_IP


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_http_apis_get_no_cloudfront_headers(gateway, http_api, echo, version) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"GET /who": "fn"}, version=version))
    r = gateway.request("GET", gateway.url("abcdef1234", path="/who"),
                        headers={"User-Agent": CURL})
    assert r.status_code == 200
    event = gateway.runtime.event
    assert not {name.lower() for name in event["headers"]} & {
        name.lower() for name in CLOUDFRONT_ONLY}
    assert event["headers"]["x-forwarded-for"] == gateway.CLIENT_IP


# ------------------------------------------------------------------ hand-written RestApi

def rest_api_provider(gateway):
    (found,) = [p for p in ApiProviders(gateway.apis, "us-east-1", "123456789012").all()
                if "AWS::ApiGateway::RestApi" in p.types]
    return found


def rest_api_resource(**props) -> Resource:
    return Resource("Api", "AWS::ApiGateway::RestApi", {"Name": "api", **props}, Path("."),
                    "app")


@pytest.mark.parametrize("props, endpoint_type", [
    ({}, "EDGE"),
    ({"EndpointConfiguration": {}}, "EDGE"),
    ({"EndpointConfiguration": {"Types": ["REGIONAL"]}}, "REGIONAL"),
    ({"EndpointConfiguration": {"Types": ["PRIVATE"], "VpcEndpointIds": ["vpce-1"]}},
     "PRIVATE"),
    ({"Parameters": {"endpointConfigurationTypes": "REGIONAL"}}, "REGIONAL"),
    ({"EndpointConfiguration": {"Types": ["EDGE"]},
      "Parameters": {"endpointConfigurationTypes": "REGIONAL"}}, "EDGE"),
])
def test_endpoint_type_of_a_hand_written_rest_api(gateway, props, endpoint_type) -> None:
    api = rest_api_provider(gateway).create(rest_api_resource(**props))
    assert gateway.apis.get(api.physical_id).endpoint_type == endpoint_type


def test_changing_the_endpoint_type_takes_effect(gateway, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    provider = rest_api_provider(gateway)
    edge = rest_api_resource(Body={"swagger": "2.0", "info": {"title": "t", "version": "1"},
                                   "paths": {"/who": {"get": {
                                       "x-amazon-apigateway-integration": {
                                           "type": "aws_proxy", "httpMethod": "POST",
                                           "uri": "arn:aws:apigateway:us-east-1:lambda:path/"
                                                  "2015-03-31/functions/arn:aws:lambda:"
                                                  "us-east-1:123456789012:function:fn/"
                                                  "invocations"}}}}})
    deployed = provider.create(edge)
    stage = Resource("Stage", "AWS::ApiGateway::Stage",
                     {"RestApiId": deployed.physical_id, "StageName": "live"}, Path("."), "app")
    (stages,) = [p for p in ApiProviders(gateway.apis, "us-east-1", "123456789012").all()
                 if "AWS::ApiGateway::Stage" in p.types]
    stages.create(stage)
    assert "Via" in get_event(gateway, deployed.physical_id, "live")["headers"]
    regional = rest_api_resource(Body=edge.properties["Body"],
                                 EndpointConfiguration={"Types": ["REGIONAL"]})
    provider.update(edge, deployed, regional)
    assert "Via" not in get_event(gateway, deployed.physical_id, "live")["headers"]


@pytest.mark.parametrize("props, message", [
    ({"EndpointConfiguration": {"Types": []}},
     "Resource Api: REGIONAL Configuration and EDGE Configuration cannot be both DISABLED."),
    ({"EndpointConfiguration": {"Types": ["EDGE", "REGIONAL"]}},
     "Resource Api: Cannot create an api with multiple Endpoint Types."),
    ({"EndpointConfiguration": {"Types": ["edge"]}},
     "Resource Api: 1 validation error detected: Value '[edge]' at "
     "'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: Member "
     "must satisfy constraint: [Member must satisfy enum value set: [PRIVATE, EDGE, "
     "REGIONAL]]"),
    ({"Parameters": {"endpointConfigurationTypes": "GLOBAL"}},
     "Resource Api: 1 validation error detected: Value '[GLOBAL]' at "
     "'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: Member "
     "must satisfy constraint: [Member must satisfy enum value set: [PRIVATE, EDGE, "
     "REGIONAL]]"),
    ({"EndpointConfiguration": {"Types": "REGIONAL"}},
     "Properties validation failed for resource Api with message: "
     "#/EndpointConfiguration/Types: expected type: JSONArray, found: String"),
    ({"EndpointConfiguration": "REGIONAL"},
     "Properties validation failed for resource Api with message: "
     "#/EndpointConfiguration: expected type: JSONObject, found: String"),
])
def test_bad_endpoint_configuration_is_refused(gateway, props, message) -> None:
    with pytest.raises(TemplateError) as exc:
        rest_api_provider(gateway).create(rest_api_resource(**props))
    assert exc.value.message == message
    assert exc.value.code == "ValidationError"
    assert gateway.apis.get(stable_id("app", "Api")) is None      # nothing was registered
