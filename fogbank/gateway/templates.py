"""Non-proxy Lambda integrations (type AWS): mapping templates between the request and the
function's event, and between its result and the answer (VTL: vtl.py).

The request: a REST API picks the request template by the request's Content-Type (none:
`application/json`); a WebSocket integration by what its TemplateSelectionExpression
selects from the message (else the `$default` template). With no template for it, the
PassthroughBehavior decides: WHEN_NO_MATCH passes the body through unchanged (an empty
one as `{}`); WHEN_NO_TEMPLATES does so only when the integration has no templates at
all; NEVER never does. A refused request is API Gateway's 415 "Unsupported Media Type".
A rendered event that is not JSON cannot be a Lambda event: the configuration error.

The answer: the integration response is chosen by its selection pattern, a regular
expression that must match the whole `errorMessage` of a function error; a result, or
an error no pattern matches, gets the default response (no pattern); none chosen is the
configuration error. Its template is picked by the request's Accept header (else
`application/json`, else its first), and names the answer's Content-Type; without one the
result is the body, as JSON. Its response parameters set method response headers from a
`'literal'`, `integration.response.body[.path]`, `stageVariables.x` or `context.x`
(integration response headers: Lambda's answer has none to give). A template may set
`$context.responseOverride.status` and `.header.Name`, which win.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Iterable, Mapping

from fogbank.gateway import event_v1, vtl
from fogbank.gateway.errors import (INVOKE_FAILED, MISCONFIGURED, UNSUPPORTED_MEDIA_TYPE,
                                    GatewayError)
from fogbank.gateway.model import (NEVER, WHEN_NO_MATCH, WHEN_NO_TEMPLATES,
                                   IntegrationResponse, NonProxy)
from fogbank.gateway.request import GatewayRequest
from fogbank.gateway.responses import Response
from fogbank.gateway.websocket.selection import compile_expression
from fogbank.types import InvokeResult

log = logging.getLogger(__name__)

_HEADER = "method.response.header."
_BODY = "integration.response.body"
_ANSWER_HEADER = "integration.response.header."
_JSON = "application/json"
_BEHAVIOURS = (WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER)
DEFAULT_KEY = "$default"


# ------------------------------------------------------------------ configuration

def _string_pairs(templates: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(key), "" if value is None else str(value))
                 for key, value in (templates or {}).items())


def non_proxy(request_templates: Any, passthrough: Any,
              entries: Iterable[tuple[str | None, Mapping[str, Any]]],
              template_selection: Any = None) -> NonProxy:
    """A non-proxy integration from its settings and its (selection pattern, response)
    pairs, each response with `status`, `parameters` and `templates` as the caller reads
    them (a pattern None was not given: the default response, as ""); ValueError naming
    what is not acceptable."""
    behaviour = str(passthrough or WHEN_NO_MATCH).upper()
    if behaviour not in _BEHAVIOURS:
        raise ValueError(f"PassthroughBehavior {passthrough} is not one of "
                         f"{', '.join(_BEHAVIOURS)}")
    found = []
    for given, spec in entries:
        pattern = given or ""
        try:
            re.compile(pattern)
        except re.error:
            raise ValueError(f"the selection pattern {pattern!r} is not a regular "
                             f"expression") from None
        parameters = tuple((str(name), str(value))
                           for name, value in (spec.get("parameters") or {}).items()
                           if str(name).startswith(_HEADER))
        found.append(IntegrationResponse(pattern, int(spec.get("status") or 200),
                                         parameters, _string_pairs(spec.get("templates")),
                                         pattern_given=given is not None))
    # The default response answers last: patterns are tried first.
    found.sort(key=lambda r: r.pattern == "")
    return NonProxy(_string_pairs(request_templates), behaviour, tuple(found),
                    str(template_selection or ""))


# ------------------------------------------------------------------ the request

def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _template_for(templates: tuple[tuple[str, str], ...], key: str) -> str | None:
    for name, template in templates:
        if name == key:
            return template
    lowered = key.lower()
    return next((template for name, template in templates if name.lower() == lowered), None)


def _passes(mapping: NonProxy) -> bool:
    """Whether a request no template matches passes through unchanged."""
    return (mapping.passthrough == WHEN_NO_MATCH
            or (mapping.passthrough == WHEN_NO_TEMPLATES and not mapping.request_templates))


def _as_event(text: str) -> bytes:
    """A rendered template as the function's event: JSON (an empty rendering as `{}`)."""
    if not text.strip():
        return b"{}"
    try:
        json.loads(text)
    except ValueError:
        log.warning("a mapping template rendered an event that is not JSON: %.200s", text)
        raise GatewayError(INVOKE_FAILED) from None
    return text.encode()


def _rest_params(request: GatewayRequest) -> dict[str, dict[str, str]]:
    headers: dict[str, str] = {}
    for name, value in request.headers:
        headers.setdefault(name, value)
    return {"path": dict(request.match.path_parameters),
            "querystring": event_v1.last_query_values(request.query_string),
            "header": headers}


def rest_context(request: GatewayRequest) -> vtl.JavaMap:
    """`$context` of a REST request: its proxy event's requestContext, and the overrides
    a template may set."""
    context = vtl.java_value(event_v1.request_context(request))
    context["responseOverride"] = vtl.JavaMap(header=vtl.JavaMap())
    context["requestOverride"] = vtl.JavaMap(header=vtl.JavaMap(), path=vtl.JavaMap(),
                                             querystring=vtl.JavaMap())
    return context


def _render(template: str, payload: str, params: Mapping[str, Mapping[str, str]],
            context: vtl.JavaMap, variables: Mapping[str, str]) -> str:
    try:
        return vtl.render(template, payload, params, context, variables)
    except vtl.TemplateFailed as exc:
        log.warning("a mapping template failed: %s", exc)
        raise GatewayError(MISCONFIGURED) from None


def rest_body(mapping: NonProxy, request: GatewayRequest, context: vtl.JavaMap
              ) -> str | None:
    """A REST request's template for its Content-Type rendered, or None when the body
    passes through unchanged; GatewayError 415 when the passthrough behaviour refuses it."""
    media = _media_type(request.content_type) or _JSON
    template = _template_for(mapping.request_templates, media)
    if template is None:
        if not _passes(mapping):
            raise GatewayError(UNSUPPORTED_MEDIA_TYPE)
        return None
    body = request.body.decode("utf-8", "replace")
    return _render(template, body, _rest_params(request), context, request.stage.variables)


def rest_event(mapping: NonProxy, request: GatewayRequest, context: vtl.JavaMap) -> bytes:
    """The function's event for a REST request; GatewayError 415 when the passthrough
    behaviour refuses it."""
    rendered = rest_body(mapping, request, context)
    if rendered is None:
        return request.body or b"{}"
    return _as_event(rendered)


def selected_key(expression: str, body: str | None) -> str:
    """What a WebSocket TemplateSelectionExpression selects from a message: a
    `$request.body.…` value, else the expression itself (`\\$default` is `$default`)."""
    expression = expression.strip()
    if not expression:
        return DEFAULT_KEY
    if "request.body." in expression:
        try:
            document = json.loads(body) if body else None
        except ValueError:
            document = None
        return (compile_expression(expression)(document) if isinstance(document, dict)
                else None) or DEFAULT_KEY
    return expression.replace("\\$", "$")


def websocket_event(mapping: NonProxy, body: str | None,
                    params: Mapping[str, Mapping[str, str]], context: vtl.JavaMap,
                    variables: Mapping[str, str]) -> bytes:
    """The function's event for a WebSocket message (`body` None: `$connect` or
    `$disconnect`, which carry none); GatewayError 415 when nothing may be sent."""
    key = selected_key(mapping.template_selection, body)
    template = _template_for(mapping.request_templates, key)
    if template is None:
        template = _template_for(mapping.request_templates, DEFAULT_KEY)
    if template is None:
        if not _passes(mapping):
            raise GatewayError(UNSUPPORTED_MEDIA_TYPE)
        return (body or "{}").encode()
    return _as_event(_render(template, body or "", params, context, variables))


# ------------------------------------------------------------------ the answer

def _error_message(result: InvokeResult) -> str | None:
    if not result.function_error:
        return None
    try:
        return str(json.loads(result.payload).get("errorMessage", ""))
    except (ValueError, AttributeError):
        return ""


def chosen_response(mapping: NonProxy, result: InvokeResult) -> IntegrationResponse:
    """The integration response for the function's result; the configuration error when
    none is chosen, as API Gateway answers it."""
    return selected_response(mapping, _error_message(result))


def selected_response(mapping: NonProxy, subject: str | None) -> IntegrationResponse:
    """The integration response whose selection pattern matches the whole of `subject` (a
    function error's message; the status code of another back end's answer), else the
    default one; the configuration error when there is neither."""
    for choice in mapping.responses:
        if choice.pattern == "" or (subject is not None
                                    and re.fullmatch(choice.pattern, subject)):
            return choice
    raise GatewayError(MISCONFIGURED)


def _response_template(templates: tuple[tuple[str, str], ...], accept: str
                       ) -> tuple[str, str] | None:
    """(content type, template) for the client's Accept: the first type it lists that
    has a template, else application/json's, else the first template."""
    if not templates:
        return None
    for part in accept.split(","):
        wanted = _media_type(part)
        template = _template_for(templates, wanted) if wanted else None
        if template is not None:
            return wanted, template
    template = _template_for(templates, _JSON)
    if template is not None:
        return _JSON, template
    return templates[0]


def body_value(payload: str, path: str) -> str | None:
    """`integration.response.body[.path]`: the body, or a member of it as text (JSON text
    for what is not a string)."""
    if not path:
        return payload
    try:
        found, value = vtl.jsonpath(json.loads(payload), "$" + path)
    except (ValueError, vtl.TemplateFailed):
        return None
    if not found or value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _parameter(source: str, payload: str, context: Mapping[str, Any],
               variables: Mapping[str, str],
               answer_headers: Iterable[tuple[str, str]] = ()) -> str | None:
    """A response parameter's value from its source; None when the source has none."""
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return source[1:-1]
    if source == _BODY or source.startswith(_BODY + "."):
        return body_value(payload, source[len(_BODY):])
    if source.startswith("stageVariables."):
        return variables.get(source[len("stageVariables."):])
    if source.startswith("context."):
        value: Any = context
        for part in source[len("context."):].split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return None if vtl.is_null(value) or isinstance(value, dict) else str(value)
    if source.lower().startswith(_ANSWER_HEADER):
        # A service's answer has headers (S3's Content-Type …); Lambda's has none.
        wanted = source[len(_ANSWER_HEADER):].lower()
        return next((value for name, value in answer_headers if name.lower() == wanted),
                    None)
    return None


def rest_answer(mapping: NonProxy, result: InvokeResult, request: GatewayRequest,
                context: vtl.JavaMap) -> Response:
    """The answer to the function's result."""
    return mapped_answer(chosen_response(mapping, result), result.payload, request, context)


def mapped_answer(chosen: IntegrationResponse, payload_bytes: bytes, request: GatewayRequest,
                  context: vtl.JavaMap, answer_headers: Iterable[tuple[str, str]] = ()
                  ) -> Response:
    """The method's answer through the chosen integration response: its template rendered
    over the back end's payload (none: the payload as it is) and its parameters over the
    payload and the back end's headers (`answer_headers`)."""
    payload = payload_bytes.decode("utf-8", "replace")
    selected = _response_template(chosen.templates, request.header("accept"))
    content_type, body = _JSON, payload_bytes
    if selected is not None:
        content_type = selected[0]
        if selected[1].strip():
            body = _render(selected[1], payload, _rest_params(request), context,
                           request.stage.variables).encode()
    headers: dict[str, str] = {"content-type": content_type}
    answer_headers = tuple(answer_headers)
    for name, source in chosen.parameters:
        value = _parameter(source, payload, context, request.stage.variables,
                           answer_headers)
        if value is not None:
            headers[name[len(_HEADER):].lower()] = value
    status = chosen.status
    override = context.get("responseOverride")
    if isinstance(override, dict):
        status = _override_status(override.get("status"), status)
        for name, value in (override.get("header") or {}).items():
            if not vtl.is_null(value):
                headers[str(name).lower()] = str(value)
    return Response(status, tuple((name.encode("latin-1"), value.encode("latin-1", "replace"))
                                  for name, value in headers.items()), body)


def _override_status(value: Any, status: int) -> int:
    try:
        code = int(str(value))
    except ValueError:
        return status
    return code if 100 <= code <= 599 else status


def websocket_reply(mapping: NonProxy, result: InvokeResult,
                    params: Mapping[str, Mapping[str, str]], context: vtl.JavaMap,
                    variables: Mapping[str, str], selection: str = "") -> str:
    """The frame a two-way WebSocket route sends: the chosen integration response's
    template (picked by its TemplateSelectionExpression, `selection`, else `$default`)
    rendered over the result, or the result as it is."""
    payload = result.payload.decode("utf-8", "replace")
    try:
        chosen = chosen_response(mapping, result)
    except GatewayError:
        if result.function_error:
            raise
        return payload            # a result with no integration response: as it is
    key = selected_key(selection, payload)
    template = (_template_for(chosen.templates, key)
                or _template_for(chosen.templates, DEFAULT_KEY))
    if template is None and len(chosen.templates) == 1:
        template = chosen.templates[0][1]
    if not template or not template.strip():
        return payload
    return _render(template, payload, params, context, variables)


# ------------------------------------------------------------------ mock integrations

def renders(mapping: NonProxy) -> bool:
    """Whether a mock's answer needs its templates: one holds VTL, or a response is chosen
    by a selection pattern over the status its request template sets. Else the default
    response answers with its template as written (the gateway's `MockResponse`)."""
    texts = [template for _, template in mapping.request_templates]
    for response in mapping.responses:
        if response.pattern:
            return True
        texts.extend(template for _, template in response.templates)
    return any("$" in text or "#" in text for text in texts)


def _mock_status(text: str) -> str:
    """The status a mock's request sets (`{"statusCode": 500}`): 200 when it sets none."""
    try:
        document = json.loads(text) if text.strip() else {}
    except ValueError:
        document = {}
    status = document.get("statusCode") if isinstance(document, dict) else None
    if isinstance(status, bool) or not isinstance(status, (int, str)):
        return "200"
    return str(status).strip()


def mock_answer(mapping: NonProxy, request: GatewayRequest, context: vtl.JavaMap
                ) -> Response:
    """A mock integration's answer: its request template (else the body passed through)
    sets the status code, which selects the integration response as another back end's
    status would; that response's template renders over an empty body."""
    rendered = rest_body(mapping, request, context)
    text = rendered if rendered is not None else request.body.decode("utf-8", "replace")
    chosen = selected_response(mapping, _mock_status(text))
    return mapped_answer(chosen, b"", request, context)
