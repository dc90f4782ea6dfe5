"""A template's PointInTimeRecoverySpecification, deployed by `fogbank up`.

Fogbank only: it starts its own node on an app of its own.
"""
from __future__ import annotations

from pathlib import Path

import boto3

from fogbank.testing import serving

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: true
        RecoveryPeriodInDays: 14
"""


def test_the_template_enables_point_in_time_recovery(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "template.yaml").write_text(TEMPLATE)
    with serving(app, "--no-watch") as node:
        client = boto3.client("dynamodb", **node.client_kwargs())
        recovery = client.describe_continuous_backups(TableName="orders")[
            "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"
        assert recovery["RecoveryPeriodInDays"] == 14
