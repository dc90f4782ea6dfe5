"""The context object and the environment a handler sees."""
from __future__ import annotations

import re

CONTEXT = """
import os, time
def handler(event, context):
    first = context.get_remaining_time_in_millis()
    time.sleep(0.05)
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": [first, context.get_remaining_time_in_millis()],
        "identity": [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id],
        "client_context": context.client_context,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
    }
"""


def test_context_fields(deploy, invoke):
    spec = deploy("ctx", CONTEXT, memory_mb=256, timeout_s=5)
    result, got = invoke("ctx")
    assert got["aws_request_id"] == result.request_id
    assert got["function_name"] == "ctx"
    assert got["function_version"] == "$LATEST"
    assert got["invoked_function_arn"] == "arn:aws:lambda:us-east-1:000000000000:function:ctx"
    assert got["memory_limit_in_mb"] == "256"  # a string, as awslambdaric reads it from the env
    assert got["log_group_name"] == "/aws/lambda/ctx"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", got["log_stream_name"])
    first, later = got["remaining"]
    assert 0 < later < first <= 5000
    assert got["identity"] == [None, None]
    assert got["client_context"] is None
    assert got["cwd"] == str(spec.code_dir)


def test_a_name_carrying_its_qualifier_sees_the_qualified_arn(deploy, invoke):
    """Invocations reach the runtime named as Lambda's FunctionName: "name:qualifier"."""
    deploy("ctx", CONTEXT)
    _, got = invoke("ctx:$LATEST")
    arn = "arn:aws:lambda:us-east-1:000000000000:function:ctx"
    assert got["invoked_function_arn"] == f"{arn}:$LATEST"
    assert got["function_version"] == "$LATEST"
    assert got["function_name"] == "ctx"


def test_lambda_environment_variables(deploy, invoke):
    spec = deploy("envs", CONTEXT, memory_mb=512, environment={"TABLE": "things"})
    _, got = invoke("envs")
    env = got["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "envs"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert env["LAMBDA_TASK_ROOT"] == str(spec.code_dir)
    assert env["LAMBDA_RUNTIME_DIR"]
    assert env["_HANDLER"] == "app.handler"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/envs"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == got["log_stream_name"]
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["TZ"] == ":UTC"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"] and env["AWS_SESSION_TOKEN"]
    assert env["PYTHONPATH"].split(":")[0] == str(spec.code_dir)
    assert env["LANG"] == "en_US.UTF-8" and env["LC_CTYPE"] == "C.UTF-8"
    assert env["PATH"].split(":")[1:4] == ["/usr/local/bin", "/usr/bin/", "/bin"]
    assert env["PWD"] == str(spec.code_dir)
    assert env["AWS_XRAY_CONTEXT_MISSING"] == "LOG_ERROR"
    assert env["TABLE"] == "things"


def test_runtime_api_and_xray_daemon_variables_hold_lambdas_values(deploy, invoke):
    deploy("daemon", CONTEXT)
    env = invoke("daemon")[1]["env"]
    assert env["AWS_LAMBDA_RUNTIME_API"] == "127.0.0.1:9001"
    assert env["AWS_XRAY_DAEMON_ADDRESS"] == "169.254.79.129:2000"
    assert env["_AWS_XRAY_DAEMON_ADDRESS"] == "169.254.79.129"
    assert env["_AWS_XRAY_DAEMON_PORT"] == "2000"


def test_a_function_may_set_the_unreserved_xray_variables(deploy, invoke):
    deploy("own_daemon", CONTEXT, environment={"AWS_XRAY_DAEMON_ADDRESS": "10.0.0.1:3000",
                                               "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR"})
    env = invoke("own_daemon")[1]["env"]
    assert env["AWS_XRAY_DAEMON_ADDRESS"] == "10.0.0.1:3000"
    assert env["AWS_XRAY_CONTEXT_MISSING"] == "IGNORE_ERROR"


def test_boto3_inside_a_function_targets_the_configured_endpoint(make_runtime, code, loop):
    from fogbank.types import FunctionSpec
    import json

    runtime = make_runtime(endpoint_url="http://127.0.0.1:45999")
    root = code("sdk", {"app.py": "import boto3\ndef handler(e, c):\n"
                                  "    client = boto3.client('dynamodb')\n"
                                  "    return [client.meta.endpoint_url, client.meta.region_name]\n"})
    runtime.deploy(FunctionSpec(name="sdk", handler="app.handler", code_dir=root))
    result = loop.run_until_complete(runtime.invoke("sdk", b"{}"))
    assert json.loads(result.payload) == ["http://127.0.0.1:45999", "us-east-1"]


def test_context_repr_is_awslambdarics(deploy, invoke):
    deploy("shown", "def handler(e, c):\n    return repr(c)\n")
    result, shown = invoke("shown")
    arn = "arn:aws:lambda:us-east-1:000000000000:function:shown"
    assert re.fullmatch(
        rf"LambdaContext\(\[aws_request_id={result.request_id},log_group_name=/aws/lambda/shown,"
        r"log_stream_name=\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32},function_name=shown,"
        rf"memory_limit_in_mb=128,function_version=\$LATEST,invoked_function_arn={arn},"
        r"client_context=None,identity=CognitoIdentity\(\[cognito_identity_id=None,"
        r"cognito_identity_pool_id=None\]\),tenant_id=None\]\)", shown)
