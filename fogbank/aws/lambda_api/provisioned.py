"""The Lambda API's provisioned concurrency operations: Put, Get, List and Delete of the
configs of a function's published versions and aliases.

The configs of functions made through the API are the managed-functions engine's; a
template function's is its alias's ProvisionedConcurrencyConfig, read here and changed only
in the template. A config's status is what the runtime says of the version's workers:
IN_PROGRESS while they start, READY once all are started, FAILED if one's init failed.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Protocol

from fogbank.aws.lambda_api.configuration import code_facts, lambda_date
from fogbank.aws.lambda_api.names import FunctionRef, function_not_found, resolve
from fogbank.aws.lambda_api.paging import PAGE_LIMIT, opaque, start_after
from fogbank.aws.service import CallContext, Handler
from fogbank.functions import ManagedFunctions
from fogbank.functions.provisioned import checked_qualifier, config_missing, target_missing
from fogbank.types import FunctionSpec, ResourceNotFound


class ProvisionedState(Protocol):
    @property
    def ready(self) -> int:
        """The version's provisioned workers started."""

    @property
    def failure(self) -> str | None:
        """Why starting them failed."""


class Workers(Protocol):
    def provisioned(self, name: str, version: str) -> ProvisionedState: ...


# A config as read: (requested, LastModified as Lambda writes it).
_Config = tuple[int, str]


class ProvisionedConcurrency:
    writes = ("PutProvisionedConcurrencyConfig", "DeleteProvisionedConcurrencyConfig")
    reads = ("GetProvisionedConcurrencyConfig", "ListProvisionedConcurrencyConfigs")

    def __init__(self, get_spec: Callable[[str], FunctionSpec], workers: Workers,
                 managed: ManagedFunctions | None, *, region: str, account_id: str) -> None:
        self._get_spec = get_spec
        self._workers = workers
        self._managed = managed
        self._region, self._account_id = region, account_id
        self.operations: Mapping[str, Handler] = {
            "GetProvisionedConcurrencyConfig": self.get,
            "ListProvisionedConcurrencyConfigs": self.list,
            **({} if managed is None else {
                "PutProvisionedConcurrencyConfig": self.put,
                "DeleteProvisionedConcurrencyConfig": self.delete})}

    async def put(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        assert self._managed is not None
        ref = self._ref(params)
        config = await self._managed.put_provisioned(
            ref.name, checked_qualifier(ref.qualifier, put=True),
            params["ProvisionedConcurrentExecutions"])
        # Lambda answers before it starts anything.
        return {"RequestedProvisionedConcurrentExecutions": config.requested,
                "AvailableProvisionedConcurrentExecutions": 0,
                "AllocatedProvisionedConcurrentExecutions": 0,
                "Status": "IN_PROGRESS", "LastModified": lambda_date(config.last_modified)}

    async def delete(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        assert self._managed is not None
        ref = self._ref(params)
        await self._managed.delete_provisioned(ref.name,
                                               checked_qualifier(ref.qualifier, put=False))
        return {}

    async def get(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        qualifier = checked_qualifier(ref.qualifier, put=False)
        spec = self._spec(ref, missing=lambda: target_missing(_unqualified(ref), qualifier))
        version = spec.version_of(qualifier)
        if version is None:
            raise target_missing(spec.arn, qualifier)
        config = self._configs(spec).get(qualifier)
        if config is None:
            raise config_missing()
        return self._described(spec, version, config)

    async def list(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        spec = self._spec(ref, missing=lambda: function_not_found(
            FunctionRef(ref.name, ref.region, ref.account_id)))
        configs = self._configs(spec)
        qualifiers = sorted(configs)
        start = start_after(qualifiers, params.get("Marker"))
        limit = min(params.get("MaxItems", PAGE_LIMIT), PAGE_LIMIT)
        page = qualifiers[start:start + limit]
        items = []
        for qualifier in page:
            version = spec.version_of(qualifier)
            if version is not None:
                items.append({"FunctionArn": f"{spec.arn}:{qualifier}",
                              **self._described(spec, version, configs[qualifier])})
        output: dict[str, Any] = {"ProvisionedConcurrencyConfigs": items}
        if start + limit < len(qualifiers):
            output["NextMarker"] = opaque(page[-1])
        return output

    # ------------------------------------------------------------ internals

    def _described(self, spec: FunctionSpec, version: str, config: _Config) -> dict[str, Any]:
        requested, modified = config
        state = self._workers.provisioned(spec.name, version)
        ready = min(requested, state.ready)
        status = "FAILED" if state.failure else "READY" if ready >= requested else "IN_PROGRESS"
        described: dict[str, Any] = {
            "RequestedProvisionedConcurrentExecutions": requested,
            "AvailableProvisionedConcurrentExecutions": ready,
            "AllocatedProvisionedConcurrentExecutions": ready,
            "Status": status, "LastModified": modified}
        if state.failure:
            described["StatusReason"] = state.failure
        return described

    def _configs(self, spec: FunctionSpec) -> dict[str, _Config]:
        """The function's configs by qualifier: the kept ones of a function made through the
        API; else the template's, on the alias it was configured on."""
        if self._managed is not None and self._managed.owns(spec.name):
            return {q: (p.requested, lambda_date(p.last_modified))
                    for q, p in self._managed.record(spec.name).provisioned.items()}
        if not spec.provisioned_concurrency:
            return {}
        # The alias that configured it; else (a spec recorded before the alias was kept) the
        # alias pointing at its version, the first by name if several do.
        aliases = sorted(a for a, v in spec.aliases.items() if v == spec.provisioned_version)
        if spec.provisioned_alias in spec.aliases:
            aliases = [spec.provisioned_alias]
        if not aliases:
            return {}
        return {aliases[0]: (spec.provisioned_concurrency, code_facts(spec.code_dir)[2])}

    def _spec(self, ref: FunctionRef, *, missing: Callable[[], ResourceNotFound]) -> FunctionSpec:
        try:
            return self._get_spec(ref.name)
        except (KeyError, ResourceNotFound):
            raise missing() from None

    def _ref(self, params: dict[str, Any]) -> FunctionRef:
        return resolve(params["FunctionName"], params.get("Qualifier"),
                       region=self._region, account_id=self._account_id)


def _unqualified(ref: FunctionRef) -> str:
    return FunctionRef(ref.name, ref.region, ref.account_id).arn
