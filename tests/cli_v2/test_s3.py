"""`aws s3 …` and `aws s3api …` from the AWS CLI v2, as a developer publishes and fetches files."""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

MB = 1024 * 1024


def write_tree(root: Path) -> dict[str, bytes]:
    files = {"index.html": b"<h1>home</h1>", "a/two.txt": b"two", "a/b/three.txt": b"three"}
    for name, body in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(body)
    return files


def keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return [item["Key"] for item in listed]


# ---------------------------------------------------------------------------- aws s3


def test_mb_then_rb_force(aws, s3: Any, fresh_name: str) -> None:
    name = fresh_name
    assert aws("s3", "mb", f"s3://{name}").stdout == f"make_bucket: {name}\n"
    assert f" {name}\n" in aws("s3", "ls").stdout
    s3.put_object(Bucket=name, Key="left/behind.txt", Body=b"x")
    refused = aws.fails("s3", "rb", f"s3://{name}", exit_code=1)
    assert refused == (f"remove_bucket failed: s3://{name} An error occurred (BucketNotEmpty) "
                       "when calling the DeleteBucket operation: The bucket you tried to delete "
                       "is not empty\n")
    forced = aws("s3", "rb", f"s3://{name}", "--force").stdout
    assert forced == f"delete: s3://{name}/left/behind.txt\nremove_bucket: {name}\n"
    assert f" {name}\n" not in aws("s3", "ls").stdout


def test_cp_a_small_file_up_and_down(aws, s3: Any, bucket: str, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(b"<p>hello</p>")
    up = aws("s3", "cp", "page.html", f"s3://{bucket}/site/page.html", "--no-progress",
             cwd=tmp_path)
    assert up.stdout == f"upload: ./page.html to s3://{bucket}/site/page.html\n"
    head = s3.head_object(Bucket=bucket, Key="site/page.html")
    assert head["ContentType"] == "text/html" and head["ContentLength"] == 12
    down = aws("s3", "cp", f"s3://{bucket}/site/page.html", "back.html", "--no-progress",
               cwd=tmp_path)
    assert down.stdout == f"download: s3://{bucket}/site/page.html to ./back.html\n"
    assert (tmp_path / "back.html").read_bytes() == b"<p>hello</p>"


def test_cp_with_a_public_read_acl_is_refused(aws, s3: Any, bucket: str,
                                               tmp_path: Path) -> None:
    # Tutorials still say `--acl public-read`; since April 2023 a new bucket has ACLs
    # disabled, so S3 refuses the upload and a bucket policy must make the files public.
    (tmp_path / "page.html").write_bytes(b"<p>hello</p>")
    printed = aws.fails("s3", "cp", "page.html", f"s3://{bucket}/page.html", "--acl",
                        "public-read", "--no-progress", exit_code=1, cwd=tmp_path)
    assert printed == (f"upload failed: ./page.html to s3://{bucket}/page.html An error "
                       "occurred (AccessControlListNotSupported) when calling the PutObject "
                       "operation: The bucket does not allow ACLs\n")
    assert keys(s3, bucket) == []


def test_cp_over_the_multipart_threshold(aws, s3: Any, bucket: str,
                                         tmp_path: Path) -> None:
    data = os.urandom(9 * MB)               # over the CLI's 8 MB threshold: two 8 MB-sized parts
    (tmp_path / "big.bin").write_bytes(data)
    aws("s3", "cp", str(tmp_path / "big.bin"), f"s3://{bucket}/big.bin", "--no-progress")
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == len(data) and head["ETag"].endswith('-2"')
    # Down, the CLI fetches the object in ranged GETs, several at once.
    aws("s3", "cp", f"s3://{bucket}/big.bin", str(tmp_path / "back.bin"), "--no-progress")
    assert hashlib.sha256((tmp_path / "back.bin").read_bytes()).digest() == \
        hashlib.sha256(data).digest()


def test_cp_recursive(aws, s3: Any, bucket: str, tmp_path: Path) -> None:
    files = write_tree(tmp_path / "src")
    out = aws("s3", "cp", "src", f"s3://{bucket}/copy/", "--recursive", "--no-progress",
              cwd=tmp_path).stdout
    assert sorted(out.splitlines()) == sorted(
        f"upload: src/{name} to s3://{bucket}/copy/{name}" for name in files)
    assert keys(s3, bucket) == sorted(f"copy/{name}" for name in files)
    aws("s3", "cp", f"s3://{bucket}/copy", str(tmp_path / "down"), "--recursive",
        "--no-progress")
    for name, body in files.items():
        assert (tmp_path / "down" / name).read_bytes() == body


def test_sync_twice_copies_only_once(aws, bucket: str, tmp_path: Path) -> None:
    files = write_tree(tmp_path / "site")
    # LastModified is kept to the second, as on S3: only files older than the upload's
    # second are sure to look older than their objects.
    for path in (tmp_path / "site").rglob("*"):
        os.utime(path, (time.time() - 5, time.time() - 5))
    first = aws("s3", "sync", "site", f"s3://{bucket}/site", "--no-progress", cwd=tmp_path)
    assert sorted(first.stdout.splitlines()) == sorted(
        f"upload: site/{name} to s3://{bucket}/site/{name}" for name in files)
    # Sizes match and the objects are newer than the files: nothing to send.
    again = aws("s3", "sync", "site", f"s3://{bucket}/site", "--no-progress", cwd=tmp_path)
    assert again.stdout == ""
    aws("s3", "sync", f"s3://{bucket}/site", str(tmp_path / "down"), "--no-progress")
    assert {str(p.relative_to(tmp_path / "down")) for p in (tmp_path / "down").rglob("*")
            if p.is_file()} == set(files)
    assert aws("s3", "sync", f"s3://{bucket}/site", str(tmp_path / "down"),
               "--no-progress").stdout == ""


def test_ls_recursive_human_readable_summarize(aws, s3: Any, bucket: str) -> None:
    sizes = {"a.txt": 3, "dir/b.bin": 2048, "dir/sub/c.bin": 3 * MB // 2}
    for key, size in sizes.items():
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * size)
    lines = aws("s3", "ls", f"s3://{bucket}", "--recursive", "--human-readable",
                "--summarize").stdout.splitlines()
    # "2024-05-01 12:00:00    3 Bytes a.txt": date, time, size, unit, key.
    listed = [line.split()[2:] for line in lines[:3]]
    assert listed == [["3", "Bytes", "a.txt"], ["2.0", "KiB", "dir/b.bin"],
                      ["1.5", "MiB", "dir/sub/c.bin"]]
    assert lines[3:] == ["", "Total Objects: 3", "   Total Size: 1.5 MiB"]


def test_mv_moves_files_and_objects(aws, s3: Any, bucket: str, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_bytes(b"moving")
    out = aws("s3", "mv", "note.txt", f"s3://{bucket}/in/note.txt", "--no-progress",
              cwd=tmp_path).stdout
    assert out == f"move: ./note.txt to s3://{bucket}/in/note.txt\n"
    assert not (tmp_path / "note.txt").exists()
    out = aws("s3", "mv", f"s3://{bucket}/in/note.txt", f"s3://{bucket}/out/note.txt",
              "--no-progress").stdout
    assert out == f"move: s3://{bucket}/in/note.txt to s3://{bucket}/out/note.txt\n"
    assert keys(s3, bucket) == ["out/note.txt"]
    assert s3.get_object(Bucket=bucket, Key="out/note.txt")["Body"].read() == b"moving"


def test_rm_recursive(aws, s3: Any, bucket: str) -> None:
    for key in ("keep.txt", "gone/a", "gone/b/c", "gone/b/d"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    out = aws("s3", "rm", f"s3://{bucket}/gone", "--recursive").stdout
    assert sorted(out.splitlines()) == [f"delete: s3://{bucket}/gone/{rest}"
                                        for rest in ("a", "b/c", "b/d")]
    assert keys(s3, bucket) == ["keep.txt"]


def test_presign_then_fetch(aws, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="shared/report.txt", Body=b"for your eyes")
    url = aws("s3", "presign", f"s3://{bucket}/shared/report.txt", "--expires-in", "300"
              ).stdout.strip()
    # v2 signs with SigV4 in every region (v1 still signs SigV2 in us-east-1).
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url and "X-Amz-Expires=300" in url
    fetched = httpx.get(url)
    assert fetched.status_code == 200 and fetched.content == b"for your eyes"
    tampered = httpx.get(url.replace("report.txt", "other.txt"))
    assert tampered.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in tampered.text


def test_presigned_url_expires(aws, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="brief.txt", Body=b"soon gone")
    url = aws("s3", "presign", f"s3://{bucket}/brief.txt", "--expires-in", "1").stdout.strip()
    time.sleep(2.1)
    expired = httpx.get(url)
    assert expired.status_code == 403
    assert "<Code>AccessDenied</Code><Message>Request has expired</Message>" in expired.text


def test_website_published_with_the_cli(aws, node: Any, bucket: str,
                                        tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_tree(site)
    (site / "error.html").write_bytes(b"<h1>lost?</h1>")
    assert aws("s3", "website", f"s3://{bucket}", "--index-document", "index.html",
               "--error-document", "error.html").stdout == ""
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    # A new bucket blocks public policies: the site's owner turns that off first.
    refused = aws.fails("s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
                        json.dumps(policy))
    assert "because public policies are blocked by the BlockPublicPolicy block public " \
        "access setting." in refused
    aws("s3api", "delete-public-access-block", "--bucket", bucket)
    aws("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", json.dumps(policy))
    aws("s3", "sync", str(site), f"s3://{bucket}", "--no-progress")
    assert aws.json("s3api", "get-bucket-website", "--bucket", bucket) == {
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}}
    base = f"{node.url}/_aws/s3-website/{bucket}"
    home = httpx.get(f"{base}/")
    assert home.status_code == 200 and home.content == b"<h1>home</h1>"
    assert home.headers["content-type"] == "text/html"
    lost = httpx.get(f"{base}/no/such/page.html")
    # 403, not 404: the policy lets anyone read objects but not list the bucket.
    assert lost.status_code == 403 and lost.content == b"<h1>lost?</h1>"


# ---------------------------------------------------------------------------- aws s3api


def test_s3api_put_head_get(aws, bucket: str, tmp_path: Path) -> None:
    body = b'{"a": 1}'
    (tmp_path / "in.json").write_bytes(body)
    put = aws.json("s3api", "put-object", "--bucket", bucket, "--key", "doc.json", "--body",
                   str(tmp_path / "in.json"), "--content-type", "application/json",
                   "--metadata", "color=blue")
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    head = aws.json("s3api", "head-object", "--bucket", bucket, "--key", "doc.json")
    assert head["ETag"] == put["ETag"] and head["ContentLength"] == len(body)
    assert head["ContentType"] == "application/json" and head["Metadata"] == {"color": "blue"}
    got = aws.json("s3api", "get-object", "--bucket", bucket, "--key", "doc.json",
                   str(tmp_path / "out.json"))
    assert got["ETag"] == put["ETag"] and got["ContentLength"] == len(body)
    assert (tmp_path / "out.json").read_bytes() == body


def test_s3api_list_objects_v2_pages_with_max_items(aws, s3: Any, bucket: str) -> None:
    names = [f"logs/{i:02d}.txt" for i in range(5)]
    for key in names:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    token: list[str] = []
    while True:
        page = aws.json("s3api", "list-objects-v2", "--bucket", bucket, "--max-items", "2",
                        *token)
        pages.append(page)
        seen += [item["Key"] for item in page["Contents"]]
        if "NextToken" not in page:
            break
        token = ["--starting-token", page["NextToken"]]
    assert [len(page["Contents"]) for page in pages] == [2, 2, 1]
    assert seen == names


def test_s3api_head_object_of_a_missing_key(aws, bucket: str) -> None:
    printed = aws.fails("s3api", "head-object", "--bucket", bucket, "--key", "nope")
    assert printed == "\nAn error occurred (404) when calling the HeadObject operation: " \
                      "Not Found\n"


def test_s3api_get_object_of_a_missing_key(aws, bucket: str, tmp_path: Path) -> None:
    printed = aws.fails("s3api", "get-object", "--bucket", bucket, "--key", "nope",
                        str(tmp_path / "out"))
    assert printed == "\nAn error occurred (NoSuchKey) when calling the GetObject operation: " \
                      "The specified key does not exist.\n"
    assert not (tmp_path / "out").exists()
