"""Records every stream record it is given in the `seen` table, one item per record, and
counts how often each was delivered."""
import json
import os

import boto3

seen = boto3.resource("dynamodb").Table("seen")


def handler(event, context):
    prefix = os.environ["PREFIX"]
    for record in event["Records"]:
        seen.update_item(
            Key={"id": f"{prefix}:{record['dynamodb']['SequenceNumber']}"},
            UpdateExpression="SET #r = :r, #b = :b ADD deliveries :one",
            ExpressionAttributeNames={"#r": "record", "#b": "batch"},
            ExpressionAttributeValues={":r": json.dumps(record), ":b": len(event["Records"]),
                                       ":one": 1})
