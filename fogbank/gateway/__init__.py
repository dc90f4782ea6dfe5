"""The app edge: API Gateway HTTP APIs (payload 2.0 and 1.0) and REST APIs.

`ApiRegistry` holds the API definitions the deployer's providers write; `GatewayApp` is
the ASGI app that serves them (see app.py for its layers, addressing.py for how requests
are recognised).
"""
from fogbank.gateway.app import GatewayApp
from fogbank.gateway.registry import ApiRegistry

__all__ = ["ApiRegistry", "GatewayApp"]
