"""AWS STS on the SDK edge (what `aws sts get-caller-identity` calls)."""
from fogbank.aws.sts.service import StsService

__all__ = ["StsService"]
