"""A REST API's own answers and checks: AWS::ApiGateway::GatewayResponse (how it answers
what it refuses; gateway/gateway_responses.py), ::RequestValidator and ::Model, and what a
Method asks of them — RequestValidatorId, RequestModels (content type → model name) and
RequestParameters (`method.request.querystring.q: true` is required) — checked by
gateway/validation.py.

Whatever API Gateway would refuse fails the deploy with a TemplateError naming the
resource: an unknown ResponseType, a status that is not one, a mapping expression it does
not know, a schema that is not JSON Schema draft 4, a Method naming a validator or model
the API does not have. A Method's references are checked when it is created or updated,
not when it is restored: its validator may be restored after it (a changed validator is
updated once the unchanged Method is back).
"""
from __future__ import annotations

import json
from dataclasses import replace

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.intrinsics import as_flag
from fogbank.deploy.providers.api_parts import PartProvider, required, without_key
from fogbank.gateway.gateway_responses import gateway_response
from fogbank.gateway.model import Api, BodyModel, RequestValidator, Route
from fogbank.gateway.validation import BUILT_IN_MODELS, check_model, required_parameters
from fogbank.types import Resource


def _refused(res: Resource, exc: ValueError) -> TemplateError:
    return TemplateError(f"Resource {res.logical_id}: {exc}")


class GatewayResponseProvider(PartProvider):
    types = ("AWS::ApiGateway::GatewayResponse",)
    api_property = "RestApiId"

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        props = res.properties
        try:
            response = gateway_response(required(res, "ResponseType"), props.get("StatusCode"),
                                        props.get("ResponseParameters"),
                                        props.get("ResponseTemplates"))
        except ValueError as exc:
            raise _refused(res, exc) from None
        return replace(api, gateway_responses={**api.gateway_responses,
                                               response.response_type: response})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, gateway_responses=without_key(
            api.gateway_responses, str(res.properties.get("ResponseType"))))


class RequestValidatorProvider(PartProvider):
    types = ("AWS::ApiGateway::RequestValidator",)
    api_property = "RestApiId"

    id_attribute = "RequestValidatorId"

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        props = res.properties
        validator = RequestValidator(str(props.get("Name") or res.logical_id),
                                     as_flag(props.get("ValidateRequestBody")),
                                     as_flag(props.get("ValidateRequestParameters")))
        return replace(api, validators={**api.validators, physical_id: validator})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, validators=without_key(api.validators, physical_id))


class ModelProvider(PartProvider):
    """A model is known by its name (what Ref gives and RequestModels name); without a
    Name, the logical id is its name."""

    types = ("AWS::ApiGateway::Model",)
    api_property = "RestApiId"

    def physical_id(self, res: Resource) -> str:
        return str(res.properties.get("Name") or res.logical_id)

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        schema = res.properties.get("Schema") or {}     # a model need not have one
        try:
            if isinstance(schema, str):         # the schema may be given as JSON text
                try:
                    schema = json.loads(schema)
                except ValueError:
                    schema = None               # refused below as not a schema
            check_model(physical_id, schema)
        except ValueError as exc:
            raise _refused(res, exc) from None
        model = BodyModel(physical_id, schema,
                          str(res.properties.get("ContentType") or "application/json"))
        return replace(api, models={**api.models, physical_id: model})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, models=without_key(api.models, physical_id))


def _request_models(res: Resource) -> dict[str, str]:
    models = res.properties.get("RequestModels") or {}
    if not isinstance(models, dict):
        raise TemplateError(f"Resource {res.logical_id}: RequestModels must map content "
                            f"types to model names")
    return {str(media).lower(): str(name) for media, name in models.items()}


def method_validation(res: Resource, route: Route) -> Route:
    """`route` with the validation a Method's properties ask for."""
    try:
        parameters = required_parameters(res.properties.get("RequestParameters"), as_flag)
    except ValueError as exc:
        raise _refused(res, exc) from None
    return replace(route, validator_id=str(res.properties.get("RequestValidatorId") or ""),
                   required_parameters=parameters,
                   request_models=tuple(_request_models(res).items()))


def check_method_references(res: Resource, api: Api | None) -> None:
    """A TemplateError, as API Gateway refuses the Method, when it names a validator or a
    model its API does not have."""
    validator_id = res.properties.get("RequestValidatorId")
    if validator_id and (api is None or str(validator_id) not in api.validators):
        raise TemplateError(f"Resource {res.logical_id}: Invalid Request Validator identifier "
                            f"specified: {validator_id}")
    for name in _request_models(res).values():
        if name not in BUILT_IN_MODELS and (api is None or name not in api.models):
            raise TemplateError(f"Resource {res.logical_id}: Invalid model identifier "
                                f"specified: {name}")
