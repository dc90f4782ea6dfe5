"""Black-box DynamoDB fixtures: one endpoint per session, real clients, a table per test.

By default the endpoint is a `fogbank up` node on an app with no tables (tables are made
through the API). `FOGBANK_DYNAMODB_TEST_ENDPOINT=http://127.0.0.1:PORT` points the suite
at another DynamoDB-compatible server instead (moto's server, dynalite, …), which is how the
tests themselves were checked against independent implementations.

Where those deviate from AWS's documented behaviour the tests follow AWS. Known cases:
moto (5.2) keeps numbers as sent ("1.50", "1e2"), does not run the model's length, range and
pattern constraints, prefixes custom messages with "1 validation error detected:", answers
some bad requests with HTTP 500, ignores ClientRequestToken and ProjectionExpression in
TransactGetItems, and names its TTL error "ResourceNotFound". dynalite (its texts are the
closest to AWS's and most messages here agree with it) has no transactions, streams, TTL
sweeping, DescribeEndpoints/DescribeLimits or gzip bodies, words syntax errors in its own
parser's terms, and evaluates a legacy ConditionalOperator OR wrongly.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode, write_empty_app

ENDPOINT_ENV = "FOGBANK_DYNAMODB_TEST_ENDPOINT"

CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "test",
               "aws_secret_access_key": "test"}


@pytest.fixture
def no_tables_app(tmp_path: Path) -> Path:
    """A private app directory whose template deploys no tables."""
    return write_empty_app(tmp_path / "app")


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get(ENDPOINT_ENV)
    if external:
        yield external.rstrip("/")
        return
    # A short TTL period, so the sweep test need not wait the default 30 s.
    node = RunningNode(write_empty_app(tmp_path_factory.mktemp("tables") / "app"),
                       "--no-watch", "--ttl-period", "1")
    try:
        node.wait_ready()
        yield node.url
    finally:
        node.stop()


def _config(**extra: Any) -> Config:
    # One attempt: a test must see the server's first answer, not a retried one.
    return Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=60, **extra)


@pytest.fixture(scope="session")
def ddb(endpoint: str):
    return boto3.client("dynamodb", endpoint_url=endpoint, config=_config(), **CREDENTIALS)


@pytest.fixture(scope="session")
def raw_ddb(endpoint: str):
    """A client that sends what it is given: the server, not botocore, must refuse it."""
    return boto3.client("dynamodb", endpoint_url=endpoint,
                        config=_config(parameter_validation=False), **CREDENTIALS)


@pytest.fixture(scope="session")
def streams(endpoint: str):
    return boto3.client("dynamodbstreams", endpoint_url=endpoint, config=_config(),
                        **CREDENTIALS)


@pytest.fixture(scope="session")
def dynamodb(endpoint: str):
    return boto3.resource("dynamodb", endpoint_url=endpoint, config=_config(), **CREDENTIALS)


def unique_name(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def make_table(ddb) -> Iterator[Callable[..., str]]:
    """make_table(hash=("pk", "S"), range=("sk", "S"), **CreateTable params) → table name."""
    made: list[str] = []

    def make(hash: tuple[str, str] = ("pk", "S"), range: tuple[str, str] | None = None,
             *, name: str | None = None, attributes: dict[str, str] | None = None,
             **params: Any) -> str:
        name = name or unique_name()
        schema = [{"AttributeName": hash[0], "KeyType": "HASH"}]
        defs = {hash[0]: hash[1]}
        if range:
            schema.append({"AttributeName": range[0], "KeyType": "RANGE"})
            defs[range[0]] = range[1]
        defs.update(attributes or {})
        params.setdefault("BillingMode", "PAY_PER_REQUEST")
        ddb.create_table(TableName=name, KeySchema=schema, AttributeDefinitions=[
            {"AttributeName": k, "AttributeType": t} for k, t in defs.items()], **params)
        made.append(name)
        ddb.get_waiter("table_exists").wait(TableName=name,
                                            WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        return name

    yield make
    for name in made:
        try:
            ddb.delete_table(TableName=name)
        except ClientError:
            pass  # the test deleted it itself


@pytest.fixture
def table(make_table) -> str:
    """A hash-key table: pk (S)."""
    return make_table()


@pytest.fixture
def range_table(make_table) -> str:
    """A hash+range table: pk (S), sk (N)."""
    return make_table(("pk", "S"), ("sk", "N"))


@pytest.fixture
def aws_error() -> Callable[..., Any]:
    """`with aws_error("ValidationException", "exact message"):` — or `prefix=` when only a
    stable start of AWS's text is known. Yields pytest's ExceptionInfo."""

    @contextmanager
    def expect(code: str, message: str | None = None, *, prefix: str | None = None,
               contains: str | None = None) -> Iterator[Any]:
        with pytest.raises(ClientError) as info:
            yield info
        error = info.value.response["Error"]
        assert error["Code"] == code, error
        if message is not None:
            assert error["Message"] == message
        if prefix is not None:
            assert error["Message"].startswith(prefix), error["Message"]
        if contains is not None:
            assert contains in error["Message"], error["Message"]

    return expect
