"""The SDK edge: every AWS service Fogbank serves, on one endpoint, by botocore's models."""
from fogbank.aws.app import SdkApp

__all__ = ["SdkApp"]
