"""SAM's DynamoDB event and AWS::Lambda::EventSourceMapping: the mapping the deployer hands
to the messaging engine, what it refuses, and the mappings it skips with their source."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from fogbank.deploy import Deployer, Template, TemplateError
from fogbank.deploy.providers import default_providers
from fogbank.deploy.providers.event_source_mappings import EventSourceMappingProvider
from fogbank.deploy.providers.tables import TableProvider
from fogbank.messaging.stream_mappings import StreamMappings
from fogbank.tables.engine import TablesEngine
from fogbank.types import InvokeResult

REGION, ACCOUNT = "us-east-1", "123456789012"    # what the conftest `load` fixture uses

APP = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: consumer
      CodeUri: src
      Handler: app.handler
      Runtime: python3.12
      Events:
        Stream:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Orders.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: %(batch)s%(extra)s
Outputs:
  MappingId:
    Value: !Ref ConsumerStream
"""


async def _no_invoke(name: str, payload: bytes, **_: Any) -> InvokeResult:
    raise AssertionError("nothing runs in these tests")


@pytest.fixture
def engines(tmp_path: Path) -> Iterator[tuple[TablesEngine, StreamMappings]]:
    tables = TablesEngine.open(tmp_path / "tables")
    mappings = StreamMappings(tmp_path / "esm.db", tables.streams, _no_invoke)
    yield tables, mappings
    asyncio.run(mappings.close())
    tables.close()


@pytest.fixture
def deployer(runtime: Any, tmp_path: Path, engines) -> Callable[[], Deployer]:
    tables, mappings = engines
    return lambda: Deployer(
        tmp_path / "state",
        [*default_providers(runtime, REGION, ACCOUNT), TableProvider(tables.control),
         EventSourceMappingProvider(mappings, REGION, ACCOUNT)], REGION, ACCOUNT)


def app(load: Callable[..., Template], batch: int = 10, extra: str = "") -> Template:
    return load(APP % {"batch": batch, "extra": extra})


def deploy(deployer: Callable[[], Deployer], tpl: Template) -> Any:
    node = deployer()
    return node.apply(node.plan(tpl))


def test_a_dynamodb_event_becomes_a_mapping_of_the_tables_stream(deployer, load, engines):
    tables, mappings = engines
    result = deploy(deployer, app(load, extra="\n            MaximumRetryAttempts: 3"
                                          "\n            BisectBatchOnFunctionError: true"
                                          "\n            FunctionResponseTypes: [ReportBatchItemFailures]"))
    [status] = mappings.list()
    mapping = status.mapping
    stream = asyncio.run(tables.describe_table({"TableName": "orders"}))["Table"]["LatestStreamArn"]
    assert mapping.source_arn == stream
    assert mapping.function == "consumer"
    assert mapping.function_arn == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:consumer"
    assert (mapping.batch_size, mapping.starting_position) == (10, "TRIM_HORIZON")
    assert (mapping.maximum_retry_attempts, mapping.bisect_on_error,
            mapping.report_item_failures) == (3, True, True)
    assert result.outputs["MappingId"] == mapping.uuid


def test_a_changed_batch_size_keeps_the_mapping_and_its_uuid(deployer, load, engines):
    _, mappings = engines
    deploy(deployer, app(load, batch=10))
    [before] = mappings.list()
    deploy(deployer, app(load, batch=50))
    [after] = mappings.list()
    assert after.mapping.uuid == before.mapping.uuid and after.mapping.batch_size == 50


def test_removing_the_event_deletes_the_mapping(deployer, load, engines, write):
    _, mappings = engines
    deploy(deployer, app(load))
    without = (APP % {"batch": 10, "extra": ""}).split("      Events:")[0]
    deploy(deployer, load(without))
    assert mappings.list() == []


def test_a_filter_given_as_an_object_is_kept_as_json_text(deployer, load, engines):
    _, mappings = engines
    deploy(deployer, app(load, extra="\n            FilterCriteria:"
                                     "\n              Filters:"
                                     "\n                - Pattern: '{\"eventName\": [\"INSERT\"]}'"))
    [status] = mappings.list()
    assert status.mapping.filters == ({"Pattern": '{"eventName": ["INSERT"]}'},)


@pytest.mark.parametrize("extra, message", [
    ("\n            FilterCriteria: {Filters: [{Pattern: 'not json'}]}",
     "Invalid filter pattern definition."),
    ("\n            TumblingWindowInSeconds: 60", "TumblingWindowInSeconds is not served"),
    ("\n            DestinationConfig: {OnFailure: {Destination: arn:aws:sqs:us-east-1:"
     "123456789012:dlq}}", "OnFailure destination (arn:aws:sqs:us-east-1:123456789012:dlq)"),
    ("\n            FunctionResponseTypes: [Everything]", "FunctionResponseTypes may only hold"),
    ("\n            MaximumRetryAttempts: 10001",
     "Value '10001' at 'maximumRetryAttempts' failed to satisfy constraint"),
])
def test_settings_fogbank_cannot_honour_are_refused(deployer, load, extra, message):
    with pytest.raises(TemplateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        deploy(deployer, app(load, extra=extra))


def test_a_batch_size_out_of_bounds_is_refused(deployer, load):
    with pytest.raises(TemplateError, match="Value '0' at 'batchSize' failed to satisfy"):
        deploy(deployer, app(load, batch=0))


def test_a_source_that_is_not_a_dynamodb_stream_is_refused(deployer, load):
    tpl = load("""
        Resources:
          Consumer:
            Type: AWS::Lambda::Function
            Properties:
              FunctionName: consumer
              Runtime: python3.12
              Handler: app.handler
              Code: src
              Role: arn:aws:iam::123456789012:role/r
          Mapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: consumer
              EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
              StartingPosition: LATEST
        """)
    with pytest.raises(TemplateError, match="is not a DynamoDB stream"):
        deploy(deployer, tpl)


def test_a_mapping_reading_from_a_skipped_queue_is_skipped_with_it(deployer, load, engines):
    _, mappings = engines
    tpl = load("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Jobs:
            Type: AWS::SQS::Queue
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src
              Handler: app.handler
              Runtime: python3.12
              Events:
                Queue:
                  Type: SQS
                  Properties: {Queue: !GetAtt Jobs.Arn}
        """)
    result = deploy(deployer, tpl)
    assert mappings.list() == []
    assert "WorkerQueue reads from Jobs (AWS::SQS::Queue), which is skipped — skipped too" \
        in result.warnings


def test_a_mapping_without_a_starting_position_is_refused(deployer, load):
    tpl = load("""
        Resources:
          Orders:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: orders
              BillingMode: PAY_PER_REQUEST
              AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
              KeySchema: [{AttributeName: id, KeyType: HASH}]
              StreamSpecification: {StreamViewType: KEYS_ONLY}
          Mapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: consumer
              EventSourceArn: !GetAtt Orders.StreamArn
        """)
    with pytest.raises(TemplateError, match="StartingPosition must be one of TRIM_HORIZON, "
                                            "LATEST for a DynamoDB stream, got None"):
        deploy(deployer, tpl)
