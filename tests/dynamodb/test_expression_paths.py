"""Document paths in expressions: how deep they may go, through every expression kind."""
from __future__ import annotations

KEY = {"pk": {"S": "deep"}}
DEEPEST = "a" + ".b" * 31          # 32 levels: DynamoDB's limit
TOO_DEEP = "a" + ".b" * 32


def test_a_projection_may_be_32_levels_deep(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "x": {"S": "1"}})
    item = ddb.get_item(TableName=table, Key=KEY, ProjectionExpression=DEEPEST)["Item"]
    assert item == {}


def test_a_projection_33_levels_deep(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid ProjectionExpression: The document path has "
                   "too many nesting levels; nesting levels: 33"):
        ddb.get_item(TableName=table, Key=KEY, ProjectionExpression=TOO_DEEP)


def test_an_update_path_33_levels_deep(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid UpdateExpression: The document path has too "
                   "many nesting levels; nesting levels: 33"):
        ddb.update_item(TableName=table, Key=KEY, UpdateExpression=f"SET {TOO_DEEP} = :v",
                        ExpressionAttributeValues={":v": {"N": "1"}})


def test_a_condition_path_33_levels_deep(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid ConditionExpression: The document path has "
                   "too many nesting levels; nesting levels: 33"):
        ddb.put_item(TableName=table, Item=KEY, ConditionExpression=f"attribute_exists({TOO_DEEP})")
