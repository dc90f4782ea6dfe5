"""GetFunction, GetFunctionConfiguration and ListFunctions through boto3."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

ARN = "arn:aws:lambda:us-east-1:000000000000:function"


def noop(event, context):
    return None


def test_configuration_mirrors_lambda(runtime, lambda_client):
    runtime.add("orders", noop, memory_mb=256, timeout_s=10, description="takes orders",
                environment={"TABLE": "orders"}, role="arn:aws:iam::000000000000:role/r")
    config = lambda_client.get_function_configuration(FunctionName="orders")
    assert config["FunctionName"] == "orders"
    assert config["FunctionArn"] == f"{ARN}:orders"
    assert config["Runtime"] == "python3.11"
    assert config["Handler"] == "app.handler"
    assert config["Role"] == "arn:aws:iam::000000000000:role/r"
    assert config["MemorySize"] == 256
    assert config["Timeout"] == 10
    assert config["Description"] == "takes orders"
    assert config["Environment"] == {"Variables": {"TABLE": "orders"}}
    assert config["Version"] == "$LATEST"
    assert config["State"] == "Active"
    assert config["LastUpdateStatus"] == "Successful"
    assert config["PackageType"] == "Zip"
    assert config["Architectures"] == ["x86_64"]
    assert config["EphemeralStorage"] == {"Size": 512}
    assert "Layers" not in config           # Lambda leaves it out when there are none
    assert re.fullmatch(r"arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}",
                        config["RuntimeVersionConfig"]["RuntimeVersionArn"])
    assert config["CodeSize"] == len("def handler(event, context):\n    return event\n")
    assert len(config["CodeSha256"]) == 44
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", config["LastModified"])


def test_code_hash_changes_with_the_code(runtime, lambda_client):
    spec = runtime.add("orders", noop)
    before = lambda_client.get_function_configuration(FunctionName="orders")["CodeSha256"]
    (spec.code_dir / "extra.py").write_text("X = 1\n")
    after = lambda_client.get_function_configuration(FunctionName="orders")["CodeSha256"]
    assert before != after


def test_get_function_has_configuration_code_tags_and_concurrency(runtime, lambda_client,
                                                                  endpoint):
    runtime.add("orders", noop, tags={"team": "a"}, reserved_concurrency=5)
    response = lambda_client.get_function(FunctionName=f"{ARN}:orders")
    assert response["Configuration"]["FunctionName"] == "orders"
    assert response["Code"]["RepositoryType"] == "S3"
    assert response["Code"]["Location"].startswith(f"{endpoint}/")     # tested in test_code_links
    assert response["Tags"] == {"team": "a"}
    assert response["Concurrency"] == {"ReservedConcurrentExecutions": 5}


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration"])
def test_missing_function_is_not_found(lambda_client, operation):
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        getattr(lambda_client, operation)(FunctionName="ghost")
    assert excinfo.value.response["Error"]["Message"] == f"Function not found: {ARN}:ghost"


@pytest.mark.parametrize("name,qualifier", [("orders", "$LATEST"), (f"{ARN}:orders:$LATEST", None)])
def test_qualified_request_gets_the_qualified_arn(runtime, lambda_client, name, qualifier):
    runtime.add("orders", noop)
    extra = {"Qualifier": qualifier} if qualifier else {}
    config = lambda_client.get_function_configuration(FunctionName=name, **extra)
    assert config["FunctionArn"] == f"{ARN}:orders:$LATEST"
    function = lambda_client.get_function(FunctionName=name, **extra)
    assert function["Configuration"]["FunctionArn"] == f"{ARN}:orders:$LATEST"
    assert lambda_client.get_function(FunctionName="orders")["Configuration"]["FunctionArn"] == (
        f"{ARN}:orders")


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration"])
def test_function_in_another_region_is_not_reachable(runtime, lambda_client, operation):
    runtime.add("orders", noop)
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        getattr(lambda_client, operation)(
            FunctionName="arn:aws:lambda:eu-central-1:000000000000:function:orders")
    assert excinfo.value.response["Error"]["Message"] == (
        "Functions from 'eu-central-1' are not reachable in this region ('us-east-1')")
    assert excinfo.value.response["Type"] == "User"


def test_list_functions_pages_with_marker_and_max_items(runtime, lambda_client):
    for name in ["e", "a", "d", "c", "b"]:
        runtime.add(name, noop)
    first = lambda_client.list_functions(MaxItems=2)
    assert [f["FunctionName"] for f in first["Functions"]] == ["a", "b"]
    second = lambda_client.list_functions(MaxItems=2, Marker=first["NextMarker"])
    assert [f["FunctionName"] for f in second["Functions"]] == ["c", "d"]
    last = lambda_client.list_functions(MaxItems=2, Marker=second["NextMarker"])
    assert [f["FunctionName"] for f in last["Functions"]] == ["e"]
    assert "NextMarker" not in last


def test_list_functions_paginator_sees_everything(runtime, lambda_client):
    for i in range(7):
        runtime.add(f"fn{i}", noop)
    pages = lambda_client.get_paginator("list_functions").paginate(
        PaginationConfig={"PageSize": 3})
    names = [f["FunctionName"] for page in pages for f in page["Functions"]]
    assert names == [f"fn{i}" for i in range(7)]


def test_list_functions_returns_at_most_50(runtime, lambda_client):
    for i in range(55):
        runtime.add(f"fn{i:02d}", noop)
    page = lambda_client.list_functions(MaxItems=1000)
    assert len(page["Functions"]) == 50
    rest = lambda_client.list_functions(Marker=page["NextMarker"])
    assert len(rest["Functions"]) == 5


def test_list_functions_leaves_out_state_fields(runtime, lambda_client):
    runtime.add("orders", noop)
    [config] = lambda_client.list_functions()["Functions"]
    assert config["FunctionArn"] == f"{ARN}:orders"
    assert "State" not in config and "LastUpdateStatus" not in config
    assert "RuntimeVersionConfig" not in config


def test_list_functions_with_a_bad_marker_is_refused(runtime, lambda_client):
    runtime.add("orders", noop)
    with pytest.raises(ClientError) as excinfo:
        lambda_client.list_functions(Marker="%%%")
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert excinfo.value.response["Error"]["Message"] == "Invalid marker: %%%"


def test_list_functions_of_all_versions_names_each_by_its_version_arn(runtime, lambda_client):
    runtime.add("orders", noop)
    [config] = lambda_client.list_functions(FunctionVersion="ALL")["Functions"]
    assert (config["Version"], config["FunctionArn"]) == ("$LATEST", f"{ARN}:orders:$LATEST")


@pytest.mark.parametrize("name", ["us-east-1:000000000000:function:orders",
                                  "us-east-1:000000000000:orders"])
def test_partial_arn_may_open_with_the_region(runtime, lambda_client, name):
    runtime.add("orders", noop)
    config = lambda_client.get_function_configuration(FunctionName=name)
    assert config["FunctionArn"] == f"{ARN}:orders"


def test_partial_arn_from_another_region_is_not_reachable(runtime, lambda_client):
    runtime.add("orders", noop)
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        lambda_client.get_function(FunctionName="eu-west-1:000000000000:function:orders")
    assert excinfo.value.response["Error"]["Message"] == (
        "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')")


def test_a_name_shaped_like_a_region_keeps_its_qualifier(runtime, lambda_client):
    # Only an account after it makes "my-fn-1" a region: here it is a function and an alias.
    runtime.add("my-fn-1", noop)
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        lambda_client.get_function(FunctionName="my-fn-1:live")
    assert excinfo.value.response["Error"]["Message"] == f"Function not found: {ARN}:my-fn-1:live"


@pytest.mark.parametrize("operation,kwargs", [
    ("create_function", {"FunctionName": "orders", "Role": "arn:aws:iam::000000000000:role/r",
                         "Code": {"ZipFile": b"PK"}}),
    ("update_function_code", {"FunctionName": "orders", "ZipFile": b"PK"}),
    ("update_function_configuration", {"FunctionName": "orders", "Timeout": 9}),
    ("delete_function", {"FunctionName": "orders"}),
    ("publish_version", {"FunctionName": "orders"}),
])
def test_changing_a_function_points_at_the_template(runtime, lambda_client, operation, kwargs):
    runtime.add("orders", noop)
    with pytest.raises(ClientError) as excinfo:
        getattr(lambda_client, operation)(**kwargs)
    error = excinfo.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Error"]["Code"] == "NotImplemented"
    assert "functions are deployed from the app's SAM template" in error["Error"]["Message"]
    assert lambda_client.get_function(FunctionName="orders")["Configuration"]["Timeout"] == 3


NAME_PATTERN = ("(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-"
                "\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|"
                "[a-zA-Z0-9-_]+))?")


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration"])
@pytest.mark.parametrize("name,constraint", [
    ("arn:aws:lambda:us-east-1:000000000000@function:orders",
     f"Member must satisfy regular expression pattern: {NAME_PATTERN}"),
    ("o" * 257, "Member must have length less than or equal to 256"),
])
def test_malformed_names_are_validation_errors(lambda_client, operation, name, constraint):
    with pytest.raises(ClientError) as excinfo:
        getattr(lambda_client, operation)(FunctionName=name)
    error = excinfo.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (
        "ValidationException", 400)
    assert error["Error"]["Message"] == (
        f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy "
        f"constraint: {constraint}")


def test_malformed_qualifier_is_a_validation_error(runtime, lambda_client):
    runtime.add("orders", noop)
    with pytest.raises(ClientError) as excinfo:
        lambda_client.get_function(FunctionName="orders", Qualifier="v1.2")
    assert excinfo.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'v1.2' at 'qualifier' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|"
        "[a-zA-Z0-9-_$]+")


def test_list_functions_of_an_unknown_version_set_is_a_validation_error(lambda_client):
    with pytest.raises(ClientError) as excinfo:
        lambda_client.list_functions(FunctionVersion="invalid")
    assert excinfo.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ALL]")
