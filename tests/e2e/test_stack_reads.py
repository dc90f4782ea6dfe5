"""Looking the deployed stack up as scripts and workshops do: CloudFormation's reads and STS
through boto3 and both AWS CLIs, against a real `fogbank up` node; and every such request
sent wrong, raw when the clients would not send it."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Iterator

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from fogbank.testing import BIN, RunningNode, clean_env, serving

APP = Path(__file__).parent / "apps" / "stack_reads"
STACK = "stack-reads"              # the app directory's name, as a stack name
CLIS = {"v1": BIN / "aws", "v2": Path("/usr/bin/aws")}
# The credential scope names the service; the node does not check the signature itself.
AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00")


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    app = tmp_path_factory.mktemp("reads") / "stack-reads"
    subprocess.run(["cp", "-r", str(APP), str(app)], check=True)
    with serving(app, "--no-watch") as running:
        yield running


def client(node: RunningNode, service: str) -> Any:
    return boto3.client(service, **node.client_kwargs(),
                        config=Config(retries={"total_max_attempts": 1}))


def aws(node: RunningNode, version: str, *args: str, exit_code: int = 0
        ) -> subprocess.CompletedProcess:
    done = subprocess.run([str(CLIS[version]), *args, "--endpoint-url", node.url,
                           "--output", "json"], capture_output=True, text=True,
                          env=clean_env(), timeout=120)
    assert done.returncode == exit_code, (done.returncode, done.stdout, done.stderr)
    return done


def raw(node: RunningNode, service: str, body: bytes | str,
        content_type: str = "application/x-www-form-urlencoded; charset=utf-8") -> httpx.Response:
    """A query-protocol request as no SDK would send it."""
    return httpx.post(node.url + "/", content=body,
                      headers={"Content-Type": content_type, "X-Amz-Date": "20260101T000000Z",
                               "Authorization": AUTH.format(service=service)})


def error_of(excinfo: Any) -> tuple[str, str, int]:
    response = excinfo.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


# ------------------------------------------------------------------ STS


def test_caller_identity_is_the_accounts_root(node) -> None:
    identity = client(node, "sts").get_caller_identity()
    assert (identity["Account"], identity["UserId"], identity["Arn"]) == (
        "000000000000", "000000000000", "arn:aws:iam::000000000000:root")


@pytest.mark.parametrize("version", CLIS)
def test_caller_identity_through_the_cli(node, version) -> None:
    done = aws(node, version, "sts", "get-caller-identity", "--query", "Account")
    assert json.loads(done.stdout) == "000000000000"


# ------------------------------------------------------------------ describing the stack


def test_describe_stacks_names_the_stack_its_parameters_and_outputs(node) -> None:
    cfn = client(node, "cloudformation")
    (stack,) = cfn.describe_stacks()["Stacks"]
    assert stack["StackName"] == STACK and stack["StackStatus"] == "CREATE_COMPLETE"
    assert stack["StackId"].startswith(
        f"arn:aws:cloudformation:us-east-1:000000000000:stack/{STACK}/")
    assert stack["Description"].startswith("An HTTP, a REST and a WebSocket API")
    assert stack["CreationTime"].year >= 2024
    assert {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]} == {
        "StageName": "dev", "ApiToken": "****"}
    outputs = {o["OutputKey"]: o for o in stack["Outputs"]}
    items_api = [url for name, url in node.wait_ready()["apis"].items() if "Items" in name]
    assert outputs["ItemsUrl"]["OutputValue"].startswith("https://")
    assert outputs["ItemsUrl"]["Description"] == "The dev items API"
    assert outputs["ItemsUrl"]["ExportName"] == f"{STACK}-ItemsUrl"
    assert items_api and outputs["ItemsUrl"]["OutputValue"].split("//")[1].split(".")[0] \
        in items_api[0]
    assert set(outputs["BackendName"]) == {"OutputKey", "OutputValue"}
    # By name or by stack id, the same stack.
    assert cfn.describe_stacks(StackName=stack["StackId"])["Stacks"][0]["StackName"] == STACK


@pytest.mark.parametrize("version", CLIS)
def test_outputs_through_the_cli_query_as_workshops_fetch_them(node, version) -> None:
    done = aws(node, version, "cloudformation", "describe-stacks", "--stack-name", STACK,
               "--query", "Stacks[0].Outputs[?OutputKey=='BackendName'].OutputValue | [0]")
    backend = json.loads(done.stdout)
    assert backend == node.wait_ready()["functions"]["Backend"]


def test_an_unknown_stack_does_not_exist(node) -> None:
    cfn = client(node, "cloudformation")
    for call in (lambda: cfn.describe_stacks(StackName="nope"),
                 lambda: cfn.list_stack_resources(StackName="nope"),
                 lambda: cfn.describe_stack_resources(StackName="nope"),
                 lambda: cfn.get_template(StackName="nope")):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == ("ValidationError", "Stack with id nope does not exist", 400)


@pytest.mark.parametrize("version", CLIS)
def test_an_unknown_stack_through_the_cli(node, version) -> None:
    done = aws(node, version, "cloudformation", "describe-stacks", "--stack-name", "nope",
               exit_code=255 if version == "v1" else 254)
    assert "(ValidationError)" in done.stderr and "Stack with id nope does not exist" in done.stderr


def test_list_stacks_summarises_the_stack_and_filters_by_status(node) -> None:
    cfn = client(node, "cloudformation")
    (summary,) = cfn.list_stacks()["StackSummaries"]
    assert (summary["StackName"], summary["StackStatus"]) == (STACK, "CREATE_COMPLETE")
    assert cfn.list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"] == []
    assert len(cfn.list_stacks(StackStatusFilter=["CREATE_COMPLETE", "UPDATE_COMPLETE"])
               ["StackSummaries"]) == 1


# ------------------------------------------------------------------ its resources


def test_list_stack_resources_names_each_deployed_resource(node) -> None:
    cfn = client(node, "cloudformation")
    summaries = cfn.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    by_id = {s["LogicalResourceId"]: s for s in summaries}
    backend = by_id["Backend"]
    assert backend["ResourceType"] == "AWS::Lambda::Function"
    assert backend["PhysicalResourceId"] == node.wait_ready()["functions"]["Backend"]
    assert backend["ResourceStatus"] == "CREATE_COMPLETE"
    assert by_id["Socket"]["ResourceType"] == "AWS::ApiGatewayV2::Api"
    assert by_id["Orders"]["ResourceType"] == "AWS::ApiGateway::RestApi"
    assert all(s["LastUpdatedTimestamp"] for s in summaries)


@pytest.mark.parametrize("version", CLIS)
def test_list_stack_resources_through_the_cli(node, version) -> None:
    done = aws(node, version, "cloudformation", "list-stack-resources", "--stack-name", STACK,
               "--query", "StackResourceSummaries[?LogicalResourceId=='Socket'].ResourceType")
    assert json.loads(done.stdout) == ["AWS::ApiGatewayV2::Api"]


def test_describe_stack_resources_by_stack_by_logical_id_and_by_physical_id(node) -> None:
    cfn = client(node, "cloudformation")
    every = cfn.describe_stack_resources(StackName=STACK)["StackResources"]
    assert {r["StackName"] for r in every} == {STACK} and len(every) > 5
    (one,) = cfn.describe_stack_resources(StackName=STACK,
                                          LogicalResourceId="Backend")["StackResources"]
    by_physical = cfn.describe_stack_resources(
        PhysicalResourceId=one["PhysicalResourceId"])["StackResources"]
    assert one in by_physical and len(by_physical) == len(every)
    detail = cfn.describe_stack_resource(StackName=STACK,
                                         LogicalResourceId="Backend")["StackResourceDetail"]
    assert detail["PhysicalResourceId"] == one["PhysicalResourceId"]
    assert detail["LastUpdatedTimestamp"] == one["Timestamp"]


def test_resource_lookups_that_find_nothing(node) -> None:
    cfn = client(node, "cloudformation")
    with pytest.raises(ClientError) as excinfo:
        cfn.describe_stack_resource(StackName=STACK, LogicalResourceId="Ghost")
    assert error_of(excinfo) == ("ValidationError",
                                 f"Resource Ghost does not exist for stack {STACK}", 400)
    with pytest.raises(ClientError) as excinfo:
        cfn.describe_stack_resources(PhysicalResourceId="no-such-thing")
    assert error_of(excinfo)[0] == "ValidationError"
    with pytest.raises(ClientError) as excinfo:
        cfn.describe_stack_resources()
    assert error_of(excinfo)[0] == "ValidationError"


# ------------------------------------------------------------------ template and exports


def test_get_template_gives_the_template_as_written(node) -> None:
    answer = client(node, "cloudformation").get_template(StackName=STACK)
    # botocore hands back a YAML body as text, as it is on AWS.
    assert answer["TemplateBody"] == (APP / "template.yaml").read_text()
    assert answer["StagesAvailable"] == ["Original"]


def test_the_processed_template_is_not_served(node) -> None:
    with pytest.raises(ClientError) as excinfo:
        client(node, "cloudformation").get_template(StackName=STACK, TemplateStage="Processed")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("NotImplemented", 501) and "Original" in message


def test_list_exports_names_the_exported_outputs(node) -> None:
    exports = client(node, "cloudformation").list_exports()["Exports"]
    assert [e["Name"] for e in exports] == [f"{STACK}-ItemsUrl"]
    assert exports[0]["ExportingStackId"].split("/")[1] == STACK


def test_stack_writes_are_refused_saying_where_stacks_come_from(node) -> None:
    cfn = client(node, "cloudformation")
    for call in (lambda: cfn.create_stack(StackName="other", TemplateBody="{}"),
                 lambda: cfn.update_stack(StackName=STACK, TemplateBody="{}"),
                 lambda: cfn.delete_stack(StackName=STACK)):
        with pytest.raises(ClientError) as excinfo:
            call()
        code, message, status = error_of(excinfo)
        assert (code, status) == ("NotImplemented", 501)
        assert "deployed by fogbank up from the app's template" in message
    assert cfn.describe_stacks(StackName=STACK)["Stacks"]


# ------------------------------------------------------------------ requests sent wrong


def test_an_unknown_action_is_an_invalid_action(node) -> None:
    response = raw(node, "cloudformation", "Action=DescribeStackz&Version=2010-05-15")
    assert response.status_code == 400 and response.headers["content-type"] == "text/xml"
    assert "<Code>InvalidAction</Code>" in response.text
    assert "<Type>Sender</Type>" in response.text
    assert f"<RequestId>{response.headers['x-amzn-requestid']}</RequestId>" in response.text


def test_a_form_without_an_action(node) -> None:
    response = raw(node, "sts", "Version=2011-06-15")
    assert response.status_code == 400 and "<Code>MissingAction</Code>" in response.text


def test_a_missing_required_parameter_is_a_validation_error(node) -> None:
    response = raw(node, "cloudformation", "Action=ListStackResources&Version=2010-05-15")
    assert response.status_code == 400
    assert "<Code>ValidationError</Code>" in response.text
    assert ("1 validation error detected: Value null at 'stackName' failed to satisfy "
            "constraint: Member must not be null") in response.text


def test_a_value_breaking_the_models_constraints(node) -> None:
    response = raw(node, "cloudformation",
                   "Action=GetTemplate&Version=2010-05-15&StackName=x&TemplateStage=Draft")
    assert response.status_code == 400 and "<Code>ValidationError</Code>" in response.text
    assert "Member must satisfy enum value set: [Original, Processed]" in response.text


@pytest.mark.parametrize("body, content_type", [
    (b"Action=DescribeStacks&StackName=%E0%A4", "application/x-www-form-urlencoded"),
    (b"Action=DescribeStacks&StackName=%zz", "application/x-www-form-urlencoded"),
    (b"\xff\xfe", "application/x-www-form-urlencoded"),
    (b'{"Action": "DescribeStacks"}', "application/json"),
])
def test_a_malformed_form_body(node, body, content_type) -> None:
    response = raw(node, "cloudformation", body, content_type)
    assert response.status_code == 404
    assert "<Code>MalformedQueryString</Code>" in response.text
