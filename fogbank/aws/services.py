"""Which AWS service a request is for, by an explicit table — never by sniffing bodies.

In order: the `X-Amz-Target` prefix (JSON protocols), the service in the SigV4 credential
scope (header or presigned query), then a table of path prefixes for unsigned REST calls.
Names are botocore's service-model names ("lambda", "dynamodb", …).
"""
from __future__ import annotations

from fogbank.aws.sigv4 import CredentialScope
from fogbank.wire import WireRequest

TARGET_PREFIXES: dict[str, str] = {
    "DynamoDB_20120810": "dynamodb",
    "DynamoDBStreams_20120810": "dynamodbstreams",
    "AmazonSQS": "sqs",
    "AWSCognitoIdentityProviderService": "cognito-idp",
    "AWSEvents": "events",
    "Logs_20140328": "logs",
    "AmazonSSM": "ssm",
    "secretsmanager": "secretsmanager",
    "AWSStepFunctions": "stepfunctions",
    "Kinesis_20131202": "kinesis",
}

# SigV4 signing names that differ from the botocore model name.
SIGNING_NAMES: dict[str, str] = {
    "execute-api": "apigatewaymanagementapi",
    "states": "stepfunctions",
    "cognito-identity": "cognito-identity",
}

# Services that sign with another service's name, told apart by their paths: API Gateway
# V1 and V2 both sign as "apigateway"; V2's paths all start with /v2/.
SHARED_SIGNING_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "apigateway": (("/v2/", "apigatewayv2"),),
}

# Lambda versions its REST paths by date; each operation family has its own prefix.
_LAMBDA_DATES = (
    "2014-11-13", "2015-03-31", "2016-08-19", "2017-03-31", "2017-10-31", "2018-10-31",
    "2019-09-25", "2019-09-30", "2020-04-22", "2020-06-30", "2021-07-20", "2021-10-31",
    "2021-11-15", "2024-08-31", "2025-11-30", "2025-12-01", "2026-07-09",
)
PATH_PREFIXES: tuple[tuple[str, str], ...] = (
    *((f"/{date}/", "lambda") for date in _LAMBDA_DATES),
    ("/@connections/", "apigatewaymanagementapi"),
)


def recognise(request: WireRequest, scope: CredentialScope | None) -> str | None:
    """The service model name for this request, or None when nothing names one."""
    target = request.header("x-amz-target")
    if target:
        # Operation names hold no dots, but a wrong target may ("DynamoDB_20120810.Get.x"):
        # a known prefix before its first dot still names the service, which then answers
        # UnknownOperationException as AWS does.
        prefix = target.rsplit(".", 1)[0]
        return TARGET_PREFIXES.get(prefix) or TARGET_PREFIXES.get(target.split(".", 1)[0],
                                                                 prefix)
    if scope is not None:
        for prefix, service in SHARED_SIGNING_NAMES.get(scope.service, ()):
            if request.raw_path.startswith(prefix):
                return service
        return SIGNING_NAMES.get(scope.service, scope.service)
    for prefix, service in PATH_PREFIXES:
        if request.raw_path.startswith(prefix):
            return service
    return None
