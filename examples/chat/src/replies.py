"""Answering clients through the @connections API, the way every chat handler does it.

The endpoint is built from the event (https://{domainName}/{stage}), so the same code runs on
AWS and wherever else the API is served. Clients are kept per endpoint: a warm function
reuses its connection pool.
"""
import functools
import json

import boto3
from botocore.config import Config

# Broadcasting posts from several threads at once; the pool must let them.
_CONFIG = Config(max_pool_connections=32, retries={"max_attempts": 2})
_clients = {}


class BadRequest(Exception):
    """A message the chat cannot act on: answered to the sender as an `error` message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def management(event):
    ctx = event["requestContext"]
    endpoint = f"https://{ctx['domainName']}/{ctx['stage']}"
    if endpoint not in _clients:
        _clients[endpoint] = boto3.client("apigatewaymanagementapi", endpoint_url=endpoint,
                                          config=_CONFIG)
    return _clients[endpoint]


def send(event, connection_id, payload):
    """Posts one JSON message; raises the client's GoneException if the socket is closed."""
    management(event).post_to_connection(ConnectionId=connection_id,
                                         Data=json.dumps(payload).encode())


def reply(event, payload):
    """Answers the connection the event came from; a caller already gone is not an error."""
    client = management(event)
    try:
        send(event, event["requestContext"]["connectionId"], payload)
    except client.exceptions.GoneException:
        pass


def parse_body(event):
    """The message as a JSON object; BadRequest when it is not one."""
    try:
        body = json.loads(event.get("body") or "")
    except ValueError:
        raise BadRequest("malformed_json", "The message is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("malformed_json", "The message must be a JSON object.")
    return body


def route(handler):
    """A route handler: a BadRequest it raises is answered to the sender, not a failure."""
    @functools.wraps(handler)
    def wrapper(event, context):
        try:
            handler(event, context)
        except BadRequest as bad:
            reply(event, {"type": "error", "error": bad.code, "message": bad.message})
        return {"statusCode": 200}
    return wrapper
