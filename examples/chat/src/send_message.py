"""sendmessage: stores the message (it expires after MESSAGE_TTL_SECONDS) and broadcasts it
to every connection, forgetting connections that are gone."""
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from replies import BadRequest, management, parse_body, route, send
from tables import connections, message_ttl_seconds, messages, now_ms

MAX_MESSAGE_CHARS = 1000
# Posting is I/O: threads let one invocation reach a thousand clients in well under a second.
_pool = ThreadPoolExecutor(max_workers=32)


def text_of(body):
    text = body.get("message")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest("missing_message", '"message" must be a non-empty string.')
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadRequest("message_too_long", f"A message has at most {MAX_MESSAGE_CHARS} "
                                             f"characters; this one has {len(text)}.")
    return text


def sender_of(connection_id):
    item = connections.get_item(Key={"connectionId": connection_id}).get("Item") or {}
    if "userHandle" not in item:
        raise BadRequest("no_details", "Choose a handle first: send "
                                       '{"action": "updatedetails", "userHandle": "…"}.')
    return item


def store(sender, text):
    """Puts the message; a second message in the same millisecond takes the next one."""
    timestamp = now_ms()
    while True:
        item = {"userHandle": sender["userHandle"], "timestamp": timestamp,
                "displayName": sender.get("displayName", sender["userHandle"]),
                "message": text, "expiresAt": timestamp // 1000 + message_ttl_seconds()}
        try:
            messages.put_item(Item=item, ConditionExpression="attribute_not_exists(#t)",
                              ExpressionAttributeNames={"#t": "timestamp"})
            return item
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            timestamp += 1


def connection_ids():
    scan = {"ProjectionExpression": "connectionId"}
    while True:
        page = connections.scan(**scan)
        yield from (item["connectionId"] for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def broadcast(event, payload):
    gone = management(event).exceptions.GoneException

    def deliver(connection_id):
        try:
            send(event, connection_id, payload)
        except gone:
            connections.delete_item(Key={"connectionId": connection_id})
    for _ in _pool.map(deliver, list(connection_ids())):
        pass


@route
def handler(event, context):
    text = text_of(parse_body(event))
    item = store(sender_of(event["requestContext"]["connectionId"]), text)
    broadcast(event, {"type": "message", "userHandle": item["userHandle"],
                      "displayName": item["displayName"], "message": text,
                      "timestamp": item["timestamp"]})
