"""The WebSocket gateway through a real client: handshake, $connect, routing, replies,
$disconnect, limits. Functions are in-process handlers (conftest.py)."""
from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import json
import re
import socket
import struct
import threading
import time

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from fogbank.gateway.model import Stage
from fogbank.gateway.throttling import ALL, Throttle
from fogbank.gateway.websocket import WebSocketLimits

from .conftest import echo, ok, ws_api


# requestContext members in the order API Gateway writes them.
CONNECT_CONTEXT = ["routeKey", "eventType", "extendedRequestId", "requestTime",
                   "messageDirection", "stage", "connectedAt", "requestTimeEpoch", "identity",
                   "requestId", "domainName", "connectionId", "apiId"]
MESSAGE_CONTEXT = CONNECT_CONTEXT[:1] + ["messageId"] + CONNECT_CONTEXT[1:]
DISCONNECT_CONTEXT = (["routeKey", "disconnectStatusCode"] + CONNECT_CONTEXT[1:5]
                      + ["disconnectReason"] + CONNECT_CONTEXT[5:])


def recv_json(ws) -> dict:
    return json.loads(ws.recv(timeout=30))


def error_frame(message: str) -> re.Pattern[str]:
    """API Gateway's own frame, spaced exactly as it spaces it."""
    return re.compile(r'\{"message": "%s", "connectionId":"[A-Za-z0-9=]{16}", '
                      r'"requestId":"[A-Za-z0-9=]{16}"\}' % re.escape(message))


def test_connect_event_carries_the_handshake(chat):
    with connect(chat.url + "?room=blue&room=red&x=1",
                 additional_headers={"X-Custom": "yes", "X-API-Version": "3", "x-lower": "l"},
                 user_agent_header="tester/1.0"):
        event = chat.functions.wait_for("connect")[0]
    ctx = event["requestContext"]
    assert list(ctx) == CONNECT_CONTEXT         # no messageId: that is a MESSAGE's alone
    assert ctx["routeKey"] == "$connect" and ctx["eventType"] == "CONNECT"
    assert ctx["messageDirection"] == "IN"
    assert ctx["stage"] == "prod" and ctx["apiId"] == "chatapi123"
    assert ctx["domainName"] == "chatapi123.execute-api.us-east-1.amazonaws.com"
    assert ctx["identity"] == {"userAgent": "tester/1.0", "sourceIp": "127.0.0.1"}
    assert ctx["extendedRequestId"] == ctx["requestId"]
    assert len(ctx["connectionId"]) == 16 and ctx["connectionId"].endswith("=")
    assert abs(ctx["connectedAt"] - time.time() * 1000) < 60_000
    assert ctx["requestTimeEpoch"] >= ctx["connectedAt"]
    assert event["headers"]["X-Custom"] == "yes"
    # Names as the client spelled them, not as a rule would spell them.
    assert event["headers"]["X-API-Version"] == "3" and event["headers"]["x-lower"] == "l"
    assert event["multiValueHeaders"]["X-Custom"] == ["yes"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["queryStringParameters"] == {"room": "red", "x": "1"}
    assert event["multiValueQueryStringParameters"]["room"] == ["blue", "red"]
    assert event["isBase64Encoded"] is False


def test_connect_without_query_has_no_query_parameters(chat):
    with connect(chat.url):
        event = chat.functions.wait_for("connect")[0]
    assert "queryStringParameters" not in event


@pytest.mark.parametrize("status", [401, 403, 500])
def test_non_2xx_connect_refuses_and_leaves_no_trace(gateway_factory, status):
    api = ws_api({"$connect": ("connect", False), "$disconnect": ("disconnect", False)})
    gateway = gateway_factory(api, {"connect": lambda e: {"statusCode": status},
                                    "disconnect": ok})
    with pytest.raises(InvalidStatus) as refused:
        connect(gateway.url)
    assert refused.value.response.status_code == status
    cid = gateway.functions.events["connect"][0]["requestContext"]["connectionId"]
    assert gateway.hub.count() == 0
    with pytest.raises(gateway.management().exceptions.GoneException):
        gateway.management().get_connection(ConnectionId=cid)
    assert gateway.functions.events["disconnect"] == []


def test_failing_connect_function_refuses_with_502(gateway_factory):
    def crash(event):
        raise RuntimeError("no")
    gateway = gateway_factory(ws_api({"$connect": ("connect", False)}), {"connect": crash})
    with pytest.raises(InvalidStatus) as refused:
        connect(gateway.url)
    assert refused.value.response.status_code == 502


@pytest.mark.parametrize("status", [99, 101, 600, True, 2.5, None])
def test_connect_with_a_status_that_is_no_http_status_refuses_with_502(gateway_factory,
                                                                        status):
    gateway = gateway_factory(ws_api({"$connect": ("connect", False)}),
                              {"connect": lambda e: {"statusCode": status}})
    with pytest.raises(InvalidStatus) as refused:
        connect(gateway.url)
    assert refused.value.response.status_code == 502
    assert json.loads(refused.value.response.body) == {"message": "Internal server error"}
    assert gateway.hub.count() == 0


def test_connect_may_choose_a_subprotocol(gateway_factory):
    chosen = {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "chat.v2"}}
    gateway = gateway_factory(ws_api({"$connect": ("connect", False)}),
                              {"connect": lambda e: chosen})
    with connect(gateway.url, subprotocols=["chat.v2", "chat.v1"]) as ws:
        assert ws.subprotocol == "chat.v2"


def test_api_without_connect_route_accepts(gateway_factory):
    gateway = gateway_factory(ws_api({"$default": ("default", True)}),
                              {"default": lambda e: {"statusCode": 200, "body": "hi"}})
    with connect(gateway.url) as ws:
        ws.send("x")
        assert ws.recv(timeout=30) == "hi"


def test_unknown_stage_and_api_are_refused(chat):
    with pytest.raises(InvalidStatus) as stage:
        connect(chat.url.replace("/prod", "/nope"))
    assert stage.value.response.status_code == 403
    with pytest.raises(InvalidStatus) as api:
        connect(chat.url.replace("chatapi123", "missing000"))
    assert api.value.response.status_code == 404


def test_messages_route_by_action_and_fall_back_to_default(chat):
    with connect(chat.url) as ws:
        ws.send(json.dumps({"action": "whoami", "n": 1}))
        assert recv_json(ws)["route"] == "whoami"
        ws.send(json.dumps({"action": "nosuchroute"}))
        assert recv_json(ws)["route"] == "$default"
        ws.send("plain text, not JSON")
        assert recv_json(ws) == {"route": "$default", "body": "plain text, not JSON"}
        ws.send(json.dumps(["a", "list"]))
        assert recv_json(ws)["route"] == "$default"


def test_message_event_shape(chat):
    with connect(chat.url) as ws:
        ws.send(json.dumps({"action": "whoami"}))
        recv_json(ws)
    event = chat.functions.wait_for("whoami")[0]
    connect_ctx = chat.functions.events["connect"][0]["requestContext"]
    ctx = event["requestContext"]
    assert list(ctx) == MESSAGE_CONTEXT
    assert ctx["eventType"] == "MESSAGE" and ctx["routeKey"] == "whoami"
    assert ctx["connectionId"] == connect_ctx["connectionId"]
    assert ctx["connectedAt"] == connect_ctx["connectedAt"]
    assert ctx["requestId"] != connect_ctx["requestId"]
    # The message has an id of its own, not the request's.
    assert len(ctx["messageId"]) == 16 and ctx["messageId"] != ctx["requestId"]
    assert event["body"] == '{"action": "whoami"}' and event["isBase64Encoded"] is False


def test_one_way_route_sends_nothing_back(chat):
    with connect(chat.url) as ws:
        ws.send(json.dumps({"action": "note"}))
        chat.functions.wait_for("note")
        ws.send(json.dumps({"action": "whoami"}))      # the next frame is whoami's answer
        assert recv_json(ws)["route"] == "whoami"


def test_binary_frames_arrive_base64_and_reply_binary(gateway_factory):
    def mirror(event):
        return {"statusCode": 200, "body": event["body"], "isBase64Encoded": True}
    gateway = gateway_factory(ws_api({"$default": ("default", True)}), {"default": mirror})
    with connect(gateway.url) as ws:
        ws.send(b"\x00\xffbinary")
        assert ws.recv(timeout=30) == b"\x00\xffbinary"
    event = gateway.functions.events["default"][0]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\xffbinary"


def test_no_matching_route_and_no_default_is_forbidden(gateway_factory):
    gateway = gateway_factory(ws_api({"ping": ("ping", True)}, "$request.body.meta.kind"),
                              {"ping": lambda e: {"statusCode": 200, "body": "pong"}})
    with connect(gateway.url) as ws:
        ws.send(json.dumps({"meta": {"kind": "ping"}}))
        assert ws.recv(timeout=30) == "pong"
        ws.send(json.dumps({"meta": {"kind": "other"}}))
        frame = ws.recv(timeout=30)
    assert error_frame("Forbidden").fullmatch(frame), frame
    cid = gateway.functions.events["ping"][0]["requestContext"]["connectionId"]
    assert json.loads(frame)["connectionId"] == cid


def test_failing_function_sends_internal_server_error(gateway_factory):
    def fail(event):
        raise ValueError("broken")
    gateway = gateway_factory(ws_api({"$default": ("default", False)}), {"default": fail})
    with connect(gateway.url) as ws:
        ws.send("x")
        frame = ws.recv(timeout=30)
    assert error_frame("Internal server error").fullmatch(frame), frame
    ctx = gateway.functions.events["default"][0]["requestContext"]
    assert json.loads(frame)["requestId"] == ctx["requestId"]


def test_integration_timeout_sends_api_gateways_timeout_frame(gateway_factory):
    release = threading.Event()

    async def slow(event):
        while not release.is_set():
            await asyncio.sleep(0.01)
        return {"statusCode": 200, "body": "too late"}
    gateway = gateway_factory(ws_api({"$default": ("default", True)}), {"default": slow},
                              WebSocketLimits(integration_timeout_s=0.3))
    with connect(gateway.url) as ws:
        ws.send("x")
        frame = ws.recv(timeout=30)
        assert error_frame("Endpoint request timed out").fullmatch(frame), frame
        release.set()
        # The function's late answer is dropped: the connection still works, nothing else came.
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.5)


def test_connect_that_times_out_is_refused_with_504(gateway_factory):
    async def slow(event):
        await asyncio.sleep(1)
        return {"statusCode": 200}
    api = ws_api({"$connect": ("connect", False), "$disconnect": ("disconnect", False)})
    gateway = gateway_factory(api, {"connect": slow, "disconnect": ok},
                              WebSocketLimits(integration_timeout_s=0.3))
    with pytest.raises(InvalidStatus) as refused:
        connect(gateway.url)
    assert refused.value.response.status_code == 504
    assert json.loads(refused.value.response.body) == {"message": "Endpoint request timed out"}
    assert gateway.hub.count() == 0 and gateway.functions.events["disconnect"] == []


def with_timeout(api, route_key: str, timeout_ms: int):
    """`api` with its `route_key` route's integration given TimeoutInMillis."""
    (route,) = [r for r in api.routes.values() if r.path == route_key]
    integration = api.integrations[route.integration_id]
    return dataclasses.replace(api, integrations={
        **api.integrations,
        route.integration_id: dataclasses.replace(integration, timeout_ms=timeout_ms)})


def test_an_integrations_own_timeout_outlasts_the_default(gateway_factory):
    async def slow(event):
        await asyncio.sleep(1)
        return {"statusCode": 200, "body": "in time"}
    api = with_timeout(ws_api({"$default": ("default", True)}), "$default", 5000)
    gateway = gateway_factory(api, {"default": slow}, WebSocketLimits(integration_timeout_s=0.3))
    with connect(gateway.url) as ws:
        ws.send("x")
        assert ws.recv(timeout=30) == "in time"


def test_connect_with_a_short_timeout_in_millis_is_refused_with_504(gateway_factory):
    async def slow(event):
        await asyncio.sleep(2)
        return {"statusCode": 200}
    api = with_timeout(ws_api({"$connect": ("connect", False)}), "$connect", 300)
    gateway = gateway_factory(api, {"connect": slow})
    with pytest.raises(InvalidStatus) as refused:
        connect(gateway.url, open_timeout=10)
    assert refused.value.response.status_code == 504
    assert json.loads(refused.value.response.body) == {"message": "Endpoint request timed out"}


def test_disconnect_runs_with_the_clients_close_code(chat):
    with connect(chat.url) as ws:
        ws.close(code=4001, reason="bye now")
    event = chat.functions.wait_for("disconnect")[0]
    ctx = event["requestContext"]
    assert list(ctx) == DISCONNECT_CONTEXT
    assert ctx["eventType"] == "DISCONNECT" and ctx["routeKey"] == "$disconnect"
    assert ctx["disconnectStatusCode"] == 4001 and ctx["disconnectReason"] == "bye now"
    assert event["headers"]["Host"] == "chatapi123.execute-api.us-east-1.amazonaws.com"
    assert chat.hub.count() == 0


def handshake(port: int, path: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    reply = b""
    while b"\r\n\r\n" not in reply:
        reply += sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 101"), reply
    return sock


def test_client_vanishing_without_close_frame_disconnects_with_1006(chat):
    sock = handshake(chat.port, chat.url.split(str(chat.port), 1)[1])
    chat.functions.wait_for("connect")
    sock.close()                                     # no close frame: the TCP link drops
    ctx = chat.functions.wait_for("disconnect")[0]["requestContext"]
    assert ctx["disconnectStatusCode"] == 1006


def test_close_frame_without_a_code_disconnects_with_1005(chat):
    sock = handshake(chat.port, chat.url.split(str(chat.port), 1)[1])
    chat.functions.wait_for("connect")
    sock.sendall(masked_frame(0x8, b""))             # a close frame with no status code
    ctx = chat.functions.wait_for("disconnect")[0]["requestContext"]
    sock.close()
    assert ctx["disconnectStatusCode"] == 1005
    assert ctx["disconnectReason"] == "Client-side close frame status not set"


def test_identity_without_a_user_agent_holds_the_source_ip_alone(chat):
    sock = handshake(chat.port, chat.url.split(str(chat.port), 1)[1])   # sends no User-Agent
    sock.close()
    for name in ("connect", "disconnect"):
        ctx = chat.functions.wait_for(name)[0]["requestContext"]
        assert ctx["identity"] == {"sourceIp": "127.0.0.1"}


def masked_frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    head = bytes([(0x80 if fin else 0) | opcode])
    size = len(payload)
    head += bytes([0x80 | 126]) + struct.pack("!H", size) if size < 65536 else \
        bytes([0x80 | 127]) + struct.pack("!Q", size)
    mask = b"\x01\x02\x03\x04"
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def close_code(sock: socket.socket) -> int:
    data = b""
    while len(data) < 4:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    assert data[0] & 0x0F == 0x8, data
    return struct.unpack("!H", data[2:4])[0]


def test_frame_over_32kb_closes_with_1009(chat):
    sock = handshake(chat.port, chat.url.split(str(chat.port), 1)[1])
    sock.sendall(masked_frame(0x1, b"a" * (32 * 1024 + 1)))
    assert close_code(sock) == 1009
    sock.close()


def test_message_of_32kb_frames_is_accepted_up_to_128kb(chat):
    with connect(chat.url) as ws:
        ws.send((json.dumps({"action": "whoami", "pad": "x" * 100_000})[i:i + 32 * 1024]
                 for i in range(0, 100_030, 32 * 1024)))
        assert recv_json(ws)["route"] == "whoami"
        with pytest.raises(ConnectionClosed) as closed:
            ws.send(("y" * (32 * 1024) for _ in range(5)))     # 160 KB in 32 KB frames
            ws.recv(timeout=30)
    assert closed.value.rcvd.code == 1009


def test_idle_connections_are_closed(gateway_factory):
    limits = WebSocketLimits(idle_timeout_s=0.5)
    gateway = gateway_factory(ws_api({"$disconnect": ("disconnect", False)}),
                              {"disconnect": ok}, limits)
    with connect(gateway.url) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=30)
    assert closed.value.rcvd.code == 1001
    ctx = gateway.functions.wait_for("disconnect")[0]["requestContext"]
    assert ctx["disconnectStatusCode"] == 1001 and ctx["disconnectReason"] == "Going away"


def test_messages_keep_a_connection_from_idling(gateway_factory):
    limits = WebSocketLimits(idle_timeout_s=1.0)
    gateway = gateway_factory(ws_api({"$default": ("default", True)}),
                              {"default": lambda e: {"statusCode": 200, "body": "ok"}}, limits)
    with connect(gateway.url) as ws:
        for _ in range(6):                 # 6 × 0.3 s: longer than the idle timeout
            ws.send("tick")
            assert ws.recv(timeout=30) == "ok"
            time.sleep(0.3)


def test_connections_end_at_the_maximum_duration(gateway_factory):
    limits = WebSocketLimits(max_connection_s=0.5)
    gateway = gateway_factory(ws_api({"$default": ("default", True),
                                      "$disconnect": ("disconnect", False)}),
                              {"default": lambda e: {"statusCode": 200, "body": "ok"},
                               "disconnect": ok}, limits)
    with connect(gateway.url) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.send("busy")
                ws.recv(timeout=30)
    assert closed.value.rcvd.code == 1001
    ctx = gateway.functions.wait_for("disconnect")[0]["requestContext"]
    assert ctx["disconnectStatusCode"] == 1001 and ctx["disconnectReason"] == "Going away"


def test_new_connections_over_the_rate_are_refused_with_429(gateway_factory):
    limits = WebSocketLimits(new_connections_per_s=0.001, new_connections_burst=2)
    gateway = gateway_factory(ws_api({"$connect": ("connect", False)}), {"connect": ok}, limits)
    with connect(gateway.url), connect(gateway.url):
        with pytest.raises(InvalidStatus) as refused:
            connect(gateway.url)
    assert refused.value.response.status_code == 429


def test_the_stage_default_throttle_gives_each_route_a_bucket_of_its_own(gateway_factory):
    api = ws_api({"$connect": ("connect", False), "$default": ("default", True),
                  "a": ("a", True)})
    once = {ALL: Throttle(rate=0.001, burst=1)}        # DefaultRouteSettings alone
    api = dataclasses.replace(api, stages={"prod": Stage("prod", throttles=once)})
    gateway = gateway_factory(api, {"connect": ok, "default": echo, "a": echo})
    with connect(gateway.url) as ws:
        for message in ("x", json.dumps({"action": "a"})):
            ws.send(message)
            assert "route" in recv_json(ws)
            ws.send(message)
            assert error_frame("Too Many Requests").fullmatch(ws.recv(timeout=30))
    with pytest.raises(InvalidStatus) as refused:
        connect(gateway.url)                           # $connect had its one, too
    assert refused.value.response.status_code == 429
    assert [len(gateway.functions.events[name]) for name in ("connect", "default", "a")] \
        == [1, 1, 1]


def test_hundreds_of_simultaneous_connections(chat):
    with contextlib.ExitStack() as stack:
        clients = [stack.enter_context(connect(chat.url)) for _ in range(300)]
        assert chat.hub.count() == 300
        for i, ws in enumerate(clients):
            ws.send(json.dumps({"action": "whoami", "i": i}))
        for i, ws in enumerate(clients):
            assert json.loads(recv_json(ws)["body"])["i"] == i
    chat.functions.wait_for("disconnect", 300)
    assert chat.hub.count() == 0
