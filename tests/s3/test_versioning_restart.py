"""Versions, delete markers and a bucket's versioning state outlive the node, even a crash."""
from __future__ import annotations

from pathlib import Path

import boto3

from fogbank.testing import RunningNode, serving, write_empty_app


def test_versions_survive_a_crash(tmp_path: Path) -> None:
    app_dir = write_empty_app(tmp_path / "app")
    node = RunningNode(app_dir, "--no-watch")
    try:
        node.wait_ready()
        s3 = boto3.client("s3", **node.client_kwargs())
        s3.create_bucket(Bucket="kept")
        s3.put_bucket_versioning(Bucket="kept", VersioningConfiguration={"Status": "Enabled"})
        first = s3.put_object(Bucket="kept", Key="k", Body=b"first" * 50_000)["VersionId"]
        second = s3.put_object(Bucket="kept", Key="k", Body=b"second")["VersionId"]
        marker = s3.delete_object(Bucket="kept", Key="k")["VersionId"]
    finally:
        node.kill()
    with serving(app_dir, "--no-watch") as again:
        s3 = boto3.client("s3", **again.client_kwargs())
        assert s3.get_bucket_versioning(Bucket="kept")["Status"] == "Enabled"
        listed = s3.list_object_versions(Bucket="kept")
        assert [v["VersionId"] for v in listed["Versions"]] == [second, first]
        assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [
            (marker, True)]
        got = s3.get_object(Bucket="kept", Key="k", VersionId=first)
        assert got["Body"].read() == b"first" * 50_000
        third = s3.put_object(Bucket="kept", Key="k", Body=b"third")["VersionId"]
        assert third not in (first, second, marker)
