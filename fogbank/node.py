"""The composition root: builds the engines, the wire layers and the edge from a NodeConfig.

Nothing else in Fogbank decides which backend, which port or which engine instance is used.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import uvicorn

from fogbank.aws import SdkApp
from fogbank.aws.lambda_api import LambdaService
from fogbank.config import NodeConfig
from fogbank.console.api import NodeApi
from fogbank.deploy import Deployer, load_template
from fogbank.deploy.providers import default_providers
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.edge import Dispatch, HostGuard
from fogbank.gateway import ApiRegistry, GatewayApp
from fogbank.messaging import AsyncInvoker
from fogbank.runtime import Runtime, RuntimeConfig
from fogbank.types import InvokeResult

log = logging.getLogger("fogbank.node")


@dataclass(frozen=True)
class Served:
    """What a node serves, as `fogbank up` prints it and /_fogbank/node returns it."""

    sdk_endpoint: str
    apis: dict[str, str]             # logical id → URL
    functions: dict[str, str]        # logical id → function name
    outputs: dict[str, Any]
    warnings: list[str]


class Node:
    def __init__(self, config: NodeConfig) -> None:
        self.config = config
        self.template: Path | None = None
        self.served = Served(config.endpoint_url, {}, {}, {}, [])
        self._server: uvicorn.Server | None = None

    # ------------------------------------------------------------------ building

    async def start(self) -> None:
        """Binds the port, builds and starts the engines; deploy() follows."""
        sock = listen(self.config.host, self.config.port)     # fail early on a taken port
        self.config = cfg = dataclasses.replace(self.config, port=sock.getsockname()[1])
        cfg.state_dir.mkdir(parents=True, exist_ok=True)
        self.runtime = Runtime(RuntimeConfig(
            state_dir=cfg.state_dir, endpoint_url=cfg.endpoint_url, region=cfg.region,
            account_id=cfg.account_id, idle_ttl_s=cfg.idle_worker_ttl_s,
            node_concurrency=cfg.node_concurrency, sandbox=cfg.sandbox))
        await self.runtime.start()
        self.queue = AsyncInvoker(cfg.state_dir / "async-invocations.db", self.invoke,
                                  retry_delays_s=cfg.async_retry_delays_s)
        await self.queue.start()
        self.apis = ApiRegistry(base_url=cfg.endpoint_url)
        providers = [*default_providers(self.runtime, cfg.region, cfg.account_id),
                     *ApiProviders(self.apis, cfg.region, cfg.account_id).all()]
        self.deployer = Deployer(cfg.state_dir, providers, cfg.region, cfg.account_id)
        lambda_api = LambdaService(self.runtime, self.queue, region=cfg.region,
                                   account_id=cfg.account_id)
        sdk = SdkApp({"lambda": lambda_api}, region=cfg.region)
        gateway = GatewayApp(self.apis, self.invoke, region=cfg.region)
        node_api = NodeApi(self.runtime.logs, self.describe, self._knows_function)
        app = HostGuard(Dispatch(sdk, gateway, node_api, self.apis.handles),
                        allowed=cfg.allowed_hosts)
        self._socket = sock
        server_config = uvicorn.Config(app, http="httptools", lifespan="off",
                                       access_log=False, log_level="warning", ws="none",
                                       server_header=False)
        server_config.load()
        self._server = uvicorn.Server(server_config)
        self._server.lifespan = server_config.lifespan_class(server_config)
        await self._server.startup(sockets=[self._socket])

    async def invoke(self, name: str, payload: bytes) -> InvokeResult:
        return await self.runtime.invoke(name, payload)

    # ------------------------------------------------------------------ deploying

    def deploy(self, template: Path,
               on_step: Callable[[Any, str], None] | None = None,
               on_plan: Callable[[Any], None] | None = None) -> Served:
        """Loads the template, applies the difference to what runs, returns what is served."""
        cfg = self.config
        tpl = load_template(template, parameter_overrides=dict(cfg.parameter_overrides),
                            region=cfg.region, account_id=cfg.account_id)
        if self.template is None:
            self.deployer.restore(tpl)
        self.template = template
        plan = self.deployer.plan(tpl)
        if on_plan:
            on_plan(plan)
        result = self.deployer.apply(plan, on_step=on_step)
        self.served = self._describe_stack(result)
        return self.served

    def _describe_stack(self, result: Any) -> Served:
        apis, functions = {}, {}
        for logical_id, kind, physical in self.deployer.resources():
            if kind == "AWS::Lambda::Function":
                functions[logical_id] = physical
            elif kind in ("AWS::ApiGatewayV2::Api", "AWS::ApiGateway::RestApi"):
                for stage, url in self.apis.urls(physical, base=self.config.endpoint_url):
                    apis[logical_id if stage in ("$default", "") else
                         f"{logical_id} ({stage})"] = url
        return Served(self.config.endpoint_url, apis, functions,
                      dict(result.outputs), list(result.warnings))

    def describe(self) -> dict[str, Any]:
        s = self.served
        return {"ready": self.template is not None and bool(s.functions or s.apis),
                "sdkEndpoint": s.sdk_endpoint, "apis": s.apis, "functions": s.functions,
                "outputs": s.outputs, "warnings": s.warnings,
                "template": str(self.template) if self.template else None}

    def _knows_function(self, name: str) -> bool:
        return any(f.name == name for f in self.runtime.list())

    def code_dirs(self) -> dict[str, Path]:
        """Function name → code directory, for the file watcher."""
        return {f.name: Path(f.code_dir) for f in self.runtime.list()}

    # ------------------------------------------------------------------ serving

    async def serve(self) -> None:
        """Serves until stop() is called."""
        assert self._server is not None
        await self._server.main_loop()

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True

    async def close(self) -> None:
        if self._server is not None:
            await self._server.shutdown(sockets=[self._socket])
        await self.queue.close()
        await self.runtime.close()


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket; OSError (with the address) when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock
