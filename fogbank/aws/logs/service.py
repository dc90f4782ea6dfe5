"""CloudWatch Logs on the SDK endpoint: `aws logs tail`, `sam logs`, boto3's `logs` client.

A table only: the engine (fogbank/logs) takes each operation's parameters and answers its
output; the JSON 1.1 protocol does the rest.
"""
from __future__ import annotations

from fogbank.aws.service import engine_operations
from fogbank.logs.engine import CloudWatchLogs

LOGS_OPERATIONS = (
    "CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "PutRetentionPolicy",
    "DeleteRetentionPolicy", "TagLogGroup", "UntagLogGroup", "ListTagsLogGroup", "TagResource",
    "UntagResource", "ListTagsForResource", "CreateLogStream", "DeleteLogStream",
    "DescribeLogStreams", "PutLogEvents", "GetLogEvents", "FilterLogEvents",
    "PutSubscriptionFilter", "DescribeSubscriptionFilters", "DeleteSubscriptionFilter",
)


class LogsService:
    def __init__(self, engine: CloudWatchLogs) -> None:
        self.operations = engine_operations(engine, LOGS_OPERATIONS)
