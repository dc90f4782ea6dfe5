"""Lambda's read operations beyond GetFunction, through boto3: ListVersionsByFunction,
GetFunctionConcurrency, GetAccountSettings, GetPolicy, ListTags and the EventInvokeConfig
operations, with the errors Lambda gives for wrong requests."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from fogbank.types import EventInvokeConfig, FunctionPermission

from .conftest import error_of

ARN = "arn:aws:lambda:us-east-1:000000000000:function"


def noop(event, context):
    return None


# ------------------------------------------------------------ ListVersionsByFunction

def test_versions_are_latest_then_each_published_one(runtime, lambda_client):
    runtime.add("orders", noop, published_versions=2)
    versions = lambda_client.list_versions_by_function(FunctionName="orders")["Versions"]
    assert [(v["Version"], v["FunctionArn"]) for v in versions] == [
        ("$LATEST", f"{ARN}:orders:$LATEST"), ("1", f"{ARN}:orders:1"), ("2", f"{ARN}:orders:2")]
    # The listing leaves out what only GetFunction shows, as ListFunctions does.
    assert "State" not in versions[0] and "CodeSha256" in versions[0]


def test_versions_are_paged(runtime, lambda_client):
    runtime.add("orders", noop, published_versions=2)
    first = lambda_client.list_versions_by_function(FunctionName="orders", MaxItems=2)
    assert [v["Version"] for v in first["Versions"]] == ["$LATEST", "1"]
    rest = lambda_client.list_versions_by_function(FunctionName="orders",
                                                   Marker=first["NextMarker"])
    assert [v["Version"] for v in rest["Versions"]] == ["2"]
    assert "NextMarker" not in rest


def test_versions_through_the_paginator(runtime, lambda_client):
    runtime.add("orders", noop, published_versions=3)
    pages = lambda_client.get_paginator("list_versions_by_function").paginate(
        FunctionName="orders", PaginationConfig={"PageSize": 1})
    assert [v["Version"] for page in pages for v in page["Versions"]] == ["$LATEST", "1", "2", "3"]


def test_versions_of_a_missing_function(lambda_client):
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        lambda_client.list_versions_by_function(FunctionName="ghost")
    assert error_of(excinfo) == ("ResourceNotFoundException", f"Function not found: {ARN}:ghost",
                                 404)


@pytest.mark.parametrize("marker", ["not base64!", "Z2hvc3Q="])     # garbage, an unknown version
def test_versions_with_a_bad_marker(runtime, lambda_client, marker):
    runtime.add("orders", noop)
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException) as excinfo:
        lambda_client.list_versions_by_function(FunctionName="orders", Marker=marker)
    assert error_of(excinfo) == ("InvalidParameterValueException", f"Invalid marker: {marker}",
                                 400)


# ------------------------------------------------------------ concurrency and account

def test_reserved_concurrency(runtime, lambda_client):
    runtime.add("capped", noop, reserved_concurrency=5)
    runtime.add("open", noop)
    response = lambda_client.get_function_concurrency(FunctionName=f"{ARN}:capped")
    assert response["ReservedConcurrentExecutions"] == 5
    assert "ReservedConcurrentExecutions" not in lambda_client.get_function_concurrency(
        FunctionName="open")


def test_concurrency_of_a_missing_function(lambda_client):
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        lambda_client.get_function_concurrency(FunctionName="ghost")
    assert error_of(excinfo)[1] == f"Function not found: {ARN}:ghost"


def test_account_settings_count_functions_code_and_reserved_concurrency(runtime, lambda_client):
    one = runtime.add("one", noop, reserved_concurrency=100)
    two = runtime.add("two", noop)
    settings = lambda_client.get_account_settings()
    code = sum(p.stat().st_size for spec in (one, two) for p in spec.code_dir.rglob("*")
               if p.is_file())
    assert settings["AccountUsage"] == {"TotalCodeSize": code, "FunctionCount": 2}
    assert settings["AccountLimit"] == {
        "TotalCodeSize": 80530636800, "CodeSizeUnzipped": 262144000,
        "CodeSizeZipped": 52428800, "ConcurrentExecutions": 1000,
        "UnreservedConcurrentExecutions": 900}


# ------------------------------------------------------------ GetPolicy

API_SOURCE = "arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/orders"


def test_policy_has_a_statement_per_permission(runtime, lambda_client):
    runtime.add("orders", noop, permissions=(
        FunctionPermission("app-ApiPermission-X1", "apigateway.amazonaws.com",
                           source_arn=API_SOURCE),
        FunctionPermission("app-BucketPermission-X2", "s3.amazonaws.com",
                           source_arn="arn:aws:s3:::photos", source_account="000000000000"),
        FunctionPermission("app-AccountPermission-X3", "111122223333"),
        FunctionPermission("app-LivePermission-X4", "*", qualifier="live")))
    response = lambda_client.get_policy(FunctionName="orders")
    assert response["RevisionId"]
    # Lambda's compact JSON, statements in the order the permissions were added.
    assert response["Policy"] == json.dumps({
        "Version": "2012-10-17", "Id": "default", "Statement": [
            {"Sid": "app-ApiPermission-X1", "Effect": "Allow",
             "Principal": {"Service": "apigateway.amazonaws.com"},
             "Action": "lambda:InvokeFunction", "Resource": f"{ARN}:orders",
             "Condition": {"ArnLike": {"AWS:SourceArn": API_SOURCE}}},
            {"Sid": "app-BucketPermission-X2", "Effect": "Allow",
             "Principal": {"Service": "s3.amazonaws.com"},
             "Action": "lambda:InvokeFunction", "Resource": f"{ARN}:orders",
             "Condition": {"StringEquals": {"AWS:SourceAccount": "000000000000"},
                           "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::photos"}}},
            {"Sid": "app-AccountPermission-X3", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "lambda:InvokeFunction", "Resource": f"{ARN}:orders"}]},
        separators=(",", ":"))


def test_policy_of_an_alias_is_its_own(runtime, lambda_client):
    runtime.add("orders", noop, aliases={"live": "$LATEST"}, permissions=(
        FunctionPermission("p1", "apigateway.amazonaws.com"),
        FunctionPermission("p2", "*", qualifier="live")))
    policy = json.loads(lambda_client.get_policy(FunctionName="orders", Qualifier="live")["Policy"])
    assert [(s["Sid"], s["Principal"], s["Resource"]) for s in policy["Statement"]] == [
        ("p2", "*", f"{ARN}:orders:live")]


def test_policy_revision_changes_with_the_policy(runtime, lambda_client):
    runtime.add("orders", noop, permissions=(FunctionPermission("p1", "s3.amazonaws.com"),))
    before = lambda_client.get_policy(FunctionName="orders")["RevisionId"]
    assert lambda_client.get_policy(FunctionName="orders")["RevisionId"] == before
    runtime.add("orders", noop, permissions=(FunctionPermission("p2", "s3.amazonaws.com"),))
    assert lambda_client.get_policy(FunctionName="orders")["RevisionId"] != before


def test_function_without_a_policy(runtime, lambda_client):
    runtime.add("orders", noop, aliases={"live": "$LATEST"},
                permissions=(FunctionPermission("p1", "s3.amazonaws.com"),))
    runtime.add("bare", noop)
    # A version or alias the function lacks has no policy either.
    for name, qualifier in (("bare", None), ("orders", "live"), ("orders", "nope"),
                            ("orders", "7")):
        extra = {"Qualifier": qualifier} if qualifier else {}
        with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
            lambda_client.get_policy(FunctionName=name, **extra)
        assert error_of(excinfo) == ("ResourceNotFoundException",
                                     "The resource you requested does not exist.", 404)


@pytest.mark.parametrize("name,qualifier,arn", [
    ("ghost", None, f"{ARN}:ghost"),
    ("ghost", "7", f"{ARN}:ghost:7"),
])
def test_policy_of_a_missing_function_or_qualifier(runtime, lambda_client, name, qualifier, arn):
    runtime.add("orders", noop, permissions=(FunctionPermission("p1", "s3.amazonaws.com"),))
    extra = {"Qualifier": qualifier} if qualifier else {}
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        lambda_client.get_policy(FunctionName=name, **extra)
    assert error_of(excinfo)[1] == f"Function not found: {arn}"


# ------------------------------------------------------------ ListTags

def test_tags_of_a_function(runtime, lambda_client):
    runtime.add("orders", noop, tags={"lambda:createdBy": "SAM", "team": "blue"})
    runtime.add("bare", noop)
    assert lambda_client.list_tags(Resource=f"{ARN}:orders")["Tags"] == {
        "lambda:createdBy": "SAM", "team": "blue"}
    assert lambda_client.list_tags(Resource=f"{ARN}:bare")["Tags"] == {}


def test_tags_of_a_version_or_alias_are_refused(runtime, lambda_client):
    runtime.add("orders", noop, published_versions=1)
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException) as excinfo:
        lambda_client.list_tags(Resource=f"{ARN}:orders:1")
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "Tags on function aliases and versions are not supported. Please specify a function ARN.",
        400)


def test_tags_of_a_missing_function(lambda_client):
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        lambda_client.list_tags(Resource=f"{ARN}:ghost")
    assert error_of(excinfo)[1] == f"Function not found: {ARN}:ghost"


def test_tags_of_a_name_that_is_not_an_arn(runtime, lambda_client):
    runtime.add("orders", noop)
    with pytest.raises(lambda_client.exceptions.ClientError) as excinfo:
        lambda_client.list_tags(Resource="orders")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "Value 'orders' at 'resource' failed to satisfy constraint" in message


# ------------------------------------------------------------ EventInvokeConfig

CONFIG = EventInvokeConfig(maximum_retry_attempts=0, maximum_event_age_s=3600,
                           on_failure=f"{ARN}:dlq", last_modified=1_700_000_000.5)


def test_event_invoke_config(runtime, lambda_client):
    runtime.add("orders", noop, event_invoke_configs={"$LATEST": CONFIG})
    for extra in ({}, {"Qualifier": "$LATEST"}):
        response = lambda_client.get_function_event_invoke_config(FunctionName="orders", **extra)
        response.pop("ResponseMetadata")
        assert response == {
            "LastModified": dt.datetime.fromtimestamp(1_700_000_000.5, dt.timezone.utc),
            "FunctionArn": f"{ARN}:orders:$LATEST", "MaximumRetryAttempts": 0,
            "MaximumEventAgeInSeconds": 3600,
            "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": f"{ARN}:dlq"}}}


def test_settings_not_given_are_left_out(runtime, lambda_client):
    runtime.add("orders", noop, aliases={"live": "$LATEST"},
                event_invoke_configs={"live": EventInvokeConfig(on_success=f"{ARN}:done")})
    response = lambda_client.get_function_event_invoke_config(FunctionName="orders:live")
    assert response["FunctionArn"] == f"{ARN}:orders:live"
    assert "MaximumRetryAttempts" not in response and "MaximumEventAgeInSeconds" not in response


@pytest.mark.parametrize("name,qualifier,arn", [
    ("orders", None, f"{ARN}:orders:$LATEST"),       # the function has none
    ("orders", "live", f"{ARN}:orders:live"),        # an alias it does not have
    ("ghost", None, f"{ARN}:ghost:$LATEST"),         # no such function
])
def test_missing_event_invoke_config(runtime, lambda_client, name, qualifier, arn):
    runtime.add("orders", noop)
    extra = {"Qualifier": qualifier} if qualifier else {}
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        lambda_client.get_function_event_invoke_config(FunctionName=name, **extra)
    assert error_of(excinfo) == ("ResourceNotFoundException",
                                 f"The function {arn} doesn't have an EventInvokeConfig", 404)


def test_event_invoke_configs_are_listed_and_paged(runtime, lambda_client):
    runtime.add("orders", noop, aliases={"live": "$LATEST"}, published_versions=1,
                event_invoke_configs={"live": CONFIG, "$LATEST": CONFIG, "1": CONFIG})
    listed = lambda_client.list_function_event_invoke_configs(FunctionName="orders")
    assert [c["FunctionArn"] for c in listed["FunctionEventInvokeConfigs"]] == [
        f"{ARN}:orders:$LATEST", f"{ARN}:orders:1", f"{ARN}:orders:live"]
    first = lambda_client.list_function_event_invoke_configs(FunctionName="orders", MaxItems=2)
    assert len(first["FunctionEventInvokeConfigs"]) == 2
    rest = lambda_client.list_function_event_invoke_configs(FunctionName="orders",
                                                           Marker=first["NextMarker"])
    assert [c["FunctionArn"] for c in rest["FunctionEventInvokeConfigs"]] == [f"{ARN}:orders:live"]
    runtime.add("bare", noop)
    assert lambda_client.list_function_event_invoke_configs(
        FunctionName="bare")["FunctionEventInvokeConfigs"] == []


def test_event_invoke_configs_of_a_missing_function(lambda_client):
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        lambda_client.list_function_event_invoke_configs(FunctionName="ghost")
    assert error_of(excinfo) == ("ResourceNotFoundException", "The function doesn't exist.", 404)


def test_event_invoke_configs_with_a_bad_marker(runtime, lambda_client):
    runtime.add("orders", noop, event_invoke_configs={"$LATEST": CONFIG})
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException):
        lambda_client.list_function_event_invoke_configs(FunctionName="orders", Marker="bm9wZQ==")


def test_event_invoke_configs_page_size_over_50_is_refused(runtime, lambda_client):
    runtime.add("orders", noop)
    with pytest.raises(lambda_client.exceptions.ClientError) as excinfo:
        lambda_client.list_function_event_invoke_configs(FunctionName="orders", MaxItems=51)
    assert error_of(excinfo)[0] == "ValidationException"
