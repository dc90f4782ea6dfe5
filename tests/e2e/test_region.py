"""A node serving another region (`fogbank up --region`): ARNs, functions and buckets in it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterator

import boto3
import pytest

from fogbank.cli import main
from fogbank.testing import RunningNode, serving

HELLO = Path(__file__).resolve().parents[2] / "examples" / "hello"
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> Iterator[RunningNode]:
    app = tmp_path_factory.mktemp("region") / "hello"
    shutil.copytree(HELLO, app)
    with serving(app, "--no-watch", "--region", REGION) as running:
        yield running


def client(node: RunningNode, service: str):
    return boto3.client(service, **{**node.client_kwargs(), "region_name": REGION})


def test_functions_live_and_run_in_the_region(node) -> None:
    lam = client(node, "lambda")
    functions = lam.list_functions()["Functions"]
    assert functions and all(f["FunctionArn"].startswith(f"arn:aws:lambda:{REGION}:")
                             for f in functions)
    answer = lam.invoke(FunctionName=functions[0]["FunctionName"], Payload=b"{}")
    assert answer["StatusCode"] == 200 and "FunctionError" not in answer
    assert json.loads(answer["Payload"].read())


def test_tables_and_buckets_are_the_regions(node) -> None:
    ddb = client(node, "dynamodb")
    arn = ddb.create_table(TableName="regional", BillingMode="PAY_PER_REQUEST",
                           KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                           AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}]
                           )["TableDescription"]["TableArn"]
    assert arn == f"arn:aws:dynamodb:{REGION}:000000000000:table/regional"
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "a"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    s3 = client(node, "s3")
    s3.create_bucket(Bucket="regional-bucket",
                     CreateBucketConfiguration={"LocationConstraint": REGION})
    assert s3.get_bucket_location(Bucket="regional-bucket")["LocationConstraint"] == REGION


@pytest.mark.parametrize("value", ["mars", "eu-west", "EU-WEST-1", ""])
def test_region_must_be_a_region_name(tmp_path: Path, value: str, capsys) -> None:
    app = tmp_path / "hello"
    shutil.copytree(HELLO, app)
    with pytest.raises(SystemExit) as exc:
        main(["up", str(app), "--region", value])
    assert exc.value.code == 2
    assert (f"argument --region: expected an AWS region such as us-east-1 or eu-west-1, "
            f"not {value!r}") in capsys.readouterr().err
    assert not (app / ".fogbank").exists()
