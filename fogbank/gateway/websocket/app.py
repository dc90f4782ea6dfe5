"""`WebSocketGateway`: serves WebSocket APIs over ASGI WebSocket connections.

A connection passes: address and stage (addressing.py) → the new-connection rate limit and
the stage's throttle for `$connect` (429) → the $connect route's REQUEST authorizer, if any
(its grant rides on every later event of the connection as `requestContext.authorizer`; a
refusal answers the handshake 401, 403 or 500) → `$connect` (the handshake waits for it; a
non-2xx result refuses it, leaving no trace) → accept, register with the `ConnectionHub` →
one task per message: route selection (selection.py) → the stage's throttle for the
selected route (a "Too Many Requests" frame; the function is not invoked) → invoke (a
non-proxy integration's event and reply are mapped by its templates: templates.py) → a
reply for two-way routes → on close, from either side,
`$disconnect` with the close code and reason. An integration that has not answered within
its timeout (its TimeoutInMillis, else the limits' default: 29 s, API Gateway's) gets the
client API Gateway's timeout answer; the function runs on, as Lambda's would. Idle and
over-age connections are closed by one sweeper for all of them. The gateway is also the
hub's `LocalSockets`: @connections calls reach a socket only through `send` and `close` by
connection id.
"""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from dataclasses import replace
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl

from fogbank.connections import Connection, ConnectionHub
from fogbank.types import AwsError, InvokeResult, Invoker, NotPermitted, WaitExpired
from fogbank.gateway.addressing import address_of
from fogbank.gateway.authorizers import Authorizers, Identity
from fogbank.gateway.errors import AUTHORIZER_FAILED, GatewayError, websocket_refusal
from fogbank.gateway.iam_policy import method_arn
from fogbank.gateway import invoke_sources, templates, vtl
from fogbank.gateway.model import WEBSOCKET, Api
from fogbank.gateway.registry import ApiRegistry
from fogbank.gateway.throttling import TokenBuckets, stage_throttle
from fogbank.gateway.websocket import events, replies
from fogbank.gateway.websocket.events import ConnectionInfo, Delivery
from fogbank.gateway.websocket.ids import new_id
from fogbank.gateway.websocket.limits import TokenBucket, WebSocketLimits
from fogbank.gateway.websocket.routes import CONNECT, DEFAULT, DISCONNECT, RouteTables, Target
from fogbank.gateway.websocket.selection import select_route_key

log = logging.getLogger(__name__)

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class _Session:
    """One accepted connection, as this node holds it; `server_close` is the close code
    when the gateway itself is closing it."""

    __slots__ = ("info", "send", "opened", "last_active", "server_close")

    def __init__(self, info: ConnectionInfo, send: Send, now: float) -> None:
        self.info, self.send = info, send
        self.opened = self.last_active = now
        self.server_close: int | None = None


class _Refused(Exception):
    def __init__(self, status: int, body: bytes = b"") -> None:
        self.status, self.body = status, body


class _IntegrationFailed(Exception):
    """The route's integration gave no usable answer; `message` is API Gateway's word;
    `misconfigured`: the function could not be invoked at all (its policy refused it)."""

    def __init__(self, message: str, *, misconfigured: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.misconfigured = misconfigured


class WebSocketGateway:
    """An ASGI app for `websocket` scopes addressed to an API; `clock` gives epoch seconds,
    `monotonic` measures idle time."""

    def __init__(self, apis: ApiRegistry, invoke: Invoker, hub: ConnectionHub, *,
                 limits: WebSocketLimits = WebSocketLimits(),
                 clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic,
                 authorizers: Authorizers | None = None) -> None:
        self._apis, self._invoke, self._hub = apis, invoke, hub
        self._authorizers = authorizers or Authorizers(invoke, monotonic)
        self.limits = limits
        self._clock, self._monotonic = clock, monotonic
        self._bucket = TokenBucket(limits.new_connections_per_s, limits.new_connections_burst,
                                   monotonic)
        self._route_buckets = TokenBuckets(monotonic)
        self._tables = RouteTables()
        self._sessions: dict[str, _Session] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        hub.attach(self)

    # ------------------------------------------------------------ a connection's life

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        try:
            api, info = self._admit(scope)
            info = await self._authorize(api, info, scope)
            subprotocol = await self._connect(api, info, scope)
        except _Refused as refused:
            await _refuse(send, refused.status, refused.body)
            return
        try:
            await send({"type": "websocket.accept", "subprotocol": subprotocol})
        except Exception:             # the client left while $connect ran
            return
        session = _Session(info, send, self._monotonic())
        self._open(session)
        code, reason = 1006, ""
        try:
            while True:
                message = await receive()
                if message["type"] == "websocket.receive":
                    self._spawn(self._on_message(session, message))
                elif message["type"] == "websocket.disconnect":
                    code, reason = message.get("code", 1005), message.get("reason") or ""
                    break
        finally:
            self._close(session)
            if session.server_close is not None:
                code = session.server_close
                reason = events.server_close_reason(code)
            else:
                reason = events.client_close_reason(code, reason)
            self._spawn(self._on_disconnect(info, code, reason))

    def _admit(self, scope: dict) -> tuple[Api, ConnectionInfo]:
        address = address_of(scope)
        live = self._apis.live(address.api_id) if address else None
        if address is None or live is None or live.api.protocol != WEBSOCKET:
            raise _Refused(404, b'{"message":"Not Found"}')
        api = live.api
        stage = address.raw_path.strip("/")
        if stage not in api.stages:
            raise _Refused(403, b'{"message":"Forbidden"}')
        if not self._bucket.take() or not self._admits(api, stage, CONNECT):
            raise _Refused(429, b'{"message":"Too Many Requests"}')
        client = scope.get("client") or ("127.0.0.1", 0)
        info = ConnectionInfo(
            connection_id=new_id(), api_id=api.api_id, stage=stage,
            domain_name=f"{api.api_id}.execute-api.{api.region}.amazonaws.com",
            connected_at_ms=int(self._clock() * 1000), source_ip=client[0],
            user_agent=_header(scope, "user-agent"))
        return api, info

    async def _authorize(self, api: Api, info: ConnectionInfo, scope: dict) -> ConnectionInfo:
        """`info` with what the $connect route's authorizer granted, or _Refused."""
        route = next((r for r in api.routes.values() if r.path == CONNECT and not r.method),
                     None)
        if route is None or not route.authorizer_id:
            return info
        authorizer = api.authorizers.get(route.authorizer_id)
        delivery = self._delivery()
        headers = events.handshake_headers(scope, delivery)
        query = tuple(parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                keep_blank_values=True))
        stage_variables = api.stages[info.stage].variables
        identity = Identity({name.lower(): value for name, value in headers}, dict(query),
                            stage_variables,
                            {"routeKey": CONNECT, "stage": info.stage, "apiId": api.api_id,
                             "connectionId": info.connection_id, "eventType": "CONNECT",
                             "identity.sourceIp": info.source_ip,
                             "identity.userAgent": info.user_agent or ""})
        arn = method_arn(api.region, api.account_id, api.api_id, info.stage, "", CONNECT)
        try:
            if authorizer is None:
                raise GatewayError(AUTHORIZER_FAILED)
            grant = await self._authorizers.lambda_grant(
                api.api_id, WEBSOCKET, authorizer, identity, arn,
                lambda _: events.authorizer_event(info, delivery, headers, query, arn,
                                                  stage_variables),
                self.limits.integration_timeout_s,
                invoke_sources.authorizer_source(api, route.authorizer_id))
        except GatewayError as refused:
            raise _Refused(*websocket_refusal(refused.kind)) from None
        return replace(info, authorizer=grant.event_value(WEBSOCKET, "1.0"))

    async def _connect(self, api: Api, info: ConnectionInfo, scope: dict) -> str | None:
        """Runs $connect, if the API has one: the accepted subprotocol, or _Refused."""
        target = self._tables.of(api).get(CONNECT)
        if target is None:
            return None
        delivery = self._delivery()
        event = events.connect_event(info, delivery, events.handshake_headers(scope, delivery),
                                     tuple(parse_qsl(scope.get("query_string", b"").decode(
                                         "latin-1"), keep_blank_values=True)))
        try:
            result = await self._call(api, info.stage, target, event)
        except _IntegrationFailed as failed:
            raise _failed_connect(failed) from None
        if target.integration.mapping is not None:
            return None               # a non-proxy result says nothing of the handshake
        status, subprotocol = replies.connect_status(result.payload)
        if status is None:
            raise _failed_connect(_IntegrationFailed(replies.INTERNAL_ERROR))
        if not 200 <= status < 300:
            raise _Refused(status)
        return subprotocol

    def _open(self, session: _Session) -> None:
        info = session.info
        self._sessions[info.connection_id] = session
        self._hub.opened(Connection(info.connection_id, self._hub.node_id, info.api_id,
                                    info.stage, info.connected_at_ms, info.connected_at_ms,
                                    info.source_ip, info.user_agent))
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())

    def _close(self, session: _Session) -> None:
        self._sessions.pop(session.info.connection_id, None)
        self._hub.closed(session.info.connection_id)

    # ------------------------------------------------------------ messages

    async def _on_message(self, session: _Session, message: dict) -> None:
        info = session.info
        session.last_active = self._monotonic()
        self._hub.active(info.connection_id)
        text = message.get("text")
        body, is_base64 = (text, False) if text is not None else (
            base64.b64encode(message.get("bytes") or b"").decode(), True)
        live = self._apis.live(info.api_id)
        if live is None:
            return                     # the API was deleted under this connection
        table = self._tables.of(live.api)
        key = select_route_key(live.api.route_selection_expression, text)
        target = table.get(key) if key is not None else None
        target = target or table.get(DEFAULT)
        delivery = self._delivery()
        if target is None:
            await self._reply(session, replies.gateway_error(
                replies.FORBIDDEN, info.connection_id, delivery.request_id))
            return
        if not self._admits(live.api, info.stage, target.route.key):
            await self._reply(session, replies.gateway_error(
                replies.THROTTLED, info.connection_id, delivery.request_id))
            return
        event = events.message_event(info, delivery, new_id(), target.route.key, body,
                                     is_base64)
        try:
            result = await self._call(live.api, info.stage, target, event)
            reply = (replies.route_reply(result.payload) if target.integration.mapping is None
                     else self._mapped_reply(live.api, info.stage, target, event, result))
        except _IntegrationFailed as failed:
            await self._reply(session, replies.gateway_error(
                failed.message, info.connection_id, delivery.request_id))
            return
        if target.two_way and reply is not None:
            await self._reply(session, reply)

    def _admits(self, api: Api, stage: str, route_key: str) -> bool:
        """False when the stage throttles `route_key` (its RouteSettings, else the stage's
        DefaultRouteSettings) and the route's bucket is empty. Each route key has a bucket
        of its own, also when its limit is the default one."""
        settings = api.stages.get(stage)
        limit = stage_throttle(settings.throttles, False, route_key, route_key, "") \
            if settings is not None else None
        return limit is None or self._route_buckets.take((api.api_id, stage, route_key),
                                                         limit[1])

    async def _on_disconnect(self, info: ConnectionInfo, code: int, reason: str) -> None:
        live = self._apis.live(info.api_id)
        target = self._tables.of(live.api).get(DISCONNECT) if live else None
        if target is not None:
            try:
                await self._call(live.api, info.stage, target,
                                 events.disconnect_event(info, self._delivery(), code, reason))
            except _IntegrationFailed:
                pass                  # nobody is left to tell

    async def _call(self, api: Api, stage: str, target: Target, event: dict[str, Any]
                    ) -> InvokeResult:
        """The function's result, or _IntegrationFailed. A proxy integration's function
        gets `event`; a non-proxy one's what its templates make of it."""
        name = target.integration.function or ""
        timeout_ms = target.integration.timeout_ms
        timeout_s = self.limits.integration_timeout_s if timeout_ms is None else timeout_ms / 1000
        key = target.route.key
        mapping = target.integration.mapping
        if mapping is None:
            payload = json.dumps(event, separators=(",", ":")).encode()
        else:
            try:
                payload = templates.websocket_event(mapping, event.get("body"),
                                                    *_template_inputs(api, stage, event))
            except GatewayError:
                raise _IntegrationFailed(replies.INTERNAL_ERROR) from None
        # With CredentialsArn API Gateway invokes as that role: no resource policy to ask.
        source = None if target.integration.credentials else invoke_sources.route_source(
            api, stage, key)
        try:
            result = await self._invoke(name, payload, wait_s=timeout_s, source=source)
        except WaitExpired:
            raise _IntegrationFailed(replies.TIMED_OUT) from None
        except NotPermitted as refused:
            invoke_sources.warn_refused(api.api_id, key, name, refused)
            raise _IntegrationFailed(replies.INTERNAL_ERROR, misconfigured=True) from None
        except AwsError as exc:
            log.warning("WebSocket route %s could not invoke %s: %s", target.route.key, name,
                        exc.message)
            raise _IntegrationFailed(replies.INTERNAL_ERROR) from None
        except Exception:             # the runtime is shutting down, or broke: the client
            log.exception("WebSocket route %s failed to invoke %s", target.route.key, name)
            raise _IntegrationFailed(replies.INTERNAL_ERROR) from None
        if result.function_error:
            raise _IntegrationFailed(replies.INTERNAL_ERROR)
        return result

    def _mapped_reply(self, api: Api, stage: str, target: Target, event: dict[str, Any],
                      result: InvokeResult) -> str | None:
        """A non-proxy route's reply: the result as its integration response maps it."""
        mapping = target.integration.mapping
        assert mapping is not None
        try:
            reply = templates.websocket_reply(mapping, result,
                                              *_template_inputs(api, stage, event))
        except GatewayError:
            raise _IntegrationFailed(replies.INTERNAL_ERROR) from None
        return reply or None

    async def _reply(self, session: _Session, data: str | bytes) -> None:
        key = "text" if isinstance(data, str) else "bytes"
        try:
            await session.send({"type": "websocket.send", key: data})
        except Exception:             # the client is gone; its receive loop ends the session
            pass

    # ------------------------------------------------------------ LocalSockets

    async def send(self, connection_id: str, data: bytes) -> bool:
        session = self._sessions.get(connection_id)
        if session is None or session.server_close is not None:
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            message = {"type": "websocket.send", "bytes": data}
        else:
            message = {"type": "websocket.send", "text": text}
        try:
            await session.send(message)
        except Exception:             # closed between the lookup and the write
            return False
        return True

    async def close(self, connection_id: str, code: int = 1000, reason: str = "") -> bool:
        session = self._sessions.get(connection_id)
        if session is None or session.server_close is not None:
            return False
        session.server_close = code
        try:
            await session.send({"type": "websocket.close", "code": code, "reason": reason})
        except Exception:
            return False
        return True

    # ------------------------------------------------------------ housekeeping

    async def _sweep(self) -> None:
        """Closes connections idle for longer than the idle timeout, or open for longer
        than the maximum connection time (code 1001, "Going away", as API Gateway)."""
        limits = self.limits
        period = max(0.05, min(5.0, limits.idle_timeout_s / 10, limits.max_connection_s / 10))
        while True:
            await asyncio.sleep(period)
            now = self._monotonic()
            for cid, session in list(self._sessions.items()):
                if (now - session.last_active > limits.idle_timeout_s
                        or now - session.opened > limits.max_connection_s):
                    await self.close(cid, 1001, "Going away")

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _delivery(self) -> Delivery:
        return Delivery(new_id(), self._clock())

    def connection_count(self) -> int:
        return len(self._sessions)

    async def close_all(self) -> None:
        """Stops the sweeper and closes every connection (code 1001, node going away)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        for cid in list(self._sessions):
            await self.close(cid, 1001, "Going away")


def _template_inputs(api: Api, stage: str, event: dict[str, Any]
                     ) -> tuple[dict[str, dict[str, str]], vtl.JavaMap, dict[str, str]]:
    """`$input.params()`, `$context` and `$stageVariables` of a mapping template, from the
    event a proxy integration would get (a $connect's headers and query string)."""
    params = {"header": dict(event.get("headers") or {}),
              "querystring": dict(event.get("queryStringParameters") or {})}
    settings = api.stages.get(stage)
    return (params, vtl.java_value(event["requestContext"]),
            dict(settings.variables) if settings is not None else {})


def _failed_connect(failed: _IntegrationFailed) -> _Refused:
    """The handshake's answer when $connect's integration failed or timed out, or could
    not be invoked (API Gateway's configuration error, 500)."""
    status = (500 if failed.misconfigured else
              504 if failed.message == replies.TIMED_OUT else 502)
    return _Refused(status, json.dumps({"message": failed.message}).encode())


def _header(scope: dict, name: str) -> str | None:
    wanted = name.encode()
    for key, value in scope["headers"]:
        if key.lower() == wanted:
            return value.decode("latin-1")
    return None


async def _refuse(send: Send, status: int, body: bytes) -> None:
    await send({"type": "websocket.http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "websocket.http.response.body", "body": body})
