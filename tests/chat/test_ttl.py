"""Messages expire: with a short MessageTtlSeconds and `--ttl-period 1`, the table's TTL
sweeper deletes them, and history no longer shows them."""
from __future__ import annotations

import json
from typing import Iterator

import pytest

from .conftest import Chat, join, receive, serve, wait_until

TTL_S = 5


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chat]:
    served = serve(tmp_path_factory.mktemp("chat-ttl"), "--ttl-period", "1",
                   "--parameter-overrides", f"MessageTtlSeconds={TTL_S}")
    try:
        yield served
    finally:
        served.node.stop()


def test_the_messages_table_has_ttl_on_expires_at(short_lived):
    described = short_lived.client("dynamodb").describe_time_to_live(
        TableName=short_lived.outputs["MessagesTableName"])
    assert described["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED",
                                                  "AttributeName": "expiresAt"}


def test_a_message_disappears_once_expired(short_lived):
    messages = short_lived.table("MessagesTableName")
    with short_lived.connect() as ws:
        join(ws, "ephemeral")
        ws.send(json.dumps({"action": "sendmessage", "message": "soon gone"}))
        sent = receive(ws, "message")
        key = {"userHandle": "ephemeral", "timestamp": sent["timestamp"]}
        item = messages.get_item(Key=key)["Item"]
        assert item["message"] == "soon gone"
        assert item["expiresAt"] == sent["timestamp"] // 1000 + TTL_S

        wait_until(lambda: "Item" not in messages.get_item(Key=key), "the TTL sweeper")
        ws.send(json.dumps({"action": "getmessages"}))
        assert receive(ws, "history")["messages"] == []
