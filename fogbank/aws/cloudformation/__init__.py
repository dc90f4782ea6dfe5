"""CloudFormation on the SDK edge: reads of the stack `fogbank up` deployed."""
from fogbank.aws.cloudformation.service import CloudFormationService

__all__ = ["CloudFormationService"]
