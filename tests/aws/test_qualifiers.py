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


@pytest.fixture
def weighted(runtime):
    """`orders` with `live` on 2 sending 0.25 of its calls to 1, and `edge` on $LATEST."""
    return runtime.add("orders", who, published_versions=2,
                       aliases={"live": "2", "edge": "$LATEST"},
                       alias_weights={"live": {"1": 0.25}})


def test_get_alias_shows_its_routing(weighted, lambda_client):
    live = lambda_client.get_alias(FunctionName="orders", Name="live")
    assert (live["AliasArn"], live["Name"], live["FunctionVersion"], live["Description"]) == \
        (f"{ARN}:orders:live", "live", "2", "")
    assert live["RoutingConfig"] == {"AdditionalVersionWeights": {"1": 0.25}}
    edge = lambda_client.get_alias(FunctionName=f"{ARN}:orders", Name="edge")
    assert (edge["FunctionVersion"], "RoutingConfig" in edge) == ("$LATEST", False)
    assert live["RevisionId"] != edge["RevisionId"]
    assert lambda_client.get_alias(FunctionName="orders", Name="live")["RevisionId"] == \
        live["RevisionId"]


def test_list_aliases_by_version_and_page_by_page(weighted, lambda_client):
    every = lambda_client.list_aliases(FunctionName="orders")["Aliases"]
    assert [(a["Name"], a.get("RoutingConfig")) for a in every] == \
        [("edge", None), ("live", {"AdditionalVersionWeights": {"1": 0.25}})]
    on_two = lambda_client.list_aliases(FunctionName="orders", FunctionVersion="2")
    assert [a["Name"] for a in on_two["Aliases"]] == ["live"]
    first = lambda_client.list_aliases(FunctionName="orders", MaxItems=1)
    second = lambda_client.list_aliases(FunctionName="orders", Marker=first["NextMarker"])
    assert [a["Name"] for a in first["Aliases"] + second["Aliases"]] == ["edge", "live"]
    assert "NextMarker" not in second


@pytest.mark.parametrize("call,message", [
    (lambda c: c.get_alias(FunctionName="orders", Name="prod"),
     f"Cannot find alias arn: {ARN}:orders:prod"),
    (lambda c: c.get_alias(FunctionName="ghost", Name="live"), f"Function not found: {ARN}:ghost"),
    (lambda c: c.list_aliases(FunctionName="ghost"), f"Function not found: {ARN}:ghost"),
], ids=["no-alias", "get-no-function", "list-no-function"])
def test_alias_not_found(weighted, lambda_client, call, message):
    with pytest.raises(ClientError) as excinfo:
        call(lambda_client)
    assert error_of(excinfo) == ("ResourceNotFoundException", message, 404)
    assert excinfo.value.response["Type"] == "User"


def test_list_aliases_with_a_bad_marker(weighted, lambda_client):
    with pytest.raises(ClientError) as excinfo:
        lambda_client.list_aliases(FunctionName="orders", Marker="%%%")
    assert error_of(excinfo) == ("InvalidParameterValueException", "Invalid marker: %%%", 400)


@pytest.mark.parametrize("operation,kwargs", [
    ("create_alias", {"Name": "canary", "FunctionVersion": "1",
                      "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.5}}}),
    ("update_alias", {"Name": "live", "RoutingConfig": {"AdditionalVersionWeights": {"1": 0.5}}}),
    ("delete_alias", {"Name": "live"}),
])
def test_changing_an_alias_points_at_the_template(weighted, lambda_client, operation, kwargs):
    with pytest.raises(ClientError) as excinfo:
        getattr(lambda_client, operation)(FunctionName="orders", **kwargs)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "functions are deployed from the app's SAM template" in \
        excinfo.value.response["Error"]["Message"]
    assert lambda_client.get_alias(FunctionName="orders", Name="live")["RoutingConfig"] == \
        {"AdditionalVersionWeights": {"1": 0.25}}


def test_executed_version_names_the_version_a_weighted_alias_ran(weighted, runtime,
                                                                 lambda_client):
    executed = {lambda_client.invoke(FunctionName="orders:live")["ExecutedVersion"]
                for _ in range(60)}
    assert executed == {"1", "2"}
    assert {call.invoked_function_arn for call in runtime.calls_to("orders")} == \
        {f"{ARN}:orders:live"}


def with_trace(client, header):
    """`client`, sending `header` as X-Amzn-Trace-Id with each Invoke."""
    def add(request, **kwargs):
        request.headers["X-Amzn-Trace-Id"] = header
    client.meta.events.register("before-send.lambda.Invoke", add)
    return client


def test_the_callers_trace_header_is_handed_to_the_runtime(deployed, runtime, lambda_client):
    header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    with_trace(lambda_client, header).invoke(FunctionName="orders", Qualifier="live")
    (call,) = runtime.calls_to("orders")
    assert call.trace_header == header
