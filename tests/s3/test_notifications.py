"""Upload → function, end to end: a SAM `S3` event deployed by a node, boto3 uploads, and the
function (tests/s3/apps/notify) keeps the event it got in a results bucket."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode, clean_env, free_port

APP = Path(__file__).resolve().parent / "apps" / "notify"
DELIVERY_TIMEOUT_S = 90           # a cold start on a loaded machine, plus a retry

# `fogbank up` itself, except that Lambda's async retry delays (1 and 2 minutes) are cut short.
FAST_RETRY_UP = """
import sys
from pathlib import Path
import uvloop
from rich.console import Console
from fogbank.config import NodeConfig
from fogbank.serve import serve_app
template = Path(sys.argv[1])
config = NodeConfig(state_dir=template.parent / ".fogbank", port=int(sys.argv[2]),
                    async_retry_delays_s=(0.5, 0.5))
sys.exit(uvloop.run(serve_app(config, template, watch=False, console=Console())))
"""


class FastRetryNode(RunningNode):
    """A RunningNode whose failed asynchronous invocations are retried within a second."""

    def __init__(self, app_dir: Path) -> None:       # noqa: super().__init__ would start `up`
        self.app_dir = app_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = app_dir / "fogbank-up.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", FAST_RETRY_UP, str(app_dir / "template.yaml"), str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env=clean_env())


def started(node: RunningNode) -> Iterator[Any]:
    try:
        node.wait_ready()
        yield boto3.client("s3", **node.client_kwargs(),
                           config=Config(retries={"total_max_attempts": 1}))
    finally:
        node.stop()


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app_dir = tmp_path_factory.mktemp("notify") / "app"
    shutil.copytree(APP, app_dir)
    yield from started(RunningNode(app_dir, "--no-watch"))


@pytest.fixture(scope="module")
def s3_fast_retries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app_dir = tmp_path_factory.mktemp("notify-retries") / "app"
    shutil.copytree(APP, app_dir)
    yield from started(FastRetryNode(app_dir))


def recorded(s3: Any, key: str) -> dict[str, Any]:
    """The event the function kept for `key` (its URL-encoded form), waiting for it."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    while True:
        try:
            body = s3.get_object(Bucket="results", Key=f"events/{key}")["Body"].read()
            return json.loads(body)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "NoSuchKey" or time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def attempted_keys(s3: Any) -> set[str]:
    listed = s3.list_objects_v2(Bucket="results", Prefix="attempts/").get("Contents", [])
    return {item["Key"].split("/", 1)[1].rsplit("/", 1)[0] for item in listed}


def test_upload_runs_the_function_with_s3s_event_record(s3):
    body = b"\xff\xd8 not really a jpeg"
    put = s3.put_object(Bucket="uploads", Key="photos/cat.jpg", Body=body)
    event = recorded(s3, "photos/cat.jpg")
    assert list(event) == ["Records"] and len(event["Records"]) == 1
    record = event["Records"][0]
    assert {k: record[k] for k in ("eventVersion", "eventSource", "awsRegion", "eventName")} == \
        {"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
         "eventName": "ObjectCreated:Put"}
    when = datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert record["eventTime"][-5] == "." and record["eventTime"].endswith("Z")  # ms
    assert abs(when.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)) \
        < timedelta(minutes=5)
    assert record["userIdentity"]["principalId"]
    assert record["requestParameters"] == {"sourceIPAddress": "127.0.0.1"}
    assert record["responseElements"]["x-amz-request-id"] == \
        put["ResponseMetadata"]["RequestId"]
    assert record["responseElements"]["x-amz-id-2"]
    s3_part = record["s3"]
    assert s3_part["s3SchemaVersion"] == "1.0"
    configuration = s3.get_bucket_notification_configuration(Bucket="uploads")
    assert s3_part["configurationId"] == \
        configuration["LambdaFunctionConfigurations"][0]["Id"]
    assert s3_part["bucket"]["name"] == "uploads"
    assert s3_part["bucket"]["arn"] == "arn:aws:s3:::uploads"
    assert s3_part["bucket"]["ownerIdentity"]["principalId"]
    obj = s3_part["object"]
    assert obj["key"] == "photos/cat.jpg" and obj["size"] == len(body)
    assert obj["eTag"] == hashlib.md5(body).hexdigest() == put["ETag"].strip('"')
    assert re.fullmatch(r"00[0-9A-F]{16}", obj["sequencer"])


def test_key_in_the_event_is_url_encoded(s3):
    s3.put_object(Bucket="uploads", Key="photos/my cat ü+1.jpg", Body=b"x")
    obj = recorded(s3, "photos/my+cat+%C3%BC%2B1.jpg")["Records"][0]["s3"]["object"]
    assert obj["key"] == "photos/my+cat+%C3%BC%2B1.jpg"


def test_copy_and_multipart_upload_are_object_created_events(s3):
    s3.put_object(Bucket="uploads", Key="source.bin", Body=b"copied")
    s3.copy_object(Bucket="uploads", Key="photos/copy.jpg",
                   CopySource={"Bucket": "uploads", "Key": "source.bin"})
    upload = s3.create_multipart_upload(Bucket="uploads", Key="photos/parts.jpg")
    part = s3.upload_part(Bucket="uploads", Key="photos/parts.jpg", PartNumber=1,
                          UploadId=upload["UploadId"], Body=b"one part")
    s3.complete_multipart_upload(Bucket="uploads", Key="photos/parts.jpg",
                                 UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1,
                                                             "ETag": part["ETag"]}]})
    copied = recorded(s3, "photos/copy.jpg")["Records"][0]
    assert copied["eventName"] == "ObjectCreated:Copy"
    assert copied["s3"]["object"]["eTag"] == hashlib.md5(b"copied").hexdigest()
    completed = recorded(s3, "photos/parts.jpg")["Records"][0]
    assert completed["eventName"] == "ObjectCreated:CompleteMultipartUpload"
    assert completed["s3"]["object"]["size"] == 8
    assert completed["s3"]["object"]["eTag"].endswith("-1")


def test_filtered_out_keys_do_not_run_the_function(s3):
    # Queued before the matching upload; delivery is first in, first out.
    for key in ("photos/cat.png", "videos/cat.jpg", "photos.jpg", "PHOTOS/cat.jpg"):
        s3.put_object(Bucket="uploads", Key=key, Body=b"x")
    s3.put_object(Bucket="uploads", Key="photos/after-the-others.jpg", Body=b"x")
    recorded(s3, "photos/after-the-others.jpg")
    assert not {"photos/cat.png", "videos/cat.jpg", "photos.jpg", "PHOTOS/cat.jpg"} & \
        attempted_keys(s3)


def test_a_failing_function_is_retried(s3_fast_retries):
    s3 = s3_fast_retries
    s3.put_object(Bucket="uploads", Key="photos/fail-once.jpg", Body=b"x")
    event = recorded(s3, "photos/fail-once.jpg")
    attempts = s3.list_objects_v2(Bucket="results", Prefix="attempts/photos/fail-once.jpg/")
    assert attempts["KeyCount"] == 2                  # the failure, then the retry
    payloads = [json.loads(s3.get_object(Bucket="results", Key=item["Key"])["Body"].read())
                for item in attempts["Contents"]]
    assert payloads == [event, event]                 # the same event, delivered again


def test_tagging_and_acl_changes_reach_the_function(s3):
    # A configuration beside the template's, for keys the template's filter leaves out.
    configuration = s3.get_bucket_notification_configuration(Bucket="uploads")
    function_arn = configuration["LambdaFunctionConfigurations"][0]["LambdaFunctionArn"]
    configuration.pop("ResponseMetadata")
    configuration["LambdaFunctionConfigurations"].append(
        {"Id": "subresources", "LambdaFunctionArn": function_arn,
         "Events": ["s3:ObjectTagging:*", "s3:ObjectAcl:Put"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "tagged/"}]}}})
    s3.put_bucket_notification_configuration(Bucket="uploads",
                                             NotificationConfiguration=configuration)
    put = s3.put_object(Bucket="uploads", Key="tagged/one.txt", Body=b"tag me")
    s3.put_object_tagging(Bucket="uploads", Key="tagged/one.txt",
                          Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    record = recorded(s3, "tagged/one.txt")["Records"][0]
    assert (record["eventName"], record["eventVersion"]) == ("ObjectTagging:Put", "2.3")
    assert record["s3"]["configurationId"] == "subresources"
    assert record["s3"]["object"] == {"key": "tagged/one.txt", "eTag": put["ETag"].strip('"')}
    s3.put_object(Bucket="uploads", Key="tagged/two.txt", Body=b"acl")
    s3.put_object_acl(Bucket="uploads", Key="tagged/two.txt", ACL="bucket-owner-full-control")
    record = recorded(s3, "tagged/two.txt")["Records"][0]
    assert (record["eventName"], record["eventVersion"]) == ("ObjectAcl:Put", "2.3")
    assert "sequencer" not in record["s3"]["object"]
