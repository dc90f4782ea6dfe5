"""Provisioned concurrency through the Lambda API, answering as AWS answered the same
requests (codes, messages, shapes), and the workers it keeps started: sent by boto3 to a
real `fogbank up`."""
from __future__ import annotations

import base64
import io
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.testing import serving, write_empty_app

from .conftest import node_client
from .test_lambda_recorded_answers import (ARN, NOT_FOUND, USER_INVALID, create, expect,
                                           name, node, refused)
from .test_versions_deployed import TEMPLATE as ORDERS

__all__ = ["name", "node"]      # the fixtures this module's tests share with those

CONFLICT = ("ResourceConflictException", 409)
NO_CONFIG = ("ProvisionedConcurrencyConfigNotFoundException", 404)
UNPUBLISHED = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
NOT_PUBLISHED = "The function resource provided must be an alias or a published version."


def create_running(lam: Any, source: str) -> str:
    """A function of its own code, version 1 published."""
    fn = create(lam)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", source)
    lam.update_function_code(FunctionName=fn, ZipFile=buf.getvalue())
    lam.publish_version(FunctionName=fn)
    return fn


def wait_status(lam: Any, fn: str, qualifier: str, timeout_s: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        config = lam.get_provisioned_concurrency_config(FunctionName=fn, Qualifier=qualifier)
        if config["Status"] != "IN_PROGRESS" or time.monotonic() > deadline:
            return config
        time.sleep(0.1)


# ---------------------------------------------------------------- refusals, as recorded

def test_reads_of_what_is_not_there(lam, name):
    expect(refused(lam.get_provisioned_concurrency_config, FunctionName=name, Qualifier="1"),
           NO_CONFIG, "No Provisioned Concurrency Config found for this function")
    expect(refused(lam.get_provisioned_concurrency_config, FunctionName="doesnotexist",
                   Qualifier="noalias"),
           NOT_FOUND, f"Cannot find alias arn: {ARN}:doesnotexist:noalias")
    expect(refused(lam.get_provisioned_concurrency_config, FunctionName=name,
                   Qualifier="noalias"),
           NOT_FOUND, f"Cannot find alias arn: {ARN}:{name}:noalias")
    expect(refused(lam.get_provisioned_concurrency_config, FunctionName=name, Qualifier="10"),
           NOT_FOUND, f"Function not found: {ARN}:{name}:10")
    expect(refused(lam.get_provisioned_concurrency_config, FunctionName=name,
                   Qualifier="$LATEST"), USER_INVALID, NOT_PUBLISHED)
    assert lam.list_provisioned_concurrency_configs(
        FunctionName=name)["ProvisionedConcurrencyConfigs"] == []
    expect(refused(lam.list_provisioned_concurrency_configs, FunctionName="doesnotexist"),
           NOT_FOUND, f"Function not found: {ARN}:doesnotexist")


def test_deletes_of_what_is_not_there(lam, name):
    expect(refused(lam.delete_provisioned_concurrency_config, FunctionName="doesnotexist",
                   Qualifier="1"), NOT_FOUND, f"Function not found: {ARN}:doesnotexist:1")
    expect(refused(lam.delete_provisioned_concurrency_config, FunctionName=name,
                   Qualifier="noalias"), NOT_FOUND, f"Cannot find alias arn: {ARN}:{name}:noalias")
    expect(refused(lam.delete_provisioned_concurrency_config, FunctionName=name,
                   Qualifier="10"), NOT_FOUND, f"Function not found: {ARN}:{name}:10")
    expect(refused(lam.delete_provisioned_concurrency_config, FunctionName=name,
                   Qualifier="$LATEST"), USER_INVALID, NOT_PUBLISHED)
    # A version without a config: done, as Lambda answers.
    answer = lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_puts_refused(lam, raw, name):
    code, message, status = refused(raw.put_provisioned_concurrency_config, FunctionName=name,
                                    Qualifier="1", ProvisionedConcurrentExecutions=0)
    assert (code, status) == ("ValidationException", 400)
    assert message == ("1 validation error detected: Value '0' at "
                       "'provisionedConcurrentExecutions' failed to satisfy constraint: Member "
                       "must have value greater than or equal to 1")
    put = lam.put_provisioned_concurrency_config
    expect(refused(put, FunctionName="doesnotexist", Qualifier="noalias",
                   ProvisionedConcurrentExecutions=1),
           NOT_FOUND, f"Cannot find alias arn: {ARN}:doesnotexist:noalias")
    expect(refused(put, FunctionName="doesnotexist", Qualifier="1",
                   ProvisionedConcurrentExecutions=1),
           NOT_FOUND, f"Function not found: {ARN}:doesnotexist:1")
    expect(refused(put, FunctionName=name, Qualifier="doesnotexist",
                   ProvisionedConcurrentExecutions=1),
           NOT_FOUND, f"Cannot find alias arn: {ARN}:{name}:doesnotexist")
    expect(refused(put, FunctionName=name, Qualifier="10", ProvisionedConcurrentExecutions=1),
           NOT_FOUND, f"Function not found: {ARN}:{name}:10")
    expect(refused(put, FunctionName=name, Qualifier="$LATEST",
                   ProvisionedConcurrentExecutions=1), USER_INVALID, UNPUBLISHED)
    expect(refused(put, FunctionName=f"{name}:$LATEST", Qualifier="$LATEST",
                   ProvisionedConcurrentExecutions=1), USER_INVALID, UNPUBLISHED)


def test_an_unqualified_function_is_refused(raw, name):
    """Without a Qualifier nothing published is named (the SDK would not send it): the
    model's check refuses it, a qualifier in the name notwithstanding."""
    null = ("ValidationException", "1 validation error detected: Value null at 'qualifier' "
                                   "failed to satisfy constraint: Member must not be null", 400)
    assert refused(raw.put_provisioned_concurrency_config, FunctionName=name,
                   ProvisionedConcurrentExecutions=1) == null
    assert refused(raw.get_provisioned_concurrency_config, FunctionName=f"{name}:1") == null
    assert refused(raw.delete_provisioned_concurrency_config, FunctionName=name) == null


def test_account_limits(lam, name):
    limit = lam.get_account_settings()["AccountLimit"]["ConcurrentExecutions"]
    with pytest.raises(ClientError) as excinfo:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                               ProvisionedConcurrentExecutions=limit + 1)
    assert excinfo.value.response["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": "Specified ConcurrentExecutions for function is greater than account's "
                   f"unreserved concurrency [{limit}]."}
    with pytest.raises(ClientError) as excinfo:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                               ProvisionedConcurrentExecutions=limit)
    assert excinfo.value.response["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": "Specified ConcurrentExecutions for function decreases account's "
                   "UnreservedConcurrentExecution below its minimum value of [100]."}


def test_reserved_concurrency_bounds_provisioned(lam, name):
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    expect(refused(lam.put_provisioned_concurrency_config, FunctionName=name, Qualifier="1",
                   ProvisionedConcurrentExecutions=2),
           USER_INVALID, "Requested Provisioned Concurrency should not be greater than the "
                         "reservedConcurrentExecution for function")


def test_provisioned_concurrency_is_taken_from_the_unreserved(lam, name):
    before = lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                           ProvisionedConcurrentExecutions=1)
    after = lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]
    assert after == before - 1


# ---------------------------------------------------------------- the lifecycle, as recorded

def test_lifecycle_of_version_and_alias_configs(lam, name):
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    put = lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                                 ProvisionedConcurrentExecutions=1)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert {k: v for k, v in put.items() if k not in ("ResponseMetadata", "LastModified")} == {
        "RequestedProvisionedConcurrentExecutions": 1,
        "AvailableProvisionedConcurrentExecutions": 0,
        "AllocatedProvisionedConcurrentExecutions": 0, "Status": "IN_PROGRESS"}
    assert put["LastModified"].endswith("+0000")
    expect(refused(lam.put_provisioned_concurrency_config, FunctionName=name, Qualifier="live",
                   ProvisionedConcurrentExecutions=1),
           CONFLICT, "Alias can't be used for Provisioned Concurrency configuration on an "
                     "already Provisioned version")
    ready = wait_status(lam, name, "1")
    assert ready["Status"] == "READY"
    assert ready["AvailableProvisionedConcurrentExecutions"] == 1
    assert ready["AllocatedProvisionedConcurrentExecutions"] == 1
    assert ready["LastModified"] == put["LastModified"]
    listed = lam.list_provisioned_concurrency_configs(FunctionName=name)
    assert [c["FunctionArn"] for c in listed["ProvisionedConcurrencyConfigs"]] == [
        f"{ARN}:{name}:1"]

    answer = lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect(refused(lam.get_provisioned_concurrency_config, FunctionName=name, Qualifier="1"),
           NO_CONFIG, "No Provisioned Concurrency Config found for this function")

    put = lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                                 ProvisionedConcurrentExecutions=1)
    assert put["Status"] == "IN_PROGRESS"
    expect(refused(lam.put_provisioned_concurrency_config, FunctionName=name, Qualifier="1",
                   ProvisionedConcurrentExecutions=1),
           CONFLICT, "Version is pointed by a Provisioned Concurrency alias")
    # Deleting the alias deletes its config.
    lam.delete_alias(FunctionName=name, Name="live")
    expect(refused(lam.get_provisioned_concurrency_config, FunctionName=name,
                   Qualifier="live"), NOT_FOUND, f"Cannot find alias arn: {ARN}:{name}:live")
    assert lam.list_provisioned_concurrency_configs(
        FunctionName=name)["ProvisionedConcurrencyConfigs"] == []


def test_list_pages(lam, name):
    lam.update_function_configuration(FunctionName=name, Description="two")
    assert lam.publish_version(FunctionName=name)["Version"] == "2"
    for version in ("1", "2"):
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier=version,
                                               ProvisionedConcurrentExecutions=1)
    first = lam.list_provisioned_concurrency_configs(FunctionName=name, MaxItems=1)
    assert [c["FunctionArn"] for c in first["ProvisionedConcurrencyConfigs"]] == [
        f"{ARN}:{name}:1"]
    rest = lam.list_provisioned_concurrency_configs(FunctionName=name,
                                                    Marker=first["NextMarker"])
    assert [c["FunctionArn"] for c in rest["ProvisionedConcurrencyConfigs"]] == [
        f"{ARN}:{name}:2"]
    assert "NextMarker" not in rest


# ---------------------------------------------------------------- the workers

def report_of(answer: dict[str, Any]) -> str:
    tail = base64.b64decode(answer["LogResult"]).decode()
    return next(line for line in tail.splitlines() if line.startswith("REPORT"))


def test_the_invocation_after_put_is_warm(lam):
    fn = create_running(lam, "import time\ntime.sleep(0.2)\n"
                             "def handler(event, context):\n    return event\n")
    try:
        lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="1",
                                               ProvisionedConcurrentExecutions=1)
        assert wait_status(lam, fn, "1")["Status"] == "READY"
        answer = lam.invoke(FunctionName=fn, Qualifier="1", LogType="Tail", Payload=b"{}")
        assert answer["ExecutedVersion"] == "1"
        assert "Init Duration" not in report_of(answer)
        # $LATEST keeps no worker started: its first invocation is a cold start.
        cold = lam.invoke(FunctionName=fn, LogType="Tail", Payload=b"{}")
        assert "Init Duration" in report_of(cold)
    finally:
        lam.delete_function(FunctionName=fn)


def test_a_failing_init_fails_the_config(lam):
    fn = create_running(lam, "raise RuntimeError('no')\n")
    try:
        lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="1",
                                               ProvisionedConcurrentExecutions=1)
        failed = wait_status(lam, fn, "1")
        assert failed["Status"] == "FAILED"
        assert failed["AvailableProvisionedConcurrentExecutions"] == 0
        assert failed["StatusReason"]
    finally:
        lam.delete_function(FunctionName=fn)


def test_configs_persist_across_restarts(tmp_path):
    app_dir = write_empty_app(tmp_path)
    with serving(app_dir, "--no-watch") as running:
        lam = node_client(running)
        fn = create(lam)
        lam.publish_version(FunctionName=fn)
        put = lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="1",
                                                     ProvisionedConcurrentExecutions=1)
    with serving(app_dir, "--no-watch") as running:
        config = wait_status(node_client(running), fn, "1")
        assert config["RequestedProvisionedConcurrentExecutions"] == 1
        assert config["LastModified"] == put["LastModified"]
        assert config["Status"] == "READY"


# ---------------------------------------------------------------- a template's function

# test_versions_deployed's function (AutoPublishAlias: live), its alias provisioned.
TEMPLATE = ORDERS + "      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 1}\n"


def test_a_template_functions_config_is_read_not_changed(tmp_path: Path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    with serving(tmp_path, "--no-watch") as running:
        lam = node_client(running)
        config = wait_status(lam, "orders", "live")
        assert config["RequestedProvisionedConcurrentExecutions"] == 1
        assert config["Status"] == "READY"
        assert config["AvailableProvisionedConcurrentExecutions"] == 1
        listed = lam.list_provisioned_concurrency_configs(FunctionName="orders")
        assert [c["FunctionArn"] for c in listed["ProvisionedConcurrencyConfigs"]] == [
            f"{ARN}:orders:live"]
        expect(refused(lam.get_provisioned_concurrency_config, FunctionName="orders",
                       Qualifier="1"),
               NO_CONFIG, "No Provisioned Concurrency Config found for this function")
        for call in (lam.put_provisioned_concurrency_config,
                     lam.delete_provisioned_concurrency_config):
            extra = {"ProvisionedConcurrentExecutions": 2} \
                if call == lam.put_provisioned_concurrency_config else {}
            code, message, status = refused(call, FunctionName="orders", Qualifier="live",
                                            **extra)
            assert status == 501 and "template" in message
        answer = lam.invoke(FunctionName="orders", Qualifier="live", LogType="Tail")
        assert "Init Duration" not in report_of(answer)
