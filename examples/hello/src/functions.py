"""Lists the functions deployed beside this one, with plain boto3 (GET /functions)."""
import boto3

lambda_client = boto3.client("lambda")


def handler(event, context):
    names = []
    for page in lambda_client.get_paginator("list_functions").paginate():
        names += [f["FunctionName"] for f in page["Functions"]]
    return {"functions": sorted(names)}
