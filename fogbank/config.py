"""Node settings, in one place. Only the CLI and node.py read or build them.

A part whose settings are a value of their own (the gateway's `WebSocketLimits`) imports
that type from here: were it defined in the part, naming it here would load the whole part
(the gateway: uvicorn, websockets) into every `fogbank` command.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 4566          # the port existing LocalStack configurations already use
LOCAL_HOST_NAMES = ("localhost", "127.0.0.1", "[::1]", "::1")
# The country CloudFront reports for every viewer of an edge-optimized REST API: a local
# node cannot geolocate its clients (`fogbank up --viewer-country`).
DEFAULT_VIEWER_COUNTRY = "US"


@dataclass(frozen=True)
class WebSocketLimits:
    """API Gateway's quotas for WebSocket APIs, AWS's defaults; `fogbank up --ws-*` sets them."""

    frame_bytes: int = 32 * 1024            # a bigger frame closes the connection with 1009
    message_bytes: int = 128 * 1024         # a bigger message closes it with 1009
    idle_timeout_s: float = 600.0           # no message from the client for this long
    max_connection_s: float = 7200.0        # whatever the traffic
    new_connections_per_s: float = 500.0    # sustained rate of accepted handshakes …
    new_connections_burst: int = 1000       # … and the burst above it
    integration_timeout_s: float = 29.0     # an integration without TimeoutInMillis


@dataclass(frozen=True)
class NodeConfig:
    state_dir: Path                          # .fogbank/ beside the template
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    region: str = "us-east-1"
    account_id: str = "000000000000"
    # Extra Host header names accepted besides local ones (DNS-rebinding guard).
    allowed_hosts: tuple[str, ...] = ()
    # Idle workers are reaped after this many seconds (scale to zero).
    idle_worker_ttl_s: float = 300.0
    # Node-wide limit on concurrent executions (Lambda's account limit is 1000).
    node_concurrency: int = 1000
    # Lambda's async retry delays (AWS: about 1 and 2 minutes); shortened by tests.
    async_retry_delays_s: tuple[float, ...] = (60.0, 120.0)
    # The waits before a stream event source mapping retries a failed batch, the last one
    # repeated; shortened by tests.
    stream_retry_delays_s: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
    # How often the TTL sweeper deletes expired table items (DynamoDB: within ~48 h;
    # the issue asks for at most 60 s).
    ttl_period_s: float = 30.0
    # Run functions in a Linux sandbox (user + mount namespaces) when the platform allows.
    sandbox: bool = True
    # API Gateway's WebSocket quotas: frame and message sizes, timeouts, handshake rate.
    websocket: WebSocketLimits = field(default_factory=WebSocketLimits)
    # CloudFront-Viewer-Country in edge-optimized REST APIs' events (ISO 3166-1 alpha-2).
    viewer_country: str = DEFAULT_VIEWER_COUNTRY
    # How long a custom resource's request waits for its response; None: the function's
    # timeout plus a margin (deploy/providers/custom_resources.py), not CloudFormation's hour.
    custom_resource_timeout_s: float | None = None
    parameter_overrides: dict[str, str] = field(default_factory=dict)

    @property
    def endpoint_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"
