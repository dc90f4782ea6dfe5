"""The Lambda control plane: functions made, changed, published and deleted through the
Lambda API of a real `fogbank up`, driven by boto3 and the AWS CLI, and every request
that can be wrong sent wrong."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import zipfile
import zlib
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from botocore.exceptions import ClientError

from fogbank.testing import BIN, RunningNode, clean_env

from .conftest import error_of, node_client as client_of

ARN = "arn:aws:lambda:us-east-1:000000000000:function"
ROLE = "arn:aws:iam::000000000000:role/service-role"
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Tpl:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: tpl
      CodeUri: src
      Handler: app.handler
      Runtime: python3.11
"""
HANDLER = """\
import os
def handler(event, context):
    return {"answer": ANSWER, "version": context.function_version,
            "stage": os.environ.get("STAGE"), "event": event}
"""


def package(answer: Any = 1, **files: str) -> bytes:
    """A zip holding app.py (its handler answers `answer`) and any other files."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        if "app.py" not in files:
            archive.writestr("app.py", HANDLER.replace("ANSWER", repr(answer)))
        for name, text in files.items():
            archive.writestr(name, text)
    return buf.getvalue()


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    app_dir = tmp_path_factory.mktemp("control")
    (app_dir / "src").mkdir()
    (app_dir / "src" / "app.py").write_text(HANDLER.replace("ANSWER", "'template'"))
    (app_dir / "template.yaml").write_text(TEMPLATE)
    running = RunningNode(app_dir, "--no-watch")
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture
def name(request: pytest.FixtureRequest, lam: Any) -> Iterator[str]:
    """A fresh function name for one test, deleted after it."""
    test = request.node.name
    fn = test.split("[")[0].replace("test_", "f-")[:50] + \
        (f"-{zlib.crc32(test.encode()) % 10000}" if "[" in test else "")
    yield fn
    try:
        lam.delete_function(FunctionName=fn)
    except ClientError:
        pass


def create(lam: Any, name: str, **extra: Any) -> dict[str, Any]:
    params = {"FunctionName": name, "Runtime": "python3.12", "Role": ROLE,
              "Handler": "app.handler", "Code": {"ZipFile": package()}, **extra}
    return lam.create_function(**params)


def invoke(lam: Any, name: str, **extra: Any) -> dict[str, Any]:
    response = lam.invoke(FunctionName=name, **extra)
    assert "FunctionError" not in response, response["Payload"].read()
    return json.loads(response["Payload"].read())


# ---------------------------------------------------------------- creating

def test_create_function_answers_its_configuration(lam, name):
    data = package()
    created = create(lam, name, Description="made by a test", Timeout=7, MemorySize=256,
                     Environment={"Variables": {"STAGE": "dev"}}, Tags={"team": "core"},
                     Architectures=["arm64"], EphemeralStorage={"Size": 1024})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert created["CodeSize"] == len(data)
    assert (created["FunctionName"], created["FunctionArn"]) == (name, f"{ARN}:{name}")
    assert (created["Runtime"], created["Handler"], created["Role"]) == \
        ("python3.12", "app.handler", ROLE)
    assert (created["Timeout"], created["MemorySize"], created["Description"]) == \
        (7, 256, "made by a test")
    assert created["Environment"] == {"Variables": {"STAGE": "dev"}}
    assert created["Architectures"] == ["arm64"]
    assert created["EphemeralStorage"] == {"Size": 1024}
    # Lambda answers before the function is ready; a read finds it Active.
    assert (created["State"], created["StateReasonCode"], created["Version"]) == \
        ("Pending", "Creating", "$LATEST")
    assert "LastUpdateStatus" not in created
    assert created["RevisionId"] and created["LastModified"].endswith("+0000")
    got = lam.get_function(FunctionName=name)
    assert got["Configuration"]["CodeSha256"] == created["CodeSha256"]
    # Turning Active is a revision of its own, as on Lambda.
    assert got["Configuration"]["RevisionId"] != created["RevisionId"]
    assert got["Tags"] == {"team": "core"}
    assert name in [f["FunctionName"] for f in lam.list_functions()["Functions"]]


def test_a_created_function_is_invoked_and_waited_for(lam, name):
    create(lam, name, Environment={"Variables": {"STAGE": "dev"}})
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    lam.get_waiter("function_exists").wait(FunctionName=name)
    assert invoke(lam, name, Payload=b'{"a": 1}') == {
        "answer": 1, "version": "$LATEST", "stage": "dev", "event": {"a": 1}}


def test_its_code_link_downloads_the_code(lam, name):
    create(lam, name, Code={"ZipFile": package(2, **{"lib/util.py": "X = 1\n"})})
    location = lam.get_function(FunctionName=name)["Code"]["Location"]
    archive = zipfile.ZipFile(io.BytesIO(httpx.get(location).content))
    assert sorted(archive.namelist()) == ["app.py", "lib/util.py"]


def test_its_logs_are_kept(node, lam, name):
    create(lam, name, Code={"ZipFile": package(3, **{
        "app.py": "def handler(event, context):\n    print('hello from the api')\n"})})
    lam.invoke(FunctionName=name)
    assert "hello from the api" in node.logs(name)


def test_create_with_publish_answers_version_1(lam, name):
    created = create(lam, name, Publish=True)
    # Lambda names the function's own ARN here (recorded: test_publish_version_on_create).
    assert (created["Version"], created["FunctionArn"]) == ("1", f"{ARN}:{name}")
    assert invoke(lam, name, Qualifier="1")["version"] == "1"


def test_create_from_an_object_in_a_bucket(node, lam, name):
    s3 = client_of(node, "s3")
    s3.create_bucket(Bucket="control-plane-code")
    s3.put_object(Bucket="control-plane-code", Key="pkg/f.zip", Body=package("from s3"))
    create(lam, name, Code={"S3Bucket": "control-plane-code", "S3Key": "pkg/f.zip"})
    assert invoke(lam, name)["answer"] == "from s3"


@pytest.mark.parametrize("code, message", [
    ({"S3Bucket": "control-plane-nowhere", "S3Key": "f.zip"},
     "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The "
     "specified bucket does not exist"),
    ({"S3Bucket": "control-plane-code", "S3Key": "missing.zip"},
     "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The "
     "specified key does not exist."),
])
def test_a_package_missing_from_s3_is_refused(node, lam, name, code, message):
    client_of(node, "s3").create_bucket(Bucket="control-plane-code")
    with pytest.raises(ClientError) as caught:
        create(lam, name, Code=code)
    assert error_of(caught) == ("InvalidParameterValueException", message, 400)


def zip_with(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", HANDLER.replace("ANSWER", "1"))
        for entry, data in entries:
            archive.writestr(entry, data)
    return buf.getvalue()


def _symlink() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("link")
    info.external_attr = (0o120777 << 16)
    return info


UNZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."


@pytest.mark.parametrize("data", [
    b"not a zip at all",
    package()[:-30],                                    # cut short
    zip_with([("../escaped.py", b"x = 1\n")]),
    zip_with([("a/../../escaped.py", b"x = 1\n")]),
    zip_with([("/tmp/absolute.py", b"x = 1\n")]),
    zip_with([(_symlink(), b"/etc/passwd")]),
], ids=["garbage", "truncated", "parent", "nested-parent", "absolute", "symlink"])
def test_a_bad_package_is_refused(lam, name, data, tmp_path):
    with pytest.raises(ClientError) as caught:
        create(lam, name, Code={"ZipFile": data})
    assert error_of(caught) == ("InvalidParameterValueException", UNZIP, 400)
    with pytest.raises(ClientError) as caught:
        lam.get_function(FunctionName=name)
    assert error_of(caught)[0] == "ResourceNotFoundException"


def test_a_duplicate_name_is_refused(lam, name):
    create(lam, name)
    for taken in (name, "tpl"):
        with pytest.raises(ClientError) as caught:
            create(lam, taken)
        assert error_of(caught) == ("ResourceConflictException",
                                    f"Function already exist: {taken}", 409)


RUNTIME_HANDLER = ("Runtime and Handler are mandatory parameters for functions created with "
                   "deployment packages.")


@pytest.mark.parametrize("change, code, message", [
    ({"Runtime": "nodejs20.x"}, "InvalidParameterValueException",
     "The runtime parameter of nodejs20.x is not supported here: Fogbank runs Python "
     "functions (python3.x)."),
    ({"Runtime": "python9"}, "InvalidParameterValueException",
     "Value python9 at 'runtime' failed to satisfy constraint: Member must satisfy enum value "
     "set: ["),
    ({"Runtime": None}, "InvalidParameterValueException", RUNTIME_HANDLER),
    ({"Handler": None}, "InvalidParameterValueException", RUNTIME_HANDLER),
    ({"Role": None}, "ValidationException",
     "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member "
     "must not be null"),
    ({"Role": "my-role"}, "ValidationException",
     "1 validation error detected: Value 'my-role' at 'role' failed to satisfy constraint: "
     "Member must satisfy regular expression pattern: "
     "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"),
    ({"Timeout": 901}, "ValidationException",
     "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: "
     "Member must have value less than or equal to 900"),
    ({"Timeout": 0}, "ValidationException",
     "1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: "
     "Member must have value greater than or equal to 1"),
    ({"MemorySize": 64}, "ValidationException",
     "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: "
     "Member must have value greater than or equal to 128"),
    ({"MemorySize": 10241}, "ValidationException",
     "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy "
     "constraint: Member must have value less than or equal to 10240"),
    ({"EphemeralStorage": {"Size": 100}}, "ValidationException",
     "1 validation error detected: Value '100' at 'ephemeralStorage.size' failed to satisfy "
     "constraint: Member must have value greater than or equal to 512"),
    ({"LoggingConfig": {"LogFormat": "Text", "ApplicationLogLevel": "DEBUG"}},
     "InvalidParameterValueException",
     'LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel from your '
     'request or change the LogFormat to "JSON" and try again.'),
    ({"Layers": ["arn:aws:lambda:us-east-1:000000000000:layer:nope:1"]},
     "InvalidParameterValueException",
     "Layer version arn:aws:lambda:us-east-1:000000000000:layer:nope:1 does not exist."),
    ({"PackageType": "Image", "Code": {"ImageUri": "123.dkr.ecr/x:latest"}},
     "InvalidParameterValueException",
     "Container image functions (PackageType Image, ImageUri) are not supported here: "
     "Fogbank runs .zip packages of Python functions."),
    ({"Code": {}}, "InvalidParameterValueException",
     "Please provide a source for function code: ZipFile, or S3Bucket and S3Key."),
])
def test_a_bad_create_request_is_refused(node, name, change, code, message):
    # Sent as it is: boto3 would refuse some of these before sending them.
    lam = client_of(node, parameter_validation=False)
    params = {"FunctionName": name, "Runtime": "python3.12", "Role": ROLE,
              "Handler": "app.handler", "Code": {"ZipFile": package()}, **change}
    with pytest.raises(ClientError) as caught:
        lam.create_function(**{k: v for k, v in params.items() if v is not None})
    got_code, got_message, status = error_of(caught)
    assert (got_code, status) == (code, 400)
    assert got_message.startswith(message), got_message


def test_json_logging_config_is_kept(lam, name):
    created = create(lam, name, LoggingConfig={"LogFormat": "JSON"})
    assert created["LoggingConfig"] == {"LogFormat": "JSON", "ApplicationLogLevel": "INFO",
                                        "SystemLogLevel": "INFO", "LogGroup": f"/aws/lambda/{name}"}


# ---------------------------------------------------------------- changing

def test_update_code_serves_the_new_code_at_once(lam, name):
    created = create(lam, name)
    assert invoke(lam, name)["answer"] == 1        # a warm worker of the old code
    updated = lam.update_function_code(FunctionName=name, ZipFile=package(2))
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert updated["CodeSha256"] != created["CodeSha256"]
    assert updated["RevisionId"] != created["RevisionId"]
    assert invoke(lam, name)["answer"] == 2


def test_update_code_with_publish_makes_a_version(lam, name):
    create(lam, name)
    updated = lam.update_function_code(FunctionName=name, ZipFile=package(2), Publish=True)
    assert updated["Version"] == "1"
    assert invoke(lam, name, Qualifier="1")["answer"] == 2


def test_a_stale_revision_is_refused(lam, name):
    create(lam, name)
    created = lam.get_function(FunctionName=name)["Configuration"]
    lam.update_function_configuration(FunctionName=name, Description="moved on",
                                      RevisionId=created["RevisionId"])
    stale = ("PreconditionFailedException", "The Revision Id provided does not match the "
             "latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest "
             "Revision Id", 412)
    with pytest.raises(ClientError) as caught:
        lam.update_function_code(FunctionName=name, ZipFile=package(2),
                                 RevisionId=created["RevisionId"])
    assert error_of(caught) == stale
    with pytest.raises(ClientError) as caught:
        lam.update_function_configuration(FunctionName=name, Timeout=5,
                                          RevisionId=created["RevisionId"])
    assert error_of(caught) == stale
    with pytest.raises(ClientError) as caught:
        lam.publish_version(FunctionName=name, RevisionId=created["RevisionId"])
    assert error_of(caught) == stale


def test_update_code_refuses_a_bad_zip(lam, name):
    create(lam, name)
    with pytest.raises(ClientError) as caught:
        lam.update_function_code(FunctionName=name, ZipFile=b"PK\x03\x04 broken")
    assert error_of(caught) == ("InvalidParameterValueException", UNZIP, 400)
    assert invoke(lam, name)["answer"] == 1


def test_update_configuration_changes_what_runs(lam, name):
    create(lam, name)
    updated = lam.update_function_configuration(
        FunctionName=name, Environment={"Variables": {"STAGE": "prod"}}, Timeout=9,
        Description="second")
    assert (updated["Timeout"], updated["Description"]) == (9, "second")
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert invoke(lam, name)["stage"] == "prod"
    config = lam.get_function_configuration(FunctionName=name)
    assert config["Environment"] == {"Variables": {"STAGE": "prod"}}
    assert config["Handler"] == "app.handler"        # what was not named is kept


def test_update_configuration_refuses_bad_values(lam, name):
    create(lam, name)
    with pytest.raises(ClientError) as caught:
        lam.update_function_configuration(FunctionName=name, Timeout=1000)
    assert error_of(caught)[0] == "ValidationException"
    with pytest.raises(ClientError) as caught:
        lam.update_function_configuration(FunctionName=name, Runtime="ruby3.3")
    assert error_of(caught)[0] == "InvalidParameterValueException"
    assert lam.get_function_configuration(FunctionName=name)["Timeout"] == 3


def test_delete_function(lam, name):
    create(lam, name)
    assert lam.delete_function(FunctionName=name)["ResponseMetadata"]["HTTPStatusCode"] in (200, 204)
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=name)
    assert error_of(caught) == ("ResourceNotFoundException",
                                f"Function not found: {ARN}:{name}:$LATEST", 404)
    create(lam, name)                       # the name is free again
    assert invoke(lam, name)["answer"] == 1


def test_delete_function_latest_qualifier_is_refused(lam, name):
    create(lam, name)
    with pytest.raises(ClientError) as caught:
        lam.delete_function(FunctionName=name, Qualifier="$LATEST")
    assert error_of(caught) == ("InvalidParameterValueException", "$LATEST version cannot be "
                                "deleted without deleting the function.", 400)


def test_delete_one_version(lam, name):
    create(lam, name, Publish=True)
    lam.update_function_code(FunctionName=name, ZipFile=package(2), Publish=True)
    lam.delete_function(FunctionName=name, Qualifier="1")
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]]
    assert versions == ["$LATEST", "2"]
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=name, Qualifier="1")
    assert error_of(caught)[0] == "ResourceNotFoundException"
    assert invoke(lam, name, Qualifier="2")["answer"] == 2
    with pytest.raises(ClientError) as caught:
        lam.delete_function(FunctionName=name, Qualifier="7")
    assert error_of(caught) == ("ResourceNotFoundException",
                                f"Function not found: {ARN}:{name}:7", 404)


# ---------------------------------------------------------------- versions and aliases

def test_a_version_keeps_its_code_and_configuration(lam, name):
    create(lam, name, Environment={"Variables": {"STAGE": "one"}})
    published = lam.publish_version(FunctionName=name, Description="first cut")
    assert (published["Version"], published["Description"]) == ("1", "first cut")
    assert published["ResponseMetadata"]["HTTPStatusCode"] == 201
    lam.update_function_code(FunctionName=name, ZipFile=package(2))
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"STAGE": "two"}},
                                      MemorySize=512)
    assert invoke(lam, name) == {"answer": 2, "version": "$LATEST", "stage": "two", "event": {}}
    assert invoke(lam, name, Qualifier="1") == {"answer": 1, "version": "1", "stage": "one",
                                                 "event": {}}
    one = lam.get_function_configuration(FunctionName=name, Qualifier="1")
    assert (one["MemorySize"], one["CodeSha256"]) == (128, published["CodeSha256"])
    # Nothing changed since version 2: publishing again answers version 2.
    assert lam.publish_version(FunctionName=name)["Version"] == "2"
    assert lam.publish_version(FunctionName=name)["Version"] == "2"


def test_publish_refuses_a_different_code_sha(lam, name):
    create(lam, name)
    with pytest.raises(ClientError) as caught:
        lam.publish_version(FunctionName=name, CodeSha256="abc")
    code, message, _ = error_of(caught)
    assert code == "InvalidParameterValueException" and "CodeSHA256 (abc)" in message


def test_aliases(lam, name):
    create(lam, name, Publish=True)
    lam.update_function_code(FunctionName=name, ZipFile=package(2), Publish=True)
    alias = lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                             Description="the live one")
    assert (alias["AliasArn"], alias["FunctionVersion"], alias["Description"]) == \
        (f"{ARN}:{name}:live", "1", "the live one")
    assert alias["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert invoke(lam, name, Qualifier="live")["answer"] == 1
    moved = lam.update_alias(FunctionName=name, Name="live", FunctionVersion="2")
    assert moved["Description"] == "the live one" and moved["RevisionId"] != alias["RevisionId"]
    assert invoke(lam, name, Qualifier="live")["answer"] == 2
    weighted = lam.update_alias(FunctionName=name, Name="live", RoutingConfig={
        "AdditionalVersionWeights": {"1": 1.0}})
    assert weighted["RoutingConfig"] == {"AdditionalVersionWeights": {"1": 1.0}}
    assert invoke(lam, name, Qualifier="live")["answer"] == 1     # all of it goes to 1
    assert lam.get_alias(FunctionName=name, Name="live")["Description"] == "the live one"
    with pytest.raises(ClientError) as caught:
        lam.delete_function(FunctionName=name, Qualifier="1")
    assert error_of(caught) == ("ResourceConflictException", "Unable to delete version "
                                "because the following aliases reference it: [live]", 409)
    lam.delete_alias(FunctionName=name, Name="live")
    assert lam.list_aliases(FunctionName=name)["Aliases"] == []


def test_bad_alias_requests(lam, name):
    create(lam, name, Publish=True)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    cases = [
        (dict(Name="live", FunctionVersion="1"), "create",
         ("ResourceConflictException", f"Alias already exists: {ARN}:{name}:live", 409)),
        (dict(Name="next", FunctionVersion="5"), "create",
         ("ResourceNotFoundException", f"Function not found: {ARN}:{name}:5", 404)),
        (dict(Name="gone", FunctionVersion="1"), "update",
         ("ResourceNotFoundException", f"Alias not found: {ARN}:{name}:gone", 404)),
        (dict(Name="live", RevisionId="stale"), "update",
         ("PreconditionFailedException", "The Revision Id provided does not match the latest "
          "Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
          412)),
        (dict(Name="live", RoutingConfig={"AdditionalVersionWeights": {"9": 0.5}}), "update",
         ("ResourceNotFoundException", f"Function not found: {ARN}:{name}:9", 404)),
    ]
    for params, op, expected in cases:
        call = lam.create_alias if op == "create" else lam.update_alias
        with pytest.raises(ClientError) as caught:
            call(FunctionName=name, **params)
        assert error_of(caught) == expected, params


@pytest.mark.parametrize("version, weights, expected", [
    ("$LATEST", {"1": 0.5}, ("InvalidParameterValueException", "$LATEST is not supported for "
                             "an alias pointing to more than 1 version")),
    ("1", {"1": 0.5}, ("InvalidParameterValueException", "Invalid function version 1. "
                       "Function version 1 is already included in routing configuration.")),
    ("1", {"2": 0.5, "3": 0.1}, ("InvalidParameterValueException", "Number of items in "
                                 "AdditionalVersionWeights cannot be greater than 1")),
    ("1", {"2": 1.5}, ("ValidationException", "1 validation error detected: Value '{2=1.5}' "
                       "at 'routingConfig.additionalVersionWeights' failed to satisfy "
                       "constraint: Map value must satisfy constraint: [Member must have value "
                       "less than or equal to 1.0, Member must have value greater than or "
                       "equal to 0.0, Member must not be null]")),
])
def test_bad_routing_is_refused(node, name, version, weights, expected):
    lam = client_of(node, parameter_validation=False)
    create(lam, name, Publish=True)
    lam.update_function_code(FunctionName=name, ZipFile=package(2), Publish=True)
    with pytest.raises(ClientError) as caught:
        lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version,
                         RoutingConfig={"AdditionalVersionWeights": weights})
    assert error_of(caught)[:2] == expected


def test_an_oversized_package_is_refused(lam, name):
    with pytest.raises(ClientError) as caught:
        create(lam, name, Code={"ZipFile": b"\0" * (52_428_800 + 1)})
    assert error_of(caught) == ("RequestEntityTooLargeException", "Request must be smaller "
                                "than 69905067 bytes for the CreateFunction operation", 413)


# ---------------------------------------------------------------- the rest

def test_permissions_show_in_the_policy(lam, name):
    create(lam, name)
    added = lam.add_permission(FunctionName=name, StatementId="s3-invoke",
                               Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                               SourceArn="arn:aws:s3:::my-bucket")
    statement = json.loads(added["Statement"])
    assert statement["Sid"] == "s3-invoke"
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    policy = json.loads(lam.get_policy(FunctionName=name)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["s3-invoke"]
    with pytest.raises(ClientError) as caught:
        lam.add_permission(FunctionName=name, StatementId="s3-invoke",
                           Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert error_of(caught)[0] == "ResourceConflictException"
    lam.remove_permission(FunctionName=name, StatementId="s3-invoke")
    with pytest.raises(ClientError) as caught:
        lam.get_policy(FunctionName=name)
    assert error_of(caught)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as caught:
        lam.remove_permission(FunctionName=name, StatementId="s3-invoke")
    # With the last statement gone there is no policy left to look in.
    assert error_of(caught) == ("ResourceNotFoundException",
                                "No policy is associated with the given resource.", 404)


def test_reserved_concurrency_throttles(lam, name):
    create(lam, name)
    assert lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)[
        "ReservedConcurrentExecutions"] == 0
    assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 0
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=name)
    assert error_of(caught)[0] == "TooManyRequestsException"
    lam.delete_function_concurrency(FunctionName=name)
    assert invoke(lam, name)["answer"] == 1
    with pytest.raises(ClientError) as caught:
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=100000)
    assert error_of(caught) == ("InvalidParameterValueException", "Specified "
                                "ReservedConcurrentExecutions for function decreases account's "
                                "UnreservedConcurrentExecution below its minimum value of [100].",
                                400)


def test_tags(lam, name):
    arn = create(lam, name, Tags={"a": "1"})["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"b": "2"})
    assert lam.list_tags(Resource=arn)["Tags"] == {"a": "1", "b": "2"}
    lam.untag_resource(Resource=arn, TagKeys=["a"])
    assert lam.list_tags(Resource=arn)["Tags"] == {"b": "2"}
    with pytest.raises(ClientError) as caught:
        lam.tag_resource(Resource=f"{arn}:1", Tags={"c": "3"})
    assert error_of(caught)[0] == "InvalidParameterValueException"


def test_event_invoke_config(lam, name):
    create(lam, name)
    put = lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    assert put["MaximumRetryAttempts"] == 0 and put["FunctionArn"] == f"{ARN}:{name}:$LATEST"
    updated = lam.update_function_event_invoke_config(FunctionName=name,
                                                      MaximumEventAgeInSeconds=120)
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (0, 120)
    got = lam.get_function_event_invoke_config(FunctionName=name)
    assert got["MaximumEventAgeInSeconds"] == 120
    with pytest.raises(ClientError) as caught:
        lam.put_function_event_invoke_config(FunctionName=name, DestinationConfig={
            "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:000000000000:q"}})
    assert error_of(caught)[0] == "InvalidParameterValueException"
    lam.delete_function_event_invoke_config(FunctionName=name)
    with pytest.raises(ClientError) as caught:
        lam.delete_function_event_invoke_config(FunctionName=name)
    assert error_of(caught)[0] == "ResourceNotFoundException"


UNKNOWN = "no-such-function"
NOT_FOUND = ("ResourceNotFoundException", f"Function not found: {ARN}:{UNKNOWN}", 404)


@pytest.mark.parametrize("operation, params, message", [
    ("update_function_code", {"ZipFile": b"x"}, None),
    ("update_function_configuration", {"Timeout": 5}, None),
    ("delete_function", {}, None),
    ("publish_version", {}, None),
    # As Lambda words them: CreateAlias names the version, PutFunctionConcurrency $LATEST,
    # the asynchronous invocation settings only "the function".
    ("create_alias", {"Name": "live", "FunctionVersion": "1"},
     f"Function not found: {ARN}:{UNKNOWN}:1"),
    ("update_alias", {"Name": "live", "FunctionVersion": "1"}, None),
    ("delete_alias", {"Name": "live"}, None),
    ("add_permission", {"StatementId": "s", "Action": "lambda:InvokeFunction",
                        "Principal": "s3.amazonaws.com"}, None),
    ("remove_permission", {"StatementId": "s"}, f"No policy found for: {ARN}:{UNKNOWN}"),
    ("put_function_concurrency", {"ReservedConcurrentExecutions": 1},
     f"Function not found: {ARN}:{UNKNOWN}:$LATEST"),
    ("delete_function_concurrency", {}, None),
    ("put_function_event_invoke_config", {"MaximumRetryAttempts": 1},
     "The function doesn't exist."),
    ("update_function_event_invoke_config", {"MaximumRetryAttempts": 1},
     "The function doesn't exist."),
])
def test_an_unknown_function_is_not_found(lam, operation, params, message):
    with pytest.raises(ClientError) as caught:
        getattr(lam, operation)(FunctionName=UNKNOWN, **params)
    code, default, status = NOT_FOUND
    assert error_of(caught) == (code, message or default, status)


@pytest.mark.parametrize("operation", ["tag_resource", "untag_resource"])
def test_tagging_an_unknown_function_is_not_found(lam, operation):
    params = {"Tags": {"a": "b"}} if operation == "tag_resource" else {"TagKeys": ["a"]}
    with pytest.raises(ClientError) as caught:
        getattr(lam, operation)(Resource=f"{ARN}:{UNKNOWN}", **params)
    assert error_of(caught) == NOT_FOUND


@pytest.mark.parametrize("operation, params", [
    ("update_function_code", {"ZipFile": package()}),
    ("update_function_configuration", {"Timeout": 5}),
    ("delete_function", {}),
    ("publish_version", {}),
    ("create_alias", {"Name": "live", "FunctionVersion": "$LATEST"}),
    ("put_function_concurrency", {"ReservedConcurrentExecutions": 1}),
])
def test_a_template_function_keeps_to_its_template(lam, operation, params):
    with pytest.raises(ClientError) as caught:
        getattr(lam, operation)(FunctionName="tpl", **params)
    code, message, status = error_of(caught)
    assert (code, status) == ("NotImplemented", 501)
    assert "deployed from the app's SAM template" in message
    assert invoke(lam, "tpl")["answer"] == "template"


def test_the_aws_cli_creates_a_function(node, lam, name, tmp_path):
    zip_path = tmp_path / "function.zip"
    zip_path.write_bytes(package("cli"))
    done = subprocess.run(
        [str(BIN / "aws"), "lambda", "create-function", "--endpoint-url", node.url,
         "--function-name", name, "--runtime", "python3.12", "--role", ROLE,
         "--handler", "app.handler", "--zip-file", f"fileb://{zip_path}"],
        capture_output=True, text=True, timeout=60, env=clean_env())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["FunctionName"] == name
    done = subprocess.run(
        [str(BIN / "aws"), "lambda", "create-function", "--endpoint-url", node.url,
         "--function-name", name, "--runtime", "python3.12", "--role", ROLE,
         "--handler", "app.handler", "--zip-file", f"fileb://{zip_path}"],
        capture_output=True, text=True, timeout=60, env=clean_env())
    assert done.returncode != 0
    assert "ResourceConflictException" in done.stderr
    assert invoke(lam, name)["answer"] == "cli"


def test_invoke_with_response_stream(lam, name):
    create(lam, name)
    response = lam.invoke_with_response_stream(FunctionName=name, Payload=b'{"k": 1}',
                                               LogType="Tail")
    assert (response["StatusCode"], response["ExecutedVersion"]) == (200, "$LATEST")
    events = list(response["EventStream"])
    assert [list(e) for e in events] == [["PayloadChunk"], ["InvokeComplete"]]
    assert json.loads(events[0]["PayloadChunk"]["Payload"])["event"] == {"k": 1}
    assert "START RequestId" in base64.b64decode(events[1]["InvokeComplete"]["LogResult"]).decode()
    failing = package(**{"app.py": "def handler(e, c):\n    raise ValueError('no good')\n"})
    lam.update_function_code(FunctionName=name, ZipFile=failing)
    events = list(lam.invoke_with_response_stream(FunctionName=name)["EventStream"])
    assert events[1]["InvokeComplete"]["ErrorCode"] == "ValueError"
    assert events[1]["InvokeComplete"]["ErrorDetails"] == "no good"
    with pytest.raises(ClientError) as caught:
        lam.invoke_with_response_stream(FunctionName="no-such-function")
    assert error_of(caught)[0] == "ResourceNotFoundException"
    assert lam.invoke_with_response_stream(FunctionName=name,
                                           InvocationType="DryRun")["StatusCode"] == 204
