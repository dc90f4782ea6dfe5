"""A template's LoggingConfiguration and AccelerateConfiguration, read back as
GetBucketLogging and GetBucketAccelerateConfiguration answer them."""
from __future__ import annotations

import pytest

from fogbank.objects import BucketConfig, errors
from tests.objects.test_bucket_provider import deploy, deployer  # noqa: F401  (a fixture)
from tests.objects.test_bucket_provider_versioning import write

pytestmark = pytest.mark.anyio

TEMPLATE = """
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: access-logs
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: site
      LoggingConfiguration:
        DestinationBucketName: !Ref Logs
        LogFilePrefix: site/
        TargetObjectKeyFormat:
          PartitionedPrefix: {PartitionDateSource: EventTime}
      AccelerateConfiguration: {AccelerationStatus: Enabled}
  Own:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: own-logs
      LoggingConfiguration: {}
"""


async def test_logging_and_acceleration_from_a_template(engine, deployer, tmp_path):
    deploy(deployer, write(tmp_path, TEMPLATE))
    assert await engine.configs.get("site", BucketConfig.LOGGING) == {"LoggingEnabled": {
        "TargetBucket": "access-logs", "TargetPrefix": "site/",
        "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}}}}
    assert await engine.configs.get("site", BucketConfig.ACCELERATE) == {"Status": "Enabled"}
    # No destination: the bucket logs to itself.
    assert await engine.configs.get("own-logs", BucketConfig.LOGGING) == {
        "LoggingEnabled": {"TargetBucket": "own-logs", "TargetPrefix": ""}}


async def test_taken_out_logging_stops_and_acceleration_is_suspended(engine, deployer,
                                                                     tmp_path):
    deploy(deployer, write(tmp_path, TEMPLATE))
    plain = TEMPLATE.replace("""      LoggingConfiguration:
        DestinationBucketName: !Ref Logs
        LogFilePrefix: site/
        TargetObjectKeyFormat:
          PartitionedPrefix: {PartitionDateSource: EventTime}
      AccelerateConfiguration: {AccelerationStatus: Enabled}
""", "")
    assert plain != TEMPLATE
    deploy(deployer, write(tmp_path, plain))
    assert await engine.configs.get("site", BucketConfig.LOGGING) == {}
    # S3 cannot unset acceleration once configured: it is suspended.
    assert await engine.configs.get("site", BucketConfig.ACCELERATE) == {"Status": "Suspended"}


async def test_a_missing_log_bucket_fails_the_deploy(engine, deployer, tmp_path):
    with pytest.raises(errors.InvalidTargetBucketForLogging):
        deploy(deployer, write(tmp_path, TEMPLATE.replace("!Ref Logs", "no-such-bucket")))


async def test_an_unknown_acceleration_status_fails_the_deploy(engine, deployer, tmp_path):
    with pytest.raises(errors.MalformedXML):
        deploy(deployer, write(tmp_path, TEMPLATE.replace("AccelerationStatus: Enabled",
                                                          "AccelerationStatus: Fast")))
