"""The request validation an OpenAPI / Swagger body declares for a REST API, as API
Gateway imports it.

- Validators: `x-amazon-apigateway-request-validators` (name → validateRequestBody,
  validateRequestParameters); an operation's `x-amazon-apigateway-request-validator`,
  else the document's, names the one checking it.
- Models: Swagger's `definitions`, OpenAPI 3's `components.schemas`; a `$ref` to one of
  them becomes a reference to that model (validation.model_url).
- An operation's required parameters: its `parameters` and its path's, `in` query, header
  or path with `required: true` (a `$ref` to `#/parameters/…` or
  `#/components/parameters/…` followed).
- An operation's body models: Swagger's `in: body` parameter's schema, for each type the
  operation (else the document) `consumes` (none: application/json); OpenAPI 3's
  `requestBody.content`. An inline schema becomes a model of its own, named after the
  operation.
Anything malformed is a ValueError saying what.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from fogbank.gateway.model import BodyModel, RequestValidator
from fogbank.gateway.validation import check_model, model_url

_VALIDATORS = "x-amazon-apigateway-request-validators"
_VALIDATOR = "x-amazon-apigateway-request-validator"
_LOCATIONS = {"query": "querystring", "header": "header", "path": "path"}
_MODEL_REFS = ("#/definitions/", "#/components/schemas/")
_NOT_NAME = re.compile(r"[^A-Za-z0-9]")


def validators(body: Mapping[str, Any]) -> dict[str, RequestValidator]:
    found = {}
    for name, spec in (body.get(_VALIDATORS) or {}).items():
        if not isinstance(spec, Mapping):
            raise ValueError(f"request validator {name} is not an object")
        found[str(name)] = RequestValidator(str(name), bool(spec.get("validateRequestBody")),
                                            bool(spec.get("validateRequestParameters")))
    return found


def _schemas(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return body.get("definitions") or (body.get("components") or {}).get("schemas") or {}


def _with_model_refs(api_id: str, value: Any) -> Any:
    """`value` with each `$ref` to a definition turned into a reference to its model."""
    if isinstance(value, list):
        return [_with_model_refs(api_id, item) for item in value]
    if not isinstance(value, Mapping):
        return value
    result = {}
    for key, item in value.items():
        if key == "$ref" and isinstance(item, str) and item.startswith(_MODEL_REFS):
            item = model_url(api_id, item.rsplit("/", 1)[1])
        result[key] = _with_model_refs(api_id, item)
    return result


def models(api_id: str, body: Mapping[str, Any]) -> dict[str, BodyModel]:
    found = {}
    for name, schema in _schemas(body).items():
        check_model(str(name), schema)
        found[str(name)] = BodyModel(str(name), _with_model_refs(api_id, schema))
    return found


def _follow(body: Mapping[str, Any], value: Any) -> Any:
    """A parameter or request body, its `$ref` within the document followed."""
    ref = value.get("$ref") if isinstance(value, Mapping) else None
    if not isinstance(ref, str):
        return value
    target: Any = body
    for part in ref.lstrip("#/").split("/"):
        target = target.get(part) if isinstance(target, Mapping) else None
    if target is None:
        raise ValueError(f"$ref {ref} names nothing in the definition")
    return target


class OperationChecks:
    """The validation of one operation: validator, required parameters, body models (and
    the models its inline schemas add to the API)."""

    def __init__(self, api_id: str, body: Mapping[str, Any], method: str, path: str,
                 path_item: Mapping[str, Any], operation: Mapping[str, Any],
                 known: Mapping[str, RequestValidator]) -> None:
        self.validator_id = str(operation.get(_VALIDATOR) or body.get(_VALIDATOR) or "")
        if self.validator_id and self.validator_id not in known:
            raise ValueError(f"{method} {path} names request validator {self.validator_id}, "
                             f"which the definition does not define")
        self._api_id, self._body = api_id, body
        self._label = _NOT_NAME.sub("", f"{method.title()}{path.title()}") or "Root"
        self.added_models: dict[str, BodyModel] = {}
        parameters = {}
        for spec in [*(path_item.get("parameters") or []), *(operation.get("parameters") or [])]:
            spec = _follow(body, spec)
            if isinstance(spec, Mapping):      # an operation's own overrides its path's
                parameters[(spec.get("in"), spec.get("name"))] = spec
        self.required = tuple((_LOCATIONS[where], str(name))
                              for (where, name), spec in parameters.items()
                              if where in _LOCATIONS and spec.get("required") is True)
        models: dict[str, str] = {}
        bodies = [spec for (where, _), spec in parameters.items() if where == "body"]
        if bodies:
            types = operation.get("consumes") or body.get("consumes") or ["application/json"]
            name = self._model(bodies[0].get("schema"), "Body")
            models = {str(media).lower(): name for media in types} if name else {}
        request_body = _follow(body, operation.get("requestBody"))
        if isinstance(request_body, Mapping):
            for media, content in (request_body.get("content") or {}).items():
                name = self._model((content or {}).get("schema"), _NOT_NAME.sub("", media))
                if name:
                    models[str(media).lower()] = name
        self.request_models = tuple(models.items())

    def _model(self, schema: Any, suffix: str) -> str | None:
        """The model name a schema stands for, adding one for an inline schema."""
        if not isinstance(schema, Mapping):
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_MODEL_REFS) and len(schema) == 1:
            name = ref.rsplit("/", 1)[1]
            if name not in _schemas(self._body):
                raise ValueError(f"$ref {ref} names no model of the definition")
            return name
        name = f"{self._label}{suffix}"
        check_model(name, schema)
        self.added_models[name] = BodyModel(name, _with_model_refs(self._api_id, schema))
        return name
