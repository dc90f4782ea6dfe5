"""Lambda Invoke through boto3 and the AWS CLI against a running SDK endpoint."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from fogbank.types import TooManyRequests

from .conftest import error_of

ARN = "arn:aws:lambda:us-east-1:000000000000:function"


def echo(event, context):
    return {"got": event}


def fail(event, context):
    raise ValueError("boom")


def test_invoke_returns_the_function_result(runtime, lambda_client):
    runtime.add("echo", echo)
    response = lambda_client.invoke(FunctionName="echo", Payload=b'{"a": 1}')
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert json.loads(response["Payload"].read()) == {"got": {"a": 1}}
    # The response's request id is the invocation's own.
    assert response["ResponseMetadata"]["RequestId"] == runtime.calls_to("echo")[0].request_id


def test_empty_payload_reaches_the_function_as_an_empty_object(runtime, lambda_client):
    runtime.add("echo", echo)
    response = lambda_client.invoke(FunctionName="echo")
    assert json.loads(response["Payload"].read()) == {"got": {}}


def test_function_error_is_reported_as_unhandled(runtime, lambda_client):
    runtime.add("fail", fail)
    response = lambda_client.invoke(FunctionName="fail", Payload=b"{}")
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    payload = json.loads(response["Payload"].read())
    assert payload["errorMessage"] == "boom"
    assert payload["errorType"] == "ValueError"


def test_tail_returns_the_invocation_log_base64(runtime, lambda_client):
    runtime.add("echo", echo)
    response = lambda_client.invoke(FunctionName="echo", Payload=b"{}", LogType="Tail")
    request_id = runtime.calls_to("echo")[0].request_id
    log = base64.b64decode(response["LogResult"]).decode()
    assert log.startswith(f"START RequestId: {request_id} Version: $LATEST")
    assert f"REPORT RequestId: {request_id}" in log


def test_tail_keeps_only_the_last_4_kb(runtime, lambda_client):
    def chatty(event, context):
        for i in range(500):
            context.log(f"line {i:04d} " + "x" * 40)
        return None

    runtime.add("chatty", chatty)
    response = lambda_client.invoke(FunctionName="chatty", LogType="Tail")
    log = base64.b64decode(response["LogResult"])
    assert len(log) == 4096
    assert log.rstrip().endswith(b"Duration: 1.00 ms")
    assert b"START RequestId" not in log


def test_no_log_result_without_tail(runtime, lambda_client):
    runtime.add("echo", echo)
    assert "LogResult" not in lambda_client.invoke(FunctionName="echo", LogType="None")


def test_client_context_is_passed_through_base64(runtime, lambda_client):
    runtime.add("echo", echo)
    context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    lambda_client.invoke(FunctionName="echo", ClientContext=context)
    assert runtime.calls_to("echo")[0].client_context == context


@pytest.mark.parametrize("name", [
    "echo", f"{ARN}:echo", "000000000000:function:echo", "echo:$LATEST", f"{ARN}:echo:$LATEST",
])
def test_function_named_by_name_arn_or_partial_arn(runtime, lambda_client, name):
    runtime.add("echo", echo)
    response = lambda_client.invoke(FunctionName=name, Payload=b"1")
    assert json.loads(response["Payload"].read()) == {"got": 1}


def test_qualifier_latest_is_served(runtime, lambda_client):
    runtime.add("echo", echo)
    assert lambda_client.invoke(FunctionName="echo", Qualifier="$LATEST")["StatusCode"] == 200


@pytest.mark.parametrize("name,qualifier,invoked", [
    ("who", None, f"{ARN}:who"),
    (f"{ARN}:who", None, f"{ARN}:who"),
    ("who", "$LATEST", f"{ARN}:who:$LATEST"),
    ("who:$LATEST", None, f"{ARN}:who:$LATEST"),
])
def test_context_names_the_arn_the_function_was_invoked_by(runtime, lambda_client, name,
                                                           qualifier, invoked):
    runtime.add("who", lambda event, context: context.invoked_function_arn)
    extra = {"Qualifier": qualifier} if qualifier else {}
    response = lambda_client.invoke(FunctionName=name, **extra)
    assert json.loads(response["Payload"].read()) == invoked


@pytest.mark.parametrize("name,qualifier,missing", [
    ("echo", "1", "echo:1"), ("echo:live", None, "echo:live"), (f"{ARN}:echo:7", None, "echo:7"),
])
def test_other_versions_are_not_found(runtime, lambda_client, name, qualifier, missing):
    runtime.add("echo", echo)
    extra = {"Qualifier": qualifier} if qualifier else {}
    with pytest.raises(ClientError) as excinfo:
        lambda_client.invoke(FunctionName=name, **extra)
    assert error_of(excinfo) == ("ResourceNotFoundException", f"Function not found: {ARN}:{missing}", 404)


def test_qualifier_conflicting_with_the_name_is_refused(runtime, lambda_client):
    runtime.add("echo", echo)
    with pytest.raises(ClientError) as excinfo:
        lambda_client.invoke(FunctionName="echo:$LATEST", Qualifier="2")
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.", 400)


def test_unknown_function_is_not_found(lambda_client):
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        lambda_client.invoke(FunctionName="nope", Payload=b"{}")
    # Invoke names the version it looked for.
    assert error_of(excinfo) == ("ResourceNotFoundException",
                                 f"Function not found: {ARN}:nope:$LATEST", 404)
    assert excinfo.value.response["Type"] == "User"


@pytest.mark.parametrize("invocation_type", ["RequestResponse", "Event", "DryRun"])
def test_function_in_another_region_is_not_reachable(runtime, lambda_client, invocation_type):
    runtime.add("echo", echo)
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as excinfo:
        lambda_client.invoke(FunctionName="arn:aws:lambda:eu-central-1:000000000000:function:echo",
                             InvocationType=invocation_type)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Functions from 'eu-central-1' are not reachable in this region ('us-east-1')", 404)
    assert runtime.calls == []


def test_function_in_another_account_is_not_found(runtime, lambda_client):
    runtime.add("echo", echo)
    with pytest.raises(ClientError) as excinfo:
        lambda_client.invoke(FunctionName="arn:aws:lambda:us-east-1:111111111111:function:echo")
    assert error_of(excinfo)[1] == "Function not found: arn:aws:lambda:us-east-1:111111111111:function:echo"


def test_payload_that_is_not_json_is_refused(runtime, lambda_client):
    runtime.add("echo", echo)
    with pytest.raises(lambda_client.exceptions.InvalidRequestContentException) as excinfo:
        lambda_client.invoke(FunctionName="echo", Payload=b"xyz")
    assert error_of(excinfo) == (
        "InvalidRequestContentException",
        "Could not parse request body into json: Could not parse payload into json: "
        "Unrecognized token 'xyz': was expecting (JSON String, Number, Array, Object or token "
        "'null', 'true' or 'false')\n at [Source: REDACTED "
        "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 4]", 400)
    assert runtime.calls == []


@pytest.mark.parametrize("payload,reason", [
    (b'{"a": ', "Unexpected end-of-input"),
    (b'{"a" 1}', "Unexpected character (\'1\' (code 49))"),
    (b'{"a": "\x97"}', "Invalid UTF-8 start byte 0x97"),
    (b'"\xe9t\xe9"', "Invalid UTF-8 middle byte 0x74"),
])
def test_malformed_json_messages(runtime, lambda_client, payload, reason):
    runtime.add("echo", echo)
    with pytest.raises(ClientError) as excinfo:
        lambda_client.invoke(FunctionName="echo", Payload=payload)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidRequestContentException", 400)
    assert message.startswith(
        f"Could not parse request body into json: Could not parse payload into json: {reason}")


# What the AWS CLI v2 sends when a JSON --payload is read as base64, and Lambda's answers.
@pytest.mark.parametrize("payload,reason,column", [
    (b"n\x87r\x9e\xe9\xb5\xd7I\xee\x9bmt", "Invalid UTF-8 start byte 0x87", 3),
    (b"\x99\xeb,j\x07\xa1zYh", "Unexpected character ((CTRL-CHAR, code 153)): expected a valid "
     "value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", 1),
])
def test_payload_that_is_not_utf8_is_refused_as_lambda_words_it(runtime, lambda_client, payload,
                                                                  reason, column):
    runtime.add("echo", echo)
    with pytest.raises(lambda_client.exceptions.InvalidRequestContentException) as excinfo:
        lambda_client.invoke(FunctionName="echo", Payload=payload)
    assert error_of(excinfo)[1] == (
        f"Could not parse request body into json: Could not parse payload into json: {reason}\n"
        " at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "
        f"line: 1, column: {column}]")


def test_sync_payload_over_6_mb_is_refused(runtime, lambda_client):
    runtime.add("echo", echo)
    big = b'"' + b"x" * (6 * 1024 * 1024 - 1) + b'"'
    with pytest.raises(ClientError) as excinfo:
        lambda_client.invoke(FunctionName="echo", Payload=big)
    assert error_of(excinfo) == (
        "RequestEntityTooLargeException",
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation", 413)
    assert runtime.calls == []


def test_async_payload_over_1_mb_is_refused(runtime, lambda_client):
    runtime.add("echo", echo)
    big = b'"' + b"x" * (1024 * 1024) + b'"'
    with pytest.raises(ClientError) as excinfo:
        lambda_client.invoke(FunctionName="echo", Payload=big, InvocationType="Event")
    assert error_of(excinfo) == (
        "RequestEntityTooLargeException",
        f"{len(big)} byte payload is too large for the Event invocation type (limit 1048576 bytes)",
        413)


def test_throttle_is_429_with_its_reason(runtime, lambda_client):
    def throttled(event, context):
        raise TooManyRequests("Rate Exceeded.",
                              extra={"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"})

    runtime.add("busy", throttled)
    with pytest.raises(lambda_client.exceptions.TooManyRequestsException) as excinfo:
        lambda_client.invoke(FunctionName="busy")
    assert error_of(excinfo) == ("TooManyRequestsException", "Rate Exceeded.", 429)
    assert excinfo.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_dry_run_checks_the_function_without_running_it(runtime, lambda_client):
    runtime.add("echo", echo)
    response = lambda_client.invoke(FunctionName="echo", InvocationType="DryRun", Payload=b"{}")
    assert response["StatusCode"] == 204
    assert runtime.calls == []
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.invoke(FunctionName="nope", InvocationType="DryRun")


def test_unknown_invocation_type_is_a_validation_error(runtime, lambda_client):
    runtime.add("echo", echo)
    with pytest.raises(ClientError) as excinfo:
        lambda_client.invoke(FunctionName="echo", InvocationType="Later")
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", 400)


def test_malformed_function_name_is_a_validation_error(lambda_client):
    with pytest.raises(ClientError) as excinfo:
        lambda_client.invoke(FunctionName="no spaces allowed")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("1 validation error detected: Value 'no spaces allowed' at "
                              "'functionName' failed to satisfy constraint: Member must satisfy "
                              "regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?")


def aws_cli(endpoint: str, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home),
           "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1"}
    aws = Path(sys.executable).parent / "aws"
    return subprocess.run([str(aws), "lambda", *args, "--endpoint-url", endpoint],
                          env=env, capture_output=True, text=True, timeout=120)


def test_aws_cli_invoke(runtime, endpoint, tmp_path):
    runtime.add("echo", echo)
    out = tmp_path / "out.json"
    done = aws_cli(endpoint, tmp_path, "invoke", "--function-name", "echo",
                   # awscli v1 sends blob arguments raw; v2 would need
                   # --cli-binary-format raw-in-base64-out.
                   "--payload", '{"cli": true}',
                   "--log-type", "Tail", str(out))
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["StatusCode"] == 200
    assert printed["ExecutedVersion"] == "$LATEST"
    assert b"END RequestId" in base64.b64decode(printed["LogResult"])
    assert json.loads(out.read_text()) == {"got": {"cli": True}}


def test_aws_cli_reports_a_missing_function(endpoint, tmp_path):
    done = aws_cli(endpoint, tmp_path, "invoke", "--function-name", "nope", str(tmp_path / "o"))
    assert done.returncode != 0
    assert ("An error occurred (ResourceNotFoundException) when calling the Invoke operation: "
            f"Function not found: {ARN}:nope") in done.stderr
