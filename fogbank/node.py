"""The composition root: builds the engines, the wire layers and the edge from a NodeConfig.

Nothing else in Fogbank decides which backend, which port or which engine instance is used.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import uvicorn

from fogbank.aws import SdkApp
from fogbank.aws.apigateway import ApiGatewayService
from fogbank.aws.apigateway.integrations import ServiceCalls
from fogbank.aws.apigatewayv2 import ApiGatewayV2Service
from fogbank.aws.apigw_management import (ConnectionsEdge, ManagementService,
                                           is_connections_request)
from fogbank.aws.cloudformation import CloudFormationService
from fogbank.aws.cloudformation.response_urls import ResponseUrls
from fogbank.aws.dynamodb import DynamoDBService, DynamoDBStreamsService
from fogbank.aws.lambda_api import CodeLinks, LambdaService
from fogbank.aws.lambda_api.function_urls import ApiFunctionUrls
from fogbank.aws.logs import LogsService
from fogbank.aws.s3 import S3App
from fogbank.aws.sts import StsService
from fogbank.config import NodeConfig
from fogbank.connections import ConnectionHub, MemoryConnectionStore
from fogbank.console.api import NodeApi
from fogbank.deploy import Deployer, load_template
from fogbank.deploy.providers import LayerStore, default_providers
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.deploy.providers.buckets import BucketPolicyProvider, BucketProvider
from fogbank.deploy.providers.custom_resources import (RESPONSE_PATH, CustomResourceProvider,
                                                       ResponseSlots, response_host)
from fogbank.deploy.providers.event_source_mappings import EventSourceMappingProvider
from fogbank.deploy.providers.function_urls import FunctionUrlProvider
from fogbank.deploy.providers.tables import TableProvider
from fogbank.deploy.providers.usage_plans import usage_plan_providers
from fogbank.edge import Dispatch, HostGuard, is_internal
from fogbank.gateway import ApiRegistry, GatewayApp
from fogbank.gateway.function_url_app import FunctionUrlApp
from fogbank.gateway.function_urls import FunctionUrlRegistry, tls_names
from fogbank.gateway.http_integrations import HttpBackend
from fogbank.gateway.http_protocol import SpellingHttpToolsProtocol
from fogbank.gateway.usage_plans import UsagePlans
from fogbank.gateway.websocket import WebSocketGateway, server_options
from fogbank.identity.tls import ensure_certificates, server_names
from fogbank.gateway.website import WebsiteApp, is_website_request, website_url
from fogbank.functions import FunctionStore, LayerVersionStore, ManagedFunctions, ManagedLayers
from fogbank.messaging import AsyncInvoker, StreamMappings
from fogbank.objects import GetObject, ObjectsEngine
from fogbank.logs.engine import CloudWatchLogs
from fogbank.logs.store import LogGroupStore
from fogbank.runtime import Runtime, RuntimeConfig
from fogbank.runtime.log_groups import FunctionLogGroups
from fogbank.runtime.resolver import NodeNames
from fogbank.tables.engine import TablesEngine
from fogbank.types import AwsError, EventInvokeConfig, InvokeResult, InvokeSource

log = logging.getLogger("fogbank.node")


@dataclass(frozen=True)
class Served:
    """What a node serves, as `fogbank up` prints it and /_fogbank/node returns it."""

    sdk_endpoint: str
    apis: dict[str, str]             # logical id → URL
    functions: dict[str, str]        # logical id → function name
    websites: dict[str, str]         # logical id of a website bucket → URL
    outputs: dict[str, Any]
    warnings: list[str]
    function_urls: dict[str, str] = field(default_factory=dict)   # logical id → URL
    api_keys: dict[str, str] = field(default_factory=dict)   # logical id → key value


# How long a stopping node lets requests in flight finish before it cancels them.
SHUTDOWN_GRACE_S = 5.0

class Node:
    def __init__(self, config: NodeConfig) -> None:
        self.config = config
        self._tls_server: uvicorn.Server | None = None
        self.template: Path | None = None
        self.served = Served(config.endpoint_url, {}, {}, {}, {}, [])
        self._server: uvicorn.Server | None = None
        self._delivery: asyncio.Future[None] | None = None

    # ------------------------------------------------------------------ building

    async def start(self) -> None:
        """Binds the port, builds and starts the engines; deploy() follows."""
        sock = listen(self.config.host, self.config.port)     # fail early on a taken port
        self.config = cfg = dataclasses.replace(self.config, port=sock.getsockname()[1])
        cfg.state_dir.mkdir(parents=True, exist_ok=True)
        # The TLS listener: functions reach https://{apiId}.execute-api.{region}.amazonaws.com
        # here (runtime/resolver.py); its port is only ever used through that mapping.
        tls_sock = listen(cfg.host, 0)
        self.tls = ensure_certificates(cfg.state_dir / "tls",
                                       [*server_names(cfg.region), *tls_names(cfg.region),
                                        response_host(cfg.region)])
        self.tls_port = tls_sock.getsockname()[1]
        node_names = NodeNames("127.0.0.1" if cfg.host in ("0.0.0.0", "::") else cfg.host,
                               cfg.port, self.tls_port, self.tls.bundle, self.tls.ca_cert)
        self.runtime = Runtime(RuntimeConfig(
            state_dir=cfg.state_dir, endpoint_url=cfg.endpoint_url, region=cfg.region,
            account_id=cfg.account_id, idle_ttl_s=cfg.idle_worker_ttl_s,
            node_concurrency=cfg.node_concurrency, sandbox=cfg.sandbox,
            node_names=node_names))
        await self.runtime.start()
        await self._start_engines(cfg)
        app = self._build_edge(cfg)
        self._socket = sock
        self._server = await self._serve_on(app, self._socket)
        self._tls_server = await self._serve_on(app, tls_sock, ssl_certfile=str(self.tls.cert),
                                                ssl_keyfile=str(self.tls.key))

    async def _start_engines(self, cfg: NodeConfig) -> None:
        self.queue = AsyncInvoker(cfg.state_dir / "async-invocations.db", self.invoke,
                                  retry_delays_s=cfg.async_retry_delays_s,
                                  configs=self._event_invoke_config, region=cfg.region,
                                  account_id=cfg.account_id)
        await self.queue.open()          # delivery starts after the first deploy
        self.objects = ObjectsEngine(cfg.state_dir / "objects", region=cfg.region,
                                     account_id=cfg.account_id, enqueue=self.queue.enqueue,
                                     may_invoke=self.runtime.permits)
        await self.objects.start()
        self.tables = TablesEngine.open(cfg.state_dir, region=cfg.region,
                                        account_id=cfg.account_id,
                                        ttl_period_s=cfg.ttl_period_s)
        self.tables.start()
        self.cloudwatch_logs = CloudWatchLogs(
            LogGroupStore(cfg.state_dir / "log-groups.db"), FunctionLogGroups(self.runtime),
            region=cfg.region, account_id=cfg.account_id, deliver=self.queue.enqueue,
            may_invoke=self.runtime.permits)
        # Table streams → functions; they read only once the template is deployed.
        self.stream_mappings = StreamMappings(cfg.state_dir / "event-source-mappings.db",
                                              self.tables.streams, self.invoke,
                                              retry_delays_s=cfg.stream_retry_delays_s)
        self.apis = ApiRegistry(base_url=cfg.endpoint_url)
        self.function_urls = FunctionUrlRegistry(base_url=cfg.endpoint_url)
        self.usage_plans = UsagePlans()
        layers = self._template_layers = LayerStore()
        # Custom resources' ResponseURLs: https on CloudFormation's S3 name, which workers
        # resolve to this node's TLS listener (runtime/resolver.py).
        self.cfn_responses = ResponseSlots(f"https://{response_host(cfg.region)}")
        # Layers and functions made through the Lambda API; the functions are restored once
        # the template is deployed.
        self.layers = ManagedLayers(LayerVersionStore(cfg.state_dir / "layers"), layers,
                                    read_object=self._read_object, region=cfg.region,
                                    in_use=lambda arn: self.functions.uses_layer(arn),
                                    account_id=cfg.account_id)
        self.layers.restore()
        self.functions = ManagedFunctions(
            FunctionStore(cfg.state_dir / "functions"), self.runtime,
            read_object=self._read_object, layers=self.layers, region=cfg.region,
            account_id=cfg.account_id, concurrency_limit=cfg.node_concurrency,
            urls=ApiFunctionUrls(self.function_urls, region=cfg.region,
                                 account_id=cfg.account_id))
        providers = [*default_providers(self.runtime, cfg.region, cfg.account_id,
                                        layers=layers, layer_build_root=cfg.state_dir / "build"
                                        / "layers", python=self.runtime.config.python,
                                        log_groups=self.cloudwatch_logs),
                     *ApiProviders(self.apis, cfg.region, cfg.account_id).all(),
                     *usage_plan_providers(self.usage_plans, self.apis),
                     FunctionUrlProvider(self.function_urls, cfg.region, cfg.account_id),
                     TableProvider(self.tables.control, self.tables.settings),
                     EventSourceMappingProvider(self.stream_mappings, cfg.region,
                                                cfg.account_id),
                     BucketProvider(self.objects, lambda b: website_url(b, cfg.endpoint_url),
                                    region=cfg.region),
                     BucketPolicyProvider(self.objects),
                     CustomResourceProvider(self.invoke, lambda name: self.runtime.get(name)
                                            .timeout_s, self.cfn_responses, region=cfg.region,
                                            account_id=cfg.account_id,
                                            timeout_s=cfg.custom_resource_timeout_s)]
        self.deployer = Deployer(cfg.state_dir, providers, cfg.region, cfg.account_id)
        self.connections = ConnectionHub(MemoryConnectionStore(), clock=time.time)

    def _build_edge(self, cfg: NodeConfig) -> Any:
        """The wire layers over the engines, behind the Host guard and the route table."""
        code_links = CodeLinks(cfg.endpoint_url, self.runtime, excluded=[cfg.state_dir],
                               layers=self.layers.version_dir)
        lambda_api = LambdaService(self.runtime, self.queue, code_links, region=cfg.region,
                                   account_id=cfg.account_id,
                                   concurrency_limit=cfg.node_concurrency,
                                   function_urls=self.function_urls, managed=self.functions,
                                   layers=self.layers, stream_mappings=self.stream_mappings)
        sdk = SdkApp({"apigateway": ApiGatewayService(self.usage_plans, self.apis,
                                                      cfg.account_id),
                      "apigatewayv2": ApiGatewayV2Service(self.apis, cfg.account_id),
                      "apigatewaymanagementapi": ManagementService(self.connections),
                      "lambda": lambda_api, "dynamodb": DynamoDBService(self.tables),
                      "dynamodbstreams": DynamoDBStreamsService(self.tables),
                      "cloudformation": CloudFormationService(self.deployer.view),
                      "logs": LogsService(self.cloudwatch_logs),
                      "sts": StsService(cfg.account_id)}, region=cfg.region)
        self.websockets = WebSocketGateway(self.apis, self.invoke, self.connections,
                                           limits=cfg.websocket)
        s3 = S3App(self.objects, region=cfg.region)
        # A REST API's service integrations call DynamoDB and S3 here, in-process; its
        # HTTP integrations call their endpoints through one pooled client.
        self.http_backend = HttpBackend()
        gateway = GatewayApp(self.apis, self.invoke, region=cfg.region,
                             websockets=self.websockets, viewer_country=cfg.viewer_country,
                             usage=self.usage_plans, services=ServiceCalls(sdk.handle, s3),
                             backend=self.http_backend)
        node_api = NodeApi(self.runtime.logs, self.describe, self._knows_function)
        responses = ResponseUrls(self.cfn_responses, RESPONSE_PATH)
        routes = [(is_internal, node_api), (responses.handles, responses),
                  (is_website_request, WebsiteApp(self.objects)),
                  (is_connections_request, ConnectionsEdge(sdk, self.apis)),
                  (self.function_urls.handles, FunctionUrlApp(self.function_urls, self.invoke)),
                  (self.apis.handles, gateway), (code_links.handles, code_links),
                  (s3.handles, s3)]
        # Functions reach the node as *.amazonaws.com and *.on.aws (runtime/resolver.py); a
        # page elsewhere cannot make such a name resolve to this machine, so it is no
        # rebinding risk.
        return HostGuard(Dispatch(routes, default=sdk),
                         allowed=(*cfg.allowed_hosts, ".amazonaws.com", ".on.aws"))

    async def _serve_on(self, app: Any, sock: socket.socket, **tls: Any) -> uvicorn.Server:
        limits = self.config.websocket
        server_config = uvicorn.Config(app, http=SpellingHttpToolsProtocol, lifespan="off",
                                       access_log=False, log_level="warning",
                                       server_header=False, proxy_headers=False, **tls,
                                       # Ctrl-C stops the node even while a request runs on
                                       timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
                                       **server_options(limits.frame_bytes,
                                                        limits.message_bytes))
        server_config.load()
        server = uvicorn.Server(server_config)
        server.lifespan = server_config.lifespan_class(server_config)
        await server.startup(sockets=[sock])
        return server

    async def invoke(self, name: str, payload: bytes, *, trace_header: str | None = None,
                     wait_s: float | None = None, request_id: str | None = None,
                     source: InvokeSource | None = None) -> InvokeResult:
        """The node's Invoker (fogbank.types), for the gateway and the async queue."""
        return await self.runtime.invoke(name, payload, trace_header=trace_header,
                                         wait_s=wait_s, request_id=request_id, source=source)

    async def _read_object(self, bucket: str, key: str) -> bytes:
        """An object's bytes, for a function package named by S3Bucket and S3Key."""
        got = await self.objects.objects.get(GetObject(bucket, key))
        return b"".join([chunk async for chunk in got.body])

    def _event_invoke_config(self, name: str, qualifier: str) -> EventInvokeConfig | None:
        try:
            return self.runtime.get(name).event_invoke_configs.get(qualifier)
        except AwsError:            # a function gone since the event was queued
            return None

    # ------------------------------------------------------------------ deploying

    async def deploy(self, template: Path,
                     on_step: Callable[[Any, str], None] | None = None,
                     on_plan: Callable[[Any], None] | None = None) -> Served:
        """Loads the template, applies the difference to what runs, returns what is served.

        Asynchronous: a custom resource waits for its function's response, which reaches
        this node's edge while the deployment waits."""
        cfg = self.config
        tpl = load_template(template, parameter_overrides=dict(cfg.parameter_overrides),
                            region=cfg.region, account_id=cfg.account_id)
        if self.template is None:
            self.deployer.restore(tpl)
        plan = self.deployer.plan(tpl)
        if on_plan:
            on_plan(plan)
        result = await self.deployer.apply_async(plan, on_step=on_step)
        # Set once applied: the node answers while a custom resource is awaited, and is
        # ready (describe()) only when the stack is.
        self.template = template
        if self._delivery is None:
            self.functions.restore()     # after the template: its layers are known by now
        self.served = self._describe_stack(result)
        if self._delivery is None:
            # Queued Event invocations (some from before a restart) go out only now that
            # every function is back.
            self._delivery = asyncio.ensure_future(self.queue.start())
            self.stream_mappings.start()
        return self.served

    def _describe_stack(self, result: Any) -> Served:
        apis, functions, websites, function_urls, api_keys = {}, {}, {}, {}, {}
        records = self.deployer.state.resources
        for logical_id, kind, physical in self.deployer.resources():
            if kind == "AWS::Lambda::Function":
                functions[logical_id] = physical
            elif kind == "AWS::S3::Bucket" and \
                    records[logical_id].properties.get("WebsiteConfiguration"):
                websites[logical_id] = website_url(physical, self.config.endpoint_url)
            elif kind == "AWS::Lambda::Url":
                for form, url in self.function_urls.urls(physical):
                    function_urls[f"{logical_id} ({form})" if form else logical_id] = url
            elif kind == "AWS::ApiGateway::ApiKey":
                key = self.usage_plans.key(physical)
                if key is not None:
                    api_keys[logical_id] = key.value
            elif kind in ("AWS::ApiGatewayV2::Api", "AWS::ApiGateway::RestApi"):
                for stage, url in self.apis.urls(physical, base=self.config.endpoint_url):
                    apis[logical_id if stage in ("$default", "") else
                         f"{logical_id} ({stage})"] = url
        return Served(self.config.endpoint_url, apis, functions, websites,
                      dict(result.outputs), list(result.warnings), function_urls, api_keys)

    def describe(self) -> dict[str, Any]:
        s = self.served
        return {"ready": self.template is not None,
                "sdkEndpoint": s.sdk_endpoint, "apis": s.apis, "functions": s.functions,
                "websites": s.websites, "functionUrls": s.function_urls,
                "apiKeys": s.api_keys,
                "outputs": s.outputs, "warnings": s.warnings,
                "template": str(self.template) if self.template else None}

    def _knows_function(self, name: str) -> bool:
        return any(f.name == name for f in self.runtime.list())

    def code_dirs(self) -> dict[str, Path]:
        """Function name → code directory, for the file watcher."""
        return {f.name: Path(f.code_dir) for f in self.runtime.list()}

    def layer_sources(self) -> set[Path]:
        """The local directories the template's layers are made from, for the file
        watcher: a change there is deployed (the layer's next version)."""
        return self._template_layers.sources()

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
            await self.websockets.close_all()
            await self._server.shutdown(sockets=[self._socket])
        if self._tls_server is not None:
            await self._tls_server.shutdown()
        await self.objects.close()
        await self.stream_mappings.close()
        await self.queue.close()
        await self.runtime.close()
        self.tables.close()
        await self.cloudwatch_logs.close()
        await self.http_backend.aclose()


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
