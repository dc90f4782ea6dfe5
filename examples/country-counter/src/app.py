"""Counts requests per country: one atomic ADD per request, so concurrent calls lose none.

The country is CloudFront's CloudFront-Viewer-Country header, which an edge-optimized REST
API's event carries (a regional API's does not: those requests count under "unknown").
"""
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    country = (event.get("headers") or {}).get("CloudFront-Viewer-Country", "unknown")
    result = table.update_item(
        Key={"country": country},
        UpdateExpression="ADD hits :one",
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )
    hits = result["Attributes"]["hits"]
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "text/plain"},
        "body": f"{country}: {hits}",
    }
