"""The microservice-http-endpoint blueprint: HTTP method → DynamoDB operation.

GET scans the table named by the `TableName` query parameter; POST puts, PUT updates and
DELETE deletes, each with the request body (DynamoDB JSON, e.g. {"TableName": …, "Item": …})
passed straight to boto3. The table's name is also in the TABLE_NAME environment variable,
used when a request names no table.
"""
import json
import os

import boto3
from botocore.exceptions import ClientError, ParamValidationError

dynamo = boto3.client("dynamodb")

OPERATIONS = {
    "DELETE": dynamo.delete_item,
    "GET": dynamo.scan,
    "POST": dynamo.put_item,
    "PUT": dynamo.update_item,
}


def respond(status, body):
    return {
        "statusCode": str(status),
        "body": json.dumps(body),
        "headers": {"Content-Type": "application/json"},
    }


def lambda_handler(event, context):
    method = event["httpMethod"]
    if method not in OPERATIONS:
        return respond(400, {"message": f'Unsupported method "{method}"'})
    try:
        if method == "GET":
            payload = dict(event.get("queryStringParameters") or {})
        else:
            payload = json.loads(event.get("body") or "{}")
    except ValueError as err:
        return respond(400, {"message": f"The body is not JSON: {err}"})
    payload.setdefault("TableName", os.environ["TABLE_NAME"])
    try:
        result = OPERATIONS[method](**payload)
    except ClientError as err:
        error = err.response["Error"]
        return respond(400, {"code": error["Code"], "message": error["Message"]})
    except ParamValidationError as err:
        return respond(400, {"code": "ValidationException", "message": str(err)})
    result.pop("ResponseMetadata", None)
    return respond(200, result)
