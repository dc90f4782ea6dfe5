import json


def handler(event, context):
    identity = event["requestContext"]["identity"]
    return {"statusCode": 200,
            "body": json.dumps({"apiKey": identity.get("apiKey"),
                                "apiKeyId": identity.get("apiKeyId")})}
