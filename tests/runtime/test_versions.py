"""Versions and aliases inside the function: the version it sees, the ARN it was invoked
by, a worker per version, an alias's weighted routing and provisioned workers on the
alias's version."""
from __future__ import annotations

import asyncio
import re

import pytest

from fogbank.types import FunctionSpec

ARN = "arn:aws:lambda:us-east-1:000000000000:function:orders"
WHO = """
import os
def handler(event, context):
    return {"env": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
            "version": context.function_version, "arn": context.invoked_function_arn,
            "stream": context.log_stream_name, "pid": os.getpid(),
            "init": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]}
"""


@pytest.fixture
def orders(deploy):
    """`orders` with versions 1 and 2 published, `live` on 1, `edge` on $LATEST."""
    return deploy("orders", WHO, published_versions=2, aliases={"live": "1", "edge": "$LATEST"})


@pytest.mark.parametrize("name,version,arn", [
    ("orders", "$LATEST", ARN),
    ("orders:$LATEST", "$LATEST", f"{ARN}:$LATEST"),
    ("orders:1", "1", f"{ARN}:1"),
    ("orders:2", "2", f"{ARN}:2"),
    ("orders:live", "1", f"{ARN}:live"),
    ("orders:edge", "$LATEST", f"{ARN}:edge"),
])
def test_the_function_sees_the_version_that_runs(orders, invoke, name, version, arn):
    result, got = invoke(name)
    assert (got["env"], got["version"], got["arn"]) == (version, version, arn)
    assert result.executed_version == version
    # Each version logs to streams of its own: 2024/01/01/[1]….
    assert re.fullmatch(rf"\d{{4}}/\d{{2}}/\d{{2}}/\[{re.escape(version)}\][0-9a-f]{{32}}",
                        got["stream"])


def test_each_version_has_its_own_workers(orders, invoke):
    latest = invoke("orders")[1]["pid"]
    first = invoke("orders:1")[1]
    assert first["pid"] != latest and first["version"] == "1"
    # Warm again, each version on its own worker; an alias runs in its version's.
    assert invoke("orders")[1]["pid"] == latest
    assert invoke("orders:1")[1]["pid"] == first["pid"]
    assert invoke("orders:live")[1]["pid"] == first["pid"]
    assert invoke("orders:edge")[1]["pid"] == latest


@pytest.mark.parametrize("weight,versions", [(0.0, {"1"}), (1.0, {"2"})])
def test_an_alias_weight_of_nothing_or_everything(deploy, invoke, weight, versions):
    deploy("orders", WHO, published_versions=2, aliases={"live": "1"},
           alias_weights={"live": {"2": weight}})
    seen = set()
    for _ in range(8):
        result, got = invoke("orders:live")
        assert got["version"] == got["env"] == result.executed_version
        assert got["arn"] == f"{ARN}:live"
        seen.add(result.executed_version)
    assert seen == versions


def test_a_weighted_alias_runs_both_versions(deploy, invoke):
    deploy("orders", WHO, published_versions=2, aliases={"live": "1"},
           alias_weights={"live": {"2": 0.5}})
    seen: dict[str, set[int]] = {}
    for _ in range(60):
        result, got = invoke("orders:live")
        assert got["version"] == result.executed_version
        seen.setdefault(got["version"], set()).add(got["pid"])
        if len(seen) == 2:
            break
    assert set(seen) == {"1", "2"}
    assert not seen["1"] & seen["2"]          # never one worker for both versions
    # The version itself is never routed: only the alias has weights.
    assert {invoke("orders:1")[0].executed_version for _ in range(5)} == {"1"}


WARM = "import os\nopen(f'started-{os.getpid()}', 'w').close()\n" + WHO


def test_provisioned_workers_belong_to_the_aliases_version(runtime, code, loop, invoke):
    root = code("orders", {"app.py": WARM})
    runtime.deploy(FunctionSpec(name="orders", handler="app.handler", code_dir=root,
                                published_versions=1, aliases={"live": "1"},
                                provisioned_concurrency=1, provisioned_version="1"))

    async def started() -> list[int]:
        for _ in range(600):
            marks = [int(p.name.split("-")[1]) for p in root.glob("started-*")]
            if marks:
                return marks
            await asyncio.sleep(0.05)
        raise AssertionError("the provisioned worker never started")

    [warm] = loop.run_until_complete(started())
    by_alias = invoke("orders:live")[1]
    assert (by_alias["pid"], by_alias["init"], by_alias["version"]) == \
        (warm, "provisioned-concurrency", "1")
    latest = invoke("orders")[1]
    assert (latest["init"], latest["version"]) == ("on-demand", "$LATEST")
    assert latest["pid"] != warm


TRACED = "import os\ndef handler(e, c):\n    return os.environ['_X_AMZN_TRACE_ID']\n"
ROOT = "1-5759e988-bd862e3fe1be46a994272793"


def test_the_callers_trace_reaches_the_function(deploy, invoke):
    deploy("traced", TRACED)
    header = f"Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1"
    assert invoke("traced", trace_header=header)[1] == header
    # The next call without a header starts a trace of its own.
    fresh = invoke("traced")[1]
    assert ROOT not in fresh and fresh.endswith(";Sampled=0")


@pytest.mark.parametrize("header,expected", [
    (f"Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1",
     f"Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1"),
    # Fields in any order, spaces around them, fields X-Ray does not need dropped.
    (f" Sampled=0 ; Self=1-67891234-12456789abcdef012345678; Root={ROOT};Parent=53995c3f42cd8ad8",
     f"Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=0"),
    (f"Root={ROOT}", rf"Root={ROOT};Parent=[0-9a-f]{{16}};Sampled=0"),
    (f"Root={ROOT};Parent=xyz;Sampled=?", rf"Root={ROOT};Parent=[0-9a-f]{{16}};Sampled=0"),
    ("Root=1-nothex-abc;Sampled=1", None),
    ("Parent=53995c3f42cd8ad8;Sampled=1", None),
    ("", None),
    (None, None),
])
def test_which_trace_an_invocation_carries(header, expected):
    from fogbank.runtime.tracing import carried_trace

    got = carried_trace(header)
    if expected is None:
        assert got is None
    else:
        assert got is not None and re.fullmatch(expected, got)


def test_a_malformed_trace_header_starts_a_trace_of_its_own(deploy, invoke):
    deploy("traced", TRACED)
    got = invoke("traced", trace_header="Root=not-a-trace;Sampled=1")[1]
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0", got)

