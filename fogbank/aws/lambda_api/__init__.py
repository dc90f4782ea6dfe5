"""Lambda's API on the SDK edge."""
from fogbank.aws.lambda_api.code_links import CodeLinks
from fogbank.aws.lambda_api.service import LambdaService

__all__ = ["CodeLinks", "LambdaService"]
