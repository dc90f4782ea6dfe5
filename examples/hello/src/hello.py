"""Greets the caller: GET /hello?name=… or GET /hello/{name}."""
import json
import os


def handler(event, context):
    params = event.get("pathParameters") or {}
    query = event.get("queryStringParameters") or {}
    name = params.get("name") or query.get("name") or "world"
    body = {
        "message": f"{os.environ.get('GREETING', 'Hello')}, {name}!",
        "requestId": context.aws_request_id,
    }
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }
