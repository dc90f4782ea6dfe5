"""Tags without a key or a value, and an empty key to remove: DynamoDB words these itself,
not in the request validator's "Value null at …" form."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("tag, message", [
    ({}, "The Tag Key provided is invalid, Key: null"),
    ({"Value": "v"}, "The Tag Key provided is invalid, Key: null"),
    ({"Key": "k"}, "The Tag Value provided is invalid, Value: null"),
])
def test_a_tag_missing_its_key_or_value(ddb, raw_ddb, table, aws_error, tag, message) -> None:
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    with aws_error("ValidationException", message):
        raw_ddb.tag_resource(ResourceArn=arn, Tags=[tag])
    with aws_error("ValidationException", message):
        raw_ddb.create_table(TableName=f"{table}-2", BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                             Tags=[tag])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


def test_an_empty_tag_key_to_remove(ddb, raw_ddb, table, aws_error) -> None:
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    with aws_error("ValidationException", "The Tag Key provided is invalid, Key: "):
        raw_ddb.untag_resource(ResourceArn=arn, TagKeys=[""])
