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


def test_get_function_has_configuration_code_tags_and_concurrency(runtime, lambda_client):
    spec = runtime.add("orders", noop, tags={"team": "a"}, reserved_concurrency=5)
    response = lambda_client.get_function(FunctionName=f"{ARN}:orders")
    assert response["Configuration"]["FunctionName"] == "orders"
    assert response["Code"] == {"RepositoryType": "S3", "Location": spec.code_dir.as_uri()}
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
