"""Hand-written AWS::ApiGateway::RequestValidator, ::Model and a ::Method's
RequestValidatorId, RequestModels and RequestParameters, deployed through their providers
and checked by serving requests; and what API Gateway would refuse, which fails the
deploy naming the resource."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.types import Deployed, Resource

LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:fn/invocations")
METHOD = "AWS::ApiGateway::Method"
MODEL = "AWS::ApiGateway::Model"
VALIDATOR = "AWS::ApiGateway::RequestValidator"


def res(logical_id: str, kind: str, **props: Any) -> Resource:
    return Resource(logical_id, kind, props, Path("."), "app")


class RestApi:
    """A bare REST API with a v1 stage, and the providers to add its parts."""

    def __init__(self, gateway) -> None:
        self.gateway = gateway
        self.providers = {t: p for p in ApiProviders(gateway.apis, "us-east-1",
                                                     "123456789012").all() for t in p.types}
        self.api_id = self.create(res("Api", "AWS::ApiGateway::RestApi")).physical_id
        self.create(res("Stage", "AWS::ApiGateway::Stage", RestApiId=self.api_id,
                        StageName="v1"))

    def create(self, resource: Resource) -> Deployed:
        return self.providers[resource.type].create(resource)

    def part(self, logical_id: str, kind: str, **props: Any) -> Resource:
        return res(logical_id, kind, RestApiId=self.api_id, **props)

    def method(self, **props: Any) -> Resource:
        root = self.gateway.apis.get(self.api_id).root_resource_id
        return self.part("Post", METHOD, ResourceId=root, HttpMethod="POST",
                         AuthorizationType="NONE",
                         Integration={"Type": "AWS_PROXY", "Uri": LAMBDA_URI}, **props)

    def post(self, **kwargs: Any):
        return self.gateway.request("POST", self.gateway.url(self.api_id, "v1", "/"), **kwargs)


@pytest.fixture
def api(gateway, echo) -> RestApi:
    gateway.runtime.handlers["fn"] = echo
    return RestApi(gateway)


def test_validator_model_and_method(api) -> None:
    api.create(api.part("Tag", MODEL, Name="Tag", ContentType="application/json",
                        Schema={"type": "string", "enum": ["red", "blue"]}))
    # A model refers to another by its API Gateway URL; a schema may be JSON text.
    api.create(api.part("Pet", MODEL, Name="Pet", Schema=(
        '{"type": "object", "required": ["tag"], "properties": {"tag": {"$ref": '
        f'"https://apigateway.amazonaws.com/restapis/{api.api_id}/models/Tag"}}}}}}')))
    validator = api.create(api.part("Both", VALIDATOR, ValidateRequestBody=True,
                                    ValidateRequestParameters="true"))
    assert validator.attributes == {"RequestValidatorId": validator.physical_id}
    api.create(api.method(RequestValidatorId=validator.physical_id,
                          RequestModels={"application/json": "Pet"},
                          RequestParameters={"method.request.querystring.owner": True,
                                             "method.request.header.X-Opt": False}))
    assert api.post(json={"tag": "red"}, params={"owner": "o"}).status_code == 200
    r = api.post(json={"tag": "green"}, params={"owner": "o"})
    assert (r.status_code, r.json()) == (400, {"message": "Invalid request body"})
    r = api.post(json={"tag": "red"})
    assert r.json() == {"message": "Missing required request parameters: [owner]"}


def test_built_in_empty_model_takes_any_object(api) -> None:
    validator = api.create(api.part("Body", VALIDATOR, ValidateRequestBody=True))
    api.create(api.method(RequestValidatorId=validator.physical_id,
                          RequestModels={"application/json": "Empty"}))
    assert api.post(json={"any": 1}).status_code == 200
    assert api.post(json=[1]).status_code == 400


def test_without_a_validator_nothing_is_checked(api) -> None:
    api.create(api.method(RequestParameters={"method.request.querystring.owner": True}))
    assert api.post().status_code == 200


def test_a_restored_method_may_come_back_before_its_validator(api) -> None:
    validator = api.part("Params", VALIDATOR, ValidateRequestParameters=True)
    validator_id = api.providers[VALIDATOR].physical_id(validator)
    method = api.method(RequestValidatorId=validator_id,
                        RequestParameters={"method.request.header.X-Need": True})
    api.providers[METHOD].restore(method, Deployed("m", {}))
    # Until the validator is back, the method is not served unchecked.
    r = api.post()
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})
    api.providers[VALIDATOR].restore(validator, Deployed(validator_id, {}))
    assert api.post().json() == {"message": "Missing required request parameters: [X-Need]"}


@pytest.mark.parametrize("props, words", [
    ({"RequestValidatorId": "nope"}, "Invalid Request Validator identifier specified: nope"),
    ({"RequestModels": {"application/json": "Ghost"}},
     "Invalid model identifier specified: Ghost"),
    ({"RequestParameters": {"querystring.q": True}}, "Invalid mapping expression specified"),
    ({"RequestModels": ["Pet"]}, "RequestModels must map content types"),
])
def test_a_method_naming_what_its_api_lacks_fails_the_deploy(api, props, words) -> None:
    with pytest.raises(TemplateError, match="Resource Post: " + words):
        api.create(api.method(**props))


@pytest.mark.parametrize("props, words", [
    ({"Name": "Pet", "Schema": {"type": "pet"}}, "Invalid model specified"),
    ({"Name": "Pet", "Schema": {"properties": []}}, "Invalid model specified"),
    ({"Name": "Pet", "Schema": "{not json"}, "Invalid model specified"),
    ({"Name": "pet-model", "Schema": {}}, "Model name must be alphanumeric"),
])
def test_a_model_api_gateway_refuses_fails_the_deploy(api, props, words) -> None:
    with pytest.raises(TemplateError, match="Resource Bad: " + words):
        api.create(api.part("Bad", MODEL, **props))


def test_a_model_referring_to_a_model_that_is_not_there_answers_500(api) -> None:
    api.create(api.part("Pet", MODEL, Name="Pet", Schema={"$ref": (
        f"https://apigateway.amazonaws.com/restapis/{api.api_id}/models/Gone")}))
    validator = api.create(api.part("Body", VALIDATOR, ValidateRequestBody=True))
    api.create(api.method(RequestValidatorId=validator.physical_id,
                          RequestModels={"application/json": "Pet"}))
    r = api.post(json={})
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})
    assert r.headers["x-amzn-errortype"] == "InternalServerErrorException"
