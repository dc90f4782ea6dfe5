"""REST API methods that require an API key, with SAM-made usage plans, under `fogbank up`:
what curl sees without a key, with a wrong, disabled or unplanned key, past the throttle
and past the quota; how boto3 and the AWS CLI find a generated key's value; and that a
generated key keeps its value across a restart."""
from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError

from fogbank.testing import BIN, RunningNode, clean_env, serving

APP = Path(__file__).parent / "apps" / "api_keys"


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("api_keys") / "api_keys"
    shutil.copytree(APP, target)
    return target


@pytest.fixture(scope="module")
def node(app_dir: Path) -> Iterator[tuple[RunningNode, dict[str, Any]]]:
    with serving(app_dir, "--no-watch") as running:
        yield running, running.wait_ready()


def api_url(info: dict[str, Any], logical_id: str) -> str:
    return info["apis"][f"{logical_id} (prod)"].rstrip("/")


def get(url: str, key: str | None = None) -> httpx.Response:
    return httpx.get(url, headers={"x-api-key": key} if key else {}, timeout=30)


def test_a_method_that_requires_a_key_refuses_requests_without_a_usable_one(node) -> None:
    _, info = node
    url = api_url(info, "ThrottledApi") + "/whoami"
    keys = info["apiKeys"]
    for key in (None, "no-such-key-0123456789abcdef", keys["DisabledKey"],
                keys["UnplannedKey"], keys["QuotaApiApiKey"]):
        r = get(url, key)
        assert (r.status_code, r.json()) == (403, {"message": "Forbidden"}), key
        assert r.headers["x-amzn-errortype"] == "ForbiddenException"


def test_the_function_sees_the_key_it_was_called_with(node) -> None:
    running, info = node
    value = info["apiKeys"]["ThrottledApiApiKey"]
    time.sleep(2.1)                          # a full bucket, whatever ran before
    r = get(api_url(info, "ThrottledApi") + "/whoami", value)
    assert r.status_code == 200
    seen = r.json()
    assert seen["apiKey"] == value
    apigw = boto3.client("apigateway", **running.client_kwargs())
    (listed,) = [k for k in apigw.get_api_keys()["items"] if k["id"] == seen["apiKeyId"]]
    assert listed["enabled"] is True and "value" not in listed    # values only when asked


def test_a_method_without_the_requirement_is_open(node) -> None:
    _, info = node
    r = get(api_url(info, "ThrottledApi") + "/open")
    assert (r.status_code, r.json()) == (200, {"apiKey": None, "apiKeyId": None})


def test_the_usage_plan_throttle_answers_429(node) -> None:
    _, info = node
    url, value = api_url(info, "ThrottledApi") + "/whoami", info["apiKeys"]["ThrottledApiApiKey"]
    time.sleep(2.1)
    statuses = [get(url, value) for _ in range(4)]     # a burst of 2, then 1 a second
    assert [r.status_code for r in statuses][:2] == [200, 200]
    throttled = [r for r in statuses if r.status_code == 429]
    assert throttled, [r.status_code for r in statuses]
    assert throttled[0].json() == {"message": "Too Many Requests"}
    assert throttled[0].headers["x-amzn-errortype"] == "TooManyRequestsException"
    time.sleep(1.1)                                   # a token comes back each second
    assert get(url, value).status_code == 200


def test_the_usage_plan_quota_answers_limit_exceeded(node) -> None:
    _, info = node
    url, value = api_url(info, "QuotaApi") + "/whoami", info["apiKeys"]["QuotaApiApiKey"]
    assert [get(url, value).status_code for _ in range(3)] == [200, 200, 200]
    spent = get(url, value)
    assert (spent.status_code, spent.json()) == (429, {"message": "Limit Exceeded"})
    assert spent.headers["x-amzn-errortype"] == "LimitExceededException"


def test_boto3_reads_keys_and_usage_plans(node) -> None:
    running, info = node
    apigw = boto3.client("apigateway", **running.client_kwargs())
    keys = {k["name"]: k for k in apigw.get_api_keys(includeValues=True)["items"]}
    assert keys["switched-off"]["value"] == "switchedoffkey0123456789"
    assert keys["switched-off"]["enabled"] is False
    generated = [k for k in keys.values() if k["value"] == info["apiKeys"]["QuotaApiApiKey"]]
    assert len(generated) == 1 and len(generated[0]["value"]) == 40
    one = apigw.get_api_key(apiKey=generated[0]["id"], includeValue=True)
    assert one["value"] == generated[0]["value"]

    plans = apigw.get_usage_plans()["items"]
    quota_plan = next(p for p in plans if p.get("quota"))
    assert quota_plan["quota"] == {"limit": 3, "offset": 0, "period": "DAY"}
    throttle_plan = next(p for p in plans if p.get("throttle"))
    assert throttle_plan["throttle"] == {"burstLimit": 2, "rateLimit": 1.0}
    assert throttle_plan["apiStages"][0]["stage"] == "prod"
    members = {k["name"] for k in apigw.get_usage_plan_keys(
        usagePlanId=throttle_plan["id"])["items"]}
    assert "switched-off" in members and "unplanned" not in members
    by_key = apigw.get_usage_plans(keyId=generated[0]["id"])["items"]
    assert [p["id"] for p in by_key] == [quota_plan["id"]]
    assert len(apigw.get_api_keys(limit=1)["items"]) == 1
    assert apigw.get_api_keys(limit=1).get("position")


def test_unknown_ids_and_bad_pages_get_api_gateways_errors(node) -> None:
    running, _ = node
    apigw = boto3.client("apigateway", **running.client_kwargs())
    for call, message in ((lambda: apigw.get_api_key(apiKey="nope"),
                           "Invalid API Key identifier specified"),
                          (lambda: apigw.get_usage_plan(usagePlanId="nope"),
                           "Invalid Usage Plan ID specified"),
                          (lambda: apigw.get_usage_plan_keys(usagePlanId="nope"),
                           "Invalid Usage Plan ID specified")):
        with pytest.raises(ClientError) as caught:
            call()
        error = caught.value.response["Error"]
        assert (error["Code"], error["Message"]) == ("NotFoundException", message)
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as caught:
        apigw.get_api_keys(limit=501)
    assert caught.value.response["Error"]["Code"] == "BadRequestException"


def test_the_aws_cli_lists_key_values(node) -> None:
    running, info = node
    done = subprocess.run([str(BIN / "aws"), "apigateway", "get-api-keys", "--include-values",
                           "--endpoint-url", running.url, "--region", "us-east-1",
                           "--output", "json"],
                          capture_output=True, text=True, timeout=60,
                          env={**clean_env(), "AWS_ACCESS_KEY_ID": "test",
                               "AWS_SECRET_ACCESS_KEY": "test"})
    assert done.returncode == 0, done.stderr
    values = {k["value"] for k in json.loads(done.stdout)["items"]}
    assert info["apiKeys"]["ThrottledApiApiKey"] in values


def test_a_generated_key_keeps_its_value_across_a_restart(node, app_dir: Path) -> None:
    running, info = node
    before = info["apiKeys"]
    running.stop()
    with serving(app_dir, "--no-watch") as again:
        after = again.wait_ready()
        assert after["apiKeys"] == before
        time.sleep(1.1)
        r = get(api_url(after, "ThrottledApi") + "/whoami", before["ThrottledApiApiKey"])
        assert r.status_code == 200


def test_a_usage_plan_with_a_bad_quota_fails_the_deploy(tmp_path: Path) -> None:
    app = tmp_path / "bad"
    shutil.copytree(APP, app)
    template = app / "template.yaml"
    template.write_text(template.read_text().replace("Period: DAY", "Period: YEAR"))
    node = RunningNode(app, "--no-watch")
    try:
        assert node.proc.wait(60) != 0
        output = " ".join(node.output().split())      # the terminal folds long lines
    finally:
        node.stop()
    assert "QuotaApiUsagePlan" in output and "Quota Period must be one of DAY, WEEK, MONTH" \
        in output
    assert "Traceback" not in output
