"""`aws dynamodb …` from the AWS CLI v2: a table's life, items, pages of a scan, an error."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

KEY_ATTRIBUTES = ["--attribute-definitions", "AttributeName=pk,AttributeType=S",
                  "AttributeName=sk,AttributeType=N",
                  "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE"]


def key(pk: str, sk: int) -> str:
    return json.dumps({"pk": {"S": pk}, "sk": {"N": str(sk)}})


def test_table_life(aws, fresh_name: str) -> None:
    name = fresh_name
    created = aws.json("dynamodb", "create-table", "--table-name", name, *KEY_ATTRIBUTES,
                       "--billing-mode", "PAY_PER_REQUEST")
    assert created["TableDescription"]["TableName"] == name
    assert aws("dynamodb", "wait", "table-exists", "--table-name", name).stdout == ""
    table = aws.json("dynamodb", "describe-table", "--table-name", name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                  {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert name in aws.json("dynamodb", "list-tables")["TableNames"]
    deleted = aws.json("dynamodb", "delete-table", "--table-name", name)
    assert deleted["TableDescription"]["TableStatus"] == "DELETING"
    aws("dynamodb", "wait", "table-not-exists", "--table-name", name)
    printed = aws.fails("dynamodb", "describe-table", "--table-name", name)
    assert printed == ("\nAn error occurred (ResourceNotFoundException) when calling the "
                       f"DescribeTable operation: Requested resource not found: Table: {name} "
                       "not found\n")


def test_put_get_and_an_add_counter(aws, table: str) -> None:
    item = {"pk": {"S": "page"}, "sk": {"N": "1"}, "title": {"S": "home"}}
    assert aws("dynamodb", "put-item", "--table-name", table, "--item", json.dumps(item)
               ).stdout == ""
    got = aws.json("dynamodb", "get-item", "--table-name", table, "--key", key("page", 1))
    assert got == {"Item": item}
    for hits in ("1", "2"):
        updated = aws.json("dynamodb", "update-item", "--table-name", table, "--key",
                           key("page", 1), "--update-expression", "ADD hits :one",
                           "--expression-attribute-values", '{":one": {"N": "1"}}',
                           "--return-values", "UPDATED_NEW")
        assert updated == {"Attributes": {"hits": {"N": hits}}}
    got = aws.json("dynamodb", "get-item", "--table-name", table, "--key", key("page", 1),
                   "--projection-expression", "hits")
    assert got == {"Item": {"hits": {"N": "2"}}}
    assert aws.json("dynamodb", "get-item", "--table-name", table, "--key", key("page", 9)) \
        is None


def test_binary_attributes_are_base64_on_the_command_line(aws, ddb: Any, table: str) -> None:
    # v2 reads and prints blobs as base64 (v1 sent the text as it was given).
    item = {"pk": {"S": "blob"}, "sk": {"N": "1"}, "data": {"B": "aGVsbG8="}}
    aws("dynamodb", "put-item", "--table-name", table, "--item", json.dumps(item))
    stored = ddb.get_item(TableName=table, Key={"pk": {"S": "blob"}, "sk": {"N": "1"}})
    assert stored["Item"]["data"] == {"B": b"hello"}
    printed = aws.json("dynamodb", "get-item", "--table-name", table, "--key", key("blob", 1))
    assert printed["Item"]["data"] == {"B": "aGVsbG8="}


def test_query(aws, ddb: Any, table: str) -> None:
    for pk, sk in (("a", 1), ("a", 2), ("a", 3), ("b", 1)):
        ddb.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"N": str(sk)}})
    queried = aws.json("dynamodb", "query", "--table-name", table,
                       "--key-condition-expression", "pk = :p AND sk >= :s",
                       "--expression-attribute-values", '{":p": {"S": "a"}, ":s": {"N": "2"}}',
                       "--no-scan-index-forward")
    assert [item["sk"]["N"] for item in queried["Items"]] == ["3", "2"]
    assert queried["Count"] == 2 and queried["ScannedCount"] == 2


def test_scan_pages_with_max_items_and_starting_token(aws, ddb: Any, table: str) -> None:
    for sk in range(5):
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": str(sk)}})
    first = aws.json("dynamodb", "scan", "--table-name", table, "--max-items", "2")
    second = aws.json("dynamodb", "scan", "--table-name", table, "--max-items", "2",
                      "--starting-token", first["NextToken"])
    last = aws.json("dynamodb", "scan", "--table-name", table, "--max-items", "2",
                    "--starting-token", second["NextToken"])
    pages = [first, second, last]
    assert [len(page["Items"]) for page in pages] == [2, 2, 1]
    assert "NextToken" not in last
    assert sorted(int(item["sk"]["N"]) for page in pages for item in page["Items"]) == \
        list(range(5))


def test_batch_write_item_from_a_file(aws, ddb: Any, table: str, tmp_path: Path) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "old"}, "sk": {"N": "1"}})
    requests = [{"PutRequest": {"Item": {"pk": {"S": "new"}, "sk": {"N": str(sk)}}}}
                for sk in range(3)]
    requests.append({"DeleteRequest": {"Key": {"pk": {"S": "old"}, "sk": {"N": "1"}}}})
    (tmp_path / "batch.json").write_text(json.dumps({table: requests}))
    written = aws.json("dynamodb", "batch-write-item", "--request-items",
                       f"file://{tmp_path / 'batch.json'}")
    assert written == {"UnprocessedItems": {}}
    scanned = aws.json("dynamodb", "scan", "--table-name", table)
    assert sorted((item["pk"]["S"], item["sk"]["N"]) for item in scanned["Items"]) == \
        [("new", "0"), ("new", "1"), ("new", "2")]


def test_a_failed_condition(aws, table: str) -> None:
    item = json.dumps({"pk": {"S": "once"}, "sk": {"N": "1"}})
    aws("dynamodb", "put-item", "--table-name", table, "--item", item, "--condition-expression",
        "attribute_not_exists(pk)")
    printed = aws.fails("dynamodb", "put-item", "--table-name", table, "--item", item,
                        "--condition-expression", "attribute_not_exists(pk)")
    assert printed == ("\nAn error occurred (ConditionalCheckFailedException) when calling the "
                       "PutItem operation: The conditional request failed\n")
