"""TableClassSummary in DescribeTable: absent for a table that never named a class, present
once CreateTable or UpdateTable named one (even STANDARD), with LastUpdateDateTime only
after UpdateTable changed it."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError


def _summary(ddb, name: str) -> dict | None:
    return ddb.describe_table(TableName=name)["Table"].get("TableClassSummary")


def test_a_table_created_without_a_class_has_no_summary(ddb, table) -> None:
    assert _summary(ddb, table) is None


def test_a_table_created_as_standard_describes_its_class(ddb, make_table) -> None:
    name = make_table(TableClass="STANDARD")
    assert _summary(ddb, name) == {"TableClass": "STANDARD"}


def test_a_created_class_has_no_update_time(ddb, make_table) -> None:
    name = make_table(TableClass="STANDARD_INFREQUENT_ACCESS")
    assert _summary(ddb, name) == {"TableClass": "STANDARD_INFREQUENT_ACCESS"}


def test_update_table_records_when_the_class_changed(ddb, table) -> None:
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    ddb.update_table(TableName=table, TableClass="STANDARD_INFREQUENT_ACCESS")
    summary = _summary(ddb, table)
    assert summary["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    assert summary["LastUpdateDateTime"] >= before
    ddb.update_table(TableName=table, TableClass="STANDARD")
    assert _summary(ddb, table)["TableClass"] == "STANDARD"


def test_an_unknown_class_is_refused_in_dynamodbs_words(ddb, table) -> None:
    # botocore does not check enums, so the node's answer is what a client sees.
    expected = {"Code": "ValidationException",
                "Message": "Invalid table-class parameter provided. Please try again with a "
                           "valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS]."}
    with pytest.raises(ClientError) as caught:
        ddb.create_table(TableName=table + "-x", TableClass="GLACIER",
                         BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "p", "AttributeType": "S"}])
    assert caught.value.response["Error"] == expected
    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName=table, TableClass="standard")
    assert caught.value.response["Error"] == expected
