"""A REST API's proxy event through a running node: its headers, spelled as the client spelled
them, are listed by name with case set aside, as API Gateway's events list them."""
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
    sent = [("Zebra", "z"), ("accept", "*/*"), ("X-Custom", "2"), ("authorization", "t"),
            ("X-Custom", "1"), ("Content-Type", "text/plain")]
    event = httpx.post(rest_url + "/echo/a", headers=sent, content=b"x").json()
    names = list(event["headers"])
    assert names == sorted(names, key=str.lower)
    assert list(event["multiValueHeaders"]) == names
    # Spelled as sent, CloudFront's and API Gateway's own among them.
    assert {"Zebra", "accept", "authorization", "Content-Type", "User-Agent", "Host", "Via",
            "CloudFront-Viewer-Country", "X-Forwarded-For", "X-Amzn-Trace-Id"} <= set(names)
    # A repeated header keeps its values in the order they came in.
    assert event["multiValueHeaders"]["X-Custom"] == ["2", "1"]
    assert event["headers"]["X-Custom"] == "1"
