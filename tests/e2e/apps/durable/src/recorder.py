import os
import time

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    time.sleep(event.get("sleep", 0))
    s3.put_object(Bucket=os.environ["BUCKET"], Key=event["key"],
                  Body=context.invoked_function_arn.encode())
    return {"recorded": event["key"]}
