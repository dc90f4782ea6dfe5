"""What every API Gateway resource provider shares: required properties, ids derived from
the stack, and `PartProvider`, the base of each resource that is one entry of an API."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from fogbank.deploy.errors import TemplateError
from fogbank.gateway import ApiRegistry
from fogbank.gateway.model import Api, stable_id
from fogbank.types import Deployed, Resource


def required(res: Resource, prop: str) -> Any:
    value = res.properties.get(prop)
    if value in (None, ""):
        raise TemplateError(f"Properties validation failed for resource {res.logical_id} "
                            f"with message: #: required key [{prop}] not found")
    return value


def own_id(res: Resource) -> str:
    return stable_id(res.stack_name, res.logical_id)


class PartProvider:
    """A resource that is one entry of an API (a stage, a route …): create and restore add
    it, delete removes it, update does both."""

    types: tuple[str, ...] = ()
    api_property = "ApiId"
    id_attribute: str | None = None     # the attribute Fn::GetAtt reads its id by, if any

    def __init__(self, apis: ApiRegistry, region: str, account_id: str) -> None:
        self._apis = apis

    def create(self, res: Resource) -> Deployed:
        return self._put(res)

    def restore(self, res: Resource, deployed: Deployed) -> Deployed:
        return self._put(res)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        self.delete(old, deployed)
        return self._put(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        self._change(res, lambda api: self.without(api, res, deployed.physical_id))

    def _put(self, res: Resource) -> Deployed:
        physical_id = self.physical_id(res)
        self._change(res, lambda api: self.with_(api, res, physical_id))
        return Deployed(physical_id, self.attributes(physical_id))

    def _change(self, res: Resource, change: Callable[[Api], Api]) -> None:
        self._apis.update(str(required(res, self.api_property)), change)

    def physical_id(self, res: Resource) -> str:
        return own_id(res)

    @property
    def attribute_names(self) -> frozenset[str]:
        """What Fn::GetAtt may read of this part, known before it is deployed."""
        return frozenset({self.id_attribute} if self.id_attribute else ())

    def attributes(self, physical_id: str) -> dict[str, Any]:
        return {self.id_attribute: physical_id} if self.id_attribute else {}

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        return api

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return api


def without_key(mapping: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}
