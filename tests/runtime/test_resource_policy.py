"""A function's resource-based policy: which services may invoke it, on which qualifier,
for which source ARN and account; and the runtime refusing the others before anything
runs."""
from __future__ import annotations

import pytest

from fogbank.runtime.resource_policy import arn_like, permits
from fogbank.types import FunctionPermission, InvokeSource, NotPermitted, execute_api_arn

API = "apigateway.amazonaws.com"
API_ARN = execute_api_arn("us-east-1", "123456789012", "abc123", "prod", "GET", "items/{id}")


def allow(**fields) -> FunctionPermission:
    return FunctionPermission(**{"sid": "s", "principal": API, **fields})


@pytest.mark.parametrize("pattern, arn, matches", [
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/*", API_ARN, True),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/items/*", API_ARN, True),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/*/POST/*", API_ARN, False),
    ("arn:aws:execute-api:us-east-1:123456789012:other/*", API_ARN, False),
    ("arn:aws:execute-api:*:*:abc123/prod/???/items/*", API_ARN, True),
    ("arn:aws:s3:::photos", "arn:aws:s3:::photos-thumbnails", False),
    ("arn:aws:s3:::photos*", "arn:aws:s3:::photos-thumbnails", True),
])
def test_source_arn_patterns_are_matched_as_arn_like(pattern: str, arn: str,
                                                     matches: bool) -> None:
    assert arn_like(pattern, arn) is matches


def test_the_source_arn_reads_as_api_gateway_presents_it() -> None:
    assert API_ARN == "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/items/{id}"
    assert execute_api_arn("cn-north-1", "1", "a", "authorizers", "x").startswith(
        "arn:aws-cn:execute-api:cn-north-1:1:a/authorizers/x")


def test_a_statement_allows_its_principal_action_and_source() -> None:
    source = InvokeSource(API, API_ARN, "123456789012")
    assert permits([allow(source_arn="arn:aws:execute-api:us-east-1:123456789012:abc123/*")],
                   None, source)
    assert permits([allow(action="lambda:*")], None, source)
    assert permits([allow(principal="*")], None, source)
    assert not permits([], None, source)
    assert not permits([allow(principal="s3.amazonaws.com")], None, source)
    assert not permits([allow(action="lambda:GetFunction")], None, source)
    assert not permits([allow(source_arn="arn:aws:execute-api:us-east-1:123456789012:zzz/*")],
                       None, source)
    assert not permits([allow(source_account="999999999999")], None, source)
    assert not permits([allow(source_arn="arn:*")], None, InvokeSource(API))  # no ARN given


def test_a_statement_covers_only_the_qualifier_it_is_on() -> None:
    source = InvokeSource(API, API_ARN)
    on_alias = allow(qualifier="live")
    assert permits([on_alias], "live", source)
    assert not permits([on_alias], None, source)
    assert not permits([allow()], "live", source)
    assert permits([allow()], "$LATEST", source)          # $LATEST is the function itself


def test_a_function_url_statement_names_its_auth_type() -> None:
    anyone = InvokeSource("*", action="lambda:InvokeFunctionUrl", url_auth_type="NONE")
    url_statement = allow(principal="*", action="lambda:InvokeFunctionUrl",
                          function_url_auth_type="NONE")
    assert permits([url_statement], None, anyone)
    assert not permits([allow(principal="*", action="lambda:InvokeFunctionUrl",
                              function_url_auth_type="AWS_IAM")], None, anyone)
    assert not permits([allow(principal="*")], None, anyone)   # InvokeFunction only


def test_a_statement_for_url_calls_only_allows_no_service() -> None:
    # SAM's FunctionUrlConfig (AuthType NONE) adds a public lambda:InvokeFunction statement
    # with InvokedViaFunctionUrl: it does not let API Gateway or S3 invoke the function.
    via_url = allow(principal="*", invoked_via_function_url=True)
    assert not permits([via_url], None, InvokeSource(API, API_ARN))
    assert permits([allow(principal="*")], None, InvokeSource(API, API_ARN))


HELLO = "def handler(event, context):\n    return 'ran'\n"


def test_the_runtime_refuses_a_service_the_policy_does_not_allow(deploy, invoke) -> None:
    deploy("guarded", HELLO, permissions=(allow(source_arn=API_ARN),))
    result, answer = invoke("guarded", source=InvokeSource(API, API_ARN))
    assert answer == "ran"
    with pytest.raises(NotPermitted) as refused:
        invoke("guarded", source=InvokeSource("s3.amazonaws.com", "arn:aws:s3:::b"))
    assert "does not allow s3.amazonaws.com to call lambda:InvokeFunction" in str(
        refused.value)
    _, answer = invoke("guarded")             # the account itself is never asked
    assert answer == "ran"


def test_permits_answers_for_a_function_by_name_and_qualifier(deploy, runtime) -> None:
    s3 = InvokeSource("s3.amazonaws.com", "arn:aws:s3:::photos", "123456789012")
    deploy("thumbs", HELLO, permissions=(
        FunctionPermission("s3", "s3.amazonaws.com", source_account="123456789012"),))
    assert runtime.permits("thumbs", s3)
    assert not runtime.permits("thumbs:live", s3)            # a statement on $LATEST only
    assert not runtime.permits("thumbs", InvokeSource(API, API_ARN))
    assert not runtime.permits("missing", s3)                 # no function: nothing allows
