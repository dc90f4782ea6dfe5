"""REST APIs' request validation: what a method's request validator checks before its
integration is called (after the authorizer and the API key).

- Parameters (the validator's `parameters`): every parameter the method requires
  (`method.request.querystring.q: true`, an OpenAPI parameter with `required`) must be sent
  and not blank; API Gateway checks no type or format. A refusal names the missing ones,
  headers first, then path, then query string:
  400 `{"message": "Missing required request parameters: [h, q]"}`.
- The body (the validator's `body`): the method's model for the request's Content-Type
  (none sent: application/json), else its `$default` model, must accept the body as JSON
  Schema draft 4; no model for the type: no check. An empty body is checked as `{}`, as
  API Gateway does. A refusal is 400 `{"message": "Invalid request body"}`; the schema
  errors are what `$context.error.validationErrorString` shows (in jsonschema's words,
  not API Gateway's Java validator's).
Parameters are checked before the body. Models may refer to each other as API Gateway
names them, `https://apigateway.amazonaws.com/restapis/{api}/models/{name}`; an OpenAPI
body's `#/definitions/X` refer to the same (see openapi_validation.py).
"""
from __future__ import annotations

import logging
import re
from typing import Any, Iterable, Mapping

import orjson
from jsonschema import Draft4Validator
from jsonschema.exceptions import SchemaError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4

from fogbank.gateway.errors import BAD_BODY, BAD_PARAMETERS, MISCONFIGURED, GatewayError
from fogbank.gateway.event_v1 import last_query_values
from fogbank.gateway.model import Api, BodyModel
from fogbank.gateway.request import GatewayRequest

log = logging.getLogger(__name__)

DEFAULT_CONTENT_TYPE = "$default"
# The models every REST API has.
BUILT_IN_MODELS = {
    "Empty": BodyModel("Empty", {"$schema": "http://json-schema.org/draft-04/schema#",
                                 "title": "Empty Schema", "type": "object"}),
    "Error": BodyModel("Error", {"$schema": "http://json-schema.org/draft-04/schema#",
                                 "title": "Error Schema", "type": "object",
                                 "properties": {"message": {"type": "string"}}}),
}
_PARAMETER = re.compile(r"method\.request\.(querystring|header|path|multivaluequerystring|"
                        r"multivalueheader)\.([A-Za-z0-9._$-]+)")
_MODEL_NAME = re.compile(r"[A-Za-z0-9]+")
_MAX_ERRORS = 10


def model_url(api_id: str, name: str) -> str:
    """How a model refers to another model of its API."""
    return f"https://apigateway.amazonaws.com/restapis/{api_id}/models/{name}"


def check_model(name: str, schema: Any) -> None:
    """ValueError, in API Gateway's words, for a model it would not create."""
    if not _MODEL_NAME.fullmatch(name):
        raise ValueError(f"Model name must be alphanumeric: {name}")
    if not isinstance(schema, Mapping):
        raise ValueError("Invalid model specified: Validation Result: warnings : [], "
                         "errors : [Invalid model schema specified]")
    try:
        Draft4Validator.check_schema(schema)
    except SchemaError as exc:
        raise ValueError(f"Invalid model specified: Validation Result: warnings : [], "
                         f"errors : [Invalid model schema specified: {exc.message}]") from None


def required_parameters(mapping: Any, flag: Any) -> tuple[tuple[str, str], ...]:
    """(location, name) of each `method.request.<location>.<name>` a Method's
    RequestParameters marks required (`flag(value)` says whether a value is true)."""
    if mapping in (None, ""):
        return ()
    if not isinstance(mapping, Mapping):
        raise ValueError("RequestParameters must map parameter names to true or false")
    required = []
    for key, value in mapping.items():
        found = _PARAMETER.fullmatch(str(key))
        if found is None:
            raise ValueError(f"Invalid mapping expression specified: {key}")
        if flag(value):
            required.append((found.group(1).replace("multivalue", ""), found.group(2)))
    return tuple(required)


def _registry(api: Api) -> Registry:
    models = {**BUILT_IN_MODELS, **api.models}
    return Registry().with_resources(
        (model_url(api.api_id, name), Resource.from_contents(dict(model.schema),
                                                             default_specification=DRAFT4))
        for name, model in models.items())


class RequestChecks:
    """The validation of one API's methods; model schemas are compiled when first used."""

    def __init__(self, api: Api) -> None:
        self._api = api
        self._validators: dict[str, Draft4Validator] = {}
        self._registry: Registry | None = None

    def check(self, request: GatewayRequest) -> None:
        """GatewayError when the request fails its method's validator."""
        route = request.match.route
        validator = self._api.validators.get(route.validator_id)
        if validator is None:
            log.warning("API %s: %s names request validator %s, which is gone",
                        self._api.api_id, route.key, route.validator_id)
            raise GatewayError(MISCONFIGURED)
        if validator.parameters:
            # Named in the order of their keys (headers, then path, then query string, each
            # by name), not as the method lists them, as API Gateway names them.
            missing = list(_missing(request, sorted(route.required_parameters)))
            if missing:
                raise GatewayError(BAD_PARAMETERS, message="Missing required request "
                                   f"parameters: [{', '.join(missing)}]")
        if validator.body and route.request_models:
            models = dict(route.request_models)
            media = request.content_type.split(";", 1)[0].strip().lower() or "application/json"
            name = models.get(media) or models.get(DEFAULT_CONTENT_TYPE)
            if name is not None:
                self._check_body(name, request.body)

    def _check_body(self, name: str, body: bytes) -> None:
        try:
            document = orjson.loads(body) if body.strip() else {}
        except orjson.JSONDecodeError as exc:
            raise GatewayError(BAD_BODY, detail=f"[Invalid JSON: {exc}]") from None
        try:
            errors = [error.message for _, error in
                      zip(range(_MAX_ERRORS), self._validator(name).iter_errors(document))]
        except Unresolvable as exc:
            log.warning("API %s: model %s refers to %s, which is not a model",
                        self._api.api_id, name, exc)
            raise GatewayError(MISCONFIGURED) from None
        if errors:
            raise GatewayError(BAD_BODY, detail=f"[{', '.join(errors)}]")

    def _validator(self, name: str) -> Draft4Validator:
        validator = self._validators.get(name)
        if validator is None:
            model = self._api.models.get(name) or BUILT_IN_MODELS.get(name)
            if model is None:
                log.warning("API %s: a method names model %s, which is gone",
                            self._api.api_id, name)
                raise GatewayError(MISCONFIGURED)
            if self._registry is None:
                self._registry = _registry(self._api)
            validator = Draft4Validator(dict(model.schema), registry=self._registry)
            self._validators[name] = validator
        return validator


def _missing(request: GatewayRequest, required: Iterable[tuple[str, str]]) -> Iterable[str]:
    query: dict[str, str] | None = None
    headers = {name.lower(): value for name, value in request.headers}
    for location, name in required:
        if location == "querystring":
            query = query if query is not None else last_query_values(request.query_string)
            value = query.get(name)
        elif location == "header":
            value = headers.get(name.lower())
        else:
            value = request.match.path_parameters.get(name)
        if not value or not value.strip():
            yield name
