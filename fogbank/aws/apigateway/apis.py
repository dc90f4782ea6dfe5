"""Finding a served API for the management APIs' reads, and the ARNs they show for its
Lambda targets."""
from __future__ import annotations

from fogbank.aws.apigateway.errors import NotFound
from fogbank.gateway import ApiRegistry
from fogbank.gateway.model import Api
from fogbank.types import partition_for


def served_api(apis: ApiRegistry, api_id: str, protocols: tuple[str, ...],
               account_id: str) -> Api:
    """The API of one of `protocols` (REST for V1; HTTP and WebSocket for V2) with this id."""
    api = apis.get(api_id)
    if api is None or api.protocol not in protocols:
        raise NotFound(f"Invalid API identifier specified {account_id}:{api_id}")
    return api


def function_arn(api: Api, function: str) -> str:
    """A function (NAME or NAME:QUALIFIER, as integrations keep it) as its Lambda ARN."""
    return (f"arn:{partition_for(api.region)}:lambda:{api.region}:{api.account_id}:"
            f"function:{function}")


def invocation_uri(api: Api, function: str) -> str:
    """How API Gateway names a Lambda target in a REST integration or an authorizer."""
    return (f"arn:{partition_for(api.region)}:apigateway:{api.region}:lambda:path/2015-03-31/"
            f"functions/{function_arn(api, function)}/invocations")
