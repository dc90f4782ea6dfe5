"""A REST API's proxy event through a running node: its headers, spelled as the client spelled
them (but for the few API Gateway spells its own way), are listed by name with case set
aside, as API Gateway's events list them, without the connection-level ones."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from fogbank.testing import RunningNode

APP = Path(__file__).parent / "apps" / "faults"


@pytest.fixture(scope="module")
def rest_url(tmp_path_factory) -> Iterator[str]:
    app_dir = tmp_path_factory.mktemp("rest-headers") / "faults"
    shutil.copytree(APP, app_dir)
    node = RunningNode(app_dir, "--no-watch")
    try:
        info = node.wait_ready()
        (url,) = [u for k, u in info["apis"].items() if "ServerlessRestApi" in k]
        yield url.rstrip("/")
    finally:
        node.stop()


def test_headers_are_listed_by_name_case_aside(rest_url) -> None:
    sent = [("Zebra", "z"), ("accept", "*/*"), ("X-Custom", "2"), ("aUThorization", "t"),
            ("X-Custom", "1"), ("Content-Type", "text/plain"), ("tEsT-HEADeR", "aValUE"),
            ("Max-Forwards", "2"), ("Expect", "100-continue")]
    event = httpx.post(rest_url + "/echo/a", headers=sent, content=b"x").json()
    names = list(event["headers"])
    assert names == sorted(names, key=str.lower)
    assert list(event["multiValueHeaders"]) == names
    # Spelled as sent, CloudFront's and API Gateway's own among them; Accept and
    # Authorization as API Gateway spells them.
    assert {"Zebra", "Accept", "Authorization", "Content-Type", "tEsT-HEADeR", "User-Agent",
            "Host", "Via", "CloudFront-Viewer-Country", "X-Forwarded-For",
            "X-Amzn-Trace-Id"} <= set(names)
    # Connection-level headers never reach the function.
    assert not {"connection", "content-length", "max-forwards", "expect"} & {
        name.lower() for name in names}
    # A repeated header keeps its values in the order they came in.
    assert event["multiValueHeaders"]["X-Custom"] == ["2", "1"]
    assert event["headers"]["X-Custom"] == "1"


def test_a_client_trace_is_continued(rest_url) -> None:
    sent = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"
    r = httpx.get(rest_url + "/echo/a", headers={"X-Amzn-Trace-Id": sent})
    assert r.headers["x-amzn-trace-id"] == sent
    assert r.json()["multiValueHeaders"]["X-Amzn-Trace-Id"] == [sent]
