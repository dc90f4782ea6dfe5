"""The WebSocket server protocol: uvicorn's sans-I/O `websockets` implementation plus
API Gateway's frame-size quota.

uvicorn enforces the message-size quota itself (`ws_max_size`, close code 1009) but passes
any frame size; API Gateway closes the connection with 1009 when one frame is over 32 KB.
Chosen over the `websockets` (legacy) and `wsproto` backends for memory: it keeps no task
per connection besides the ASGI app's own (see bench/websocket.py for the figures).
"""
from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import CloseCode, Frame
from websockets.http11 import Request

from fogbank.gateway.http_protocol import HEADER_NAMES


class _FrameLimitedProtocol(WebSocketsSansIOProtocol):
    frame_bytes = 32 * 1024

    def _fits(self, frame: Frame) -> bool:
        if len(frame.data) <= self.frame_bytes:
            return True
        if not self.close_sent:
            self.conn.fail(CloseCode.MESSAGE_TOO_BIG, "Frame size limit exceeded")
            self.handle_parser_exception()
        return False

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        if self.handshake_complete:          # refused before the app saw it
            return
        # The handshake arrives with the names as the client spelled them
        # (gateway/http_protocol.py); ASGI wants them lower-cased, the $connect event not.
        headers = self.scope["headers"]
        self.scope[HEADER_NAMES] = [name for name, _ in headers]  # type: ignore[literal-required]
        self.scope["headers"] = [(name.lower(), value) for name, value in headers]

    def handle_text(self, event: Frame) -> None:
        if self._fits(event):
            super().handle_text(event)

    def handle_bytes(self, event: Frame) -> None:
        if self._fits(event):
            super().handle_bytes(event)

    def handle_cont(self, event: Frame) -> None:
        if self._fits(event):
            super().handle_cont(event)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.handshake_complete and not self.close_sent and self.conn.close_rcvd is None:
            # Gone without a close frame: 1006, abnormal closure (uvicorn would say 1005,
            # which means a close frame without a code).
            self.queue.put_nowait({"type": "websocket.disconnect", "code": 1006,
                                   "reason": ""})
        super().connection_lost(exc)

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body"):
            # A refused handshake is complete too (uvicorn would log it as abandoned).
            self.handshake_complete = True
        if self.handshake_complete:
            # The handshake's request and response are not needed once it is done; an
            # idle connection should cost as little memory as it can.
            self.request = self.response = None  # type: ignore[assignment]


def protocol_class(frame_bytes: int) -> type[WebSocketsSansIOProtocol]:
    """The class to give uvicorn as `ws=`."""
    return type("FogbankWebSocketProtocol", (_FrameLimitedProtocol,),
                {"frame_bytes": frame_bytes})


def server_options(frame_bytes: int, message_bytes: int) -> dict[str, Any]:
    """uvicorn.Config options for serving WebSocket APIs. API Gateway speaks no compression
    extension and does not ping clients; either would cost memory on every idle
    connection."""
    return {"ws": protocol_class(frame_bytes), "ws_max_size": message_bytes,
            "ws_per_message_deflate": False, "ws_ping_interval": None}
