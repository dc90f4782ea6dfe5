"""The DynamoDB and DynamoDB Streams APIs: operation name → the tables engine's method.

A pure translation table: the protocol has already parsed the input by botocore's model,
the engine returns the output dict and raises AWS's errors; nothing is kept here.
"""
from __future__ import annotations

from typing import Any

from fogbank.aws.service import engine_operations

DYNAMODB_OPERATIONS = (
    "BatchExecuteStatement", "BatchGetItem", "BatchWriteItem", "CreateTable", "DeleteItem",
    "DeleteTable", "DescribeEndpoints", "DescribeLimits", "DescribeTable", "DescribeTimeToLive",
    "ExecuteStatement", "ExecuteTransaction", "GetItem",
    "ListTables", "ListTagsOfResource", "PutItem", "Query", "Scan", "TagResource",
    "TransactGetItems", "TransactWriteItems", "UntagResource", "UpdateItem", "UpdateTable",
    "UpdateTimeToLive",
    # Backups and restores, point-in-time recovery, resource policies, contributor insights.
    "CreateBackup", "DeleteBackup", "DescribeBackup", "ListBackups", "RestoreTableFromBackup",
    "RestoreTableToPointInTime", "DescribeContinuousBackups", "UpdateContinuousBackups",
    "DeleteResourcePolicy", "GetResourcePolicy", "PutResourcePolicy",
    "DescribeContributorInsights", "ListContributorInsights", "UpdateContributorInsights",
    "DescribeGlobalTable", "DescribeKinesisStreamingDestination",
    "DescribeTableReplicaAutoScaling",
)
STREAMS_OPERATIONS = ("DescribeStream", "GetRecords", "GetShardIterator", "ListStreams")

class DynamoDBService:
    """`DynamoDBService(engine)`: the engine offers one coroutine per operation, in snake case."""

    # As DynamoDB lists them in "Member must satisfy enum value set: [...]".
    enum_orders = {"ReturnValue": ("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"),
                   "ConditionalOperator": ("OR", "AND"),
                   "Select": ("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES",
                              "ALL_PROJECTED_ATTRIBUTES")}
    # Refused by the engine in DynamoDB's own words (tables/control_checks.py).
    own_enums = {("CreateTableInput", "TableClass"), ("UpdateTableInput", "TableClass")}
    # DynamoDB's AttributeValue has no toString of its own: a refused list prints each as
    # its class and identity hash.
    opaque_shapes = {"AttributeValue": "com.amazonaws.dynamodb.v20120810.AttributeValue"}

    def __init__(self, engine: Any) -> None:
        self.operations = engine_operations(engine, DYNAMODB_OPERATIONS)


class DynamoDBStreamsService:
    def __init__(self, engine: Any) -> None:
        self.operations = engine_operations(engine, STREAMS_OPERATIONS)
