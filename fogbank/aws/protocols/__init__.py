"""Wire protocols, chosen by the service model's `protocol`; one module each."""
from __future__ import annotations

from typing import Any, Protocol

from botocore.model import OperationModel, ServiceModel

from fogbank.aws.protocols.json_rpc import JsonRpcProtocol
from fogbank.aws.protocols.query import QueryProtocol
from fogbank.aws.protocols.rest_json import RestJsonProtocol
from fogbank.wire import WireRequest, WireResponse
from fogbank.types import AwsError


class WireProtocol(Protocol):
    model: ServiceModel

    def match(self, request: WireRequest) -> tuple[OperationModel, dict[str, str]]: ...

    def parse(self, operation: OperationModel, request: WireRequest,
              labels: dict[str, str]) -> dict[str, Any]: ...

    # The request id is for protocols that answer with it in the body (query); the
    # others leave it to the x-amzn-RequestId header.
    def response(self, operation: OperationModel, output: dict[str, Any], *,
                 request_id: str = "") -> WireResponse: ...

    def error_response(self, error: AwsError, *, request_id: str = "") -> WireResponse: ...


PROTOCOLS: dict[str, type] = {
    "rest-json": RestJsonProtocol,
    "json": JsonRpcProtocol,
    "query": QueryProtocol,
}


def protocol_for(model: ServiceModel) -> WireProtocol:
    name = model.metadata["protocol"]
    try:
        return PROTOCOLS[name](model)
    except KeyError:
        raise ValueError(f"{model.service_name}: protocol {name!r} is not supported yet") from None
