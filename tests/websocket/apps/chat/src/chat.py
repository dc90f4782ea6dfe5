"""Handlers of the chat test app, written as for AWS: the @connections endpoint is built
from the event (or as AWS's own sample builds it), never from Fogbank settings."""
import json
import os
import time

import boto3


def _management(event, aws_name=False):
    ctx = event["requestContext"]
    if aws_name:
        host = f"{ctx['apiId']}.execute-api.{os.environ['AWS_REGION']}.amazonaws.com"
    else:
        host = ctx["domainName"]
    return boto3.client("apigatewaymanagementapi", endpoint_url=f"https://{host}/{ctx['stage']}")


def connect(event, context):
    query = event.get("queryStringParameters") or {}
    if "reject" in query:
        return {"statusCode": int(query["reject"]), "body": "refused"}
    if "crash" in query:
        raise RuntimeError("connect crashed")
    print("CONNECT", event["requestContext"]["connectionId"], json.dumps(event))
    headers = {k.lower(): v for k, v in event["headers"].items()}
    if "sec-websocket-protocol" in headers:
        chosen = headers["sec-websocket-protocol"].split(",")[0].strip()
        return {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": chosen}}
    return {"statusCode": 200}


def disconnect(event, context):
    ctx = event["requestContext"]
    print("DISCONNECT", ctx["connectionId"], ctx["disconnectStatusCode"],
          json.dumps(ctx["disconnectReason"]), ctx["eventType"])
    return {"statusCode": 200}


def default(event, context):
    if event["isBase64Encoded"]:
        return {"statusCode": 200, "body": event["body"], "isBase64Encoded": True}
    return {"statusCode": 200, "body": json.dumps({"route": event["requestContext"]["routeKey"],
                                                   "body": event["body"]})}


def action(event, context):
    ctx = event["requestContext"]
    message = json.loads(event["body"])
    kind = ctx["routeKey"]
    if kind == "whoami":
        return {"statusCode": 200, "body": json.dumps(event)}
    if kind == "fail":
        raise ValueError("this route fails")
    if kind == "slow":                     # longer than the route's TimeoutInMillis
        time.sleep(3)
        return {"statusCode": 200, "body": "too late"}
    if kind in ("echo", "echo-aws"):
        _management(event, kind == "echo-aws").post_to_connection(
            ConnectionId=ctx["connectionId"], Data=message.get("data", "").encode())
        return {"statusCode": 200}
    client = _management(event)
    if kind == "send":
        results = {}
        for target in message["to"]:
            try:
                client.post_to_connection(ConnectionId=target, Data=message["data"].encode())
                results[target] = "sent"
            except client.exceptions.GoneException as exc:
                results[target] = exc.response["Error"]["Code"]
        client.post_to_connection(ConnectionId=ctx["connectionId"],
                                  Data=json.dumps({"results": results}).encode())
    elif kind == "inspect":
        found = client.get_connection(ConnectionId=message.get("id", ctx["connectionId"]))
        client.post_to_connection(ConnectionId=ctx["connectionId"], Data=json.dumps({
            "connectedAt": found["ConnectedAt"].isoformat(),
            "lastActiveAt": found["LastActiveAt"].isoformat(),
            "identity": found["Identity"]}).encode())
    elif kind == "kick":
        client.delete_connection(ConnectionId=message["id"])
    return {"statusCode": 200}
