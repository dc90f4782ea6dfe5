"""The @connections API through boto3: post, get, delete and their errors, at every
endpoint form a handler may build."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from .conftest import API_ID


def connection_id(gateway, ws) -> str:
    ws.send(json.dumps({"action": "whoami"}))
    reply = json.loads(ws.recv(timeout=30))
    assert reply["route"] == "whoami"
    return gateway.functions.events["whoami"][-1]["requestContext"]["connectionId"]


@pytest.mark.parametrize("endpoint", ["{base}", "{base}/prod",
                                      "{base}/_aws/execute-api/chatapi123/prod"])
def test_post_to_connection_reaches_the_client(chat, endpoint):
    with connect(chat.url) as ws:
        cid = connection_id(chat, ws)
        client = chat.management(endpoint.format(base=chat.base))
        client.post_to_connection(ConnectionId=cid, Data=b'{"hello": "text"}')
        assert ws.recv(timeout=30) == '{"hello": "text"}'
        client.post_to_connection(ConnectionId=cid, Data=b"\xff\x00")
        assert ws.recv(timeout=30) == b"\xff\x00"


def test_get_connection_describes_it(chat):
    with connect(chat.url, user_agent_header="agent/7") as ws:
        cid = connection_id(chat, ws)
        found = chat.management().get_connection(ConnectionId=cid)
    connected = chat.functions.events["connect"][0]["requestContext"]["connectedAt"]
    assert found["ConnectedAt"] == dt.datetime.fromtimestamp(connected / 1000, dt.timezone.utc)
    assert found["LastActiveAt"] >= found["ConnectedAt"]
    assert found["Identity"] == {"SourceIp": "127.0.0.1", "UserAgent": "agent/7"}


def test_last_active_moves_with_messages(chat):
    with connect(chat.url) as ws:
        cid = connection_id(chat, ws)
        first = chat.management().get_connection(ConnectionId=cid)["LastActiveAt"]
        time.sleep(0.01)
        connection_id(chat, ws)
        later = chat.management().get_connection(ConnectionId=cid)["LastActiveAt"]
    assert later > first


def test_delete_connection_closes_it_and_runs_disconnect(chat):
    with connect(chat.url) as ws:
        cid = connection_id(chat, ws)
        chat.management().delete_connection(ConnectionId=cid)
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=30)
    ctx = chat.functions.wait_for("disconnect")[0]["requestContext"]
    assert ctx["connectionId"] == cid
    assert ctx["disconnectStatusCode"] == 1000
    assert ctx["disconnectReason"] == "Connection Closed Normally"
    with pytest.raises(chat.management().exceptions.GoneException):
        chat.management().delete_connection(ConnectionId=cid)


def assert_gone(client: Any, cid: str) -> None:
    """Post, get and delete of `cid` through `client` each answer GoneException (410)."""
    for call in (lambda: client.post_to_connection(ConnectionId=cid, Data=b"x"),
                 lambda: client.get_connection(ConnectionId=cid),
                 lambda: client.delete_connection(ConnectionId=cid)):
        with pytest.raises(client.exceptions.GoneException) as gone:
            call()
        assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


def test_a_deleted_connection_is_gone_at_once(gateway_factory):
    from .conftest import ws_api
    from .test_app import handshake
    # The client never answers the close frame: it is gone all the same.
    gateway = gateway_factory(ws_api({"$connect": ("connect", False)}),
                              {"connect": lambda e: {"statusCode": 200}})
    sock = handshake(gateway.port, gateway.url.split(str(gateway.port), 1)[1])
    cid = gateway.functions.wait_for("connect")[0]["requestContext"]["connectionId"]
    client = gateway.management()
    client.delete_connection(ConnectionId=cid)
    assert_gone(client, cid)
    sock.close()


def test_gone_after_the_client_left(chat):
    with connect(chat.url) as ws:
        cid = connection_id(chat, ws)
    chat.functions.wait_for("disconnect")
    assert_gone(chat.management(), cid)


def test_unknown_connection_is_gone(chat):
    client = chat.management()
    with pytest.raises(client.exceptions.GoneException):
        client.post_to_connection(ConnectionId="AAAAAAAAAAAAAAA=", Data=b"x")


def test_connection_is_gone_during_its_own_connect(gateway_factory):
    from .conftest import ws_api
    seen = {}

    async def connect_handler(event):
        cid = event["requestContext"]["connectionId"]
        try:
            await gateway.hub.post(cid, b"too early")
        except Exception as exc:
            seen["error"] = type(exc).__name__
        return {"statusCode": 200}
    gateway = gateway_factory(ws_api({"$connect": ("connect", False)}),
                              {"connect": connect_handler})
    with connect(gateway.url):
        pass
    assert seen == {"error": "Gone"}


def test_payload_over_128kb_is_refused(chat):
    with connect(chat.url) as ws:
        cid = connection_id(chat, ws)
        client = chat.management()
        client.post_to_connection(ConnectionId=cid, Data=b"a" * 128 * 1024)
        assert len(ws.recv(timeout=30)) == 128 * 1024
        with pytest.raises(client.exceptions.PayloadTooLargeException) as too_large:
            client.post_to_connection(ConnectionId=cid, Data=b"a" * (128 * 1024 + 1))
    error = too_large.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert error["Error"]["Message"] == "Message too long"


def test_missing_connection_id_is_a_client_error(chat):
    import httpx
    response = httpx.post(chat.base + "/@connections/", content=b"x",
                          headers={"Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/"
                                   "us-east-1/execute-api/aws4_request, SignedHeaders=host, "
                                   "Signature=0"})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("endpoint", ["{base}/_aws/execute-api/nosuchapi1/prod",
                                      "{base}/_aws/execute-api/chatapi123/beta",
                                      "{base}/_aws/execute-api/chatapi123"])
def test_unknown_api_or_stage_is_forbidden(chat, endpoint):
    with connect(chat.url) as ws:
        cid = connection_id(chat, ws)
        client = chat.management(endpoint.format(base=chat.base))
        for call in (lambda: client.post_to_connection(ConnectionId=cid, Data=b"x"),
                     lambda: client.get_connection(ConnectionId=cid),
                     lambda: client.delete_connection(ConnectionId=cid)):
            with pytest.raises(client.exceptions.ForbiddenException) as forbidden:
                call()
            error = forbidden.value.response
            assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
            assert error["Error"]["Message"] == "Forbidden"
        # Nothing reached the connection: it is still open and described.
        assert chat.management().get_connection(ConnectionId=cid)["Identity"]


OTHER_API = "otherapi42"


def second_api(gateway) -> str:
    """Serves a copy of the chat API under another id; returns its WebSocket URL."""
    gateway.apis.put(dataclasses.replace(gateway.apis.get(API_ID), api_id=OTHER_API))
    return f"ws://127.0.0.1:{gateway.port}/_aws/execute-api/{OTHER_API}/prod"


def addressed_by_host(client, api_id: str):
    """Sends the client's requests as `https://{api_id}.execute-api…/prod` would arrive."""
    host = f"{api_id}.execute-api.us-east-1.amazonaws.com"

    def set_host(request, **_):
        request.headers["Host"] = host
    client.meta.events.register("before-send", set_host)
    return client


def management_at(gateway, api_id: str, stage: str, form: str):
    """A management client addressed to an API's stage, by path or by host name."""
    if form == "path":
        return gateway.management(f"{gateway.base}/_aws/execute-api/{api_id}/{stage}")
    return addressed_by_host(gateway.management(f"{gateway.base}/{stage}"), api_id)


def assert_served_only_where_made(gateway, form: str, *made) -> None:
    """`made`: two (socket, api id, stage) — each connection is reached through its own
    endpoint, and is gone through the other's."""
    cids = [connection_id(gateway, ws) for ws, _, _ in made]
    clients = [management_at(gateway, api_id, stage, form) for _, api_id, stage in made]
    for (ws, _, _), cid, client, other_cid in zip(made, cids, clients, reversed(cids)):
        assert_gone(client, other_cid)
        client.post_to_connection(ConnectionId=cid, Data=b"own endpoint")
        assert ws.recv(timeout=30) == "own endpoint"
        assert client.get_connection(ConnectionId=cid)["Identity"]


@pytest.mark.parametrize("form", ["path", "host"])
def test_a_connection_is_gone_through_another_apis_endpoint(chat, form):
    other_url = second_api(chat)
    with connect(chat.url) as ws, connect(other_url) as other_ws:
        assert_served_only_where_made(chat, form, (ws, API_ID, "prod"),
                                      (other_ws, OTHER_API, "prod"))


@pytest.mark.parametrize("form", ["path", "host"])
def test_a_connection_is_gone_through_another_stages_endpoint(gateway_factory, form):
    from .conftest import echo, ws_api
    staged = gateway_factory(ws_api({"whoami": ("whoami", True)}, stages=("prod", "beta")),
                             {"whoami": echo})
    beta_url = staged.url.removesuffix("/prod") + "/beta"
    with connect(staged.url) as prod_ws, connect(beta_url) as beta_ws:
        assert_served_only_where_made(staged, form, (prod_ws, API_ID, "prod"),
                                      (beta_ws, API_ID, "beta"))


def test_sdk_endpoint_reaches_the_connections_of_every_api(chat):
    other_url = second_api(chat)
    with connect(chat.url) as ws, connect(other_url) as other_ws:
        cids = [connection_id(chat, ws), connection_id(chat, other_ws)]
        client = chat.management()
        for cid, socket in zip(cids, (ws, other_ws)):
            client.post_to_connection(ConnectionId=cid, Data=b"hi")
            assert socket.recv(timeout=30) == "hi"
        client.delete_connection(ConnectionId=cids[1])
        with pytest.raises(ConnectionClosed):
            other_ws.recv(timeout=30)

