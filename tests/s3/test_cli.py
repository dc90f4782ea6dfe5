"""The AWS CLI (`aws s3 …` and `aws s3api …`) against the endpoint, as a developer uses it."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from fogbank.testing import clean_env

AWS = str(Path(sys.executable).parent / "aws")
MB = 1024 * 1024


@pytest.fixture(scope="module")
def aws_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The CLI's environment: local credentials, no user configuration."""
    home = tmp_path_factory.mktemp("aws-home")
    (home / "config").write_text("[default]\nregion = us-east-1\n")
    (home / "config-v4").write_text("[default]\nregion = us-east-1\n"
                                    "s3 =\n    signature_version = s3v4\n")
    return {**clean_env(), "AWS_CONFIG_FILE": str(home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true", "HOME": str(home)}


@pytest.fixture
def aws(endpoint, aws_env):
    """Runs `aws ARGS… --endpoint-url ENDPOINT`; returns the finished process."""
    def run(*args: str, stdin: bytes | None = None, check: bool = True,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run([AWS, *args, "--endpoint-url", endpoint.url], input=stdin,
                              capture_output=True, env={**aws_env, **(env or {})}, timeout=300)
        if check and done.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} exited {done.returncode}:\n"
                                 f"{done.stderr.decode(errors='replace')}")
        return done
    return run


def api(aws, *args: str) -> Any:
    """`aws s3api …` with its JSON answer parsed."""
    out = aws("s3api", *args, "--output", "json").stdout
    return json.loads(out) if out.strip() else None


def make_tree(root: Path) -> dict[str, bytes]:
    files = {"index.html": b"<h1>home</h1>", "a/two.txt": b"two", "a/b/three.txt": b"three",
             "a/sp ace+\u00fc.txt": b"odd name", "empty.bin": b""}
    for name, body in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(body)
    return files


# ---------------------------------------------------------------------------- aws s3


def test_mb_ls_and_rb(aws, s3):
    name = f"cli-{uuid.uuid4().hex[:12]}"
    assert aws("s3", "mb", f"s3://{name}").stdout.decode() == f"make_bucket: {name}\n"
    assert f" {name}\n" in aws("s3", "ls").stdout.decode()
    aws("s3", "rb", f"s3://{name}")
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_rb_force_empties_the_bucket_first(aws, s3):
    name = f"cli-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="a/b", Body=b"x")
    refused = aws("s3", "rb", f"s3://{name}", check=False)
    assert refused.returncode != 0 and b"BucketNotEmpty" in refused.stderr
    aws("s3", "rb", f"s3://{name}", "--force")
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_cp_up_and_down(aws, s3, bucket, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>hello</p>")
    aws("s3", "cp", str(page), f"s3://{bucket}/site/page.html", "--no-progress")
    head = s3.head_object(Bucket=bucket, Key="site/page.html")
    assert head["ContentType"] == "text/html" and head["ContentLength"] == 12
    aws("s3", "cp", f"s3://{bucket}/site/page.html", str(tmp_path / "back.html"), "--no-progress")
    assert (tmp_path / "back.html").read_bytes() == b"<p>hello</p>"


def test_cp_large_file_goes_multipart(aws, s3, bucket, tmp_path):
    data = os.urandom(20 * MB)                   # the CLI splits above 8 MB, in 8 MB parts
    (tmp_path / "big.bin").write_bytes(data)
    aws("s3", "cp", str(tmp_path / "big.bin"), f"s3://{bucket}/big.bin", "--no-progress")
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == len(data) and head["ETag"].endswith('-3"')
    aws("s3", "cp", f"s3://{bucket}/big.bin", str(tmp_path / "back.bin"), "--no-progress")
    assert (tmp_path / "back.bin").read_bytes() == data


def test_cp_from_stdin_and_to_stdout(aws, bucket):
    aws("s3", "cp", "-", f"s3://{bucket}/piped.txt", stdin=b"through a pipe\n")
    assert aws("s3", "cp", f"s3://{bucket}/piped.txt", "-").stdout == b"through a pipe\n"


def test_cp_with_metadata_and_content_type(aws, s3, bucket, tmp_path):
    (tmp_path / "data").write_bytes(b"{}")
    aws("s3", "cp", str(tmp_path / "data"), f"s3://{bucket}/data", "--no-progress",
        "--content-type", "application/json", "--metadata", "owner=me",
        "--cache-control", "max-age=60")
    head = s3.head_object(Bucket=bucket, Key="data")
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"owner": "me"} and head["CacheControl"] == "max-age=60"


def test_cp_recursive_and_mv(aws, s3, bucket, tmp_path):
    make_tree(tmp_path / "src")
    aws("s3", "cp", str(tmp_path / "src"), f"s3://{bucket}/copy/", "--recursive", "--no-progress")
    aws("s3", "mv", f"s3://{bucket}/copy/a/two.txt", f"s3://{bucket}/moved.txt")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == {"copy/index.html", "copy/a/b/three.txt", "copy/a/sp ace+\u00fc.txt",
                    "copy/empty.bin", "moved.txt"}
    assert s3.get_object(Bucket=bucket, Key="moved.txt")["Body"].read() == b"two"


def test_cp_of_a_missing_key_fails(aws, bucket, tmp_path):
    done = aws("s3", "cp", f"s3://{bucket}/missing", str(tmp_path / "x"), check=False)
    assert done.returncode != 0
    assert b"(404)" in done.stderr and b"HeadObject" in done.stderr
    assert not (tmp_path / "x").exists()


def test_sync_up_and_down(aws, bucket, tmp_path):
    files = make_tree(tmp_path / "up")
    # S3 keeps LastModified to the second: files written in the second of the upload would
    # look newer than their objects, to the CLI as on AWS. Files older than that do not.
    for path in (tmp_path / "up").rglob("*"):
        os.utime(path, (time.time() - 5, time.time() - 5))
    aws("s3", "sync", str(tmp_path / "up"), f"s3://{bucket}/site", "--no-progress")
    again = aws("s3", "sync", str(tmp_path / "up"), f"s3://{bucket}/site", "--no-progress")
    assert again.stdout == b""                  # sizes and times match: nothing to send
    aws("s3", "sync", f"s3://{bucket}/site", str(tmp_path / "down"), "--no-progress")
    for name, body in files.items():
        assert (tmp_path / "down" / name).read_bytes() == body


def test_sync_with_delete(aws, s3, bucket, tmp_path):
    make_tree(tmp_path / "up")
    aws("s3", "sync", str(tmp_path / "up"), f"s3://{bucket}/site", "--no-progress")
    (tmp_path / "up" / "a" / "two.txt").unlink()
    (tmp_path / "up" / "index.html").write_bytes(b"<h1>changed home</h1>")
    out = aws("s3", "sync", str(tmp_path / "up"), f"s3://{bucket}/site", "--delete",
              "--no-progress").stdout.decode()
    assert f"delete: s3://{bucket}/site/a/two.txt" in out
    assert f"index.html to s3://{bucket}/site/index.html" in out
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="site/")["Contents"]}
    assert "site/a/two.txt" not in keys and len(keys) == 4
    body = s3.get_object(Bucket=bucket, Key="site/index.html")["Body"].read()
    assert body == b"<h1>changed home</h1>"


def test_ls_prefixes_and_recursive(aws, s3, bucket):
    for key in ("top.txt", "dir/one.txt", "dir/sub/two.txt", "other/three.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"12345")
    lines = aws("s3", "ls", f"s3://{bucket}").stdout.decode().splitlines()
    assert [line.split()[-1] for line in lines] == ["dir/", "other/", "top.txt"]
    assert lines[0].split() == ["PRE", "dir/"] and lines[2].split()[2] == "5"
    lines = aws("s3", "ls", f"s3://{bucket}/dir/").stdout.decode().splitlines()
    assert [line.split()[-1] for line in lines] == ["sub/", "one.txt"]
    lines = aws("s3", "ls", f"s3://{bucket}", "--recursive").stdout.decode().splitlines()
    assert [line.split()[-1] for line in lines] == ["dir/one.txt", "dir/sub/two.txt",
                                                    "other/three.txt", "top.txt"]


def test_ls_of_a_missing_bucket(aws):
    done = aws("s3", "ls", f"s3://missing-{uuid.uuid4().hex[:12]}", check=False)
    assert done.returncode != 0
    assert b"An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: " \
           b"The specified bucket does not exist" in done.stderr


def test_rm_recursive(aws, s3, bucket):
    for key in ("keep.txt", "gone/a", "gone/b/c", "gone/b/d"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    out = aws("s3", "rm", f"s3://{bucket}/gone", "--recursive").stdout.decode()
    assert out.count("delete: ") == 3
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["keep.txt"]


@pytest.mark.parametrize("config", ["config", "config-v4"])
def test_presign_then_fetch(aws, aws_env, s3, bucket, config):
    """Presigned with the CLI's default (SigV2 in us-east-1) and with SigV4."""
    s3.put_object(Bucket=bucket, Key="shared/report.txt", Body=b"for your eyes")
    config_file = str(Path(aws_env["AWS_CONFIG_FILE"]).with_name(config))
    url = aws("s3", "presign", f"s3://{bucket}/shared/report.txt", "--expires-in", "300",
              env={"AWS_CONFIG_FILE": config_file}).stdout.decode().strip()
    response = httpx.get(url)
    assert response.status_code == 200 and response.content == b"for your eyes"
    tampered = httpx.get(url.replace("report.txt", "other.txt"))
    assert tampered.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in tampered.content


def test_presign_in_another_region_signs_v4(aws, endpoint):
    name = f"cli-{uuid.uuid4().hex[:10]}"
    regional = endpoint.client(region_name="eu-central-1")
    regional.create_bucket(Bucket=name,
                           CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    try:
        regional.put_object(Bucket=name, Key="k", Body=b"v")
        url = aws("s3", "presign", f"s3://{name}/k", "--region", "eu-central-1"
                  ).stdout.decode().strip()
        assert "X-Amz-Credential=test%2F" in url and "%2Feu-central-1%2Fs3%2F" in url
        assert httpx.get(url).content == b"v"
        # Signed for a region the bucket is not in, S3 refuses the URL.
        url = aws("s3", "presign", f"s3://{name}/k", "--region", "us-east-2"
                  ).stdout.decode().strip()
        response = httpx.get(url)
        assert response.status_code == 400
        assert "<Code>AuthorizationQueryParametersError</Code>" in response.text
    finally:
        regional.delete_object(Bucket=name, Key="k")
        regional.delete_bucket(Bucket=name)


# ---------------------------------------------------------------------------- aws s3api


def test_s3api_put_get_head(aws, bucket, tmp_path):
    body = b'{"a": 1}'
    (tmp_path / "in.json").write_bytes(body)
    put = api(aws, "put-object", "--bucket", bucket, "--key", "doc.json", "--body",
              str(tmp_path / "in.json"), "--content-type", "application/json",
              "--metadata", "color=blue,size=9")
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    head = api(aws, "head-object", "--bucket", bucket, "--key", "doc.json")
    assert head["ETag"] == put["ETag"] and head["ContentLength"] == 8
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"color": "blue", "size": "9"}
    got = api(aws, "get-object", "--bucket", bucket, "--key", "doc.json", "--range",
              "bytes=1-4", str(tmp_path / "out"))
    assert got["ContentRange"] == "bytes 1-4/8" and (tmp_path / "out").read_bytes() == b'"a":'


def test_s3api_errors(aws, bucket, tmp_path):
    done = aws("s3api", "get-object", "--bucket", bucket, "--key", "nope", str(tmp_path / "o"),
               check=False)
    assert done.returncode != 0
    assert b"An error occurred (NoSuchKey) when calling the GetObject operation: " \
           b"The specified key does not exist." in done.stderr
    done = aws("s3api", "head-object", "--bucket", bucket, "--key", "nope", check=False)
    assert b"An error occurred (404) when calling the HeadObject operation: Not Found" \
        in done.stderr
    # Outside us-east-1 S3 refuses to create a bucket twice (us-east-1 answers 200 OK).
    done = aws("s3api", "create-bucket", "--bucket", bucket, "--create-bucket-configuration",
               "LocationConstraint=eu-west-1", "--region", "eu-west-1", check=False)
    assert b"An error occurred (BucketAlreadyOwnedByYou) when calling the CreateBucket " \
           b"operation: Your previous request to create the named bucket succeeded and you " \
           b"already own it." in done.stderr
    done = aws("s3api", "get-object", "--bucket", bucket, "--key", "nope", "--range",
               "bytes=5-9", str(tmp_path / "o"), check=False)
    assert b"(NoSuchKey)" in done.stderr


def test_s3api_list_objects_v2_pages(aws, s3, bucket):
    keys = [f"logs/{i:02d}.txt" for i in range(7)] + ["readme", "img/a.png"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    # --page-size 2 makes the CLI follow continuation tokens through four requests.
    listed = api(aws, "list-objects-v2", "--bucket", bucket, "--prefix", "logs/",
                 "--page-size", "2")
    assert [o["Key"] for o in listed["Contents"]] == sorted(k for k in keys if "logs/" in k)
    top = api(aws, "list-objects-v2", "--bucket", bucket, "--delimiter", "/")
    assert [o["Key"] for o in top["Contents"]] == ["readme"]
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["img/", "logs/"]
    first = api(aws, "list-objects-v2", "--bucket", bucket, "--max-items", "3")
    assert len(first["Contents"]) == 3 and first["NextToken"]
    rest = api(aws, "list-objects-v2", "--bucket", bucket, "--starting-token",
               first["NextToken"])
    assert [o["Key"] for o in first["Contents"] + rest["Contents"]] == sorted(keys)


def test_s3api_multipart_upload(aws, s3, bucket, tmp_path):
    part1, part2 = os.urandom(5 * MB), b"the last part may be small"
    (tmp_path / "p1").write_bytes(part1)
    (tmp_path / "p2").write_bytes(part2)
    upload_id = api(aws, "create-multipart-upload", "--bucket", bucket, "--key", "mp.bin",
                    "--content-type", "application/x-test")["UploadId"]
    etags = [api(aws, "upload-part", "--bucket", bucket, "--key", "mp.bin", "--upload-id",
                 upload_id, "--part-number", str(n), "--body", str(tmp_path / f"p{n}"))["ETag"]
             for n in (1, 2)]
    uploads = api(aws, "list-multipart-uploads", "--bucket", bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("mp.bin", upload_id)]
    parts = api(aws, "list-parts", "--bucket", bucket, "--key", "mp.bin", "--upload-id",
                upload_id)["Parts"]
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in parts] == \
        [(1, len(part1), etags[0]), (2, len(part2), etags[1])]
    layout = json.dumps({"Parts": [{"PartNumber": n + 1, "ETag": e} for n, e in enumerate(etags)]})
    done = api(aws, "complete-multipart-upload", "--bucket", bucket, "--key", "mp.bin",
               "--upload-id", upload_id, "--multipart-upload", layout)
    assert done["Key"] == "mp.bin" and done["ETag"].endswith('-2"')
    got = s3.get_object(Bucket=bucket, Key="mp.bin")
    assert got["Body"].read() == part1 + part2 and got["ContentType"] == "application/x-test"
    # A retried completion (its first answer lost) gets the same answer, as from S3.
    again = api(aws, "complete-multipart-upload", "--bucket", bucket, "--key", "mp.bin",
                "--upload-id", upload_id, "--multipart-upload", layout)
    assert again["ETag"] == done["ETag"]
    # The upload itself is gone.
    listed = aws("s3api", "list-parts", "--bucket", bucket, "--key", "mp.bin", "--upload-id",
                 upload_id, check=False)
    assert b"(NoSuchUpload)" in listed.stderr


def test_s3api_small_part_is_refused(aws, bucket, tmp_path):
    (tmp_path / "p").write_bytes(b"too small")
    upload_id = api(aws, "create-multipart-upload", "--bucket", bucket, "--key", "k")["UploadId"]
    etags = [api(aws, "upload-part", "--bucket", bucket, "--key", "k", "--upload-id", upload_id,
                 "--part-number", str(n), "--body", str(tmp_path / "p"))["ETag"] for n in (1, 2)]
    layout = json.dumps({"Parts": [{"PartNumber": n + 1, "ETag": e} for n, e in enumerate(etags)]})
    done = aws("s3api", "complete-multipart-upload", "--bucket", bucket, "--key", "k",
               "--upload-id", upload_id, "--multipart-upload", layout, check=False)
    assert b"An error occurred (EntityTooSmall) when calling the CompleteMultipartUpload " \
           b"operation: Your proposed upload is smaller than the minimum allowed size" \
        in done.stderr
    aws("s3api", "abort-multipart-upload", "--bucket", bucket, "--key", "k", "--upload-id",
        upload_id)
    assert api(aws, "list-multipart-uploads", "--bucket", bucket).get("Uploads") is None


def test_s3api_copy_and_delete_objects(aws, s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"copied body")
    copied = api(aws, "copy-object", "--bucket", bucket, "--key", "dst", "--copy-source",
                 f"{bucket}/src")
    assert copied["CopyObjectResult"]["ETag"] == s3.head_object(Bucket=bucket, Key="src")["ETag"]
    deleted = api(aws, "delete-objects", "--bucket", bucket, "--delete",
                  '{"Objects": [{"Key": "src"}, {"Key": "dst"}, {"Key": "never-was"}]}')
    assert sorted(d["Key"] for d in deleted["Deleted"]) == ["dst", "never-was", "src"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_s3api_bucket_configuration(aws, bucket):
    api(aws, "put-bucket-tagging", "--bucket", bucket, "--tagging",
        '{"TagSet": [{"Key": "team", "Value": "web"}]}')
    assert api(aws, "get-bucket-tagging", "--bucket", bucket)["TagSet"] == \
        [{"Key": "team", "Value": "web"}]
    api(aws, "put-bucket-website", "--bucket", bucket, "--website-configuration",
        '{"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "404.html"}}')
    website = api(aws, "get-bucket-website", "--bucket", bucket)
    assert website["IndexDocument"] == {"Suffix": "index.html"}
    assert website["ErrorDocument"] == {"Key": "404.html"}
    assert api(aws, "get-bucket-location", "--bucket", bucket) == {"LocationConstraint": None}
    done = aws("s3api", "get-bucket-cors", "--bucket", bucket, check=False)
    assert b"An error occurred (NoSuchCORSConfiguration) when calling the GetBucketCors " \
           b"operation: The CORS configuration does not exist" in done.stderr
