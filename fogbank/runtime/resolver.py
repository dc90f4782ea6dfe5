"""Inside function workers, AWS's host names and `*.localhost` lead to the node.

Handler code written for AWS builds URLs such as `https://{apiId}.execute-api.{region}.
amazonaws.com/{stage}` itself, or calls a function URL (`https://{urlId}.lambda-url.{region}.
on.aws/`); on a laptop such a call must reach Fogbank and never the internet. A worker
process therefore answers name lookups for those names with the node's address, and maps
the standard ports to the node's listeners (443 → its TLS port, 80 → its HTTP port).
`getaddrinfo` is the one place every Python client (urllib3, httpx, http.client, asyncio)
resolves names through, so that is the function replaced — in the worker process only,
never in the node.
"""
from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SUFFIXES = (".amazonaws.com", ".localhost")
# Function URLs' names; the rest of on.aws (other services' endpoints) is left alone.
_FUNCTION_URL = re.compile(r"[a-z0-9]+\.lambda-url\.[a-z0-9-]+\.on\.aws")


@dataclass(frozen=True)
class NodeNames:
    """How workers reach the node: its address, listeners and the CA they must trust."""

    host: str                        # the address the node listens on, e.g. 127.0.0.1
    http_port: int
    https_port: int
    ca_bundle: Path                  # public roots + the node's CA
    ca_cert: Path                    # the node's CA alone

    def environment(self) -> dict[str, str]:
        """Trust settings for boto3 (AWS_CA_BUNDLE), requests, Python's ssl module and
        Node.js (which adds NODE_EXTRA_CA_CERTS to its own roots)."""
        bundle = str(self.ca_bundle)
        return {"AWS_CA_BUNDLE": bundle, "REQUESTS_CA_BUNDLE": bundle,
                "SSL_CERT_FILE": bundle, "NODE_EXTRA_CA_CERTS": str(self.ca_cert)}

    def route(self) -> tuple[str, int, int]:
        """What crosses to the worker in its plan (JSON)."""
        return (self.host, self.http_port, self.https_port)


def redirected(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "ignore")
    if not isinstance(host, str):
        return False
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(_SUFFIXES) or \
        _FUNCTION_URL.fullmatch(name) is not None


def install(host: str, http_port: int, https_port: int) -> None:
    """Replace `socket.getaddrinfo` in this (worker) process."""
    original = socket.getaddrinfo
    ports = {443: https_port, "443": https_port, "https": https_port,
             80: http_port, "80": http_port, "http": http_port}

    def getaddrinfo(name: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if redirected(name):
            return original(host, ports.get(port, port), *args, **kwargs)
        return original(name, port, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
