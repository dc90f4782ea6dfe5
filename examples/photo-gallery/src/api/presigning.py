"""The S3 client both API functions presign with.

Signature Version 4, as S3 recommends and every region accepts: left to itself, boto3 presigns
with Signature Version 2 in us-east-1.
"""
import boto3
from botocore.config import Config

presigner = boto3.client("s3", config=Config(signature_version="s3v4"))
