"""The function runtime: deploy Python handlers and invoke them in warm, isolated workers."""
from __future__ import annotations

import asyncio
import base64
import logging
import random
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from fogbank.ids import request_uuid
from fogbank.runtime import (build, environment, platform_logs, redeploy, resource_policy,
                             shadowing, tracing, waiting)
from fogbank.runtime.frames import EVENT_NEWLINE
from fogbank.runtime.limits import ConcurrencyLimiter
from fogbank.runtime.log_settings import LogSettings
from fogbank.runtime.logs import LogStore
from fogbank.runtime.plan import SandboxPlan, WorkerPlan
from fogbank.runtime.pool import Pool
from fogbank.runtime.resolver import NodeNames
from fogbank.runtime.spawner import Spawner
from fogbank.runtime.workers import Invocation
from fogbank.types import (LATEST, FunctionSpec, InvalidParameterValue, InvokeResult,
                           InvokeSource, NotPermitted, ResourceNotFound)

log = logging.getLogger(__name__)

# Lambda's LogResult: the last 4 KB of the invocation's log.
LOG_TAIL_BYTES = 4096
# How often idle workers are reaped, memory policed and provisioned workers replenished.
_HOUSEKEEPING_S = 0.2


@dataclass(frozen=True)
class RuntimeConfig:
    state_dir: Path
    endpoint_url: str = "http://127.0.0.1:4566"
    region: str = "us-east-1"
    account_id: str = "000000000000"
    idle_ttl_s: float = 300.0
    node_concurrency: int = 1000
    sandbox: bool = True
    python: Path = Path(sys.executable)     # the interpreter functions run on
    init_timeout_s: float = 10.0            # Lambda's limit on a function's init phase
    # Workers resolve AWS names to the node and trust its CA (resolver.py); None: neither.
    node_names: NodeNames | None = None


@dataclass(frozen=True)
class ProvisionedWorkers:
    ready: int                  # provisioned workers started and alive
    failure: str | None         # why starting them failed (then no more are started)


@dataclass
class _Function:
    """A deployed function and the warm workers of each of its versions: Lambda keeps an
    execution environment to one version, which it names in its environment variables."""

    spec: FunctionSpec
    deps: Path | None                   # its built requirements, if any
    log: LogSettings                    # its LoggingConfig
    pools: dict[str, Pool] = field(default_factory=dict)     # version → its workers
    # version → the code its pool's workers were started from (redeploy.code_stamp)
    stamps: dict[str, str] = field(default_factory=dict)
    # (code directory, layers) → its stamp as this deploy found it: taken when deploying,
    # so that the first call of a version walks no directories on its way to a worker
    code_stamps: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

    def code_stamp(self, spec: FunctionSpec) -> str:
        key = (str(spec.code_dir), tuple(map(str, spec.layers)))
        stamp = self.code_stamps.get(key)
        if stamp is None:
            stamp = self.code_stamps[key] = redeploy.code_stamp(spec)
        return stamp


class Runtime:
    def __init__(self, config: RuntimeConfig) -> None:
        self.config = config
        self.logs = LogStore(config.state_dir / "logs", lambda: int(time.time() * 1000))
        self._spawner = Spawner(config.python, config.sandbox)
        # Workers for functions that ship their own copy of a preloaded module (a pinned
        # six, an older boto3), from a zygote started on first use that imported only the
        # worker code. Purging the copies (and all that imported them) from a preloaded
        # worker's sys.modules would be faster (a prototype took a third of the time: the
        # stdlib stays imported) but is never sure to be right: what imported them is
        # guessed from references (`from six import string_types` leaves none), a
        # half-purged package breaks its re-import, and what their first import did to the
        # interpreter stays (sys.meta_path hooks, atexit, logging handlers, native
        # libraries loaded twice).
        # A worker that never imported them imports the function's copies as Lambda does.
        self._bare_spawner = Spawner(config.python, config.sandbox, preload=False)
        self._limiter = ConcurrencyLimiter(config.node_concurrency)
        self._functions: dict[str, _Function] = {}
        self._retired: set[Pool] = set()
        self._housekeeper: asyncio.Task[None] | None = None
        self._warned = False

    async def start(self) -> None:
        await self._spawner.start()
        self._warn_once(self._spawner.warning)
        self._housekeeper = asyncio.create_task(self._housekeeping(), name="fogbank-runtime")

    # ------------------------------------------------------------ functions

    def deploy(self, spec: FunctionSpec) -> None:
        """Add or replace a function; in-flight calls finish on the workers they started on.

        A version whose code and settings did not change keeps its workers, warm and
        provisioned (a change of tags, concurrency, aliases or another version's settings
        starts no new execution environments on Lambda); the others' workers are retired.
        Synchronous (a requirements.txt not built before is installed here); provisioned
        workers are started by the housekeeping loop within a tick.
        """
        self._deploy(spec, keep_warm=True)

    def reload(self, name: str) -> None:
        """Redeploy a function whose code changed in place: every version starts anew."""
        self._deploy(self.get(name), keep_warm=False)

    def _deploy(self, spec: FunctionSpec, keep_warm: bool) -> None:
        environment.check_environment(spec)
        if not spec.runtime.startswith("python"):
            raise InvalidParameterValue(f"Function {spec.name}: runtime {spec.runtime} is not "
                                        "supported; only Python functions run here")
        if not spec.code_dir.is_dir():
            raise InvalidParameterValue(f"Function {spec.name}: code directory "
                                        f"{spec.code_dir} does not exist")
        deps = build.dependencies_dir(spec.name, spec.code_dir, self.config.state_dir / "build",
                                      self.config.python)
        function = _Function(spec, deps, LogSettings.of(spec))
        old = self._functions.get(spec.name)
        self._functions[spec.name] = function
        self._limiter.configure(spec.name, spec.reserved_concurrency,
                                spec.provisioned_by_version())
        function.code_stamp(self._version_spec(spec, LATEST))
        if old is not None:
            for version, pool in old.pools.items():
                if keep_warm and self._keeps(old, function, version):
                    pool.adopt(self._version_spec(spec, version))
                    function.pools[version] = pool
                    function.stamps[version] = old.stamps[version]
                else:
                    self._retire(pool)
        for version in spec.provisioned_by_version():
            self._pool(function, version)                    # warmed by housekeeping

    def _keeps(self, old: _Function, new: _Function, version: str) -> bool:
        """Whether `version`'s workers, started for `old`, serve `new` as they are: the
        version is still there and runs the same code, dependencies and settings. A pool
        whose provisioned workers failed to start is not kept: a redeploy tries again."""
        pool = old.pools[version]
        if pool.provision_failure or old.deps != new.deps:
            return False
        if version != LATEST and new.spec.version_of(version) != version:
            return False                                     # the version was deleted
        return (redeploy.same_environment(pool.spec, self._version_spec(new.spec, version))
                and new.code_stamp(pool.spec) == old.stamps.get(version))

    def remove(self, name: str) -> None:
        function = self._functions.pop(name, None)
        if function is None:
            raise self._not_found(name)
        self._limiter.configure(name, None)
        for pool in function.pools.values():
            self._retire(pool)

    def get(self, name: str) -> FunctionSpec:
        function = self._functions.get(name)
        if function is None:
            raise self._not_found(name)
        return function.spec

    def list(self) -> list[FunctionSpec]:
        return [function.spec for function in self._functions.values()]

    def provisioned(self, name: str, version: str) -> ProvisionedWorkers:
        """How many of a version's provisioned workers are started, and why starting them
        failed if it did: what a provisioned concurrency config's status says."""
        function = self._functions.get(name)
        if function is None:
            raise self._not_found(name)
        pool = function.pools.get(version)
        if pool is None:
            return ProvisionedWorkers(0, None)
        return ProvisionedWorkers(pool.provisioned_ready, pool.provision_failure)

    def permits(self, name: str, source: InvokeSource) -> bool:
        """Whether the function `name` ("name" or "name:qualifier") exists and its policy
        lets `source` invoke it: what S3 asks before it takes a function as a notification
        destination (fogbank.types.InvokePermission)."""
        name, _, qualifier = name.partition(":")
        function = self._functions.get(name)
        return function is not None and resource_policy.permits(
            function.spec.permissions, qualifier or None, source)

    # ------------------------------------------------------------ invoking

    async def invoke(self, name: str, payload: bytes, *, client_context: str | None = None,
                     tail_logs: bool = False, trace_header: str | None = None,
                     wait_s: float | None = None, request_id: str | None = None,
                     source: InvokeSource | None = None) -> InvokeResult:
        """`name` as Lambda's FunctionName takes it: "name", or "name:qualifier" when the
        caller named a version or an alias. Lambda hands the function the ARN it was invoked
        by, so `context.invoked_function_arn` ends in the qualifier. The invocation runs in
        a worker of the version the qualifier resolves to (an alias with weights picks one
        of its versions per invocation), which the function sees as its version and the
        result names, as Lambda's ExecutedVersion does. A version runs the code and settings
        it keeps (FunctionSpec.snapshots), else the current ones. `trace_header` is the
        caller's X-Amzn-Trace-Id, which the invocation continues.

        `wait_s` is how long the caller waits, past which it gets WaitExpired while the
        invocation runs on. Only a function whose own timeout comes later needs that watch
        (a task of its own); the others time out first by themselves. `source` is another
        service asking (see fogbank.types.Invoker): the function's policy must allow it."""
        name, _, qualifier = name.partition(":")
        function = self._functions.get(name)
        if function is None:
            raise self._not_found(name)
        if source is not None and not resource_policy.permits(function.spec.permissions,
                                                              qualifier or None, source):
            raise NotPermitted(
                f"The resource-based policy of {function.spec.arn}"
                f"{':' + qualifier if qualifier else ''} does not allow {source.principal} "
                f"to call {source.action}"
                + (f" for {source.source_arn}" if source.source_arn else "")
                + ": add an AWS::Lambda::Permission")
        call = self._invoke(function, qualifier, payload, client_context, tail_logs,
                            trace_header, request_id)
        if wait_s is None or function.spec.timeout_s <= wait_s:
            return await call
        return await waiting.within(call, wait_s)

    async def _invoke(self, function: _Function, qualifier: str, payload: bytes,
                      client_context: str | None, tail_logs: bool, trace_header: str | None,
                      request_id: str | None) -> InvokeResult:
        """One invocation of `function`, `qualifier` split off its name (see `invoke`)."""
        spec = function.spec
        name = spec.name
        version = spec.routed_version(qualifier or None, random.random())
        if version is None:
            raise self._not_found(f"{name}:{qualifier}")
        pool = self._pool(function, version)
        spec = pool.spec            # the version's own code and settings, if it keeps them
        context_json = _client_context_json(client_context)
        admission = self._limiter.admit(name, version)
        request_id = request_id or request_uuid()
        loop = asyncio.get_running_loop()
        try:
            worker = await pool.acquire()
            first = worker.invocations == 0
            invoked_arn = f"{spec.arn}:{qualifier}" if qualifier else spec.arn
            inv = Invocation(request_id, payload, invoked_arn, spec.timeout_s,
                             int(time.time() * 1000 + spec.timeout_s * 1000), context_json,
                             tracing.carried_trace(trace_header))
            self._warn_once(worker.warning)
            log = function.log
            head = platform_logs.head(log, spec, version, request_id, worker, first)
            stream = worker.log_stream
            self.logs.write(name, request_id, head, flush=False, stream=stream)
            # Output reaches the log store (and `fogbank logs -f`) as it is written.
            worker.on_line = lambda line: self.logs.write(name, request_id, line + "\n",
                                                          flush=False, stream=stream)
            if log.filters_application:
                worker.on_line = _only_kept(log, worker.on_line)
            try:
                outcome = await worker.invoke(inv)
            except BaseException:
                worker.kill()  # cancelled mid-invocation: its channel is out of step now
                raise
            finally:
                worker.on_line = None
                pool.release(worker, loop.time())
        finally:
            self._limiter.release(admission)
        pool.observe(outcome.duration_ms)
        trailer = platform_logs.trailer(log, spec, request_id, worker, first, outcome)
        self.logs.write(name, request_id, trailer, stream=stream)
        output = platform_logs.ended(log.kept(outcome.output)) if tail_logs else ""
        return InvokeResult(
            request_id=request_id, payload=outcome.payload,
            function_error="Unhandled" if outcome.error_type else None,
            log_tail=_tail(head + output + trailer) if tail_logs else "",
            executed_version=version, error_type=outcome.error_type)

    async def close(self) -> None:
        if self._housekeeper is not None:
            self._housekeeper.cancel()
        for pool in self._live_pools() + list(self._retired):
            pool.close()
        self._functions.clear()
        self._retired.clear()
        await self._spawner.close()
        await self._bare_spawner.close()
        self.logs.close()

    # ------------------------------------------------------------ internals

    def _not_found(self, name: str) -> ResourceNotFound:
        arn = f"arn:aws:lambda:{self.config.region}:{self.config.account_id}:function:{name}"
        return ResourceNotFound(f"Function not found: {arn}", extra={"Type": "User"})

    def _warn_once(self, warning: str) -> None:
        if warning and not self._warned:
            self._warned = True
            log.warning(warning)

    def _pool(self, function: _Function, version: str) -> Pool:
        """The workers of one version of a function, made on first use. Only the versions
        that provisioned concurrency was configured on keep workers started ahead."""
        pool = function.pools.get(version)
        if pool is None:
            at_version = self._version_spec(function.spec, version)
            # The code as the deploy found it (versions sharing $LATEST's code were stamped
            # then): a change made after it shows as a different stamp at the next deploy.
            function.stamps[version] = function.code_stamp(at_version)
            pool = Pool(at_version,
                        lambda started_ahead: self._plan(at_version, function.deps,
                                                         started_ahead),
                        self._spawner_for(at_version, function.deps),
                        self.config.init_timeout_s)
            function.pools[version] = pool
        return pool

    @staticmethod
    def _version_spec(spec: FunctionSpec, version: str) -> FunctionSpec:
        """What one version's workers run: its own code and settings if it keeps them, and
        the provisioned concurrency configured on it."""
        provisioned = spec.provisioned_by_version().get(version, 0)
        return replace(spec.at(version), version=version, provisioned_concurrency=provisioned)

    def _spawner_for(self, spec: FunctionSpec, deps: Path | None) -> Spawner:
        """The zygote whose workers import what the function's path provides: the one
        without preloads if it ships a copy of a preloaded module. Asked once per version
        and deploy, as pools are made (after `start`: the zygote says what it preloaded)."""
        path = environment.function_path(spec, deps)
        own = shadowing.shadowed(path, self._spawner.preloaded)
        if not own:
            return self._spawner
        log.info("function %s ships its own %s: its workers start without the preloaded "
                 "modules (slower cold starts)", spec.name, ", ".join(own))
        return self._bare_spawner

    def _live_pools(self) -> list[Pool]:
        return [pool for function in self._functions.values()
                for pool in function.pools.values()]

    def _retire(self, pool: Pool) -> None:
        pool.retire()
        if pool.busy:
            self._retired.add(pool)

    def _plan(self, spec: FunctionSpec, deps: Path | None,
              provisioned: bool) -> tuple[WorkerPlan, str]:
        log_stream = environment.new_log_stream(spec.version)
        path = environment.function_path(spec, deps)
        env = environment.build_environment(
            spec, path=path, log_stream=log_stream, endpoint_url=self.config.endpoint_url,
            python_bin=self.config.python.parent, provisioned=provisioned)
        names = self.config.node_names
        trusted = _node_trust(names, env)
        sandbox = None
        if self.config.sandbox:
            others = [str(f.spec.code_dir) for f in self._functions.values()
                      if f.spec.name != spec.name]
            mask, keep = environment.sandbox_paths(
                # Whole layers: their bin/ and lib/ are on PATH and LD_LIBRARY_PATH too.
                own=[str(spec.code_dir)] + path[1:] + [str(layer) for layer in spec.layers]
                + trusted,
                hidden=[str(self.config.state_dir)] + others,
                interpreter=environment.interpreter_paths())
            sandbox = SandboxPlan(mask, keep, spec.ephemeral_storage_mb)
        plan = WorkerPlan(spec.name, spec.handler, str(spec.code_dir), tuple(path), env,
                          spec.memory_mb, sandbox, names.route() if names else None)
        return plan, log_stream

    async def _housekeeping(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(_HOUSEKEEPING_S)
            try:
                self._tidy(loop.time())
            except Exception:  # one bad tick must not end scale-to-zero and the watchdog
                log.exception("runtime housekeeping failed")

    def _tidy(self, now: float) -> None:
        for pool in self._live_pools():
            pool.reap(now, self.config.idle_ttl_s)
            pool.police_memory()
            pool.keep_provisioned()
        for pool in list(self._retired):
            pool.police_memory()
            if not pool.busy:
                self._retired.discard(pool)


def _node_trust(names: NodeNames | None, env: dict[str, str]) -> list[str]:
    """Adds the node's CA settings to a worker's environment (a function's own settings
    win); returns the paths the sandbox must keep visible for them."""
    if names is None:
        return []
    for key, value in names.environment().items():
        env.setdefault(key, value)
    return sorted({str(names.ca_bundle.parent), str(names.ca_cert.parent)})


def _client_context_json(client_context: str | None) -> str | None:
    """Invoke's ClientContext, base64 JSON (the Lambda API checked it); the function gets
    the decoded JSON."""
    return base64.b64decode(client_context).decode("utf-8") if client_context else None


def _only_kept(log: LogSettings, write: Callable[[str], object]) -> Callable[[str], None]:
    """`write` for the lines the function's ApplicationLogLevel keeps."""
    def on_line(line: str) -> None:
        if log.keeps(line):
            write(line)
    return on_line


def _tail(text: str) -> str:
    data = text.replace(EVENT_NEWLINE, "\n").encode("utf-8")[-LOG_TAIL_BYTES:]
    return data.decode("utf-8", "ignore")
