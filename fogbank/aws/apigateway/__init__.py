"""The API Gateway management API (what `boto3.client("apigateway")` calls)."""
from fogbank.aws.apigateway.service import ApiGatewayService

__all__ = ["ApiGatewayService"]
