"""Server-side encryption through boto3: SSE-KMS and SSE-C headers kept and echoed, SSE-C
keys demanded on reads, S3's errors for bad headers, bucket default encryption."""
from __future__ import annotations

import base64
import hashlib

import pytest
from botocore.exceptions import ClientError

MiB = 1024 * 1024
KEY = b"k" * 32
OTHER_KEY = b"o" * 32
KEY_MD5 = base64.b64encode(hashlib.md5(KEY).digest()).decode()
SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": KEY}
SOURCE_SSE_C = {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": KEY}
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def error(exc: pytest.ExceptionInfo) -> tuple[int, str, str]:
    response = exc.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"].get("Message", ""))


def key_b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# ---------------------------------------------------------------------------- SSE-KMS

def test_kms_without_a_key_id_uses_the_accounts_aws_managed_key(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"v", ServerSideEncryption="aws:kms")
    assert put["ServerSideEncryption"] == "aws:kms"
    assert put["SSEKMSKeyId"].startswith("arn:aws:kms:us-east-1:")
    assert ":key/" in put["SSEKMSKeyId"]
    assert "BucketKeyEnabled" not in put          # S3 leaves out a Bucket Key not enabled
    again = s3.put_object(Bucket=bucket, Key="k2", Body=b"v", ServerSideEncryption="aws:kms")
    assert again["SSEKMSKeyId"] == put["SSEKMSKeyId"]


def test_kms_key_id_context_and_bucket_key_are_kept_and_echoed(s3, bucket):
    context = base64.b64encode(b'{"team":"data"}').decode()
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"v", ServerSideEncryption="aws:kms",
                        SSEKMSKeyId=KEY_ID, SSEKMSEncryptionContext=context,
                        BucketKeyEnabled=True)
    arn = f"arn:aws:kms:us-east-1:{put['SSEKMSKeyId'].split(':')[4]}:key/{KEY_ID}"
    assert (put["SSEKMSKeyId"], put["SSEKMSEncryptionContext"], put["BucketKeyEnabled"]) == \
        (arn, context, True)
    for read in (s3.head_object(Bucket=bucket, Key="k"), s3.get_object(Bucket=bucket, Key="k")):
        assert (read["ServerSideEncryption"], read["SSEKMSKeyId"], read["BucketKeyEnabled"]) == \
            ("aws:kms", arn, True)
        assert "SSEKMSEncryptionContext" not in read     # never on a read, as in S3


def test_a_kms_key_arn_is_echoed_as_given(s3, bucket):
    arn = f"arn:aws:kms:us-east-1:111122223333:key/{KEY_ID}"
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"v", ServerSideEncryption="aws:kms:dsse",
                        SSEKMSKeyId=arn)
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms:dsse", arn)


def test_kms_objects_etag_is_not_the_md5_of_the_body(s3, bucket):
    body = b"same bytes"
    first = s3.put_object(Bucket=bucket, Key="k", Body=body, ServerSideEncryption="aws:kms")
    second = s3.put_object(Bucket=bucket, Key="k", Body=body, ServerSideEncryption="aws:kms")
    assert first["ETag"] != f'"{hashlib.md5(body).hexdigest()}"'
    assert first["ETag"] != second["ETag"]
    assert s3.head_object(Bucket=bucket, Key="k")["ETag"] == second["ETag"]


@pytest.mark.parametrize("value", ["aes:kms", "AES512", "", "aws:fsx"])
def test_an_unknown_encryption_method_is_refused(s3, bucket, value):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v", ServerSideEncryption=value)
    assert error(exc) == (400, "InvalidArgument",
                          "The encryption method specified is not supported")
    assert exc.value.response["Error"]["ArgumentName"] == "x-amz-server-side-encryption"


def test_a_kms_key_id_without_aws_kms_is_refused(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v", ServerSideEncryption="AES256",
                      SSEKMSKeyId=KEY_ID)
    assert error(exc) == (400, "InvalidArgument", "Server Side Encryption with AWS KMS managed "
                          "key requires HTTP header x-amz-server-side-encryption : aws:kms")


@pytest.mark.parametrize("operation, event", [("get_object", "GetObject"),
                                              ("head_object", "HeadObject")])
def test_a_read_naming_an_encryption_is_refused(endpoint, s3, bucket, operation, event):
    # Only a write chooses SSE-S3 or SSE-KMS; a read that names one is a bad request.
    s3.put_object(Bucket=bucket, Key="k", Body=b"v", ServerSideEncryption="aws:kms")
    client = endpoint.client()
    client.meta.events.register(f"before-call.s3.{event}", lambda params, **_: params[
        "headers"].update({"x-amz-server-side-encryption": "aws:kms"}))
    with pytest.raises(ClientError) as exc:
        getattr(client, operation)(Bucket=bucket, Key="k")
    assert error(exc)[0] == 400
    if operation == "get_object":              # a HEAD answer has no body to name the error
        found = exc.value.response["Error"]
        assert (found["Code"], found["Message"], found["ArgumentName"],
                found["ArgumentValue"]) == (
            "InvalidArgument",
            "x-amz-server-side-encryption header is not supported for this operation.",
            "x-amz-server-side-encryption", "aws:kms")


def test_an_encryption_context_that_is_not_base64_json_is_refused(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v", ServerSideEncryption="aws:kms",
                      SSEKMSEncryptionContext="not-json")
    assert error(exc)[:2] == (400, "InvalidArgument")
    assert "x-amz-server-side-encryption-context" in error(exc)[2]


def test_copy_takes_the_encryption_it_asks_for_not_the_sources(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"v", ServerSideEncryption="aws:kms")
    plain = s3.copy_object(Bucket=bucket, Key="plain", CopySource=f"{bucket}/src")
    assert plain["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in plain
    kms = s3.copy_object(Bucket=bucket, Key="kms", CopySource=f"{bucket}/plain",
                         ServerSideEncryption="aws:kms", SSEKMSKeyId=KEY_ID)
    assert kms["SSEKMSKeyId"].endswith(f":key/{KEY_ID}")
    assert s3.head_object(Bucket=bucket, Key="kms")["ServerSideEncryption"] == "aws:kms"


def test_copying_an_object_onto_itself_with_new_encryption_is_allowed(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/k",
                   ServerSideEncryption="aws:kms")
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "aws:kms"


def test_kms_multipart_upload_reports_its_encryption_on_every_step(s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="m", ServerSideEncryption="aws:kms",
                                         SSEKMSKeyId=KEY_ID, BucketKeyEnabled=True)
    upload_id = created["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1, Body=b"p")
    done = s3.complete_multipart_upload(Bucket=bucket, Key="m", UploadId=upload_id,
                                        MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                    "ETag": part["ETag"]}]})
    for answer in (created, part, done, s3.head_object(Bucket=bucket, Key="m")):
        assert (answer["ServerSideEncryption"], answer["BucketKeyEnabled"]) == ("aws:kms", True)
        assert answer["SSEKMSKeyId"].endswith(f":key/{KEY_ID}")


# ---------------------------------------------------------------------------- SSE-C

def test_sse_c_object_reads_back_with_its_key_and_echoes_the_key_md5(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="c", Body=b"secret", **SSE_C)
    assert (put["SSECustomerAlgorithm"], put["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert "ServerSideEncryption" not in put
    got = s3.get_object(Bucket=bucket, Key="c", **SSE_C)
    assert got["Body"].read() == b"secret"
    head = s3.head_object(Bucket=bucket, Key="c", **SSE_C)
    for answer in (got, head):
        assert (answer["SSECustomerAlgorithm"], answer["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
        assert "ServerSideEncryption" not in answer
    ranged = s3.get_object(Bucket=bucket, Key="c", Range="bytes=0-1", **SSE_C)
    assert ranged["Body"].read() == b"se"


def test_sse_c_etag_is_not_the_md5_of_the_body(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="c", Body=b"secret", **SSE_C)
    assert put["ETag"] != f'"{hashlib.md5(b"secret").hexdigest()}"'
    assert s3.head_object(Bucket=bucket, Key="c", **SSE_C)["ETag"] == put["ETag"]


def test_reading_an_sse_c_object_without_its_key_is_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="c", Body=b"secret", **SSE_C)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="c")
    assert error(exc) == (400, "InvalidRequest", "The object was stored using a form of Server "
                          "Side Encryption. The correct parameters must be provided to "
                          "retrieve the object.")
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="c")
    assert error(exc)[0] == 400
    with pytest.raises(ClientError) as exc:
        s3.get_object_attributes(Bucket=bucket, Key="c", ObjectAttributes=["ETag"])
    assert error(exc)[:2] == (400, "InvalidRequest")


def test_reading_an_sse_c_object_with_another_key_is_access_denied(s3, bucket):
    s3.put_object(Bucket=bucket, Key="c", Body=b"secret", **SSE_C)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256",
                      SSECustomerKey=OTHER_KEY)
    assert error(exc) == (403, "AccessDenied", "Requests specifying Server Side Encryption with "
                          "Customer provided keys must provide the correct secret key.")


def test_sse_c_headers_for_an_object_without_sse_c_are_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain", Body=b"v")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="plain", **SSE_C)
    assert error(exc) == (400, "InvalidRequest",
                          "The encryption parameters are not applicable to this object.")


@pytest.mark.parametrize("headers, expected", [
    ({"SSECustomerAlgorithm": "AES128", "SSECustomerKey": KEY},
     ("InvalidEncryptionAlgorithmError",
      "The Encryption request you specified is not valid. Supported value: AES256.")),
    ({"SSECustomerAlgorithm": "AES256", "SSECustomerKey": b"k" * 16},
     ("InvalidArgument", "The secret key was invalid for the specified algorithm.")),
    ({"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key_b64(KEY),
      "SSECustomerKeyMD5": "AAAAAAAAAAAAAAAAAAAAAA=="},
     ("InvalidArgument",
      "The calculated MD5 hash of the key did not match the hash that was provided.")),
    ({"SSECustomerKey": KEY},
     ("InvalidArgument", "Requests specifying Server Side Encryption with Customer provided "
                         "keys must provide a valid encryption algorithm.")),
    ({"SSECustomerAlgorithm": "AES256"},
     ("InvalidArgument", "Requests specifying Server Side Encryption with Customer provided "
                         "keys must provide an appropriate secret key.")),
    ({"ServerSideEncryption": "AES256", **SSE_C},
     ("InvalidArgument", "Server Side Encryption with Customer provided key is incompatible "
                         "with the encryption method specified")),
], ids=["algorithm", "key-length", "md5", "no-algorithm", "no-key", "with-sse"])
def test_bad_sse_c_headers_are_refused(s3, bucket, headers, expected):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="c", Body=b"v", **headers)
    assert error(exc) == (400, *expected)
    assert exc.value.response["Error"]["ArgumentName"] == "x-amz-server-side-encryption"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="c")          # nothing was written


def test_copy_of_an_sse_c_source_needs_its_key(s3, bucket):
    s3.put_object(Bucket=bucket, Key="c", Body=b"secret", **SSE_C)
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/c")
    assert error(exc)[:2] == (400, "InvalidRequest")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/c",
                       CopySourceSSECustomerAlgorithm="AES256",
                       CopySourceSSECustomerKey=OTHER_KEY)
    assert error(exc)[:2] == (403, "AccessDenied")
    plain = s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/c", **SOURCE_SSE_C)
    assert plain["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"secret"
    rekeyed = s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/c", **SOURCE_SSE_C,
                             SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER_KEY)
    assert rekeyed["SSECustomerKeyMD5"] == base64.b64encode(
        hashlib.md5(OTHER_KEY).digest()).decode()
    assert s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256",
                         SSECustomerKey=OTHER_KEY)["Body"].read() == b"secret"


def test_sse_c_multipart_needs_the_key_on_every_part(s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="m", **SSE_C)
    assert created["SSECustomerKeyMD5"] == KEY_MD5
    upload_id = created["UploadId"]
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1, Body=b"p")
    assert error(exc) == (400, "InvalidRequest", "The multipart upload initiate requested "
                          "encryption. Subsequent part requests must include the appropriate "
                          "encryption parameters.")
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1, Body=b"p",
                       SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER_KEY)
    assert error(exc) == (400, "InvalidRequest", "The provided encryption parameters did not "
                          "match the ones used originally.")
    first = s3.upload_part(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1,
                           Body=b"a" * (5 * MiB), **SSE_C)
    assert first["SSECustomerKeyMD5"] == KEY_MD5
    second = s3.upload_part(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=2,
                            Body=b"tail", **SSE_C)
    parts = [{"PartNumber": 1, "ETag": first["ETag"]}, {"PartNumber": 2, "ETag": second["ETag"]}]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="m", UploadId=upload_id,
                                        MultipartUpload={"Parts": parts})
    assert done["ETag"].endswith('-2"') and "SSECustomerKeyMD5" not in done
    got = s3.get_object(Bucket=bucket, Key="m", Range=f"bytes={5 * MiB - 1}-", **SSE_C)
    assert got["Body"].read() == b"atail"
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="m")
    assert error(exc)[:2] == (400, "InvalidRequest")


def test_a_part_of_an_upload_without_sse_c_takes_no_key(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1, Body=b"p",
                       **SSE_C)
    assert error(exc)[:2] == (400, "InvalidRequest")


def test_upload_part_copy_from_an_sse_c_source_into_an_sse_c_upload(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"source", **SSE_C)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="m", SSECustomerAlgorithm="AES256",
                                           SSECustomerKey=OTHER_KEY)["UploadId"]
    with pytest.raises(ClientError) as exc:
        s3.upload_part_copy(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1,
                            CopySource=f"{bucket}/src", SSECustomerAlgorithm="AES256",
                            SSECustomerKey=OTHER_KEY)
    assert error(exc)[:2] == (400, "InvalidRequest")       # the source's key is missing
    part = s3.upload_part_copy(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1,
                               CopySource=f"{bucket}/src", **SOURCE_SSE_C,
                               SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER_KEY)
    s3.complete_multipart_upload(Bucket=bucket, Key="m", UploadId=upload_id, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="m", SSECustomerAlgorithm="AES256",
                         SSECustomerKey=OTHER_KEY)["Body"].read() == b"source"


def test_deleting_and_listing_sse_c_objects_need_no_key(s3, bucket):
    s3.put_object(Bucket=bucket, Key="c", Body=b"secret", **SSE_C)
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(item["Key"], item["Size"]) for item in listed] == [("c", 6)]
    s3.delete_object(Bucket=bucket, Key="c")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


# ---------------------------------------------------------------------------- bucket default

def test_bucket_default_kms_applies_to_objects_written_without_headers(s3, bucket):
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                               "KMSMasterKeyID": KEY_ID},
        "BucketKeyEnabled": True}]})
    got = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert got == {"Rules": [{"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_ID}, "BucketKeyEnabled": True}]}
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert (put["ServerSideEncryption"], put["BucketKeyEnabled"]) == ("aws:kms", True)
    assert put["SSEKMSKeyId"].endswith(f":key/{KEY_ID}")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m")
    assert upload["ServerSideEncryption"] == "aws:kms"
    asked = s3.put_object(Bucket=bucket, Key="s3", Body=b"v", ServerSideEncryption="AES256")
    assert asked["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in asked
    s3.put_object(Bucket=bucket, Key="c", Body=b"v", **SSE_C)     # SSE-C needs no default
    # A copy onto itself with nothing changed is allowed once a default is configured.
    s3.copy_object(Bucket=bucket, Key="s3", CopySource=f"{bucket}/s3")
    assert s3.head_object(Bucket=bucket, Key="s3")["ServerSideEncryption"] == "aws:kms"


def test_deleting_the_bucket_encryption_restores_sse_s3(s3, bucket):
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    assert s3.delete_bucket_encryption(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_bucket_encryption(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                      "BucketKeyEnabled": False}]
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"v")["ServerSideEncryption"] == "AES256"


@pytest.mark.parametrize("rules, expected", [
    ([], ("MalformedXML", None)),
    ([{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}] * 2,
     ("MalformedXML", None)),
    ([{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256",
                                              "KMSMasterKeyID": KEY_ID}}],
     ("InvalidArgument", "ApplyServerSideEncryptionByDefault")),
], ids=["no-rule", "two-rules", "key-with-aes256"])
def test_bad_bucket_encryption_is_refused(s3, bucket, rules, expected):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_encryption(Bucket=bucket,
                                 ServerSideEncryptionConfiguration={"Rules": rules})
    assert (error(exc)[1], exc.value.response["Error"].get("ArgumentName")) == expected


def test_bucket_encryption_of_a_missing_bucket_is_no_such_bucket(s3):
    for call in (s3.get_bucket_encryption, s3.delete_bucket_encryption):
        with pytest.raises(ClientError) as exc:
            call(Bucket="no-such-bucket-for-sse")
        assert error(exc)[:2] == (404, "NoSuchBucket")


def test_a_bucket_that_blocks_sse_c_refuses_sse_c_writes(s3, bucket):
    s3.put_object(Bucket=bucket, Key="old", Body=b"v", **SSE_C)
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}}]})
    blocked = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert blocked["Rules"][0]["BlockedEncryptionTypes"] == {"EncryptionType": ["SSE-C"]}
    for write in (lambda: s3.put_object(Bucket=bucket, Key="new", Body=b"v", **SSE_C),
                  lambda: s3.create_multipart_upload(Bucket=bucket, Key="new", **SSE_C)):
        with pytest.raises(ClientError) as exc:
            write()
        assert error(exc)[:2] == (403, "AccessDenied")
        assert "blocked upload requests that specify Server Side Encryption with Customer " \
               "provided keys (SSE-C)" in error(exc)[2]
    assert s3.get_object(Bucket=bucket, Key="old", **SSE_C)["Body"].read() == b"v"
    assert s3.put_object(Bucket=bucket, Key="new", Body=b"v")["ServerSideEncryption"] == "AES256"
