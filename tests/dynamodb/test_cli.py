"""The AWS CLI against the endpoint: the commands a developer types, and an error."""
from __future__ import annotations

import json
import subprocess
import uuid
from typing import Any

from fogbank.testing import BIN, clean_env


def aws(endpoint: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "aws"), "dynamodb", *args, "--endpoint-url", endpoint,
                           "--output", "json"], capture_output=True, text=True,
                          env=clean_env(), timeout=120)


def ok(endpoint: str, *args: str) -> Any:
    proc = aws(endpoint, *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout) if proc.stdout.strip() else None


def test_cli_create_put_get_query_scan(endpoint: str, ddb) -> None:
    name = f"cli-{uuid.uuid4().hex[:10]}"
    created = ok(endpoint, "create-table", "--table-name", name,
                 "--attribute-definitions", "AttributeName=pk,AttributeType=S",
                 "AttributeName=sk,AttributeType=N",
                 "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
                 "--billing-mode", "PAY_PER_REQUEST")
    try:
        assert created["TableDescription"]["TableName"] == name
        ok(endpoint, "wait", "table-exists", "--table-name", name)
        for sk in ("1", "2", "3"):
            ok(endpoint, "put-item", "--table-name", name, "--item",
               json.dumps({"pk": {"S": "cli"}, "sk": {"N": sk}, "v": {"S": f"v{sk}"}}))
        got = ok(endpoint, "get-item", "--table-name", name, "--key",
                 '{"pk": {"S": "cli"}, "sk": {"N": "2"}}')
        assert got["Item"]["v"] == {"S": "v2"}
        queried = ok(endpoint, "query", "--table-name", name,
                     "--key-condition-expression", "pk = :p AND sk >= :s",
                     "--expression-attribute-values", '{":p": {"S": "cli"}, ":s": {"N": "2"}}')
        assert [it["sk"]["N"] for it in queried["Items"]] == ["2", "3"]
        # The CLI paginates scans itself; a page size of 1 makes it follow LastEvaluatedKey.
        scanned = ok(endpoint, "scan", "--table-name", name, "--page-size", "1")
        assert scanned["Count"] == 3 and len(scanned["Items"]) == 3
        ok(endpoint, "update-item", "--table-name", name, "--key",
           '{"pk": {"S": "cli"}, "sk": {"N": "1"}}', "--update-expression", "ADD hits :one",
           "--expression-attribute-values", '{":one": {"N": "1"}}')
        assert ok(endpoint, "get-item", "--table-name", name, "--key",
                  '{"pk": {"S": "cli"}, "sk": {"N": "1"}}')["Item"]["hits"] == {"N": "1"}
        assert name in ok(endpoint, "list-tables")["TableNames"]
    finally:
        ok(endpoint, "delete-table", "--table-name", name)


def test_cli_reports_a_missing_table(endpoint: str) -> None:
    proc = aws(endpoint, "describe-table", "--table-name", "no-such-table")
    assert proc.returncode != 0
    assert "ResourceNotFoundException" in proc.stderr
    assert "Requested resource not found" in proc.stderr


def test_cli_reports_a_failed_condition(endpoint: str, table: str) -> None:
    item = '{"pk": {"S": "once"}}'
    ok(endpoint, "put-item", "--table-name", table, "--item", item)
    proc = aws(endpoint, "put-item", "--table-name", table, "--item", item,
               "--condition-expression", "attribute_not_exists(pk)")
    assert proc.returncode != 0
    assert "ConditionalCheckFailedException" in proc.stderr
    assert "The conditional request failed" in proc.stderr
