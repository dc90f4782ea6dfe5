import json
import os
import time


def raises(event, context):
    raise ValueError("something broke")


def sleeps(event, context):
    time.sleep(30)


def slow(event, context):
    time.sleep(1.5)
    print("slow finished")
    return {"statusCode": 200, "body": "late"}


def hog(event, context):
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def ok(event, context):
    return {"ok": True}


def echo(event, context):
    if "httpMethod" in event:           # a REST API's proxy event wants a proxy response
        return {"statusCode": 200, "body": json.dumps(event),
                "headers": {"X-Function-Trace": os.environ.get("_X_AMZN_TRACE_ID", "")}}
    return event
