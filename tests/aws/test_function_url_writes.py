"""Function URLs of functions made through the Lambda API: CreateFunctionUrlConfig,
UpdateFunctionUrlConfig and DeleteFunctionUrlConfig on a real `fogbank up`, driven by boto3,
the URL called with httpx (served at once, with its AuthType, CORS and the function's
policy applied), kept across a restart, and every request that can be wrong sent wrong."""
from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode

from .conftest import error_of, node_client as client_of
from .test_control_plane import ARN, ROLE, TEMPLATE

HANDLER = """\
def handler(event, context):
    return {"statusCode": 200, "body": context.invoked_function_arn}
"""
NO_RESOURCE = "The resource you requested does not exist."
FORBIDDEN = ("Forbidden. For troubleshooting Function URL authorization issues, see: "
             "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html")
QUALIFIER_PATTERN = r"((?!^\d+$)^[0-9a-zA-Z-_]+$)"


def package() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", HANDLER)
    return buf.getvalue()


def start(app_dir: Path) -> RunningNode:
    running = RunningNode(app_dir, "--no-watch")
    running.wait_ready()
    return running


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("url-writes")
    (app / "src").mkdir()
    (app / "src" / "app.py").write_text(HANDLER)
    (app / "template.yaml").write_text(TEMPLATE)
    return app


@pytest.fixture(scope="module")
def node(app_dir: Path) -> Iterator[RunningNode]:
    running = start(app_dir)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def name(request: pytest.FixtureRequest, lam: Any) -> Iterator[str]:
    """A fresh function made through the API for one test, deleted after it."""
    fn = request.node.name.split("[")[0].replace("test_", "u-")[:40] + \
        str(zlib.crc32(request.node.name.encode()) % 10000)
    lam.create_function(FunctionName=fn, Runtime="python3.12", Role=ROLE,
                        Handler="app.handler", Code={"ZipFile": package()})
    yield fn
    try:
        lam.delete_function(FunctionName=fn)
    except ClientError:
        pass


def allow_public(lam: Any, name: str, qualifier: str | None = None) -> None:
    """The statement AWS requires of a NONE URL's function."""
    extra = {"Qualifier": qualifier} if qualifier else {}
    lam.add_permission(FunctionName=name, StatementId="url", Principal="*",
                       Action="lambda:InvokeFunctionUrl", FunctionUrlAuthType="NONE", **extra)


def call(node: RunningNode, function_url: str, method: str = "GET",
         **kwargs: Any) -> httpx.Response:
    """A request to a URL by the node's own address (needs no DNS)."""
    url_id = function_url.split("//", 1)[1].split(".", 1)[0]
    return httpx.request(method, f"{node.url}/_aws/lambda-url/{url_id}/", **kwargs)


def refused(excinfo: Any) -> tuple[str, str]:
    code, message, _ = error_of(excinfo)
    return code, message


# ---------------------------------------------------------------- creating and calling

def test_create_answers_the_url_and_it_is_live_at_once(node, lam, name):
    allow_public(lam, name)
    created = lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    url = created["FunctionUrl"]
    url_id = url.split("//", 1)[1].split(".", 1)[0]
    assert url == f"http://{url_id}.lambda-url.localhost:{node.port}/"
    assert len(url_id) == 32 and url_id.isalnum() and url_id.islower()
    assert (created["FunctionArn"], created["AuthType"]) == (f"{ARN}:{name}", "NONE")
    # As AWS answers: the InvokeMode only when the request named one.
    assert "InvokeMode" not in created
    assert created["CreationTime"].endswith("Z") and "LastModifiedTime" not in created
    assert "Cors" not in created
    r = call(node, url)
    assert (r.status_code, r.text) == (200, f"{ARN}:{name}")
    by_host = httpx.get(f"{node.url}/x",
                        headers={"Host": f"{url_id}.lambda-url.localhost:{node.port}"})
    assert by_host.status_code == 200
    got = lam.get_function_url_config(FunctionName=name)
    assert got["FunctionUrl"] == url and got["LastModifiedTime"] == created["CreationTime"]
    listed = lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]
    assert [c["FunctionUrl"] for c in listed] == [url]


def test_a_none_url_without_the_permission_is_forbidden(node, lam, name):
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    r = call(node, url)
    assert r.status_code == 403
    assert r.headers["x-amzn-errortype"] == "AccessDeniedException"
    allow_public(lam, name)
    assert call(node, url).status_code == 200


def test_an_aws_iam_url_refuses_an_unsigned_request(node, lam, name):
    allow_public(lam, name)
    url = lam.create_function_url_config(FunctionName=name, AuthType="AWS_IAM")["FunctionUrl"]
    assert call(node, url).status_code == 403


def test_an_alias_url_invokes_the_alias(node, lam, name):
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="$LATEST")
    allow_public(lam, name, "live")
    created = lam.create_function_url_config(FunctionName=name, Qualifier="live",
                                             AuthType="NONE", InvokeMode="RESPONSE_STREAM")
    assert (created["FunctionArn"], created["InvokeMode"]) == \
        (f"{ARN}:{name}:live", "RESPONSE_STREAM")
    # The alias's URL is another URL than the function's own.
    own = lam.create_function_url_config(FunctionName=f"{ARN}:{name}", AuthType="NONE")
    assert own["FunctionUrl"] != created["FunctionUrl"]
    assert call(node, created["FunctionUrl"]).status_code == 200
    by_arn = lam.get_function_url_config(FunctionName=f"{name}:live")
    assert by_arn["FunctionUrl"] == created["FunctionUrl"]
    listed = lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]
    assert sorted(c["FunctionArn"] for c in listed) == [f"{ARN}:{name}", f"{ARN}:{name}:live"]
    # Deleting the alias takes its URL out of the Lambda API.
    lam.delete_alias(FunctionName=name, Name="live")
    assert call(node, created["FunctionUrl"]).status_code == 403
    listed = lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]
    assert [c["FunctionArn"] for c in listed] == [f"{ARN}:{name}"]


def test_an_alias_url_outlives_its_alias_as_forbidden(node, lam, name):
    # Recorded against AWS: after DeleteAlias the URL's config is gone, but its address
    # still answers Lambda's Forbidden, not an unknown URL's {"Message": null}.
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="$LATEST")
    allow_public(lam, name, "live")
    url = lam.create_function_url_config(FunctionName=name, Qualifier="live",
                                         AuthType="NONE")["FunctionUrl"]
    assert call(node, url, "POST", content="text").status_code == 200
    deleted = lam.delete_alias(FunctionName=name, Name="live")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    r = call(node, url, "POST", content="text")
    assert (r.status_code, r.json()) == (403, {"Message": FORBIDDEN})
    assert r.headers["x-amzn-errortype"] == "AccessDeniedException"
    assert r.headers["content-type"] == "application/json"
    with pytest.raises(ClientError) as caught:
        lam.get_function_url_config(FunctionName=name, Qualifier="live")
    assert error_of(caught)[0] == "ResourceNotFoundException"
    assert lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"] == []
    # The alias made again does not bring the old config back: its URL is made anew, at
    # another address, and the old one stays forbidden.
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="$LATEST")
    assert call(node, url).json() == {"Message": FORBIDDEN}
    with pytest.raises(ClientError) as caught:
        lam.update_function_url_config(FunctionName=name, Qualifier="live", AuthType="NONE")
    assert refused(caught) == ("ResourceNotFoundException", NO_RESOURCE)
    again = lam.create_function_url_config(FunctionName=name, Qualifier="live",
                                           AuthType="NONE")["FunctionUrl"]
    assert again != url and call(node, again).status_code == 200
    listed = lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]
    assert [c["FunctionUrl"] for c in listed] == [again]


def test_cors_is_applied(node, lam, name):
    allow_public(lam, name)
    cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"],
            "AllowHeaders": ["x-token"], "ExposeHeaders": ["x-trace"], "MaxAge": 300,
            "AllowCredentials": True}
    created = lam.create_function_url_config(FunctionName=name, AuthType="NONE", Cors=cors)
    assert created["Cors"] == cors
    preflight = call(node, created["FunctionUrl"], "OPTIONS", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert preflight.headers["access-control-max-age"] == "300"
    r = call(node, created["FunctionUrl"], headers={"Origin": "https://app.example"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "https://app.example"
    assert r.headers["access-control-expose-headers"] == "x-trace"


# ---------------------------------------------------------------- updating and deleting

def test_update_changes_cors_and_auth_type(node, lam, name):
    allow_public(lam, name)
    created = lam.create_function_url_config(
        FunctionName=name, AuthType="NONE", Cors={"AllowOrigins": ["https://a.example"]})
    url = created["FunctionUrl"]
    updated = lam.update_function_url_config(
        FunctionName=name, Cors={"AllowOrigins": ["https://b.example"], "MaxAge": 60})
    assert updated["Cors"] == {"AllowOrigins": ["https://b.example"], "MaxAge": 60}
    assert (updated["FunctionUrl"], updated["AuthType"]) == (url, "NONE")
    assert "InvokeMode" not in updated
    assert updated["CreationTime"] == created["CreationTime"]
    assert updated["LastModifiedTime"] > created["CreationTime"]
    r = call(node, url, headers={"Origin": "https://b.example"})
    assert r.headers["access-control-allow-origin"] == "https://b.example"
    # AuthType alone: the CORS settings stay.
    updated = lam.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert updated["AuthType"] == "AWS_IAM" and updated["Cors"]["MaxAge"] == 60
    assert call(node, url).status_code == 403
    assert lam.get_function_url_config(FunctionName=name)["AuthType"] == "AWS_IAM"
    # An empty Cors removes it.
    updated = lam.update_function_url_config(FunctionName=name, Cors={}, AuthType="NONE")
    assert "Cors" not in updated
    r = call(node, url, headers={"Origin": "https://b.example"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


def test_delete_takes_the_url_away(node, lam, name):
    allow_public(lam, name)
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    deleted = lam.delete_function_url_config(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    r = call(node, url)
    # The URL front end knows no such URL: nothing to name in its refusal.
    assert (r.status_code, r.json()) == (403, {"Message": None})
    with pytest.raises(ClientError) as caught:
        lam.get_function_url_config(FunctionName=name)
    assert refused(caught) == ("ResourceNotFoundException", NO_RESOURCE)
    # A URL made again has another address, as on AWS.
    again = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    assert again != url and call(node, again).status_code == 200


def test_deleting_the_function_takes_its_url_away(node, lam, name):
    allow_public(lam, name)
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    lam.delete_function(FunctionName=name)
    assert call(node, url).status_code == 403
    # A function of the same name made again has no URL.
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                        Handler="app.handler", Code={"ZipFile": package()})
    assert lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"] == []


# ---------------------------------------------------------------- refused

def test_a_second_url_is_a_conflict(lam, name):
    lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    with pytest.raises(ClientError) as caught:
        lam.create_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert error_of(caught) == (
        "ResourceConflictException",
        f"Failed to create function url config for [functionArn = {ARN}:{name}]. Error "
        "message:  FunctionUrlConfig exists for this Lambda function", 409)


@pytest.mark.parametrize("operation, params, message", [
    ("create_function_url_config", {"AuthType": "NONE"}, "Function does not exist"),
    ("update_function_url_config", {"AuthType": "NONE"}, "Function does not exist"),
    ("delete_function_url_config", {}, NO_RESOURCE),
])
def test_an_unknown_function_is_not_found(lam, operation, params, message):
    with pytest.raises(ClientError) as caught:
        getattr(lam, operation)(FunctionName="no-such-function", **params)
    assert error_of(caught) == ("ResourceNotFoundException", message, 404)


@pytest.mark.parametrize("operation, params, message", [
    ("create_function_url_config", {"AuthType": "NONE"}, "Function does not exist"),
    ("update_function_url_config", {"AuthType": "NONE"}, "Function does not exist"),
    ("delete_function_url_config", {}, NO_RESOURCE),
])
def test_an_unknown_alias_is_not_found(lam, name, operation, params, message):
    with pytest.raises(ClientError) as caught:
        getattr(lam, operation)(FunctionName=name, Qualifier="nope", **params)
    assert refused(caught) == ("ResourceNotFoundException", message)


@pytest.mark.parametrize("operation, params", [
    ("update_function_url_config", {"AuthType": "NONE"}),
    ("delete_function_url_config", {}),
])
def test_a_missing_url_is_not_found(lam, name, operation, params):
    with pytest.raises(ClientError) as caught:
        getattr(lam, operation)(FunctionName=name, **params)
    assert refused(caught) == ("ResourceNotFoundException", NO_RESOURCE)


@pytest.mark.parametrize("operation, params", [
    ("create_function_url_config", {"AuthType": "NONE"}),
    ("update_function_url_config", {"AuthType": "NONE"}),
    ("delete_function_url_config", {}),
])
def test_a_template_function_keeps_its_url_to_its_template(lam, operation, params):
    with pytest.raises(ClientError) as caught:
        getattr(lam, operation)(FunctionName="tpl", **params)
    code, message, status = error_of(caught)
    assert (code, status) == ("NotImplemented", 501)
    assert "deployed from the app's SAM template" in message


def _broken(value: str, member: str, constraint: str) -> str:
    return f"Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"


ITEM = ("Member must satisfy constraint: [Member must have length less than or equal to {}, "
        "Member must have length greater than or equal to {}, Member must satisfy regular "
        "expression pattern: .*, Member must not be null]")


@pytest.mark.parametrize("params, message", [
    ({"AuthType": "PUBLIC"}, _broken("PUBLIC", "authType",
                                     "Member must satisfy enum value set: [NONE, AWS_IAM]")),
    ({"AuthType": "NONE", "InvokeMode": "STREAM"},
     _broken("STREAM", "invokeMode",
             "Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]")),
    ({"AuthType": "NONE", "Qualifier": "$LATEST"},
     _broken("$LATEST", "qualifier",
             f"Member must satisfy regular expression pattern: {QUALIFIER_PATTERN}")),
    ({"AuthType": "NONE", "Qualifier": "1"},
     _broken("1", "qualifier",
             f"Member must satisfy regular expression pattern: {QUALIFIER_PATTERN}")),
    ({"AuthType": "NONE", "Cors": {"AllowMethods": ["GET", "OPTIONS"]}},
     _broken("[GET, OPTIONS]", "cors.allowMethods", ITEM.format(6, 0))),
    ({"AuthType": "NONE", "Cors": {"AllowMethods": ["GET"] * 7}},
     _broken("[" + ", ".join(["GET"] * 7) + "]", "cors.allowMethods",
             "Member must have length less than or equal to 6")),
    ({"AuthType": "NONE", "Cors": {"AllowOrigins": [""]}},
     _broken("[]", "cors.allowOrigins", ITEM.format(253, 1))),
    ({"AuthType": "NONE", "Cors": {"AllowHeaders": ["h" * 1025]}},
     _broken(f"[{'h' * 1025}]", "cors.allowHeaders", ITEM.format(1024, 0))),
    ({"AuthType": "NONE", "Cors": {"ExposeHeaders": ["h"] * 101}},
     _broken("[" + ", ".join(["h"] * 101) + "]", "cors.exposeHeaders",
             "Member must have length less than or equal to 100")),
    ({"AuthType": "NONE", "Cors": {"MaxAge": 86401}},
     _broken("86401", "cors.maxAge", "Member must have value less than or equal to 86400")),
    ({"AuthType": "NONE", "Cors": {"MaxAge": -1}},
     _broken("-1", "cors.maxAge", "Member must have value greater than or equal to 0")),
])
def test_a_bad_create_request_is_refused(raw, lam, name, params, message):
    with pytest.raises(ClientError) as caught:
        raw.create_function_url_config(FunctionName=name, **params)
    assert error_of(caught) == ("ValidationException", f"1 validation error detected: {message}",
                                400)
    assert lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"] == []


def test_every_broken_cors_constraint_is_named(raw, name):
    with pytest.raises(ClientError) as caught:
        raw.create_function_url_config(FunctionName=name, AuthType="NONE", Cors={
            "AllowMethods": ["GET"] * 7, "MaxAge": 86401})
    code, message, _ = error_of(caught)
    assert code == "ValidationException"
    assert message.startswith("2 validation errors detected: Value '[GET, ")
    assert "; Value '86401' at 'cors.maxAge'" in message


def test_a_derived_qualifier_must_match(lam, name):
    with pytest.raises(ClientError) as caught:
        lam.create_function_url_config(FunctionName=f"{name}:live", Qualifier="other",
                                       AuthType="NONE")
    assert refused(caught) == (
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.")


@pytest.mark.parametrize("params, message", [
    ({"AuthType": "OPEN"}, _broken("OPEN", "authType",
                                   "Member must satisfy enum value set: [NONE, AWS_IAM]")),
    ({"InvokeMode": "x"}, _broken("x", "invokeMode",
                                  "Member must satisfy enum value set: [RESPONSE_STREAM, "
                                  "BUFFERED]")),
    ({"Cors": {"MaxAge": 100000}},
     _broken("100000", "cors.maxAge", "Member must have value less than or equal to 86400")),
    ({"Qualifier": "$LATEST"},
     _broken("$LATEST", "qualifier",
             f"Member must satisfy regular expression pattern: {QUALIFIER_PATTERN}")),
])
def test_a_bad_update_request_is_refused(raw, lam, name, params, message):
    lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    with pytest.raises(ClientError) as caught:
        raw.update_function_url_config(FunctionName=name, **params)
    assert error_of(caught) == ("ValidationException", f"1 validation error detected: {message}",
                                400)
    assert lam.get_function_url_config(FunctionName=name)["AuthType"] == "NONE"


def test_a_bad_delete_qualifier_is_refused(lam, name):
    with pytest.raises(ClientError) as caught:
        lam.delete_function_url_config(FunctionName=name, Qualifier="2")
    assert refused(caught) == ("ValidationException", "1 validation error detected: " + _broken(
        "2", "qualifier", f"Member must satisfy regular expression pattern: {QUALIFIER_PATTERN}"))


# ---------------------------------------------------------------- restarts

def test_a_url_is_kept_across_a_restart(tmp_path):
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "src" / "app.py").write_text(HANDLER)
    (app / "template.yaml").write_text(TEMPLATE)
    first = start(app)
    try:
        lam = client_of(first)
        lam.create_function(FunctionName="kept", Runtime="python3.12", Role=ROLE,
                            Handler="app.handler", Code={"ZipFile": package()})
        allow_public(lam, "kept")
        created = lam.create_function_url_config(
            FunctionName="kept", AuthType="NONE", Cors={"AllowOrigins": ["https://a.example"]})
        updated = lam.update_function_url_config(FunctionName="kept", InvokeMode="BUFFERED")
        lam.create_alias(FunctionName="kept", Name="gone", FunctionVersion="$LATEST")
        orphan = lam.create_function_url_config(FunctionName="kept", Qualifier="gone",
                                                AuthType="NONE")["FunctionUrl"]
        lam.delete_alias(FunctionName="kept", Name="gone")
    finally:
        first.stop()
    second = start(app)
    try:
        lam = client_of(second)
        got = lam.get_function_url_config(FunctionName="kept")
        url_id = created["FunctionUrl"].split("//", 1)[1].split(".", 1)[0]
        assert got["FunctionUrl"] == f"http://{url_id}.lambda-url.localhost:{second.port}/"
        assert (got["CreationTime"], got["LastModifiedTime"], got["Cors"]) == \
            (created["CreationTime"], updated["LastModifiedTime"],
             {"AllowOrigins": ["https://a.example"]})
        r = call(second, got["FunctionUrl"], headers={"Origin": "https://a.example"})
        assert (r.status_code, r.text) == (200, f"{ARN}:kept")
        assert r.headers["access-control-allow-origin"] == "https://a.example"
        # The URL of an alias deleted before the restart still answers Forbidden.
        assert call(second, orphan).json() == {"Message": FORBIDDEN}
        assert [c["FunctionUrl"] for c in lam.list_function_url_configs(
            FunctionName="kept")["FunctionUrlConfigs"]] == [got["FunctionUrl"]]
    finally:
        second.stop()
