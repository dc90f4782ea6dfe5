"""AWS::DynamoDB::Table's PointInTimeRecoverySpecification through the table provider."""
from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.deploy.providers.tables import TableProvider
from fogbank.types import Resource


def resource(**props) -> Resource:
    base = {"TableName": "things", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}
    return Resource("Things", "AWS::DynamoDB::Table", {**base, **props}, Path("."), "app")


@pytest.fixture
def provider(engine):
    return TableProvider(engine.control, engine.settings)


def _recovery(engine, name: str = "things") -> dict:
    return engine.settings.describe_continuous_backups({"TableName": name})[
        "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]


def test_the_template_turns_recovery_on_and_off(provider, engine):
    on = resource(PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": "true",
                                                    "RecoveryPeriodInDays": "7"})
    deployed = provider.create(on)
    assert _recovery(engine)["PointInTimeRecoveryStatus"] == "ENABLED"
    assert _recovery(engine)["RecoveryPeriodInDays"] == 7
    longer = resource(PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    provider.update(on, deployed, longer)
    assert _recovery(engine)["RecoveryPeriodInDays"] == 35
    provider.update(longer, deployed, resource())
    assert _recovery(engine)["PointInTimeRecoveryStatus"] == "DISABLED"


def test_a_table_without_the_property_has_recovery_off(provider, engine):
    provider.create(resource(PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": False}))
    assert _recovery(engine)["PointInTimeRecoveryStatus"] == "DISABLED"


def test_a_replaced_table_gets_recovery_too(provider, engine):
    spec = {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}}
    old = resource(**spec)
    deployed = provider.create(old)
    provider.update(old, deployed, resource(TableName="others", **spec))
    assert _recovery(engine, "others")["PointInTimeRecoveryStatus"] == "ENABLED"
