import json


def handler(event, context):
    """Echoes what it was asked: the order and the store."""
    return {"statusCode": 201 if event["httpMethod"] == "POST" else 200,
            "body": json.dumps({"store": (event["queryStringParameters"] or {}).get("store"),
                                "order": json.loads(event["body"] or "null")})}
