"""Handlers of the throttled test app: each call prints a line the tests look for, so a
call the gateway refused is seen not to have run."""
import json


def connect(event, context):
    ctx = event["requestContext"]
    print("CONNECT", ctx["apiId"], ctx["connectionId"])
    return {"statusCode": 200}


def echo(event, context):
    ctx = event["requestContext"]
    print("ECHO", ctx["routeKey"], event["body"])
    return {"statusCode": 200, "body": json.dumps({"route": ctx["routeKey"],
                                                   "connectionId": ctx["connectionId"],
                                                   "body": event["body"]})}
