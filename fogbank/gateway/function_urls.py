"""Lambda function URLs: what one is, the node's registry of them, and how a request names one.

A function URL is AWS's `https://{urlId}.lambda-url.{region}.on.aws/`. On the node's single
port it is reached the ways an API is (see addressing.py):
- host-based: `http://{urlId}.lambda-url.localhost:4566/path` (any `{urlId}.lambda-url.…`
  host is accepted, so AWS's own name works from inside functions, runtime/resolver.py);
- path-based: `http://127.0.0.1:4566/_aws/lambda-url/{urlId}/path` (needs no DNS).
The url id is derived from the function and qualifier, so a URL survives restarts. The
deploy provider writes entries here; the gateway serves them (function_url_app.py) and the
Lambda API reads them (GetFunctionUrlConfig, ListFunctionUrlConfigs).
Functions made through the Lambda API get URLs here too (CreateFunctionUrlConfig, through
aws/lambda_api/function_urls.ApiFunctionUrls); theirs keep the random url id they were made
with, so one made again after a delete has another address, as on AWS.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fogbank.gateway.model import (DEFAULT_ROUTE, DEFAULT_STAGE, HTTP, Api, Cors, Integration,
                                   Route, Stage, stable_id)
from fogbank.gateway.routing import Match
from fogbank.wire import host_header

NONE, AWS_IAM = "NONE", "AWS_IAM"                           # AuthType
BUFFERED, RESPONSE_STREAM = "BUFFERED", "RESPONSE_STREAM"   # InvokeMode
# Every InvokeMode, as Lambda's ValidationException lists them when it refuses a value
# (not in its model's order).
LISTED_INVOKE_MODES = (RESPONSE_STREAM, BUFFERED)
PATH_PREFIX = "/_aws/lambda-url/"
URL_ID_LENGTH = 32
# What requestContext.accountId says for a URL anyone may call.
ANONYMOUS = "anonymous"
_URL_ID = re.compile(rf"[a-z0-9]{{{URL_ID_LENGTH}}}")
_PREFIX = PATH_PREFIX.encode()


def url_id_for(function: str, qualifier: str | None, account_id: str, region: str) -> str:
    """The url id of a function's URL (qualifier: its alias, or None), stable across
    restarts for the same function."""
    return stable_id("lambda-url", region, account_id, function, qualifier or "",
                     length=URL_ID_LENGTH)


def tls_names(region: str) -> list[str]:
    """The names the node's TLS listener answers for function URLs."""
    return [f"*.lambda-url.{region}.on.aws", "*.lambda-url.localhost"]


@dataclass(frozen=True)
class FunctionUrl:
    """One AWS::Lambda::Url (the `Cors` model is an HTTP API's, which it mirrors)."""

    url_id: str
    function: str                    # the function's name
    qualifier: str | None            # the alias the URL invokes; None: the unqualified one
    auth_type: str = NONE
    cors: Cors | None = None
    invoke_mode: str = BUFFERED
    region: str = "us-east-1"
    account_id: str = "000000000000"
    created: float = 0.0             # epoch seconds
    # When its settings last changed (epoch seconds); None: when it was created.
    modified: float | None = None
    # Its alias was deleted: the address answers Forbidden, and neither the Lambda API
    # nor the URL list shows it.
    orphaned: bool = False
    # The payload-2.0 event builder's view of the URL: one `$default` route of an HTTP API
    # whose id is the url id (event_v2.build_event serves both).
    api: Api = field(init=False, repr=False, compare=False)
    match: Match = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A signed caller's account shows in its events; anyone else is "anonymous".
        caller = self.account_id if self.auth_type == AWS_IAM else ANONYMOUS
        integration = Integration(function=self.target)
        object.__setattr__(self, "api", Api(
            self.url_id, HTTP, region=self.region, account_id=caller,
            stages={DEFAULT_STAGE: Stage(DEFAULT_STAGE)}))
        object.__setattr__(self, "match",
                           Match(Route("", DEFAULT_ROUTE, ""), integration, {}))

    @property
    def target(self) -> str:
        """The function as the invoker takes it: NAME or NAME:ALIAS."""
        return f"{self.function}:{self.qualifier}" if self.qualifier else self.function

    @property
    def function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.target}"

    @property
    def stage(self) -> Stage:
        return self.api.stages[DEFAULT_STAGE]


class FunctionUrlRegistry:
    """The function URLs this node serves, in memory, keyed by url id. `base_url` is the
    node's endpoint (`http://127.0.0.1:4566`): its port goes into the URLs users see."""

    def __init__(self, base_url: str = "http://127.0.0.1:4566") -> None:
        self.base_url = base_url.rstrip("/")
        self._urls: dict[str, FunctionUrl] = {}

    def put(self, url: FunctionUrl) -> None:
        self._urls[url.url_id] = url

    def remove(self, url_id: str) -> None:
        self._urls.pop(url_id, None)

    def get(self, url_id: str) -> FunctionUrl | None:
        return self._urls.get(url_id)

    def of_function(self, function: str) -> list[FunctionUrl]:
        """A function's URLs, in the order of their function ARNs."""
        return sorted((url for url in self._urls.values()
                       if url.function == function and not url.orphaned),
                      key=lambda url: url.function_arn)

    def urls(self, function_arn: str) -> list[tuple[str, str]]:
        """(form, URL) of the URL invoking a function ARN (qualified by its alias, if any),
        as users are shown it: the host-based URL (form ""), then the one needing no DNS."""
        for url in self._urls.values():
            if url.function_arn == function_arn and not url.orphaned:
                return [("", self.url_for(url.url_id)),
                        ("no DNS", self.path_url_for(url.url_id))]
        return []

    def url_for(self, url_id: str) -> str:
        """The host-based URL (FunctionUrl): browsers and curl resolve `*.localhost`."""
        port = urlsplit(self.base_url).port or 80
        return f"http://{url_id}.lambda-url.localhost:{port}/"

    def path_url_for(self, url_id: str) -> str:
        """The same URL on the node's own address: needs no DNS."""
        return f"{self.base_url}{PATH_PREFIX}{url_id}/"

    @staticmethod
    def handles(scope: dict[str, Any]) -> bool:
        """Whether an ASGI scope is addressed to a function URL (for node.py's dispatch)."""
        if scope.get("type") != "http":
            return False
        return scope["path"].startswith(PATH_PREFIX) or \
            url_id_from_host(host_header(scope)) is not None


@dataclass(frozen=True)
class UrlAddress:
    url_id: str
    raw_path: str          # after the URL's own part, percent-encoded: "/items/1"
    host: str              # the Host header as sent
    host_based: bool


def url_id_from_host(host: str) -> str | None:
    labels = host.split(":", 1)[0].lower().split(".")
    if len(labels) >= 3 and labels[1] == "lambda-url" and _URL_ID.fullmatch(labels[0]):
        return labels[0]
    return None


def address_of(scope: dict[str, Any]) -> UrlAddress | None:
    host = host_header(scope)
    raw = (scope.get("raw_path") or scope["path"].encode()).split(b"?", 1)[0]
    if raw.startswith(_PREFIX):
        url_id, _, rest = raw[len(_PREFIX):].partition(b"/")
        return UrlAddress(url_id.decode("latin-1"), "/" + rest.decode("latin-1"), host,
                          False) if url_id else None
    url_id = url_id_from_host(host)
    if url_id is None:
        return None
    return UrlAddress(url_id, raw.decode("latin-1") or "/", host, True)
