"""Black-box fixtures: S3 clients (boto3, the AWS CLI, plain HTTP) against one endpoint.

The endpoint is a `fogbank up` node by default; set FOGBANK_S3_TEST_ENDPOINT to point the
suite at another S3 implementation (e.g. moto's server) to check the tests themselves.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest
from botocore.config import Config

from fogbank.testing import RunningNode

HERE = Path(__file__).resolve().parent
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "test",
               "aws_secret_access_key": "test"}


class Endpoint:
    def __init__(self, url: str, state_root: Path | None) -> None:
        self.url = url
        self.state_root = state_root          # where a Fogbank node keeps its files

    def client(self, **config: Any) -> Any:
        return boto3.client("s3", endpoint_url=self.url, **CREDENTIALS,
                            config=Config(retries={"total_max_attempts": 1}, **config))

    def at(self, host: str) -> str:
        """The endpoint's URL under another host name (same port)."""
        port = self.url.rsplit(":", 1)[1]
        return f"http://{host}:{port}"


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    external = os.environ.get("FOGBANK_S3_TEST_ENDPOINT")
    if external:
        yield Endpoint(external.rstrip("/"), None)
        return
    app_dir = tmp_path_factory.mktemp("s3") / "app"
    shutil.copytree(HERE / "app", app_dir)
    node = RunningNode(app_dir, "--no-watch")
    try:
        node.wait_ready()
        yield Endpoint(node.url, app_dir)
    finally:
        node.stop()


@pytest.fixture(scope="session")
def s3(endpoint: Endpoint) -> Any:
    return endpoint.client()


@pytest.fixture
def bucket(s3: Any) -> Iterator[str]:
    """A fresh, empty bucket, emptied and deleted afterwards."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name
    for upload in s3.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        # One by one: a key with control characters cannot be written in XML 1.0.
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)

