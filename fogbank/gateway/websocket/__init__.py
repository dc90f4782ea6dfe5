"""WebSocket APIs: connections, route selection, events and the sockets behind @connections.

`WebSocketGateway` serves the API Gateway WebSocket APIs of an `ApiRegistry` over ASGI;
`server_options` are the uvicorn settings node.py serves them with; `WebSocketLimits` holds the
quotas.
"""
from fogbank.gateway.websocket.app import WebSocketGateway
from fogbank.gateway.websocket.limits import WebSocketLimits
from fogbank.gateway.websocket.protocol import protocol_class, server_options

__all__ = ["WebSocketGateway", "WebSocketLimits", "protocol_class", "server_options"]
