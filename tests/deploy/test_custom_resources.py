"""Custom resources: the request a function gets, the response it PUTs, and what the deployer
makes of it across creates, updates, replacements, deletions and restarts."""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from fogbank.aws.cloudformation.response_urls import ResponseUrls
from fogbank.deploy import Deployer, Template, TemplateError
from fogbank.deploy.deployer import NeedsEventLoop, Providers
from fogbank.deploy.providers import default_providers
from fogbank.deploy.providers.custom_resources import (RESPONSE_PATH, CustomResourceProvider,
                                                       ResponseSlots, as_passed, response_host)
from fogbank.types import AwsError, InvokeResult

REGION, ACCOUNT = "us-east-1", "123456789012"
Load = Callable[..., Template]
Answer = Callable[[dict[str, Any]], Any]

APP = """
Resources:
  Seeder:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Code: src
      Timeout: 7
  Seed:
    Type: Custom::Seed
    Properties:
      ServiceToken: !GetAtt Seeder.Arn
      Table: things
      Count: 5
      Enabled: true
      Nested: {Sizes: [1, 2.5, false], Name: x}
Outputs:
  Greeting: {Value: !GetAtt Seed.Greeting}
  SeedId: {Value: !Ref Seed}
"""


class Function:
    """Stands in for the custom resource's Lambda function: records each request and PUTs
    what `answer` makes of it (a dict as JSON, bytes as they are, None for no PUT) to the
    ResponseURL, through the node's edge app."""

    def __init__(self, slots: ResponseSlots) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer: Answer = lambda request: success(request, "seed-1", {"Greeting": "hi"})
        self.hang = False
        self._edge = ResponseUrls(slots, RESPONSE_PATH)

    async def invoke(self, name: str, payload: bytes) -> InvokeResult:
        request = json.loads(payload)
        request["_function"] = name
        self.requests.append(request)
        if self.hang:
            await asyncio.sleep(30)
        body = self.answer(request)
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            status = await put(self._edge, request["ResponseURL"], data)
            assert status == 200
        return InvokeResult(request_id=str(uuid.uuid4()), payload=b"null")

    def kinds(self) -> list[str]:
        return [r["RequestType"] for r in self.requests]


def success(request: dict[str, Any], physical_id: str | None, data: Any = None) -> dict[str, Any]:
    response = {"Status": "SUCCESS", "StackId": request["StackId"],
                "RequestId": request["RequestId"],
                "LogicalResourceId": request["LogicalResourceId"], "Data": data}
    if physical_id is not None:
        response["PhysicalResourceId"] = physical_id
    return response


async def put(app: ResponseUrls, url: str, body: bytes, method: str = "PUT") -> int:
    transport = httpx.ASGITransport(app=app)     # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport) as client:
        response = await client.request(method, url, content=body,
                                        headers={"content-type": ""})
    return response.status_code


@pytest.fixture
def slots() -> ResponseSlots:
    return ResponseSlots(f"https://{response_host(REGION)}")


@pytest.fixture
def function(slots: ResponseSlots) -> Function:
    return Function(slots)


@pytest.fixture
def make(tmp_path: Path, runtime: Any, slots: ResponseSlots,
         function: Function) -> Callable[..., Deployer]:
    """A Deployer over one state dir, as a (re)started node builds it."""
    def build(**options: Any) -> Deployer:
        custom = CustomResourceProvider(function.invoke,
                                        lambda name: runtime.get_timeout(name), slots,
                                        region=REGION, account_id=ACCOUNT, **options)
        return Deployer(tmp_path / "state", [*default_providers(runtime, REGION, ACCOUNT),
                                             custom], REGION, ACCOUNT)
    return build


@pytest.fixture(autouse=True)
def timeouts(runtime: Any) -> None:
    def get_timeout(name: str) -> float:
        if name not in runtime.specs:
            raise AwsError(f"Function not found: {name}", code="ResourceNotFoundException")
        return float(runtime.specs[name].timeout_s)
    runtime.get_timeout = get_timeout


def deploy(dep: Deployer, tpl: Template, **kwargs: Any) -> Any:
    return asyncio.run(dep.apply_async(dep.plan(tpl), **kwargs))


def test_create_sends_cloudformations_request_and_reads_ref_and_getatt(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    tpl = load(APP)
    result = deploy(make(), tpl)
    [request] = function.requests
    assert request["RequestType"] == "Create"
    assert request["ResourceType"] == "Custom::Seed"
    assert request["LogicalResourceId"] == "Seed"
    assert request["StackId"] == tpl.stack_id
    assert str(uuid.UUID(request["RequestId"])) == request["RequestId"]
    token = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{request['_function']}"
    assert request["ServiceToken"] == token
    # Every scalar reaches the provider as a string, as CloudFormation passes it.
    assert request["ResourceProperties"] == {
        "ServiceToken": token, "Table": "things", "Count": "5", "Enabled": "true",
        "Nested": {"Sizes": ["1", "2.5", "false"], "Name": "x"}}
    assert "PhysicalResourceId" not in request and "OldResourceProperties" not in request
    assert "ServiceTimeout" not in request
    assert request["ResponseURL"].startswith(
        f"https://cloudformation-custom-resource-response-useast1.s3.{REGION}.amazonaws.com"
        f"{RESPONSE_PATH}")
    assert result.outputs == {"Greeting": "hi", "SeedId": "seed-1"}


def test_response_urls_are_unguessable_and_one_per_request(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    deploy(make(), load(APP))
    deploy(make(), load(APP.replace("Table: things", "Table: others")))
    first, second = (r["ResponseURL"] for r in function.requests)
    assert first != second
    assert len(first.rsplit("X-Amz-Signature=", 1)[1]) >= 40


def test_unchanged_redeploy_and_restart_send_nothing(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    deploy(make(), load(APP))
    again = make()                                  # a restarted node: state from disk
    again.restore(load(APP))
    result = deploy(again, load(APP))
    assert function.kinds() == ["Create"]
    assert result.outputs == {"Greeting": "hi", "SeedId": "seed-1"}
    assert again.state.resources["Seed"].attributes == {"Greeting": "hi"}


def test_changed_property_sends_update_with_old_properties(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    deploy(make(), load(APP))
    function.answer = lambda request: success(request, "seed-1", {"Greeting": "hello"})
    result = deploy(make(), load(APP.replace("Table: things", "Table: others")))
    assert function.kinds() == ["Create", "Update"]
    update = function.requests[1]
    assert update["PhysicalResourceId"] == "seed-1"
    assert update["ResourceProperties"]["Table"] == "others"
    assert update["OldResourceProperties"]["Table"] == "things"
    assert update["OldResourceProperties"]["Count"] == "5"
    assert result.outputs["Greeting"] == "hello"


def test_new_physical_id_is_a_replacement_and_the_old_one_is_deleted(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    deploy(make(), load(APP))
    function.answer = lambda request: success(request, "seed-2", {"Greeting": "new"})
    dep = make()
    result = deploy(dep, load(APP.replace("Table: things", "Table: others")))
    assert function.kinds() == ["Create", "Update", "Delete"]
    delete = function.requests[2]
    assert delete["PhysicalResourceId"] == "seed-1"
    assert delete["ResourceProperties"]["Table"] == "things"
    assert result.outputs["SeedId"] == "seed-2"
    assert dep.state.resources["Seed"].physical_id == "seed-2"


def test_resource_removed_from_the_template_gets_a_delete(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    deploy(make(), load(APP))
    without = APP.split("  Seed:\n")[0] + "Outputs: {}\n"
    dep = make()
    deploy(dep, load(without))
    assert function.kinds() == ["Create", "Delete"]
    delete = function.requests[1]
    assert delete["PhysicalResourceId"] == "seed-1"
    assert delete["ResourceProperties"]["Count"] == "5"
    assert "Seed" not in dep.state.resources


def test_failed_delete_while_cleaning_up_is_logged_and_the_resource_dropped(
        load: Load, make: Callable[..., Deployer], function: Function,
        caplog: pytest.LogCaptureFixture) -> None:
    deploy(make(), load(APP))
    function.answer = lambda request: {**success(request, "seed-1"), "Status": "FAILED",
                                       "Reason": "cannot"}
    dep = make()
    with caplog.at_level(logging.WARNING, logger="fogbank.deploy"):
        deploy(dep, load(APP.split("  Seed:\n")[0]))
    assert "Seed" not in dep.state.resources
    assert "Message returned: cannot" in caplog.text


def test_failed_response_fails_the_deploy_with_cloudformations_message(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    function.answer = lambda request: {**success(request, "x"), "Status": "FAILED",
                                       "Reason": "the table is missing"}
    dep = make()
    steps: list[tuple[str, str]] = []
    with pytest.raises(AwsError) as caught:
        deploy(dep, load(APP), on_step=lambda c, s: steps.append((c.logical_id, s)))
    request_id = function.requests[0]["RequestId"]
    assert caught.value.message == ("Received response status [FAILED] from custom resource. "
                                    "Message returned: the table is missing "
                                    f"(RequestId: {request_id})")
    assert steps[-1] == ("Seed", "failed")
    assert "Seed" not in dep.state.resources and "Seeder" in dep.state.resources


def test_failed_update_keeps_the_recorded_resource(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    deploy(make(), load(APP))
    function.answer = lambda request: {**success(request, "seed-1"), "Status": "FAILED",
                                       "Reason": "no"}
    dep = make()
    with pytest.raises(AwsError, match=r"Message returned: no \(RequestId"):
        deploy(dep, load(APP.replace("Table: things", "Table: others")))
    assert dep.state.resources["Seed"].properties["Table"] == "things"


@pytest.mark.parametrize("body, message", [
    (b"x" * 4097, "Response object is too long."),
    (b"not json", "Invalid response object: the body is not a JSON object"),
    (b'{"Status": "DONE", "PhysicalResourceId": "p"}',
     'Invalid response object: Status must be SUCCESS or FAILED, got "DONE"'),
    (b'{"Status": "SUCCESS"}', "Invalid PhysicalResourceId"),
    (b'{"Status": "SUCCESS", "PhysicalResourceId": ""}', "Invalid PhysicalResourceId"),
    (b'{"Status": "SUCCESS", "PhysicalResourceId": "p", "Data": [1]}',
     "Invalid response object: Data must be a JSON object"),
])
def test_bad_responses_fail_the_deploy(load: Load, make: Callable[..., Deployer],
                                       function: Function, body: bytes, message: str) -> None:
    function.answer = lambda request: body
    with pytest.raises(AwsError) as caught:
        deploy(make(), load(APP))
    assert caught.value.message == message


def test_function_that_returns_without_responding_fails_at_once(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    function.answer = lambda request: None
    with pytest.raises(AwsError, match="returned without sending a response to the "
                                       "ResponseURL"):
        deploy(make(), load(APP))


def test_no_response_in_time_fails_as_cloudformation_words_it(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    function.hang = True
    with pytest.raises(AwsError) as caught:
        deploy(make(timeout_s=0.2), load(APP))
    assert caught.value.message == "Custom Resource failed to stabilize in expected time"


def test_service_timeout_is_passed_as_a_string_and_bounds_the_wait(
        load: Load, make: Callable[..., Deployer], function: Function) -> None:
    deploy(make(), load(APP.replace("      Table: things", "      ServiceTimeout: 1\n"
                                                         "      Table: things")))
    [request] = function.requests
    assert request["ServiceTimeout"] == "1"
    assert request["ResourceProperties"]["ServiceTimeout"] == "1"


@pytest.mark.parametrize("value", ["0", "3601", "soon"])
def test_service_timeout_out_of_range_is_refused(load: Load, make: Callable[..., Deployer],
                                                 function: Function, value: str) -> None:
    with pytest.raises(TemplateError, match="ServiceTimeout must be an integer from 1 to 3600"):
        deploy(make(), load(APP.replace("      Table: things",
                                        f"      ServiceTimeout: '{value}'\n      Table: x")))
    assert function.requests == []


@pytest.mark.parametrize("token, message", [
    ("", r"required key \[ServiceToken\] not found"),
    ("arn:aws:sns:us-east-1:123456789012:topic", "is not a Lambda function ARN"),
    ("arn:aws:lambda:us-east-1:123456789012:function:nowhere", "which does not exist"),
])
def test_service_tokens_that_name_no_function_are_refused(
        load: Load, make: Callable[..., Deployer], token: str, message: str) -> None:
    text = APP.replace("ServiceToken: !GetAtt Seeder.Arn", f"ServiceToken: '{token}'")
    with pytest.raises(TemplateError, match=message):
        deploy(make(), load(text))


def test_changing_the_service_token_is_refused(load: Load, make: Callable[..., Deployer],
                                               runtime: Any) -> None:
    deploy(make(), load(APP))
    other = APP.replace("Resources:\n", "Resources:\n  Other:\n    Type: AWS::Lambda::Function\n"
                        "    Properties: {Handler: app.handler, Runtime: python3.12, "
                        "Code: src}\n", 1).replace("!GetAtt Seeder.Arn", "!GetAtt Other.Arn")
    with pytest.raises(TemplateError, match="Modifying service token is not allowed."):
        deploy(make(), load(other))


def test_custom_resource_type_and_qualified_token(load: Load, make: Callable[..., Deployer],
                                                  function: Function) -> None:
    text = APP.replace("Type: Custom::Seed", "Type: AWS::CloudFormation::CustomResource") \
              .replace("!GetAtt Seeder.Arn", '!Sub "${Seeder.Arn}:live"')
    deploy(make(), load(text))
    [request] = function.requests
    assert request["ResourceType"] == "AWS::CloudFormation::CustomResource"
    assert request["_function"].endswith(":live")


def test_a_synchronous_apply_refuses_custom_resources(load: Load,
                                                      make: Callable[..., Deployer]) -> None:
    dep = make()
    with pytest.raises(NeedsEventLoop):
        dep.apply(dep.plan(load(APP)))
    assert "Seeder" in dep.state.resources and "Seed" not in dep.state.resources


def test_provider_families_match_by_prefix() -> None:
    custom = CustomResourceProvider(None, None, None, region=REGION,   # type: ignore[arg-type]
                                    account_id=ACCOUNT)
    providers = Providers([custom])
    assert providers["Custom::Anything"] is custom
    assert providers["AWS::CloudFormation::CustomResource"] is custom
    assert "Custom::" not in providers and "AWS::SNS::Topic" not in providers


def test_values_are_passed_as_cloudformation_passes_them() -> None:
    assert as_passed({"a": 1, "b": [True, 0.5, None], "c": "s"}) == \
        {"a": "1", "b": ["true", "0.5", None], "c": "s"}


def test_response_urls_answer_as_s3_answers_a_presigned_put() -> None:
    async def run() -> None:
        slots = ResponseSlots("https://example.amazonaws.com")
        app = ResponseUrls(slots, RESPONSE_PATH)
        url, answer = slots.open("stack|Seed|req")
        assert await put(app, url, b'{"Status": "SUCCESS"}') == 200
        assert answer.result() == b'{"Status": "SUCCESS"}'
        # A second PUT to a spent URL is taken and ignored, as S3 takes it.
        assert await put(app, url, b"again") == 200
        forged = url.rsplit("=", 1)[0] + "=" + "A" * 43
        assert await put(app, forged, b"{}") == 403
        assert await put(app, url.split("?")[0], b"{}") == 403
        assert await put(app, url, b"", method="GET") == 405
        url2, answer2 = slots.open("stack|Seed|req2")
        slots.close(url2)                    # the wait ended: a late answer is ignored
        assert answer2.cancelled() and await put(app, url2, b"late") == 200
    asyncio.run(run())
