"""The HTTP server protocol: uvicorn's httptools implementation, keeping header names as
the client spelled them.

ASGI hands header names over lower-cased, but a REST API's Lambda event and a WebSocket
API's `$connect` event carry them as the client wrote them (`User-Agent`, `X-Custom`), and
handlers look them up that way. The names as sent ride along in the scope under
`HEADER_NAMES`, in the order of `scope["headers"]`, which stays lower-cased for everything
else. A WebSocket handshake is replayed to the WebSocket protocol with them, and that
protocol (gateway/websocket/protocol.py) keeps them the same way.
"""
from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_NAMES = "fogbank.header_names"


class SpellingHttpToolsProtocol(HttpToolsProtocol):
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._names: list[bytes] = []
        self.scope[HEADER_NAMES] = self._names      # type: ignore[literal-required]

    def on_header(self, name: bytes, value: bytes) -> None:
        self._names.append(name)
        super().on_header(name, value)

    def handle_websocket_upgrade(self) -> None:
        # uvicorn replays the request to the WebSocket protocol from scope["headers"].
        self.scope["headers"] = [(spelled, value) for spelled, (_, value)
                                 in zip(self._names, self.scope["headers"])]
        super().handle_websocket_upgrade()


def header_names(scope: dict) -> list[bytes]:
    """The request's header names as sent, or as the scope has them when the server did
    not record them (an in-process client)."""
    names = scope.get(HEADER_NAMES)
    if names is not None and len(names) == len(scope["headers"]):
        return names
    return [name for name, _ in scope["headers"]]
