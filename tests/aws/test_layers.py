"""Lambda layers through the Lambda API of a real `fogbank up`, driven by boto3: versions
published, read, listed, deleted and shared, the template's layers listed beside them,
functions made through the API running with them, and every request that can be wrong
sent wrong."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode, serving

from .conftest import error_of, node_client as client_of

ACCOUNT = "000000000000"
LAYER = f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role"
NOT_FOUND = ("ResourceNotFoundException", "The resource you requested does not exist.", 404)
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: tpl-shared
      ContentUri: shared
      Description: from the template
      CompatibleRuntimes: [python3.12]
      LicenseInfo: MIT
  Tpl:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: tpl-with-layer
      CodeUri: src
      Handler: app.handler
      Runtime: python3.12
      Layers: [!Ref Shared]
"""
# A function that answers what the layers put on its path.
HANDLER = """\
def handler(event, context):
    import importlib
    return {name: importlib.import_module(name).VALUE for name in event["modules"]}
"""


def zipped(**files: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buf.getvalue()


def module(name: str, value: Any) -> bytes:
    """A layer whose python/ holds module `name`, whose VALUE is `value`."""
    return zipped(**{f"python/{name}.py": f"VALUE = {value!r}\n"})


def sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def write_app(app_dir: Path) -> Path:
    """The app: the template's layer, and a template function that uses it."""
    (app_dir / "shared" / "python").mkdir(parents=True)
    (app_dir / "shared" / "python" / "shared_mod.py").write_text("VALUE = 'template'\n")
    (app_dir / "src").mkdir()
    (app_dir / "src" / "app.py").write_text(HANDLER)
    (app_dir / "template.yaml").write_text(TEMPLATE)
    return app_dir


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    with serving(write_app(tmp_path_factory.mktemp("layers")), "--no-watch") as running:
        yield running


@pytest.fixture
def name(request: pytest.FixtureRequest) -> str:
    """A layer (and function) name of one test's own."""
    return request.node.name.split("[")[0].replace("test_", "l-")[:60].replace("_", "-")


def publish(lam: Any, name: str, data: bytes | None = None, **extra: Any) -> dict[str, Any]:
    return lam.publish_layer_version(LayerName=name,
                                     Content={"ZipFile": data or module("m", 1)}, **extra)


def create_function(lam: Any, name: str, **extra: Any) -> dict[str, Any]:
    return lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                               Handler="app.handler", Code={"ZipFile": zipped(**{"app.py": HANDLER})},
                               **extra)


def modules(lam: Any, name: str, *names: str) -> dict[str, Any]:
    response = lam.invoke(FunctionName=name, Payload=json.dumps({"modules": names}))
    body = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return body


# ---------------------------------------------------------------- publishing and reading

def test_publish_answers_the_version(lam, name):
    data = module("m", 1)
    published = publish(lam, name, data, Description="first", CompatibleRuntimes=["python3.12"],
                        CompatibleArchitectures=["arm64"], LicenseInfo="MIT")
    assert published["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (published["LayerArn"], published["LayerVersionArn"], published["Version"]) == \
        (f"{LAYER}:{name}", f"{LAYER}:{name}:1", 1)
    assert (published["Content"]["CodeSha256"], published["Content"]["CodeSize"]) == \
        (sha256(data), len(data))
    assert (published["Description"], published["CompatibleRuntimes"],
            published["CompatibleArchitectures"], published["LicenseInfo"]) == \
        ("first", ["python3.12"], ["arm64"], "MIT")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", published["CreatedDate"])
    second = publish(lam, name, module("m", 2))
    assert (second["Version"], second["LayerVersionArn"]) == (2, f"{LAYER}:{name}:2")
    assert "CompatibleRuntimes" not in second and "LicenseInfo" not in second


def test_lists_published_empty_are_answered_empty(lam, name):
    # Lambda (recorded): a list given empty comes back as [], one not given not at all.
    published = publish(lam, name, CompatibleRuntimes=[], CompatibleArchitectures=["x86_64"])
    got = lam.get_layer_version(LayerName=name, VersionNumber=1)
    listed = lam.list_layer_versions(LayerName=name)["LayerVersions"][0]
    for answer in (published, got, listed):
        assert (answer["CompatibleRuntimes"], answer["CompatibleArchitectures"]) == \
            ([], ["x86_64"])
    both = publish(lam, name, CompatibleRuntimes=[], CompatibleArchitectures=[])
    assert (both["CompatibleRuntimes"], both["CompatibleArchitectures"]) == ([], [])
    neither = publish(lam, name)
    assert "CompatibleRuntimes" not in neither and "CompatibleArchitectures" not in neither


def test_get_layer_version_and_by_arn(lam, name):
    data = module("m", 1)
    publish(lam, name, data, Description="kept")
    got = lam.get_layer_version(LayerName=name, VersionNumber=1)
    by_arn = lam.get_layer_version_by_arn(Arn=f"{LAYER}:{name}:1")
    by_layer_arn = lam.get_layer_version(LayerName=f"{LAYER}:{name}", VersionNumber=1)
    for answer in (got, by_arn, by_layer_arn):
        assert (answer["LayerVersionArn"], answer["Description"], answer["Version"]) == \
            (f"{LAYER}:{name}:1", "kept", 1)
        assert answer["Content"]["CodeSha256"] == sha256(data)


def test_content_location_downloads_the_content(lam, name):
    publish(lam, name, zipped(**{"python/m.py": "VALUE = 1\n", "bin/tool": "#!/bin/sh\n"}))
    location = lam.get_layer_version(LayerName=name, VersionNumber=1)["Content"]["Location"]
    response = httpx.get(location, timeout=30)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["bin/tool", "python/m.py"]
    assert archive.read("python/m.py") == b"VALUE = 1\n"
    forged = location.replace("/1?", "/2?")
    assert httpx.get(forged, timeout=30).status_code == 403


def test_publish_from_an_object_in_a_bucket(node, lam, name):
    s3 = client_of(node, "s3")
    s3.create_bucket(Bucket="layer-content")
    data = module("m", "from s3")
    s3.put_object(Bucket="layer-content", Key="layers/m.zip", Body=data)
    published = lam.publish_layer_version(
        LayerName=name, Content={"S3Bucket": "layer-content", "S3Key": "layers/m.zip"})
    assert published["Content"]["CodeSha256"] == sha256(data)
    with pytest.raises(ClientError) as caught:
        lam.publish_layer_version(LayerName=name, Content={"S3Bucket": "layer-content",
                                                           "S3Key": "missing.zip"})
    assert error_of(caught) == ("InvalidParameterValueException", "Error occurred while "
                                "GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The "
                                "specified key does not exist.", 400)


def test_list_layer_versions_newest_first_with_filters_and_pages(lam, name):
    publish(lam, name, CompatibleRuntimes=["python3.11"], CompatibleArchitectures=["x86_64"])
    publish(lam, name, CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["arm64"])
    publish(lam, name, CompatibleRuntimes=["python3.12", "python3.11"])

    def versions(**filters: Any) -> list[int]:
        listed = lam.list_layer_versions(LayerName=name, **filters)["LayerVersions"]
        return [v["Version"] for v in listed]
    assert versions() == [3, 2, 1]
    assert versions(CompatibleRuntime="python3.11") == [3, 1]
    assert versions(CompatibleArchitecture="arm64") == [2]
    assert versions(CompatibleRuntime="python3.12", CompatibleArchitecture="x86_64") == []
    first = lam.list_layer_versions(LayerName=name, MaxItems=2)
    assert [v["Version"] for v in first["LayerVersions"]] == [3, 2]
    rest = lam.list_layer_versions(LayerName=name, MaxItems=2, Marker=first["NextMarker"])
    assert [v["Version"] for v in rest["LayerVersions"]] == [1] and "NextMarker" not in rest
    pages = lam.get_paginator("list_layer_versions").paginate(
        LayerName=name, PaginationConfig={"PageSize": 1})
    assert [v["Version"] for page in pages for v in page["LayerVersions"]] == [3, 2, 1]
    item = first["LayerVersions"][1]
    assert (item["LayerVersionArn"], item["CompatibleArchitectures"]) == \
        (f"{LAYER}:{name}:2", ["arm64"])
    assert lam.list_layer_versions(LayerName="no-such-layer")["LayerVersions"] == []


def test_list_layers_shows_the_newest_matching_version(lam, name):
    publish(lam, name, CompatibleRuntimes=["python3.11"])
    publish(lam, name, CompatibleRuntimes=["python3.12"])

    def newest(**filters: Any) -> dict[str, int]:
        layers = [layer for page in lam.get_paginator("list_layers").paginate(**filters)
                  for layer in page["Layers"]]
        return {layer["LayerName"]: layer["LatestMatchingVersion"]["Version"] for layer in layers}
    assert newest()[name] == 2
    assert newest(CompatibleRuntime="python3.11")[name] == 1
    assert name not in newest(CompatibleRuntime="python3.10")
    listed = next(layer for layer in lam.list_layers()["Layers"] if layer["LayerName"] == name)
    assert listed["LayerArn"] == f"{LAYER}:{name}"
    assert listed["LatestMatchingVersion"]["LayerVersionArn"] == f"{LAYER}:{name}:2"
    one = lam.list_layers(MaxItems=1)
    assert len(one["Layers"]) == 1 and one["NextMarker"]
    following = lam.list_layers(MaxItems=1, Marker=one["NextMarker"])["Layers"]
    assert following[0]["LayerName"] > one["Layers"][0]["LayerName"]


# ---------------------------------------------------------------- the template's layers

def test_the_templates_layer_is_listed_and_read(lam):
    template = {layer["LayerName"]: layer for layer in lam.list_layers()["Layers"]}["tpl-shared"]
    latest = template["LatestMatchingVersion"]
    assert (latest["LayerVersionArn"], latest["Description"], latest["CompatibleRuntimes"],
            latest["LicenseInfo"]) == (f"{LAYER}:tpl-shared:1", "from the template",
                                       ["python3.12"], "MIT")
    got = lam.get_layer_version(LayerName="tpl-shared", VersionNumber=1)
    assert got["Content"]["CodeSize"] == len("VALUE = 'template'\n")
    archive = zipfile.ZipFile(io.BytesIO(httpx.get(got["Content"]["Location"], timeout=30).content))
    assert archive.namelist() == ["python/shared_mod.py"]


def test_a_template_function_names_its_layer_by_its_arn(lam):
    assert lam.get_function_configuration(FunctionName="tpl-with-layer")["Layers"] == [
        {"Arn": f"{LAYER}:tpl-shared:1", "CodeSize": len("VALUE = 'template'\n")}]
    assert modules(lam, "tpl-with-layer", "shared_mod") == {"shared_mod": "template"}


@pytest.mark.parametrize("operation, params", [
    ("publish_layer_version", {"Content": {"ZipFile": module("m", 1)}}),
    ("delete_layer_version", {"VersionNumber": 1}),
    ("add_layer_version_permission", {"VersionNumber": 1, "StatementId": "s",
                                      "Action": "lambda:GetLayerVersion", "Principal": "*"}),
    ("remove_layer_version_permission", {"VersionNumber": 1, "StatementId": "s"}),
])
def test_the_templates_layer_keeps_to_its_template(lam, operation, params):
    with pytest.raises(ClientError) as caught:
        getattr(lam, operation)(LayerName="tpl-shared", **params)
    code, message, status = error_of(caught)
    assert (code, status) == ("NotImplemented", 501)
    assert "deployed from the app's SAM template" in message
    assert lam.get_layer_version(LayerName="tpl-shared", VersionNumber=1)["Version"] == 1


# ---------------------------------------------------------------- deleting

def test_a_deleted_version_is_gone_and_its_number_never_comes_back(lam, name):
    publish(lam, name)
    publish(lam, name)
    deleted = lam.delete_layer_version(LayerName=name, VersionNumber=2)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as caught:
        lam.get_layer_version(LayerName=name, VersionNumber=2)
    assert error_of(caught) == NOT_FOUND
    assert [v["Version"] for v in lam.list_layer_versions(LayerName=name)["LayerVersions"]] == [1]
    lam.delete_layer_version(LayerName=name, VersionNumber=1)
    assert name not in [layer["LayerName"] for layer in lam.list_layers()["Layers"]]
    assert publish(lam, name)["Version"] == 3
    # Deleting what is not there is done already.
    lam.delete_layer_version(LayerName=name, VersionNumber=2)
    lam.delete_layer_version(LayerName="no-such-layer", VersionNumber=1)


# ---------------------------------------------------------------- permissions

def test_layer_version_permissions(lam, name):
    publish(lam, name)
    added = lam.add_layer_version_permission(LayerName=name, VersionNumber=1,
                                             StatementId="xaccount",
                                             Action="lambda:GetLayerVersion",
                                             Principal="210987654321")
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert json.loads(added["Statement"]) == {
        "Sid": "xaccount", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
        "Action": "lambda:GetLayerVersion", "Resource": f"{LAYER}:{name}:1"}
    org = lam.add_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="org",
                                           Action="lambda:GetLayerVersion", Principal="*",
                                           OrganizationId="o-abcdefghij",
                                           RevisionId=added["RevisionId"])
    assert json.loads(org["Statement"])["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}
    policy = lam.get_layer_version_policy(LayerName=name, VersionNumber=1)
    assert policy["RevisionId"] == org["RevisionId"] != added["RevisionId"]
    document = json.loads(policy["Policy"])
    assert (document["Version"], [s["Sid"] for s in document["Statement"]]) == \
        ("2012-10-17", ["xaccount", "org"])
    assert document["Statement"][1]["Principal"] == "*"

    with pytest.raises(ClientError) as caught:
        lam.add_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="org",
                                         Action="lambda:GetLayerVersion", Principal="*")
    assert error_of(caught) == ("ResourceConflictException", "The statement id (org) provided "
                                "already exists. Please provide a new statement id, or remove "
                                "the existing statement.", 409)
    stale = ("PreconditionFailedException", "The Revision Id provided does not match the latest "
             "Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id", 412)
    with pytest.raises(ClientError) as caught:
        lam.add_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="late",
                                         Action="lambda:GetLayerVersion", Principal="*",
                                         RevisionId=added["RevisionId"])
    assert error_of(caught) == stale
    with pytest.raises(ClientError) as caught:
        lam.remove_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="org",
                                            RevisionId=added["RevisionId"])
    assert error_of(caught) == stale

    lam.remove_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="org")
    lam.remove_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="xaccount")
    with pytest.raises(ClientError) as caught:
        lam.remove_layer_version_permission(LayerName=name, VersionNumber=1,
                                            StatementId="xaccount")
    assert error_of(caught) == ("ResourceNotFoundException",
                                "Statement xaccount is not found in resource policy.", 404)
    with pytest.raises(ClientError) as caught:
        lam.get_layer_version_policy(LayerName=name, VersionNumber=1)
    assert error_of(caught) == ("ResourceNotFoundException",
                                "No policy is associated with the given resource.", 404)


@pytest.mark.parametrize("operation, params", [
    ("add_layer_version_permission", {"StatementId": "s", "Action": "lambda:GetLayerVersion",
                                      "Principal": "*"}),
    ("remove_layer_version_permission", {"StatementId": "s"}),
    ("get_layer_version_policy", {}),
])
def test_permissions_of_a_missing_version(lam, operation, params):
    with pytest.raises(ClientError) as caught:
        getattr(lam, operation)(LayerName="no-such-layer", VersionNumber=4, **params)
    assert error_of(caught) == ("ResourceNotFoundException", f"Layer version "
                                f"{LAYER}:no-such-layer:4 does not exist.", 404)


# ---------------------------------------------------------------- bad requests

RUNTIMES_RULE = "Member must satisfy enum value set: ["


@pytest.mark.parametrize("operation, params, code, message", [
    ("get_layer_version", {"LayerName": "no-such-layer", "VersionNumber": 1}, *NOT_FOUND[:2]),
    ("get_layer_version", {"LayerName": "no-such-layer", "VersionNumber": 0},
     "InvalidParameterValueException", "Layer Version Cannot be less than 1"),
    ("delete_layer_version", {"LayerName": "no-such-layer", "VersionNumber": -1},
     "InvalidParameterValueException", "Layer Version Cannot be less than 1"),
    ("get_layer_version", {"LayerName": "x", "VersionNumber": "abc"},
     "SerializationException", "Value 'abc' is not a valid long"),
    ("delete_layer_version", {"LayerName": "x", "VersionNumber": "1.5"},
     "SerializationException", "Value '1.5' is not a valid long"),
    ("get_layer_version_by_arn", {"Arn": f"{LAYER}:no-such-layer:1"}, *NOT_FOUND[:2]),
    ("get_layer_version_by_arn", {"Arn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:layer:x:1"},
     *NOT_FOUND[:2]),
    ("get_layer_version", {"LayerName": f"arn:aws:lambda:us-east-1:111111111111:layer:x",
                           "VersionNumber": 1}, *NOT_FOUND[:2]),
    ("get_layer_version_by_arn", {"Arn": f"{LAYER}:no-version"}, "ValidationException",
     f"1 validation error detected: Value '{LAYER}:no-version' at 'arn' failed to satisfy "
     "constraint: Member must satisfy regular expression pattern: "),
    ("get_layer_version", {"LayerName": "bad name!", "VersionNumber": 1}, "ValidationException",
     "1 validation error detected: Value 'bad name!' at 'layerName' failed to satisfy "
     "constraint: Member must satisfy regular expression pattern: "),
    ("publish_layer_version", {"LayerName": "x" * 141, "Content": {"ZipFile": b"x"}},
     "ValidationException", f"1 validation error detected: Value '{'x' * 141}' at "
     "'layerName' failed to satisfy constraint: Member must satisfy regular expression "
     "pattern: "),
    ("publish_layer_version", {"LayerName": "bad-zip", "Content": {"ZipFile": b"not a zip"}},
     "InvalidParameterValueException",
     "Could not unzip uploaded file. Please check your file, then try to upload again."),
    ("publish_layer_version", {"LayerName": "no-content", "Content": {}},
     "InvalidParameterValueException",
     "Please provide a source for layer content: ZipFile, or S3Bucket and S3Key."),
    ("publish_layer_version", {"LayerName": "no-content"}, "ValidationException",
     "1 validation error detected: Value null at 'content' failed to satisfy constraint: "
     "Member must not be null"),
    ("publish_layer_version", {"LayerName": "bad-runtime", "Content": {"ZipFile": b"x"},
                               "CompatibleRuntimes": ["python3.12", "cobol"]},
     "ValidationException", "1 validation error detected: Value '[python3.12, cobol]' at "
     f"'compatibleRuntimes' failed to satisfy constraint: {RUNTIMES_RULE}"),
    ("publish_layer_version", {"LayerName": "bad-arch", "Content": {"ZipFile": b"x"},
                               "CompatibleArchitectures": ["sparc"]},
     "ValidationException", "1 validation error detected: Value '[sparc]' at "
     "'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: "
     "[Member must satisfy enum value set: [x86_64, arm64]]"),
    ("publish_layer_version", {"LayerName": "bad-arch", "Content": {"ZipFile": b"x"},
                               "CompatibleArchitectures": ["x86_64", "arm64", "x86_64"]},
     "ValidationException", "1 validation error detected: Value '[x86_64, arm64, x86_64]' at "
     "'compatibleArchitectures' failed to satisfy constraint: Member must have length less "
     "than or equal to 2"),
    ("list_layers", {"CompatibleRuntime": "cobol"}, "ValidationException",
     "1 validation error detected: Value 'cobol' at 'compatibleRuntime' failed to satisfy "
     f"constraint: {RUNTIMES_RULE}"),
    ("list_layer_versions", {"LayerName": "x", "CompatibleArchitecture": "sparc"},
     "ValidationException", "1 validation error detected: Value 'sparc' at "
     "'compatibleArchitecture' failed to satisfy constraint: Member must satisfy enum value "
     "set: [x86_64, arm64]"),
    ("list_layers", {"MaxItems": 51}, "ValidationException", "1 validation error detected: "
     "Value '51' at 'maxItems' failed to satisfy constraint: Member must have value less than "
     "or equal to 50"),
    ("list_layer_versions", {"LayerName": "x", "MaxItems": 0}, "ValidationException",
     "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: "
     "Member must have value greater than or equal to 1"),
    ("list_layers", {"Marker": "bm90LWEtbGF5ZXI="}, "InvalidParameterValueException",
     "Invalid marker: bm90LWEtbGF5ZXI="),
    ("add_layer_version_permission", {"LayerName": "x", "VersionNumber": 1, "StatementId": "s",
                                      "Action": "lambda:InvokeFunction", "Principal": "*"},
     "ValidationException", "1 validation error detected: Value 'lambda:InvokeFunction' at "
     "'action' failed to satisfy constraint: Member must satisfy regular expression pattern: "
     "lambda:GetLayerVersion"),
    ("add_layer_version_permission", {"LayerName": "x", "VersionNumber": 1, "StatementId": "s",
                                      "Action": "lambda:GetLayerVersion",
                                      "Principal": "someone"},
     "ValidationException", "1 validation error detected: Value 'someone' at 'principal' "
     "failed to satisfy constraint: Member must satisfy regular expression pattern: "),
    ("add_layer_version_permission", {"LayerName": "x", "VersionNumber": 1,
                                      "StatementId": "bad sid", "Action": "lambda:GetLayerVersion",
                                      "Principal": "*"},
     "ValidationException", "1 validation error detected: Value 'bad sid' at 'statementId' "
     "failed to satisfy constraint: Member must satisfy regular expression pattern: "),
    ("add_layer_version_permission", {"LayerName": "x", "VersionNumber": 1, "StatementId": "s",
                                      "Action": "lambda:GetLayerVersion", "Principal": "*",
                                      "OrganizationId": "acme"},
     "ValidationException", "1 validation error detected: Value 'acme' at 'organizationId' "
     "failed to satisfy constraint: Member must satisfy regular expression pattern: "),
])
def test_a_bad_layer_request_is_refused(raw, operation, params, code, message):
    with pytest.raises(ClientError) as caught:
        getattr(raw, operation)(**params)
    got_code, got_message, status = error_of(caught)
    assert (got_code, status) == (code, 404 if code == "ResourceNotFoundException" else 400)
    assert got_message.startswith(message), got_message


# ---------------------------------------------------------------- functions with layers

def test_a_function_imports_a_module_from_a_published_layer(lam, name):
    one = publish(lam, name, module("greeting", "hello from the layer"))
    created = create_function(lam, name, Layers=[one["LayerVersionArn"]])
    assert created["Layers"] == [{"Arn": one["LayerVersionArn"],
                                  "CodeSize": one["Content"]["CodeSize"]}]
    try:
        assert modules(lam, name, "greeting") == {"greeting": "hello from the layer"}
        got = lam.get_function(FunctionName=name)["Configuration"]["Layers"]
        assert got == created["Layers"]
        two = publish(lam, name, module("greeting", "version two"))
        updated = lam.update_function_configuration(FunctionName=name,
                                                    Layers=[two["LayerVersionArn"]])
        assert [layer["Arn"] for layer in updated["Layers"]] == [two["LayerVersionArn"]]
        lam.get_waiter("function_updated_v2").wait(FunctionName=name)
        assert modules(lam, name, "greeting") == {"greeting": "version two"}
        lam.update_function_configuration(FunctionName=name, Layers=[])
        assert "Layers" not in lam.get_function_configuration(FunctionName=name)
    finally:
        lam.delete_function(FunctionName=name)


def test_layers_come_before_one_another_in_order_with_the_templates(lam, name):
    first = publish(lam, f"{name}-a", zipped(**{"python/both.py": "VALUE = 'a'\n",
                                              "python/only_a.py": "VALUE = 'a'\n"}))
    second = publish(lam, f"{name}-b", zipped(**{"python/both.py": "VALUE = 'b'\n"}))
    create_function(lam, name, Layers=[first["LayerVersionArn"], second["LayerVersionArn"],
                                       f"{LAYER}:tpl-shared:1"])
    try:
        assert modules(lam, name, "both", "only_a", "shared_mod") == {
            "both": "a", "only_a": "a", "shared_mod": "template"}
        template_size = len("VALUE = 'template'\n")
        assert lam.get_function_configuration(FunctionName=name)["Layers"][2] == \
            {"Arn": f"{LAYER}:tpl-shared:1", "CodeSize": template_size}
    finally:
        lam.delete_function(FunctionName=name)


def test_a_deleted_version_stays_with_the_functions_that_use_it(lam, name):
    arn = publish(lam, name, module("kept", "still here"))["LayerVersionArn"]
    create_function(lam, name, Layers=[arn], Publish=True)
    try:
        lam.delete_layer_version(LayerName=name, VersionNumber=1)
        assert modules(lam, name, "kept") == {"kept": "still here"}
        assert modules(lam, f"{name}:1", "kept") == {"kept": "still here"}
        assert lam.get_function(FunctionName=name)["Configuration"]["Layers"][0]["Arn"] == arn
        # The function keeps it through a change; a new reference to it is refused.
        lam.update_function_configuration(FunctionName=name, Layers=[arn], Timeout=5)
        with pytest.raises(ClientError) as caught:
            create_function(lam, f"{name}-new", Layers=[arn])
        assert error_of(caught) == ("InvalidParameterValueException",
                                    f"Layer version {arn} does not exist.", 400)
    finally:
        lam.delete_function(FunctionName=name)


def test_a_bad_layers_list_is_refused(lam, raw, name):
    arns = [publish(lam, f"{name}-{i}")["LayerVersionArn"] for i in range(6)]
    two = publish(lam, f"{name}-0")["LayerVersionArn"]
    cases = [
        (arns, "InvalidParameterValueException", "Cannot reference more than 5 layers."),
        ([f"{LAYER}:{name}-nothing:1"], "InvalidParameterValueException",
         f"Layer version {LAYER}:{name}-nothing:1 does not exist."),
        ([arns[0], two], "InvalidParameterValueException",
         "Two different versions of the same layer are not allowed to be referenced in the "
         f"same function. {arns[0]} and {two} are versions of the same layer."),
        ([f"arn:aws:lambda:eu-west-1:{ACCOUNT}:layer:{name}-0:1"],
         "InvalidParameterValueException", "Layers are not in the same region as the "
         "function. Layers are expected to be in region us-east-1."),
        ([f"{LAYER}:{name}-0"], "ValidationException",
         f"1 validation error detected: Value '[{LAYER}:{name}-0]' at 'layers' failed to "
         "satisfy constraint: Member must satisfy constraint: [Member must have length less "
         "than or equal to 2048, Member must have length greater than or equal to 1, Member "
         "must satisfy regular expression pattern: "),
    ]
    for layers, code, message in cases:
        with pytest.raises(ClientError) as caught:
            create_function(raw, name, Layers=layers)
        got_code, got_message, status = error_of(caught)
        assert (got_code, status) == (code, 400), layers
        assert got_message.startswith(message), got_message
    create_function(lam, name)
    try:
        for layers, code, message in cases:
            with pytest.raises(ClientError) as caught:
                raw.update_function_configuration(FunctionName=name, Layers=layers)
            assert error_of(caught)[0] == code
        assert "Layers" not in lam.get_function_configuration(FunctionName=name)
    finally:
        lam.delete_function(FunctionName=name)


# ---------------------------------------------------------------- restarts

def test_layers_and_the_functions_using_them_outlive_a_restart(tmp_path):
    app_dir = write_app(tmp_path / "app")
    with serving(app_dir, "--no-watch") as first:
        lam = client_of(first)
        publish(lam, "kept", module("kept", "one"), Description="first")
        used = publish(lam, "kept", module("kept", "two"))["LayerVersionArn"]
        create_function(lam, "with-layer", Layers=[used, f"{LAYER}:tpl-shared:1"])
        lam.delete_layer_version(LayerName="kept", VersionNumber=2)    # the function keeps it
        lam.delete_layer_version(LayerName="kept", VersionNumber=1)
        publish(lam, "kept", module("kept", "three"), Description="third")
        lam.add_layer_version_permission(LayerName="kept", VersionNumber=3, StatementId="all",
                                         Action="lambda:GetLayerVersion", Principal="*")
    with serving(app_dir, "--no-watch") as again:
        lam = client_of(again)
        (kept,) = lam.list_layer_versions(LayerName="kept")["LayerVersions"]
        assert (kept["Version"], kept["Description"]) == (3, "third")
        policy = json.loads(lam.get_layer_version_policy(LayerName="kept", VersionNumber=3)["Policy"])
        assert [s["Sid"] for s in policy["Statement"]] == ["all"]
        assert modules(lam, "with-layer", "kept", "shared_mod") == {"kept": "two",
                                                                    "shared_mod": "template"}
        assert [layer["Arn"] for layer in lam.get_function(FunctionName="with-layer")[
            "Configuration"]["Layers"]] == [used, f"{LAYER}:tpl-shared:1"]
        assert publish(lam, "kept")["Version"] == 4
        names = {layer["LayerName"] for layer in lam.list_layers()["Layers"]}
        assert {"kept", "tpl-shared"} <= names
