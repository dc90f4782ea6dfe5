"""Multipart uploads through boto3: the -N ETag, S3's size rules, parts and uploads listed."""
from __future__ import annotations

import base64
import hashlib

import pytest
from botocore.exceptions import ClientError

MiB = 1024 * 1024


def code(exc: pytest.ExceptionInfo) -> str:
    return exc.value.response["Error"]["Code"]


def upload(s3, bucket, key, parts):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    done = []
    for number, data in enumerate(parts, start=1):
        etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
                              Body=data)["ETag"]
        done.append({"PartNumber": number, "ETag": etag})
    return upload_id, done


def test_complete_gives_the_multipart_etag(s3, bucket):
    parts = [b"a" * (5 * MiB), b"b" * (5 * MiB), b"tail"]
    upload_id, done = upload(s3, bucket, "big", parts)
    result = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload_id,
                                          MultipartUpload={"Parts": done})
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    assert result["ETag"] == f'"{digest}-3"'
    assert result["Key"] == "big" and result["Bucket"] == bucket
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["ContentLength"] == 10 * MiB + 4
    assert hashlib.md5(got["Body"].read()).digest() == hashlib.md5(b"".join(parts)).digest()


def test_multipart_answers_say_sse_s3(s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="k")
    upload_id = created["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"x")
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert [answer["ServerSideEncryption"] for answer in (created, part, done)] == ["AES256"] * 3


def test_small_parts_are_entity_too_small(s3, bucket):
    upload_id, done = upload(s3, bucket, "k", [b"small", b"tail"])
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": done})
    assert code(exc) == "EntityTooSmall"


def test_unknown_part_is_invalid_part(s3, bucket):
    upload_id, done = upload(s3, bucket, "k", [b"only"])
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={
            "Parts": [done[0], {"PartNumber": 2, "ETag": '"00000000000000000000000000000000"'}]})
    assert code(exc) == "InvalidPart"


def test_parts_out_of_order(s3, bucket):
    upload_id, done = upload(s3, bucket, "k", [b"a" * (5 * MiB), b"b"])
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": list(reversed(done))})
    assert code(exc) == "InvalidPartOrder"


def test_list_parts_and_uploads_then_abort(s3, bucket):
    upload_id, _ = upload(s3, bucket, "k", [b"one", b"two"])
    parts = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in parts] == [(1, 3), (2, 3)]
    assert parts[0]["ETag"] == f'"{hashlib.md5(b"one").hexdigest()}"'
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("k", upload_id)]
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    with pytest.raises(ClientError) as exc:
        s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert code(exc) == "NoSuchUpload"


def test_upload_part_to_an_unknown_upload(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="k", UploadId="nope", PartNumber=1, Body=b"x")
    assert code(exc) == "NoSuchUpload"


def test_upload_part_copy(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789" * (MiB // 2))
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    first = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=1,
                                CopySource={"Bucket": bucket, "Key": "src"})
    second = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=2,
                                 CopySource={"Bucket": bucket, "Key": "src"},
                                 CopySourceRange="bytes=0-9")
    s3.complete_multipart_upload(Bucket=bucket, Key="dst", UploadId=upload_id, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
                  {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]})
    body = s3.get_object(Bucket=bucket, Key="dst")["Body"].read()
    assert body == b"0123456789" * (MiB // 2) + b"0123456789"


def test_invalid_part_number(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=10001, Body=b"x")
    assert code(exc) == "InvalidArgument"


def test_complete_again_gives_the_same_answer(s3, bucket):
    # An SDK retries a CompleteMultipartUpload whose answer it lost; S3 answers it again.
    upload_id, done = upload(s3, bucket, "k", [b"a" * (5 * MiB), b"tail"])
    first = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                         MultipartUpload={"Parts": done})
    again = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                         MultipartUpload={"Parts": done})
    assert again["ETag"] == first["ETag"] and again["Key"] == "k"
    assert s3.get_object(Bucket=bucket, Key="k")["ContentLength"] == 5 * MiB + 4
    with pytest.raises(ClientError) as exc:     # other parts: the upload is gone
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": done[:1]})
    assert code(exc) == "NoSuchUpload"


def test_head_and_get_of_a_part(s3, bucket):
    upload_id, done = upload(s3, bucket, "k", [b"a" * (5 * MiB), b"tail"])
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                 MultipartUpload={"Parts": done})
    head = s3.head_object(Bucket=bucket, Key="k", PartNumber=1)
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == 5 * MiB and head["PartsCount"] == 2
    assert head["ContentRange"] == f"bytes 0-{5 * MiB - 1}/{5 * MiB + 4}"
    got = s3.get_object(Bucket=bucket, Key="k", PartNumber=2)
    assert got["Body"].read() == b"tail"
    assert got["ContentRange"] == f"bytes {5 * MiB}-{5 * MiB + 3}/{5 * MiB + 4}"


def test_parts_of_a_completed_object_are_numbered_by_position(s3, bucket):
    # Uploaded as parts 1 and 3: once completed, S3 serves them as parts 1 and 2.
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    done = [{"PartNumber": number, "ETag": s3.upload_part(
        Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number, Body=data)["ETag"]}
        for number, data in ((1, b"a" * (5 * MiB)), (3, b"tail"))]
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                 MultipartUpload={"Parts": done})
    assert s3.get_object(Bucket=bucket, Key="k", PartNumber=2)["Body"].read() == b"tail"
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k", PartNumber=3)
    assert code(exc) == "InvalidPartNumber"


def test_object_attributes_count_the_parts_of_an_object_without_checksums(s3, bucket):
    upload_id, done = upload(s3, bucket, "k", [b"a" * (5 * MiB), b"tail"])
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                 MultipartUpload={"Parts": done})
    got = s3.get_object_attributes(Bucket=bucket, Key="k", MaxParts=1,
                                   ObjectAttributes=["ETag", "ObjectParts", "ObjectSize"])
    # Without checksums S3 gives the count alone, whatever MaxParts asks for.
    assert got["ObjectParts"] == {"TotalPartsCount": 2}
    assert got["ETag"].endswith("-2") and not got["ETag"].startswith('"')
    assert got["ObjectSize"] == 5 * MiB + 4


def test_object_attributes_list_the_parts_with_their_checksums(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k",
                                           ChecksumAlgorithm="SHA256")["UploadId"]
    done, sizes = [], {1: 5 * MiB, 3: 5 * MiB, 4: 10}
    for number, size in sizes.items():
        part = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number,
                              Body=b"p" * size, ChecksumAlgorithm="SHA256")
        done.append({"PartNumber": number, "ETag": part["ETag"],
                     "ChecksumSHA256": part["ChecksumSHA256"]})
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=2, Body=b"unused",
                   ChecksumAlgorithm="SHA256")
    complete = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                            MultipartUpload={"Parts": done})
    first = s3.get_object_attributes(Bucket=bucket, Key="k", MaxParts=2,
                                     ObjectAttributes=["Checksum", "ObjectParts"])
    # The checksum of checksums comes without the "-3" that HeadObject shows.
    assert complete["ChecksumSHA256"].endswith("-3")
    assert first["Checksum"] == {"ChecksumSHA256": complete["ChecksumSHA256"][:-2],
                                 "ChecksumType": "COMPOSITE"}
    listed = [{"PartNumber": p["PartNumber"], "Size": sizes[p["PartNumber"]],
               "ChecksumSHA256": p["ChecksumSHA256"]} for p in done]
    assert first["ObjectParts"] == {"TotalPartsCount": 3, "PartNumberMarker": 0,
                                    "NextPartNumberMarker": 3, "MaxParts": 2,
                                    "IsTruncated": True, "Parts": listed[:2]}
    rest = s3.get_object_attributes(Bucket=bucket, Key="k", MaxParts=2, PartNumberMarker=3,
                                    ObjectAttributes=["ObjectParts"])
    assert rest["ObjectParts"] == {"TotalPartsCount": 3, "PartNumberMarker": 3,
                                   "NextPartNumberMarker": 4, "MaxParts": 2,
                                   "IsTruncated": False, "Parts": listed[2:]}


def test_complete_names_the_lifecycle_rule_that_expires_the_object(s3, bucket):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "uploads", "Status": "Enabled", "Filter": {"Prefix": "up/"},
         "Expiration": {"Date": "2030-01-01T00:00:00Z"}}]})
    upload_id, done = upload(s3, bucket, "up/k", [b"tail"])
    result = s3.complete_multipart_upload(Bucket=bucket, Key="up/k", UploadId=upload_id,
                                          MultipartUpload={"Parts": done})
    assert result["Expiration"] == 'expiry-date="Tue, 01 Jan 2030 00:00:00 GMT", rule-id="uploads"'


def test_parts_of_a_checksummed_upload_carry_its_algorithm(endpoint, s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k",
                                           ChecksumAlgorithm="SHA256")["UploadId"]
    part = {"Bucket": bucket, "Key": "k", "UploadId": upload_id, "PartNumber": 1,
            "Body": b"part"}
    plain = endpoint.client(request_checksum_calculation="when_required")   # sends none
    sha = base64.b64encode(hashlib.sha256(b"part").digest()).decode()
    for client, extra, actual in ((plain, {}, "null"),
                                  (s3, {"ChecksumAlgorithm": "CRC32"}, "crc32"),
                                  (s3, {"ChecksumAlgorithm": "CRC32", "ChecksumSHA256": sha},
                                   "crc32")):
        with pytest.raises(ClientError) as exc:
            client.upload_part(**part, **extra)
        assert code(exc) == "InvalidRequest"
        assert exc.value.response["Error"]["Message"] == (
            "Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum "
            f"Type: {actual}")
    assert "Parts" not in s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    sent = s3.upload_part(**part, ChecksumAlgorithm="SHA256")
    assert sent["ChecksumSHA256"] == sha


def test_a_composite_checksum_upload_is_completed_with_each_parts_checksum(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k",
                                           ChecksumAlgorithm="SHA256")["UploadId"]
    sent = [s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number,
                           Body=data, ChecksumAlgorithm="SHA256")
            for number, data in ((1, b"a" * (5 * MiB)), (2, b"tail"))]
    named = [{"PartNumber": 1, "ETag": sent[0]["ETag"],
              "ChecksumSHA256": sent[0]["ChecksumSHA256"]},
             {"PartNumber": 2, "ETag": sent[1]["ETag"]}]
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": named})
    assert code(exc) == "InvalidRequest"
    assert exc.value.response["Error"]["Message"] == (
        "The upload was created using a sha256 checksum. The complete request must include the "
        "checksum for each part. It was missing for part 2 in the request.")
    named[1]["ChecksumSHA256"] = sent[1]["ChecksumSHA256"]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                        MultipartUpload={"Parts": named})
    assert done["ChecksumSHA256"].endswith("-2")


def test_a_full_object_checksum_upload_needs_no_part_checksums(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32",
                                           ChecksumType="FULL_OBJECT")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1,
                          Body=b"only", ChecksumAlgorithm="CRC32")["ETag"]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                        MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                    "ETag": etag}]})
    assert done["ChecksumType"] == "FULL_OBJECT"


def test_uploads_listed_with_url_encoding(s3, bucket):
    for key in ("a b/1", "a+b/2", "c%d"):
        s3.create_multipart_upload(Bucket=bucket, Key=key)
    listed = s3.list_multipart_uploads(Bucket=bucket, EncodingType="url")
    assert listed["EncodingType"] == "url"
    assert [u["Key"] for u in listed["Uploads"]] == ["a+b/1", "a%2Bb/2", "c%25d"]
    grouped = s3.list_multipart_uploads(Bucket=bucket, EncodingType="url", Delimiter="/",
                                        Prefix="a ")
    assert (grouped["Prefix"], [p["Prefix"] for p in grouped["CommonPrefixes"]]) == (
        "a+", ["a+b/"])
    plain = s3.list_multipart_uploads(Bucket=bucket)
    assert "EncodingType" not in plain
    assert [u["Key"] for u in plain["Uploads"]] == ["a b/1", "a+b/2", "c%d"]
    with pytest.raises(ClientError) as exc:
        s3.list_multipart_uploads(Bucket=bucket, EncodingType="base64")
    assert code(exc) == "InvalidArgument"


def sha256_upload(s3, bucket, key, parts):
    """An upload made with SHA256 checksums: its id, its parts as a completion names them,
    and the composite checksum they make."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key,
                                           ChecksumAlgorithm="SHA256")["UploadId"]
    named = []
    for number, data in enumerate(parts, start=1):
        sent = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
                              Body=data, ChecksumAlgorithm="SHA256")
        named.append({"PartNumber": number, "ETag": sent["ETag"],
                      "ChecksumSHA256": sent["ChecksumSHA256"]})
    digests = b"".join(base64.b64decode(part["ChecksumSHA256"]) for part in named)
    composite = base64.b64encode(hashlib.sha256(digests).digest()).decode()
    return upload_id, named, f"{composite}-{len(named)}"


def test_the_object_checksum_a_completion_states_must_be_the_parts(s3, bucket):
    parts = (b"a" * (5 * MiB), b"tail")
    upload_id, named, composite = sha256_upload(s3, bucket, "right", parts)
    done = s3.complete_multipart_upload(Bucket=bucket, Key="right", UploadId=upload_id,
                                        ChecksumSHA256=composite,
                                        MultipartUpload={"Parts": named})
    assert done["ChecksumSHA256"] == composite
    upload_id, named, _ = sha256_upload(s3, bucket, "wrong", parts)
    other = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(Bucket=bucket, Key="wrong", UploadId=upload_id,
                                     ChecksumSHA256=f"{other}-2",
                                     MultipartUpload={"Parts": named})
    assert code(exc) == "BadDigest"
    assert exc.value.response["Error"]["Message"] == (
        "The SHA256 you specified did not match the calculated checksum.")
    assert "Uploads" in s3.list_multipart_uploads(Bucket=bucket, Prefix="wrong")


@pytest.mark.parametrize("part_checksums", ["none", "crc32"])
def test_an_upload_without_an_algorithm_gets_a_whole_object_crc64nvme(endpoint, s3, bucket,
                                                                      part_checksums):
    # S3 gives the object what it gives a PutObject without a checksum: a CRC64NVME of the
    # whole body (FULL_OBJECT), whatever checksums the parts came with.
    from awscrt import checksums as crt
    client = endpoint.client(request_checksum_calculation="when_required") \
        if part_checksums == "none" else s3
    parts = [b"a" * (5 * MiB), b"tail"]
    upload_id, done = upload(client, bucket, "k", parts)
    result = client.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                              MultipartUpload={"Parts": done})
    whole = base64.b64encode(crt.crc64nvme(b"".join(parts)).to_bytes(8, "big")).decode()
    assert (result["ChecksumCRC64NVME"], result["ChecksumType"]) == (whole, "FULL_OBJECT")
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert (head["ChecksumCRC64NVME"], head["ChecksumType"]) == (whole, "FULL_OBJECT")
    assert "ChecksumCRC32" not in head
