"""Function URLs as GetFunctionUrlConfig, ListFunctionUrlConfigs and the URL writes describe
them, and `ApiFunctionUrls`, which serves the URLs of functions made through the Lambda API
from the gateway's registry."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from fogbank.functions import UrlConfig
from fogbank.gateway.function_urls import FunctionUrl, FunctionUrlRegistry
from fogbank.gateway.openapi import cors_from
from fogbank.types import ResourceNotFound


def no_url_config() -> ResourceNotFound:
    return ResourceNotFound("The resource you requested does not exist.",
                            extra={"Type": "User"})


class ApiFunctionUrls:
    """The managed-functions engine's URL server (functions.managed.UrlServer): each
    function's URLs become entries of the registry, which the URL app serves at once."""

    def __init__(self, urls: FunctionUrlRegistry, *, region: str, account_id: str) -> None:
        self._urls = urls
        self._region, self._account_id = region, account_id
        self._served: dict[str, set[str]] = {}      # function → its url ids in the registry

    def serve(self, function: str, urls: Mapping[str, UrlConfig]) -> None:
        wanted = {url.url_id: (qualifier or None, url) for qualifier, url in urls.items()}
        for gone in self._served.pop(function, set()) - wanted.keys():
            self._urls.remove(gone)
        for url_id, (qualifier, url) in wanted.items():
            self._urls.put(FunctionUrl(
                url_id=url_id, function=function, qualifier=qualifier,
                auth_type=url.auth_type, cors=cors_from(url.cors),
                invoke_mode=url.invoke_mode, region=self._region,
                account_id=self._account_id, created=url.created,
                modified=url.last_modified, orphaned=url.orphaned))
        if wanted:
            self._served[function] = set(wanted)


def url_configuration(url: FunctionUrl, urls: FunctionUrlRegistry) -> dict[str, Any]:
    """One URL's configuration. A template's URL was last modified when it was deployed."""
    created = _url_time(url.created)
    config: dict[str, Any] = {"FunctionUrl": urls.url_for(url.url_id),
                              "FunctionArn": url.function_arn, "AuthType": url.auth_type,
                              "CreationTime": created,
                              "LastModifiedTime": created if url.modified is None
                              else _url_time(url.modified),
                              "InvokeMode": url.invoke_mode}
    if url.cors is not None:
        config["Cors"] = _cors(url)
    return config


def _cors(url: FunctionUrl) -> dict[str, Any]:
    cors = url.cors
    assert cors is not None
    given: dict[str, Any] = {"AllowCredentials": cors.allow_credentials,
                             "AllowHeaders": list(cors.allow_headers),
                             "AllowMethods": list(cors.allow_methods),
                             "AllowOrigins": list(cors.allow_origins),
                             "ExposeHeaders": list(cors.expose_headers),
                             "MaxAge": cors.max_age}
    # Lambda leaves out what was not configured; MaxAge 0 is configured (and 0 == False).
    return {key: value for key, value in given.items()
            if value is not None and value is not False and value != []}


def _url_time(epoch: float) -> str:
    # ISO-8601 with microseconds in UTC, as function URL timestamps are written
    moment = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
