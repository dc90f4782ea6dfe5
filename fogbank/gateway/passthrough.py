"""A REST API's non-proxy Lambda integration (type AWS) without mapping templates.

API Gateway passes the request body through as the function's event (an empty body as
`{}`), and the function's result through as the response body. Which integration response
answers is chosen by its selection pattern, a regular expression that must match the
whole `errorMessage` of a function error; a result, or an error no pattern matches, gets
the default response (the one without a pattern). Each response sets the status and may
set static headers (`method.response.header.X: "'value'"`); the body is JSON.

Mapping templates (VTL) are not evaluated: an integration that has any other than the
passthrough ones (`$input.json('$')`, `$input.body`) is refused where it is declared.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

import orjson

from fogbank.gateway.errors import MISCONFIGURED, GatewayError
from fogbank.gateway.model import IntegrationResponse
from fogbank.gateway.responses import Response
from fogbank.types import InvokeResult

_HEADER = "method.response.header."
_PASSING = frozenset({"$input.json('$')", '$input.json("$")', "$input.body"})
_JSON = (b"content-type", b"application/json")


class NeedsTemplates(ValueError):
    """The integration maps its request or response with templates Fogbank cannot run."""


def _check_templates(templates: Any, where: str) -> None:
    for content_type, template in (templates or {}).items():
        if str(template).strip() not in _PASSING:
            raise NeedsTemplates(f"a non-proxy Lambda integration's {where} mapping template "
                                 f"for {content_type} is not served (Fogbank does not run "
                                 f"mapping templates)")


def _static_headers(parameters: Any) -> tuple[tuple[bytes, bytes], ...]:
    headers = []
    for name, value in (parameters or {}).items():
        text = str(value)
        # Only literal values ('…'); values read from the integration's answer are left out.
        if name.startswith(_HEADER) and len(text) >= 2 and text[0] == text[-1] == "'":
            headers.append((name[len(_HEADER):].lower().encode("latin-1"),
                            text[1:-1].encode("latin-1")))
    return tuple(headers)


def responses(request_templates: Any, passthrough: Any,
              entries: list[tuple[str, Mapping[str, Any]]]) -> tuple[IntegrationResponse, ...]:
    """The integration responses from (selection pattern, response) pairs, each with
    `status`, `parameters` and `templates` read by the caller's naming; NeedsTemplates
    when a mapping template would be needed."""
    _check_templates(request_templates, "request")
    if str(passthrough or "WHEN_NO_MATCH").upper() == "NEVER" and not request_templates:
        raise NeedsTemplates("a non-proxy Lambda integration with PassthroughBehavior NEVER "
                             "and no mapping template refuses every request")
    found = []
    for pattern, spec in entries:
        _check_templates(spec.get("templates"), "response")
        try:
            re.compile(pattern)
        except re.error:
            raise ValueError(f"the selection pattern {pattern!r} is not a regular "
                             f"expression") from None
        found.append(IntegrationResponse(pattern, int(spec.get("status") or 200),
                                         _static_headers(spec.get("parameters"))))
    # The default response answers last: patterns are tried first.
    return tuple(sorted(found, key=lambda r: r.pattern == ""))


def event(body: bytes) -> bytes:
    return body or b"{}"


def answer(choices: tuple[IntegrationResponse, ...], result: InvokeResult) -> Response:
    """The response to the function's result; a configuration error (500) when no
    integration response is chosen, as API Gateway answers it."""
    message = None
    if result.function_error:
        try:
            message = str(orjson.loads(result.payload).get("errorMessage", ""))
        except (orjson.JSONDecodeError, AttributeError):
            message = ""
    chosen = None
    for choice in choices:
        if choice.pattern == "" or (message is not None
                                    and re.fullmatch(choice.pattern, message)):
            chosen = choice
            break
    if chosen is None:
        raise GatewayError(MISCONFIGURED)
    headers = chosen.headers
    if not any(name == b"content-type" for name, _ in headers):
        headers = (_JSON, *headers)
    return Response(chosen.status, headers, result.payload)
