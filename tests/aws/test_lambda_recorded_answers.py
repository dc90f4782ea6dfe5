"""The Lambda API answering as AWS answered the same requests: codes, messages and shapes
recorded from real Lambda, sent here by boto3 to a real `fogbank up`."""
from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any, Iterator

import botocore.session
import pytest
from botocore.exceptions import ClientError

from fogbank.gateway.function_urls import LISTED_INVOKE_MODES
from fogbank.testing import RunningNode, write_empty_app

from .conftest import error_of

ARN = "arn:aws:lambda:us-east-1:000000000000:function"
ROLE = "arn:aws:iam::000000000000:role/service-role"


def package() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    running = RunningNode(write_empty_app(tmp_path_factory.mktemp("recorded")), "--no-watch")
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def create(lam: Any, **extra: Any) -> str:
    name = extra.pop("FunctionName", f"rec-{uuid.uuid4().hex[:10]}")
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                        Handler="app.handler", Code={"ZipFile": package()}, **extra)
    return name


@pytest.fixture
def name(lam: Any) -> Iterator[str]:
    """A function with version 1 published, deleted after the test."""
    fn = create(lam)
    lam.publish_version(FunctionName=fn)
    yield fn
    lam.delete_function(FunctionName=fn)


def refused(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_of(excinfo)


USER_INVALID = ("InvalidParameterValueException", 400)
NOT_FOUND = ("ResourceNotFoundException", 404)


def expect(answer: tuple[str, str, int], kind: tuple[str, int], message: str) -> None:
    code, status = kind
    assert answer == (code, message, status)


# ---------------------------------------------------------------- function URLs

def test_url_cors_max_age_zero_is_answered(lam, name):
    cors = {"AllowOrigins": ["https://a.example"], "MaxAge": 0}
    created = lam.create_function_url_config(FunctionName=name, AuthType="AWS_IAM", Cors=cors)
    assert created["Cors"] == cors
    assert lam.get_function_url_config(FunctionName=name)["Cors"] == cors
    listed = lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]
    assert [url["Cors"] for url in listed] == [cors]


def test_url_writes_name_the_invoke_mode_only_when_asked(lam, name):
    created = lam.create_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert "InvokeMode" not in created
    updated = lam.update_function_url_config(FunctionName=name, AuthType="NONE")
    assert "InvokeMode" not in updated
    streamed = lam.update_function_url_config(FunctionName=name, InvokeMode="RESPONSE_STREAM")
    assert streamed["InvokeMode"] == "RESPONSE_STREAM"
    # The read answers always carry it.
    assert lam.get_function_url_config(FunctionName=name)["InvokeMode"] == "RESPONSE_STREAM"


def test_an_update_naming_nothing_answers_the_invoke_mode_named_before(lam, name):
    created = lam.create_function_url_config(FunctionName=name, AuthType="NONE",
                                             InvokeMode="BUFFERED")
    assert created["InvokeMode"] == "BUFFERED"
    lam.update_function_url_config(FunctionName=name, InvokeMode="RESPONSE_STREAM")
    # Named once, the mode stays in the write answers, though this request names nothing.
    unchanged = lam.update_function_url_config(FunctionName=name)
    assert unchanged["InvokeMode"] == "RESPONSE_STREAM"
    auth_only = lam.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert auth_only["InvokeMode"] == "RESPONSE_STREAM"
    assert lam.get_function_url_config(FunctionName=name)["InvokeMode"] == "RESPONSE_STREAM"


def test_an_unknown_invoke_mode_is_listed_against_lambdas_order(raw, name):
    answer = refused(raw.create_function_url_config, FunctionName=name, AuthType="NONE",
                     InvokeMode="UNKNOWN")
    assert answer == ("ValidationException",
                      "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to "
                      "satisfy constraint: Member must satisfy enum value set: "
                      "[RESPONSE_STREAM, BUFFERED]", 400)


def test_every_invoke_mode_of_the_model_is_listed():
    model = botocore.session.get_session().get_service_model("lambda")
    assert sorted(LISTED_INVOKE_MODES) == sorted(model.shape_for("InvokeMode").enum)


# ---------------------------------------------------------------- asynchronous invocation

def test_event_invoke_config_of_a_missing_function(lam):
    for function in ("doesnotexist", f"{ARN}:doesnotexist"):
        expect(refused(lam.put_function_event_invoke_config, FunctionName=function,
                       MaximumRetryAttempts=1), NOT_FOUND, "The function doesn't exist.")
    expect(refused(lam.update_function_event_invoke_config, FunctionName="doesnotexist",
                   MaximumRetryAttempts=1), NOT_FOUND, "The function doesn't exist.")


def test_event_invoke_config_of_a_missing_alias(lam, name):
    expect(refused(lam.put_function_event_invoke_config, FunctionName=name,
                   Qualifier="doesnotexist", MaximumRetryAttempts=1),
           NOT_FOUND, "The function doesn't exist.")


def test_deleting_the_event_invoke_config_of_a_missing_function(lam):
    expect(refused(lam.delete_function_event_invoke_config, FunctionName="doesnotexist"),
           NOT_FOUND, f"The function {ARN}:doesnotexist:$LATEST doesn't have an "
                      "EventInvokeConfig")


def test_event_invoke_config_needs_a_setting(lam, name):
    expect(refused(lam.put_function_event_invoke_config, FunctionName=name), USER_INVALID,
           "You must specify at least one of error handling or destination setting.")


def test_a_destination_without_an_arn_is_accepted(lam, name):
    put = lam.put_function_event_invoke_config(FunctionName=name,
                                               DestinationConfig={"OnSuccess": {}})
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    assert put["FunctionArn"] == f"{ARN}:{name}:$LATEST"


def test_a_function_is_not_its_own_destination(lam, name):
    expect(refused(lam.put_function_event_invoke_config, FunctionName=name,
                   DestinationConfig={"OnSuccess": {"Destination": f"{ARN}:{name}"}}),
           USER_INVALID, "You can't specify the function as a destination for itself.")


def test_a_missing_destination_function_is_invalid(lam, name):
    target = f"{ARN}:doesnotexist"
    expect(refused(lam.put_function_event_invoke_config, FunctionName=name,
                   DestinationConfig={"OnSuccess": {"Destination": target}}),
           USER_INVALID, f"The destination ARN {target} is invalid.")


def test_a_destination_of_another_service_is_invalid(lam, name):
    target = f"arn:aws:iam:us-east-1:000000000000:function:{name}"
    expect(refused(lam.put_function_event_invoke_config, FunctionName=name,
                   DestinationConfig={"OnSuccess": {"Destination": target}}),
           USER_INVALID, f"The provided destination config DestinationConfig(onSuccess="
                         f"OnSuccess(destination={target}), onFailure=null) is invalid.")


def test_a_queue_destination_is_refused_in_lambdas_form(lam, name):
    code, message, status = refused(
        lam.put_function_event_invoke_config, FunctionName=name,
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:000000000000:q"}})
    assert (code, status) == USER_INVALID
    assert "functions only" in message


def test_a_destination_arn_breaking_the_pattern(lam, name):
    target = f"arn:aws:_-/!lambda:us-east-1:000000000000:function:{name}"
    code, message, status = refused(
        lam.put_function_event_invoke_config, FunctionName=name,
        DestinationConfig={"OnFailure": {"Destination": target}})
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith(f"1 validation error detected: Value '{target}' at "
                              "'destinationConfig.onFailure.destination' failed to satisfy "
                              "constraint: Member must satisfy regular expression pattern: ")


# ---------------------------------------------------------------- aliases, concurrency, tags

def test_an_alias_of_a_missing_function_names_its_version(lam, name):
    expect(refused(lam.create_alias, FunctionName=f"{name}-unknown", Name="live",
                   FunctionVersion="1"),
           NOT_FOUND, f"Function not found: {ARN}:{name}-unknown:1")


def test_concurrency_of_a_missing_function_names_latest(lam):
    for reserved in (1, 0):
        expect(refused(lam.put_function_concurrency, FunctionName="doesnotexist",
                       ReservedConcurrentExecutions=reserved),
               NOT_FOUND, f"Function not found: {ARN}:doesnotexist:$LATEST")


def test_concurrency_of_a_version_is_refused(lam, name):
    message = ("This operation is permitted on Lambda functions only. Aliases and versions do "
               "not support this operation. Please specify either a function name or an "
               "unqualified function ARN.")
    expect(refused(lam.put_function_concurrency, FunctionName=f"{ARN}:{name}:$LATEST",
                   ReservedConcurrentExecutions=1), USER_INVALID, message)
    expect(refused(lam.delete_function_concurrency, FunctionName=f"{ARN}:{name}:1"),
           USER_INVALID, message)
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)


def test_tagging_without_tags(lam, name):
    expect(refused(lam.tag_resource, Resource=f"{ARN}:{name}", Tags={}), USER_INVALID,
           "An error occurred and the request cannot be processed.")


def test_more_than_fifty_tags(lam, name):
    lam.tag_resource(Resource=f"{ARN}:{name}", Tags={f"{i}_key": f"{i}_value" for i in range(50)})
    expect(refused(lam.tag_resource, Resource=f"{ARN}:{name}", Tags={"one_more": "x"}),
           USER_INVALID, "Number of tags exceeds resource tag limit.")
    assert len(lam.list_tags(Resource=f"{ARN}:{name}")["Tags"]) == 50


# ---------------------------------------------------------------- function settings

def test_environment_over_four_kilobytes(lam, name):
    variables = {"SMALL_VAR": "ok", "LARGE_VAR": "x" * 4096}
    measured = '{"SMALL_VAR":"ok","LARGE_VAR":"' + "x" * 4096 + '"}'
    expected = ("Lambda was unable to configure your environment variables because the "
                "environment variables you have provided exceeded the 4KB limit. String "
                f"measured: {measured}")
    expect(refused(create, lam=lam, Environment={"Variables": variables}), USER_INVALID,
           expected)
    expect(refused(lam.update_function_configuration, FunctionName=name,
                   Environment={"Variables": variables}), USER_INVALID, expected)
    # Up to the limit is fine.
    lam.update_function_configuration(
        FunctionName=name, Environment={"Variables": {"V": "x" * (4096 - len('{"V":""}'))}})


def test_an_architecture_outside_the_enum(lam):
    expect(refused(create, lam=lam, Architectures=["X86_64"]), ("ValidationException", 400),
           "1 validation error detected: Value '[X86_64]' at 'architectures' failed to "
           "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum "
           "value set: [x86_64, arm64], Member must not be null]")


# ---------------------------------------------------------------- code signing

def test_a_function_has_no_code_signing_config(lam, name):
    answer = lam.get_function_code_signing_config(FunctionName=name)
    assert {k: v for k, v in answer.items() if k != "ResponseMetadata"} == {}
    deleted = lam.delete_function_code_signing_config(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_code_signing_of_a_missing_function(lam):
    for call in (lam.get_function_code_signing_config, lam.delete_function_code_signing_config):
        expect(refused(call, FunctionName="csc-test-doesnotexist"), NOT_FOUND,
               f"Function not found: {ARN}:csc-test-doesnotexist")


def test_code_signing_configs_are_missing(lam, name):
    csc = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdef0"
    assert refused(lam.put_function_code_signing_config, FunctionName=name,
                   CodeSigningConfigArn=csc) == (
        "CodeSigningConfigNotFoundException", "The code signing configuration cannot be "
        f"found. Check that the provided configuration is not deleted: {csc}.", 404)
    for call in (lam.get_code_signing_config, lam.delete_code_signing_config,
                 lam.list_functions_by_code_signing_config):
        expect(refused(call, CodeSigningConfigArn=csc), NOT_FOUND,
               f"The Lambda code signing configuration {csc} can not be found.")
    assert lam.list_code_signing_configs()["CodeSigningConfigs"] == []


def test_making_a_code_signing_config_is_refused_in_lambdas_form(lam):
    code, message, status = refused(
        lam.create_code_signing_config,
        AllowedPublishers={"SigningProfileVersionArns": [
            "arn:aws:signer:us-east-1:000000000000:/signing-profiles/test"]})
    assert (code, status) == USER_INVALID and "not supported here" in message



# ---------------------------------------------------------------- publishing

def test_create_with_publish_names_version_one_by_the_functions_arn(lam):
    fn = f"rec-{uuid.uuid4().hex[:10]}"
    created = lam.create_function(FunctionName=fn, Runtime="python3.12", Role=ROLE,
                                  Handler="app.handler", Code={"ZipFile": package()},
                                  Publish=True)
    try:
        assert (created["FunctionArn"], created["Version"]) == (f"{ARN}:{fn}", "1")
        # A later publish through UpdateFunctionCode names the version's own ARN.
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as archive:
            archive.writestr("app.py", "def handler(event, context):\n    return 2\n")
        updated = lam.update_function_code(FunctionName=fn, ZipFile=buf.getvalue(),
                                           Publish=True)
        assert (updated["FunctionArn"], updated["Version"]) == (f"{ARN}:{fn}:2", "2")
        assert lam.get_function_configuration(FunctionName=fn, Qualifier="1")["FunctionArn"] \
            == f"{ARN}:{fn}:1"
    finally:
        lam.delete_function(FunctionName=fn)


def test_a_bare_name_over_64_characters_is_an_invalid_parameter(lam):
    long_name = "a" * 65
    answer = refused(create, lam=lam, FunctionName=long_name)
    expect(answer, USER_INVALID,
           f"1 validation error detected: Value '{long_name}' at 'functionName' failed to "
           "satisfy constraint: Member must have length less than or equal to 64")
    # Nothing was made, and elsewhere the longer name is only a function not found.
    for call in (lam.get_function, lam.invoke, lam.delete_function):
        code, message, status = refused(call, FunctionName=long_name)
        assert (code, status) == NOT_FOUND
        assert message.startswith(f"Function not found: {ARN}:{long_name}")
    fn = create(lam, FunctionName="a" * 64)
    lam.delete_function(FunctionName=fn)


def test_deleting_latest_is_refused_before_the_function_is_looked_for(lam, name):
    message = "$LATEST version cannot be deleted without deleting the function."
    expect(refused(lam.delete_function, FunctionName=f"{ARN}:some-function:$LATEST",
                   Qualifier="$LATEST"), USER_INVALID, message)
    expect(refused(lam.delete_function, FunctionName=name, Qualifier="$LATEST"), USER_INVALID,
           message)
    assert lam.get_function(FunctionName=name)["Configuration"]["FunctionName"] == name


def test_deleting_a_function_answers_no_content(lam):
    fn = create(lam)
    bodies: list[bytes] = []

    def keep_body(http_response: Any, **_: Any) -> None:
        bodies.append(http_response.content)

    lam.meta.events.register("after-call.lambda.DeleteFunction", keep_body)
    try:
        answer = lam.delete_function(FunctionName=fn)
    finally:
        lam.meta.events.unregister("after-call.lambda.DeleteFunction", keep_body)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert bodies == [b""]
    expect(refused(lam.get_function, FunctionName=fn), NOT_FOUND,
           f"Function not found: {ARN}:{fn}")


def revision(lam: Any, fn: str, qualifier: str = "$LATEST") -> str:
    return lam.get_function(FunctionName=fn, Qualifier=qualifier)["Configuration"]["RevisionId"]


def test_a_change_settling_is_a_revision_of_its_own(lam):
    fn = f"rec-{uuid.uuid4().hex[:10]}"
    created = lam.create_function(FunctionName=fn, Runtime="python3.12", Role=ROLE,
                                  Handler="app.handler", Code={"ZipFile": package()})
    try:
        # Pending → Active changes the revision; reads agree with each other.
        active = revision(lam, fn)
        assert active != created["RevisionId"] and revision(lam, fn) == active
        coded = lam.update_function_code(FunctionName=fn, ZipFile=package(), RevisionId=active)
        assert coded["RevisionId"] != active
        updated = revision(lam, fn)
        assert updated != coded["RevisionId"]
        configured = lam.update_function_configuration(FunctionName=fn, Timeout=9,
                                                       RevisionId=updated)
        assert configured["RevisionId"] != updated
        assert revision(lam, fn) not in (configured["RevisionId"], updated)
    finally:
        lam.delete_function(FunctionName=fn)


@pytest.fixture
def unpublished(lam: Any) -> Iterator[str]:
    """A function with no version published, deleted after the test."""
    fn = create(lam)
    yield fn
    lam.delete_function(FunctionName=fn)


def test_publishing_revises_latest_and_the_version_keeps_its_own(lam, unpublished):
    fn = unpublished
    before = revision(lam, fn)
    published = lam.publish_version(FunctionName=fn, RevisionId=before)
    assert published["RevisionId"] != before
    assert revision(lam, fn, published["Version"]) == published["RevisionId"]
    latest = revision(lam, fn)
    assert latest != before
    # An alias revises neither.
    alias = lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    assert alias["RevisionId"] != published["RevisionId"]
    assert (revision(lam, fn), revision(lam, fn, "1")) == (latest, published["RevisionId"])


def test_the_policy_carries_the_functions_revision(lam, unpublished):
    fn = unpublished
    before = revision(lam, fn)
    lam.add_permission(FunctionName=fn, RevisionId=before, **S3_PERMISSION)
    policy = lam.get_policy(FunctionName=fn)["RevisionId"]
    assert policy != before and revision(lam, fn) == policy
    # So the policy's revision is what a change to it names.
    lam.remove_permission(FunctionName=fn, StatementId="s3", RevisionId=policy)
    assert revision(lam, fn) != policy


def refused_without_type(lam: Any, name: str, reserved: int, message: str) -> None:
    """PutFunctionConcurrency refused as Lambda refuses reservations: with no Type."""
    with pytest.raises(ClientError) as excinfo:
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)
    answer = excinfo.value.response
    assert answer["Error"] == {"Code": "InvalidParameterValueException", "Message": message}
    assert "Type" not in answer and answer["message"] == message
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_reserving_past_the_unreserved_minimum_carries_no_type(lam, name):
    refused_without_type(lam, name, 1000,
                         "Specified ReservedConcurrentExecutions for function decreases "
                         "account's UnreservedConcurrentExecution below its minimum value of "
                         "[100].")


def test_reserving_below_the_provisioned_concurrency_is_refused(lam, name):
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                           ProvisionedConcurrentExecutions=2)
    try:
        # Lambda's message, stray spaces and all.
        refused_without_type(lam, name, 1, " ReservedConcurrentExecutions  1 should not be "
                             "lower than function's total provisioned concurrency [2].")
        assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(
            FunctionName=name)
        # As much as is provisioned may be reserved.
        assert lam.put_function_concurrency(
            FunctionName=name, ReservedConcurrentExecutions=2)["ReservedConcurrentExecutions"] == 2
    finally:
        lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")


def test_a_reservation_all_provisioned_throttles_latest(lam, name):
    # Lambda (recorded): the provisioned config holds the whole reservation, even before it
    # is READY, so an invoke of $LATEST is throttled while version 1 runs.
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                           ProvisionedConcurrentExecutions=2)
    try:
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)
        with pytest.raises(ClientError) as excinfo:
            lam.invoke(FunctionName=name)
        answer = excinfo.value.response
        assert error_of(excinfo) == ("TooManyRequestsException", "Rate Exceeded.", 429)
        assert (answer["Reason"], answer["Type"]) == (
            "ReservedFunctionConcurrentInvocationLimitExceeded", "User")
        ran = lam.invoke(FunctionName=name, Qualifier="1", Payload=b'{"v": 1}')
        assert (ran["ExecutedVersion"], ran["Payload"].read()) == ("1", b'{"v": 1}')
        # A reservation with room beside the provisioned config serves $LATEST again.
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=3)
        assert lam.invoke(FunctionName=name)["ExecutedVersion"] == "$LATEST"
    finally:
        lam.delete_function_concurrency(FunctionName=name)
        lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")


# ---------------------------------------------------------------- writes answer in transition

BEING_CREATED = {"State": "Pending", "StateReason": "The function is being created.",
                 "StateReasonCode": "Creating"}
BEING_UPDATED = {"State": "Active", "LastUpdateStatus": "InProgress",
                 "LastUpdateStatusReason": "The function is being created.",
                 "LastUpdateStatusReasonCode": "Creating"}
STATE_KEYS = ("State", "StateReason", "StateReasonCode", "LastUpdateStatus",
              "LastUpdateStatusReason", "LastUpdateStatusReasonCode")


def states(configuration: dict) -> dict:
    return {key: configuration[key] for key in STATE_KEYS if key in configuration}


def test_create_with_publish_answers_pending_and_a_read_finds_it_active(lam):
    fn = create(lam)
    try:
        created = lam.get_function_configuration(FunctionName=fn)
        assert states(created) == {"State": "Active", "LastUpdateStatus": "Successful"}
        published = f"rec-{uuid.uuid4().hex[:10]}"
        answer = lam.create_function(FunctionName=published, Runtime="python3.12", Role=ROLE,
                                     Handler="app.handler", Code={"ZipFile": package()},
                                     Publish=True)
        lam.delete_function(FunctionName=published)
        assert states(answer) == BEING_CREATED and answer["Version"] == "1"
    finally:
        lam.delete_function(FunctionName=fn)


def test_the_create_answer_itself_is_pending(lam):
    fn = f"rec-{uuid.uuid4().hex[:10]}"
    answer = lam.create_function(FunctionName=fn, Runtime="python3.12", Role=ROLE,
                                 Handler="app.handler", Code={"ZipFile": package()})
    lam.delete_function(FunctionName=fn)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert states(answer) == BEING_CREATED


def test_updates_answer_their_update_in_progress(lam, name):
    configured = lam.update_function_configuration(FunctionName=name, Timeout=10)
    assert states(configured) == BEING_UPDATED and configured["Timeout"] == 10
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 3\n")
    coded = lam.update_function_code(FunctionName=name, ZipFile=buf.getvalue())
    assert states(coded) == BEING_UPDATED and coded["Version"] == "$LATEST"
    assert states(lam.get_function(FunctionName=name)["Configuration"]) == \
        {"State": "Active", "LastUpdateStatus": "Successful"}
    # With Publish the answer is the new version's, which is still being made.
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 4\n")
    published = lam.update_function_code(FunctionName=name, ZipFile=buf.getvalue(),
                                         Publish=True)
    assert states(published) == BEING_CREATED and published["Version"] == "2"
    # A publish of its own answers the version made, Active.
    lam.update_function_configuration(FunctionName=name, Timeout=11)
    version = lam.publish_version(FunctionName=name)
    assert states(version) == {"State": "Active", "LastUpdateStatus": "Successful"}


def test_publishing_an_unchanged_function_answers_the_newest_version(lam, name):
    # The fixture published version 1 of what $LATEST still is: a description of the
    # publish's own makes no new version.
    again = lam.publish_version(FunctionName=name, Description="another description")
    assert (again["Version"], again["Description"]) == ("1", "")
    first = lam.publish_version(FunctionName=name)
    assert first["RevisionId"] == again["RevisionId"]
    # So too when version 1 itself carries a description $LATEST does not have.
    lam.update_function_configuration(FunctionName=name, Timeout=9)
    described = lam.publish_version(FunctionName=name, Description="v2")
    assert (described["Version"], described["Description"]) == ("2", "v2")
    assert lam.publish_version(FunctionName=name, Description="v3")["Version"] == "2"
    # A change to $LATEST's own description is a change.
    lam.update_function_configuration(FunctionName=name, Description="changed")
    changed = lam.publish_version(FunctionName=name)
    assert (changed["Version"], changed["Description"]) == ("3", "changed")
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]] \
        == ["$LATEST", "1", "2", "3"]


# ---------------------------------------------------------------- resource policies

S3_PERMISSION = {"Action": "lambda:InvokeFunction", "StatementId": "s3",
                 "Principal": "s3.amazonaws.com", "SourceArn": "arn:aws:s3:::test-bucket"}


def test_permission_refusals(lam, name):
    expect(refused(lam.add_permission, FunctionName=f"{name}:$LATEST", Qualifier="$LATEST",
                   **S3_PERMISSION),
           USER_INVALID, "We currently do not support adding policies for $LATEST.")
    expect(refused(lam.add_permission, FunctionName=name, Action="lambda:InvokeFunction",
                   StatementId="lambda", Principal="invalid.nonaws.com",
                   SourceAccount="000000000000"),
           USER_INVALID, "The provided principal was invalid. Please check the principal and "
                         "try again.")
    # Nothing was added by either.
    expect(refused(lam.get_policy, FunctionName=name), NOT_FOUND,
           "The resource you requested does not exist.")


def test_a_permission_qualifier_is_held_to_lambdas_own_pattern(lam, name):
    expect(refused(lam.add_permission, FunctionName=name,
                   Qualifier="invalid-qualifier-with-?-char", **S3_PERMISSION),
           ("ValidationException", 400),
           "1 validation error detected: Value 'invalid-qualifier-with-?-char' at 'qualifier' "
           "failed to satisfy constraint: Member must satisfy regular expression pattern: "
           "(|[a-zA-Z0-9$_-]+)")


def test_policy_of_a_missing_version_does_not_exist(lam, name):
    expect(refused(lam.get_policy, FunctionName=name, Qualifier="77"), NOT_FOUND,
           "The resource you requested does not exist.")
    expect(refused(lam.get_policy, FunctionName="doesnotexist"), NOT_FOUND,
           f"Function not found: {ARN}:doesnotexist")


def test_removing_a_permission_without_a_policy(lam, name):
    expect(refused(lam.remove_permission, FunctionName=name, StatementId="s3"), NOT_FOUND,
           "No policy is associated with the given resource.")
    expect(refused(lam.remove_permission, FunctionName="doesnotexist", StatementId="s3"),
           NOT_FOUND, f"No policy found for: {ARN}:doesnotexist")


def test_a_missing_alias_is_named_as_an_alias(lam, name):
    missing = f"Cannot find alias arn: {ARN}:{name}:alias-doesnotexist"
    expect(refused(lam.add_permission, FunctionName=f"{name}:alias-doesnotexist",
                   **S3_PERMISSION), NOT_FOUND, missing)
    lam.add_permission(FunctionName=name, **S3_PERMISSION)
    expect(refused(lam.remove_permission, FunctionName=name, StatementId="s3",
                   Qualifier="alias-doesnotexist"), NOT_FOUND, missing)
    # A version, or a name no alias can have, is a function not found.
    expect(refused(lam.add_permission, FunctionName=name, Qualifier="42", **S3_PERMISSION),
           NOT_FOUND, f"Function not found: {ARN}:{name}:42")
    expect(refused(lam.add_permission, FunctionName=name,
                   Qualifier="valid-with-$-but-doesnotexist", **S3_PERMISSION),
           NOT_FOUND, f"Function not found: {ARN}:{name}:valid-with-$-but-doesnotexist")


def test_an_update_publishes_a_new_version_though_nothing_changed(lam, name):
    # Lambda does not compare an updated $LATEST with its newest version: the same package
    # sent again with Publish makes version 2 (moto's tests verified against AWS,
    # getmoto/moto#8379), answered as a version being made.
    again = lam.update_function_code(FunctionName=name, ZipFile=package(), Publish=True)
    assert (again["Version"], again["FunctionArn"]) == ("2", f"{ARN}:{name}:2")
    assert states(again) == BEING_CREATED
    # So too a configuration update that sets what was already set, then a publish.
    lam.update_function_configuration(FunctionName=name, Timeout=3)
    assert lam.publish_version(FunctionName=name)["Version"] == "3"
    # With no update since, a publish still answers the newest version.
    assert lam.publish_version(FunctionName=name)["Version"] == "3"


@pytest.mark.parametrize("weight, shown", [(2, "2.0"), (-1, "-1.0")])
def test_a_weight_out_of_range_is_quoted_as_a_double(raw, name, weight, shown):
    # Recorded: a weight sent as the integer 2 is quoted as Java prints the Double it became.
    publish_second(raw, name)
    expect(refused(raw.create_alias, FunctionName=name, Name="custom", FunctionVersion="1",
                   RoutingConfig={"AdditionalVersionWeights": {"2": weight}}),
           ("ValidationException", 400),
           f"1 validation error detected: Value '{{2={shown}}}' at "
           "'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value "
           "must satisfy constraint: [Member must have value less than or equal to 1.0, Member "
           "must have value greater than or equal to 0.0, Member must not be null]")


def publish_second(lam: Any, fn: str) -> None:
    """Version 2 beside the fixture's version 1."""
    lam.update_function_configuration(FunctionName=fn, Timeout=9)
    assert lam.publish_version(FunctionName=fn)["Version"] == "2"


def test_a_mapping_of_a_missing_function(lam):
    # Recorded: with no source at all, the source is what is missing; with a queue's source,
    # the function is looked for before the source's kind.
    expect(refused(lam.create_event_source_mapping, FunctionName="doesnotexist"), USER_INVALID,
           "Unrecognized event source.")
    expect(refused(lam.create_event_source_mapping, FunctionName="doesnotexist",
                   EventSourceArn="arn:aws:sqs:us-east-1:000000000000:somequeue"),
           USER_INVALID, "Function does not exist")


# ---------------------------------------------------------------- runtimes

# Recorded: test_create_lambda_exceptions and test_update_lambda_exceptions (AWS lists the
# runtimes it takes, in an order of its own, and names no validation error).
LISTED_RUNTIMES = ("nodejs20.x, provided.al2023, python3.12, python3.13, nodejs22.x, java17, "
                   "nodejs16.x, dotnet8, python3.10, java11, python3.11, dotnet6, java21, "
                   "nodejs18.x, provided.al2, ruby3.3, java8.al2, ruby3.2, python3.8, python3.9")


@pytest.mark.parametrize("runtime", ["non-existent-runtime", "PYTHON3.9"])
def test_a_runtime_outside_the_set_is_an_invalid_parameter(raw, name, runtime):
    message = (f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must "
               f"satisfy enum value set: [{LISTED_RUNTIMES}] or be a valid ARN")
    created = refused(raw.create_function, FunctionName=f"{name}-new", Runtime=runtime,
                      Role=ROLE, Handler="app.handler", Code={"ZipFile": package()})
    expect(created, USER_INVALID, message)
    updated = refused(raw.update_function_configuration, FunctionName=name, Runtime=runtime)
    expect(updated, USER_INVALID, message)
    assert raw.get_function_configuration(FunctionName=name)["Runtime"] == "python3.12"


def test_a_runtime_of_the_model_outside_the_listed_set_is_still_taken(lam, name):
    newest = botocore.session.get_session().get_service_model("lambda").shape_for(
        "Runtime").enum
    python = [r for r in newest if r.startswith("python3.") and r not in LISTED_RUNTIMES]
    if not python:
        pytest.skip("the model names no Python runtime past the recorded list")
    updated = lam.update_function_configuration(FunctionName=name, Runtime=python[-1])
    assert updated["Runtime"] == python[-1]


def test_a_layer_listing_still_refuses_a_runtime_as_a_validation_error(raw):
    code, message, status = refused(raw.list_layers, CompatibleRuntime="PYTHON3.9")
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("1 validation error detected: Value 'PYTHON3.9' at "
                              "'compatibleRuntime' failed to satisfy constraint: Member must "
                              "satisfy enum value set: [")


def test_the_other_function_settings_keep_their_validation_errors(raw, name):
    # Recorded beside the runtime: these are Lambda's request validation's.
    expect(refused(raw.create_function, FunctionName=f"{name}-new", Runtime="python3.12",
                   Role="r1", Handler="app.handler", Code={"ZipFile": package()}),
           ("ValidationException", 400),
           "1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: "
           "Member must satisfy regular expression pattern: "
           "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+")
    expect(refused(raw.create_function, FunctionName=f"{name}-new", Runtime="python3.12",
                   Role=ROLE, Handler="app.handler", Code={"ZipFile": package()},
                   Architectures=["X86_64"]),
           ("ValidationException", 400),
           "1 validation error detected: Value '[X86_64]' at 'architectures' failed to satisfy "
           "constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
           "[x86_64, arm64], Member must not be null]")
    expect(refused(raw.create_function, FunctionName=f"{name}-new", Runtime="python3.12",
                   Role=ROLE, Handler="app.handler", Code={"ZipFile": b"not a zip"}),
           USER_INVALID,
           "Could not unzip uploaded file. Please check your file, then try to upload again.")


# ---------------------------------------------------------------- recorded lifecycles

def test_a_second_url_config_conflicts(lam, name):
    lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    expect(refused(lam.create_function_url_config, FunctionName=name, AuthType="NONE"),
           ("ResourceConflictException", 409),
           f"Failed to create function url config for [functionArn = {ARN}:{name}]. "
           "Error message:  FunctionUrlConfig exists for this Lambda function")


def test_tags_overwrite_and_vanish_from_get_function(lam):
    fn = create(lam)
    resource = f"{ARN}:{fn}"
    lam.tag_resource(Resource=resource, Tags={"key_a": "value_a", "key_c": "value_c"})
    lam.tag_resource(Resource=resource, Tags={"key_c": "value_x"})
    assert lam.list_tags(Resource=resource)["Tags"] == {"key_a": "value_a", "key_c": "value_x"}
    lam.untag_resource(Resource=resource, TagKeys=["key_a", "key_c", "nomatch"])
    assert lam.list_tags(Resource=resource)["Tags"] == {}
    assert "Tags" not in lam.get_function(FunctionName=fn)
    lam.delete_function(FunctionName=fn)
    expect(refused(lam.list_tags, Resource=resource), NOT_FOUND, f"Function not found: {resource}")


def test_tagging_refusals(raw, name):
    resource = f"{ARN}:{name}"
    expect(refused(raw.untag_resource, Resource=resource, TagKeys=[]),
           ("ValidationException", 400), "1 validation error detected: Value null at "
           "'tagKeys' failed to satisfy constraint: Member must not be null")
    expect(refused(raw.tag_resource, Resource=f"{resource}:$LATEST", Tags={"a": "b"}),
           USER_INVALID, "Tags on function aliases and versions are not supported. Please "
           "specify a function ARN.")


def test_provisioned_concurrency_of_an_alias_and_its_version_conflict(lam, name):
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    conflict = ("ResourceConflictException", 409)
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                           ProvisionedConcurrentExecutions=1)
    expect(refused(lam.put_provisioned_concurrency_config, FunctionName=name, Qualifier="live",
                   ProvisionedConcurrentExecutions=1), conflict,
           "Alias can't be used for Provisioned Concurrency configuration on an already "
           "Provisioned version")
    lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                           ProvisionedConcurrentExecutions=1)
    expect(refused(lam.put_provisioned_concurrency_config, FunctionName=name, Qualifier="1",
                   ProvisionedConcurrentExecutions=1), conflict,
           "Version is pointed by a Provisioned Concurrency alias")
    lam.delete_alias(FunctionName=name, Name="live")
    expect(refused(lam.get_provisioned_concurrency_config, FunctionName=name, Qualifier="live"),
           NOT_FOUND, f"Cannot find alias arn: {ARN}:{name}:live")
    assert lam.list_provisioned_concurrency_configs(
        FunctionName=name)["ProvisionedConcurrencyConfigs"] == []


def test_mapping_refusals(lam, name):
    expect(refused(lam.create_event_source_mapping, FunctionName=name), USER_INVALID,
           "Unrecognized event source.")
    expect(refused(lam.create_event_source_mapping, FunctionName="doesnotexist",
                   EventSourceArn="arn:aws:sqs:us-east-1:000000000000:q", BatchSize=1),
           USER_INVALID, "Function does not exist")
    missing = str(uuid.uuid4())
    for call in (lam.get_event_source_mapping, lam.delete_event_source_mapping):
        expect(refused(call, UUID=missing), NOT_FOUND,
               "The resource you requested does not exist.")
