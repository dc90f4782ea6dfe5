"""Function URLs as GetFunctionUrlConfig and ListFunctionUrlConfigs describe them."""
from __future__ import annotations

import datetime as dt
from typing import Any

from fogbank.gateway.function_urls import FunctionUrl, FunctionUrlRegistry
from fogbank.types import ResourceNotFound


def no_url_config() -> ResourceNotFound:
    return ResourceNotFound("The resource you requested does not exist.",
                            extra={"Type": "User"})


def url_configuration(url: FunctionUrl, urls: FunctionUrlRegistry) -> dict[str, Any]:
    """One URL's configuration. A URL comes from the template, so it was last modified
    when it was deployed."""
    created = _url_time(url.created)
    config: dict[str, Any] = {"FunctionUrl": urls.url_for(url.url_id),
                              "FunctionArn": url.function_arn, "AuthType": url.auth_type,
                              "CreationTime": created, "LastModifiedTime": created,
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
    # Lambda leaves out what was not configured.
    return {key: value for key, value in given.items() if value not in (None, [], False)}


def _url_time(epoch: float) -> str:
    # ISO-8601 with microseconds in UTC, as function URL timestamps are written
    moment = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
