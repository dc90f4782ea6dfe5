"""Lambda's API on the SDK edge."""
from fogbank.aws.lambda_api.service import LambdaService

__all__ = ["LambdaService"]
