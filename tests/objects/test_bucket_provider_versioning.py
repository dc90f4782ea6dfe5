"""A template's VersioningConfiguration, ObjectLockEnabled and ObjectLockConfiguration."""
from __future__ import annotations

import textwrap

import pytest

from fogbank.objects import BucketConfig, errors
from tests.objects.test_bucket_provider import deploy, deployer  # noqa: F401  (a fixture)

pytestmark = pytest.mark.anyio

TEMPLATE = """
Resources:
  History:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: history
      VersioningConfiguration: {Status: Enabled}
  Vault:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: vault
      ObjectLockEnabled: true
      ObjectLockConfiguration:
        ObjectLockEnabled: Enabled
        Rule:
          DefaultRetention: {Mode: GOVERNANCE, Days: 30}
"""


def write(tmp_path, text):
    path = tmp_path / "app" / "template.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


async def test_versioning_and_object_lock_from_a_template(engine, deployer, tmp_path):
    path = write(tmp_path, TEMPLATE)
    deploy(deployer, path)
    assert await engine.objects.versioning("history") == "Enabled"
    assert await engine.objects.versioning("vault") == "Enabled"
    assert await engine.configs.get("vault", BucketConfig.OBJECT_LOCK) == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}}
    # Taken out of the template: versioning is suspended (never undone), the lock stays.
    deploy(deployer, write(tmp_path, TEMPLATE.replace(
        "      VersioningConfiguration: {Status: Enabled}\n", "").replace(
        "      ObjectLockConfiguration:\n        ObjectLockEnabled: Enabled\n        Rule:\n"
        "          DefaultRetention: {Mode: GOVERNANCE, Days: 30}\n", "")))
    assert await engine.objects.versioning("history") == "Suspended"
    assert await engine.configs.get("vault", BucketConfig.OBJECT_LOCK) == {
        "ObjectLockEnabled": "Enabled"}


async def test_a_locked_bucket_cannot_be_suspended_by_a_template(engine, deployer, tmp_path):
    path = write(tmp_path, TEMPLATE.replace(
        "      ObjectLockEnabled: true\n",
        "      ObjectLockEnabled: true\n      VersioningConfiguration: {Status: Suspended}\n"))
    with pytest.raises(errors.InvalidBucketState):
        deploy(deployer, path)
