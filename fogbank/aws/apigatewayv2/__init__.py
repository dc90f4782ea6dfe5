"""The API Gateway V2 management API (what `boto3.client("apigatewayv2")` calls)."""
from fogbank.aws.apigatewayv2.service import ApiGatewayV2Service

__all__ = ["ApiGatewayV2Service"]
