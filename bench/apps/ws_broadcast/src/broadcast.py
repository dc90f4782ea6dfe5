"""The broadcast benchmark's handlers, run unchanged by Fogbank and serverless-offline.

`MANAGEMENT_ENDPOINT` is set only for serverless-offline, whose @connections API is not at
the API's own address; on Fogbank (as on AWS) the endpoint comes from the event.
"""
import json
import os

import boto3

_clients = {}


def _management(event):
    ctx = event["requestContext"]
    endpoint = os.environ.get("MANAGEMENT_ENDPOINT") or \
        f"https://{ctx['domainName']}/{ctx['stage']}"
    if endpoint not in _clients:
        _clients[endpoint] = boto3.client("apigatewaymanagementapi", endpoint_url=endpoint)
    return _clients[endpoint]


def connect(event, context):
    return {"statusCode": 200}


def whoami(event, context):
    ctx = event["requestContext"]
    _management(event).post_to_connection(ConnectionId=ctx["connectionId"],
                                          Data=json.dumps({"id": ctx["connectionId"]}).encode())
    return {"statusCode": 200}


def broadcast(event, context):
    message = json.loads(event["body"])
    client = _management(event)
    data = message["data"].encode()
    for target in message["to"]:
        client.post_to_connection(ConnectionId=target, Data=data)
    return {"statusCode": 200}
