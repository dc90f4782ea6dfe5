"""AWS::Lambda::Url (SAM's FunctionUrlConfig) → a function URL in the gateway's registry.

The URL targets a function by name or ARN (SAM's AutoPublishAlias makes it the alias's
ARN), or by name plus `Qualifier`; only an alias may qualify it, as in Lambda. `Ref`
gives the function's ARN, `GetAtt` FunctionArn and FunctionUrl (the host-based URL on
this node). The registry is in memory and the URL carries the node's port, so `restore`
registers again and hands back fresh attributes.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Any, Callable

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.functions import function_target
from fogbank.gateway.function_urls import (AWS_IAM, BUFFERED, LISTED_INVOKE_MODES, NONE,
                                           FunctionUrl, FunctionUrlRegistry, url_id_for)
from fogbank.gateway.openapi import cors_from
from fogbank.types import LATEST, Deployed, Resource

_AUTH_TYPES = (NONE, AWS_IAM)
_MAX_AGE = 86400


class FunctionUrlProvider:
    types = ("AWS::Lambda::Url",)
    attribute_names: frozenset[str] = frozenset({"FunctionArn", "FunctionUrl"})

    def __init__(self, urls: FunctionUrlRegistry, region: str, account_id: str, *,
                 clock: Callable[[], float] = time.time) -> None:
        self._urls, self._region, self._account_id = urls, region, account_id
        self._clock = clock

    def create(self, res: Resource) -> Deployed:
        return self._register(self._url(res))

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        url = self._url(new)
        before = self._url(old)
        if before.url_id != url.url_id:      # another function or alias: another URL
            self._urls.remove(before.url_id)
            return self._register(url)
        kept = self._urls.get(url.url_id)        # a changed URL keeps its creation time
        return self._register(url if kept is None else replace(url, created=kept.created))

    def delete(self, res: Resource, deployed: Deployed) -> None:
        self._urls.remove(self._url(res).url_id)

    def restore(self, res: Resource, deployed: Deployed) -> Deployed:
        return self._register(self._url(res))

    def _register(self, url: FunctionUrl) -> Deployed:
        self._urls.put(url)
        return Deployed(url.function_arn, {"FunctionArn": url.function_arn,
                                           "FunctionUrl": self._urls.url_for(url.url_id)})

    def _url(self, res: Resource) -> FunctionUrl:
        props = res.properties
        for required in ("AuthType", "TargetFunctionArn"):
            if not props.get(required):
                raise TemplateError(f"Properties validation failed for resource "
                                    f"{res.logical_id} with message: #: required key "
                                    f"[{required}] not found")
        function, qualifier = _target(res)
        auth_type = _one_of(res, "AuthType", "authType", _AUTH_TYPES)
        invoke_mode = _one_of(res, "InvokeMode", "invokeMode", LISTED_INVOKE_MODES, BUFFERED)
        return FunctionUrl(
            url_id=url_id_for(function, qualifier, self._account_id, self._region),
            function=function, qualifier=qualifier, auth_type=auth_type,
            cors=_cors(res), invoke_mode=invoke_mode, region=self._region,
            account_id=self._account_id, created=self._clock())


def _validation_error(res: Resource, value: Any, member: str, constraint: str
                      ) -> TemplateError:
    return TemplateError(f"Resource {res.logical_id}: 1 validation error detected: Value "
                         f"'{value}' at '{member}' failed to satisfy constraint: Member "
                         f"must {constraint}")


def _target(res: Resource) -> tuple[str, str | None]:
    """(function name, alias or None) from TargetFunctionArn and Qualifier."""
    function, derived = function_target(res.properties["TargetFunctionArn"])
    given = res.properties.get("Qualifier")
    given = None if given in (None, "") else str(given)
    if derived and given and derived != given:
        raise TemplateError(f"Resource {res.logical_id}: The derived qualifier from the "
                            "function name does not match the specified qualifier.")
    qualifier = derived or given
    if qualifier is not None and (qualifier == LATEST or qualifier.isdigit()):
        # A URL serves $LATEST (unqualified) or an alias, never a published version.
        raise _validation_error(res, qualifier, "qualifier",
                                r"satisfy regular expression pattern: "
                                r"((?!^\d+$)^[0-9a-zA-Z-_]+$)")
    return function, qualifier


def _one_of(res: Resource, prop: str, member: str, allowed: tuple[str, ...],
            default: str | None = None) -> str:
    value = res.properties.get(prop) or default
    if value not in allowed:
        raise _validation_error(res, value, member,
                                f"satisfy enum value set: [{', '.join(allowed)}]")
    return str(value)


def _cors(res: Resource) -> Any:
    config = res.properties.get("Cors")
    if config is None:
        return None
    if not isinstance(config, dict):
        raise TemplateError(f"Resource {res.logical_id}: Cors must be an object")
    max_age = config.get("MaxAge")
    if max_age is not None:
        try:
            age = int(str(max_age))
        except ValueError:
            age = -1
        if not 0 <= age <= _MAX_AGE:
            raise _validation_error(res, max_age, "cors.maxAge",
                                    f"have value less than or equal to {_MAX_AGE}"
                                    if age > _MAX_AGE else
                                    "have value greater than or equal to 0")
    credentials = config.get("AllowCredentials", False)
    return cors_from({**config, "AllowCredentials": credentials in (True, "true", "True")})
