"""S3 takes a function as a notification destination only when the function's policy lets
s3.amazonaws.com invoke it for the bucket, asked through the engine's `may_invoke`."""
from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator

import pytest

from fogbank.objects import BucketConfig, ObjectsEngine
from fogbank.objects.errors import InvalidArgument
from fogbank.types import InvokeSource

pytestmark = pytest.mark.anyio
ARN = "arn:aws:lambda:us-east-1:000000000000:function:{}"


class Policies:
    """Stands in for the runtime's `permits`: the functions that allow S3, and the asks."""

    def __init__(self, allowing: set[str]) -> None:
        self.allowing = allowing
        self.asked: list[tuple[str, InvokeSource]] = []

    def __call__(self, function: str, source: InvokeSource) -> bool:
        self.asked.append((function, source))
        return function in self.allowing


@pytest.fixture
def policies() -> Policies:
    return Policies({"thumbs", "audit:live"})


@pytest.fixture
async def guarded(data_dir: Path, policies: Policies) -> AsyncIterator[ObjectsEngine]:
    engine = ObjectsEngine(data_dir, may_invoke=policies, sweep_interval_s=0,
                           account_id="123456789012")
    await engine.start()
    await engine.buckets.create("photos")
    yield engine
    await engine.close()


def lambda_config(name: str, **extra: str) -> dict:
    return {"LambdaFunctionArn": ARN.format(name), "Events": ["s3:ObjectCreated:*"], **extra}


async def test_functions_that_allow_s3_for_the_bucket_are_taken(guarded, policies) -> None:
    document = {"LambdaFunctionConfigurations": [lambda_config("thumbs"),
                                                 lambda_config("audit:live")]}
    await guarded.configs.put("photos", BucketConfig.NOTIFICATION, document)
    stored = await guarded.configs.get("photos", BucketConfig.NOTIFICATION)
    assert len(stored["LambdaFunctionConfigurations"]) == 2
    source = InvokeSource("s3.amazonaws.com", "arn:aws:s3:::photos", "123456789012")
    assert policies.asked == [("thumbs", source), ("audit:live", source)]


async def test_a_function_that_does_not_is_refused_by_name(guarded) -> None:
    document = {"LambdaFunctionConfigurations": [
        lambda_config("thumbs"), lambda_config("resize", Id="small"), lambda_config("audit")]}
    with pytest.raises(InvalidArgument) as refused:
        await guarded.configs.put("photos", BucketConfig.NOTIFICATION, document)
    assert refused.value.message == ("Unable to validate the following destination "
                                     "configurations")
    assert refused.value.extra == {
        "ArgumentName1": f"{ARN.format('resize')}, small",
        "ArgumentValue1": f"Not authorized to invoke function [{ARN.format('resize')}]",
        "ArgumentName2": f"{ARN.format('audit')}, null",
        "ArgumentValue2": f"Not authorized to invoke function [{ARN.format('audit')}]"}
    assert await guarded.configs.get("photos", BucketConfig.NOTIFICATION) == {}
    with pytest.raises(InvalidArgument):        # the deploy providers' path asks too
        guarded.configs.put_now("photos", BucketConfig.NOTIFICATION, document)


async def test_queues_and_topics_ask_no_function(guarded, policies) -> None:
    await guarded.configs.put("photos", BucketConfig.NOTIFICATION, {"QueueConfigurations": [
        {"QueueArn": "arn:aws:sqs:us-east-1:123456789012:q", "Events": ["s3:ObjectCreated:*"]}]})
    assert policies.asked == []
