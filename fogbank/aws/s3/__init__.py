"""S3 on the SDK endpoint: the REST-XML wire in front of the objects engine."""
from fogbank.aws.s3.app import S3App

__all__ = ["S3App"]
