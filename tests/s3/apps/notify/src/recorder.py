"""Keeps every event it gets in the results bucket; fails on purpose when the key asks."""
import json
import os
import uuid

import boto3

s3 = boto3.client("s3")
RESULTS = os.environ["RESULTS_BUCKET"]


def handler(event, context):
    key = event["Records"][0]["s3"]["object"]["key"]      # URL-encoded, as S3 sends it
    attempts = f"attempts/{key}/"
    s3.put_object(Bucket=RESULTS, Key=attempts + uuid.uuid4().hex, Body=json.dumps(event))
    if "fail-once" in key and s3.list_objects_v2(Bucket=RESULTS, Prefix=attempts)["KeyCount"] < 2:
        raise RuntimeError("the first attempt fails on purpose")
    s3.put_object(Bucket=RESULTS, Key=f"events/{key}", Body=json.dumps(event))
    return {"recorded": key}
