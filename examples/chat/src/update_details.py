"""updatedetails: sets the user's handle and display name on the connection."""
import re

from botocore.exceptions import ClientError

from replies import BadRequest, parse_body, reply, route
from tables import connections

HANDLE = re.compile(r"[A-Za-z0-9_.-]{1,32}")
MAX_DISPLAY_NAME = 64


def details(body):
    handle = body.get("userHandle")
    if not isinstance(handle, str) or not HANDLE.fullmatch(handle):
        raise BadRequest("invalid_handle", "userHandle must be 1 to 32 letters, digits, "
                                           "'_', '.' or '-'.")
    name = body.get("displayName", handle)
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_DISPLAY_NAME:
        raise BadRequest("invalid_display_name",
                         f"displayName must be 1 to {MAX_DISPLAY_NAME} characters.")
    return handle, name.strip()


@route
def handler(event, context):
    handle, name = details(parse_body(event))
    try:
        connections.update_item(
            Key={"connectionId": event["requestContext"]["connectionId"]},
            UpdateExpression="SET userHandle = :h, displayName = :n",
            ConditionExpression="attribute_exists(connectionId)",
            ExpressionAttributeValues={":h": handle, ":n": name})
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        raise BadRequest("unknown_connection", "This connection is not registered; "
                                               "reconnect and try again.") from None
    reply(event, {"type": "details", "userHandle": handle, "displayName": name})
