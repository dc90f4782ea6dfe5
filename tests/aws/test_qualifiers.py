"""Versions and aliases through the Lambda API: Invoke, GetFunction(Configuration) and
ListFunctions with qualifiers, and the ClientContext check of every invocation type."""
from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError

from .conftest import error_of

ARN = "arn:aws:lambda:us-east-1:000000000000:function"
CLIENT_CONTEXT_ERROR = ("InvalidRequestContentException",
                        "Client context must be a valid Base64-encoded JSON object.", 400)


def who(event, context):
    return context.invoked_function_arn


@pytest.fixture
def deployed(runtime):
    """`orders` with versions 1 and 2 published, `live` on 2 and `edge` on $LATEST."""
    return runtime.add("orders", who, published_versions=2,
                       aliases={"live": "2", "edge": "$LATEST"})


@pytest.mark.parametrize("name,qualifier,executed,invoked", [
    ("orders", None, "$LATEST", f"{ARN}:orders"),
    ("orders", "$LATEST", "$LATEST", f"{ARN}:orders:$LATEST"),
    ("orders", "1", "1", f"{ARN}:orders:1"),
    ("orders:2", None, "2", f"{ARN}:orders:2"),
    ("orders", "live", "2", f"{ARN}:orders:live"),
    (f"{ARN}:orders:live", None, "2", f"{ARN}:orders:live"),
    ("000000000000:function:orders:live", "live", "2", f"{ARN}:orders:live"),
    ("orders", "edge", "$LATEST", f"{ARN}:orders:edge"),
])
def test_invoke_a_deployed_qualifier(deployed, lambda_client, name, qualifier, executed,
                                     invoked):
    extra = {"Qualifier": qualifier} if qualifier else {}
    response = lambda_client.invoke(FunctionName=name, LogType="Tail", **extra)
    assert response["ExecutedVersion"] == executed
    assert json.loads(response["Payload"].read()) == invoked
    log = base64.b64decode(response["LogResult"]).decode()
    assert log.startswith(f"START RequestId: {response['ResponseMetadata']['RequestId']} "
                          f"Version: {executed}\n")


@pytest.mark.parametrize("kind,status", [("Event", 202), ("DryRun", 204)])
def test_other_invocation_types_accept_a_deployed_qualifier(deployed, runtime, lambda_client,
                                                            kind, status):
    response = lambda_client.invoke(FunctionName="orders", Qualifier="live",
                                    InvocationType=kind)
    assert response["StatusCode"] == status
    if kind == "Event":
        (call,) = runtime.wait_for_calls("orders", 1)
        assert call.invoked_function_arn == f"{ARN}:orders:live"


@pytest.mark.parametrize("name,qualifier,missing", [
    ("orders", "3", "orders:3"), ("orders", "0", "orders:0"), ("orders", "01", "orders:01"),
    ("orders:dev", None, "orders:dev"), (f"{ARN}:orders:LIVE", None, "orders:LIVE"),
])
@pytest.mark.parametrize("kind", ["RequestResponse", "Event", "DryRun"])
def test_invoke_an_unknown_qualifier(deployed, runtime, lambda_client, name, qualifier,
                                     missing, kind):
    extra = {"Qualifier": qualifier} if qualifier else {}
    with pytest.raises(ClientError) as excinfo:
        lambda_client.invoke(FunctionName=name, InvocationType=kind, **extra)
    assert error_of(excinfo) == ("ResourceNotFoundException",
                                 f"Function not found: {ARN}:{missing}", 404)
    assert excinfo.value.response["Type"] == "User"
    assert runtime.calls_to("orders") == []


@pytest.mark.parametrize("qualifier,arn,version", [
    ("$LATEST", f"{ARN}:orders:$LATEST", "$LATEST"),
    ("1", f"{ARN}:orders:1", "1"),
    ("live", f"{ARN}:orders:live", "2"),
    ("edge", f"{ARN}:orders:edge", "$LATEST"),
])
def test_configuration_of_a_qualifier(deployed, lambda_client, qualifier, arn, version):
    config = lambda_client.get_function_configuration(FunctionName="orders",
                                                      Qualifier=qualifier)
    function = lambda_client.get_function(FunctionName=f"orders:{qualifier}")["Configuration"]
    for got in (config, function):
        assert (got["FunctionArn"], got["Version"], got["FunctionName"]) == \
            (arn, version, "orders")


def test_each_version_has_its_revision_and_an_alias_shares_its_versions(deployed,
                                                                         lambda_client):
    def revision(qualifier):
        return lambda_client.get_function_configuration(
            FunctionName="orders", Qualifier=qualifier)["RevisionId"]

    assert len({revision("$LATEST"), revision("1"), revision("2")}) == 3
    assert revision("live") == revision("2")
    assert revision("edge") == revision("$LATEST")


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration"])
@pytest.mark.parametrize("qualifier", ["3", "dev"])
def test_configuration_of_an_unknown_qualifier(deployed, lambda_client, operation, qualifier):
    with pytest.raises(ClientError) as excinfo:
        getattr(lambda_client, operation)(FunctionName="orders", Qualifier=qualifier)
    assert error_of(excinfo) == ("ResourceNotFoundException",
                                 f"Function not found: {ARN}:orders:{qualifier}", 404)


def test_list_functions_lists_published_versions_only_when_asked(runtime, deployed,
                                                                 lambda_client):
    runtime.add("audit", who)
    plain = lambda_client.list_functions()["Functions"]
    assert [(f["FunctionArn"], f["Version"]) for f in plain] == \
        [(f"{ARN}:audit", "$LATEST"), (f"{ARN}:orders", "$LATEST")]
    every = lambda_client.list_functions(FunctionVersion="ALL")["Functions"]
    assert [(f["FunctionArn"], f["Version"]) for f in every] == [
        (f"{ARN}:audit:$LATEST", "$LATEST"), (f"{ARN}:orders:$LATEST", "$LATEST"),
        (f"{ARN}:orders:1", "1"), (f"{ARN}:orders:2", "2")]


def test_list_every_version_page_by_page(runtime, deployed, lambda_client):
    runtime.add("zeta", who, published_versions=1)
    seen, marker = [], {}
    for _ in range(5):
        page = lambda_client.list_functions(FunctionVersion="ALL", MaxItems=2, **marker)
        seen += [f["FunctionArn"] for f in page["Functions"]]
        if "NextMarker" not in page:
            break
        marker = {"Marker": page["NextMarker"]}
    assert seen == [f"{ARN}:orders:$LATEST", f"{ARN}:orders:1", f"{ARN}:orders:2",
                    f"{ARN}:zeta:$LATEST", f"{ARN}:zeta:1"]


@pytest.mark.parametrize("context", [
    "%%%not-base64",
    base64.b64encode(b"[1, 2]").decode(),          # JSON, but not an object
    base64.b64encode(b"{not json").decode(),
    base64.b64encode(b"\xff\xfe").decode(),        # not UTF-8
])
@pytest.mark.parametrize("kind", ["RequestResponse", "Event", "DryRun"])
def test_client_context_must_be_base64_json_for_every_invocation_type(
        deployed, runtime, lambda_client, context, kind):
    with pytest.raises(ClientError) as excinfo:
        lambda_client.invoke(FunctionName="orders", InvocationType=kind, ClientContext=context)
    assert error_of(excinfo) == CLIENT_CONTEXT_ERROR
    assert runtime.calls_to("orders") == []


@pytest.mark.parametrize("kind,status", [("RequestResponse", 200), ("Event", 202),
                                         ("DryRun", 204)])
def test_a_base64_json_client_context_is_accepted(deployed, lambda_client, kind, status):
    context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    response = lambda_client.invoke(FunctionName="orders", InvocationType=kind,
                                    ClientContext=context)
    assert response["StatusCode"] == status
