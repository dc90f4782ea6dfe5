"""The chat's two tables, named by the template through environment variables."""
import os
import time

import boto3

_dynamodb = boto3.resource("dynamodb")
connections = _dynamodb.Table(os.environ["CONNECTIONS_TABLE"])
messages = _dynamodb.Table(os.environ["MESSAGES_TABLE"])


def message_ttl_seconds():
    return int(os.environ.get("MESSAGE_TTL_SECONDS", "86400"))


def now_ms():
    return int(time.time() * 1000)
