"""HTTP API (payload 2.0) answers shared by the gallery's API functions."""
import json
from decimal import Decimal


def _plain(value):
    # DynamoDB hands numbers back as Decimal; the gallery's numbers are whole.
    if isinstance(value, Decimal):
        return int(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_response(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json"},
            "body": json.dumps(body, default=_plain)}


def bad_request(message):
    return json_response(400, {"message": message})
