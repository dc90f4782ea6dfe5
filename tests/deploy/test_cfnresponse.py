"""Our `cfnresponse` module, as inline function code calls it: the PUT it makes."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace
from typing import Any, Iterator

import pytest

from fogbank.deploy.providers import cfnresponse

EVENT = {"StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
         "RequestId": "r-1", "LogicalResourceId": "Seed"}
CONTEXT = SimpleNamespace(log_stream_name="2026/12/03/[$LATEST]abc")


@pytest.fixture
def received() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local server standing in for the ResponseURL: (its URL, the PUTs it took)."""
    puts: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            puts.append({"path": self.path, "content-type": self.headers["content-type"],
                         "body": json.loads(body)})
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/resp?X-Amz-Signature=t", puts
    server.shutdown()
    server.server_close()


def test_send_puts_the_response_object(received: tuple[str, list[dict[str, Any]]]) -> None:
    url, puts = received
    cfnresponse.send({**EVENT, "ResponseURL": url}, CONTEXT, cfnresponse.SUCCESS,
                     {"Greeting": "hi"}, "seed-1", noEcho=True, reason="done")
    [put] = puts
    assert put["path"] == "/resp?X-Amz-Signature=t" and put["content-type"] == ""
    assert put["body"] == {"Status": "SUCCESS", "Reason": "done", "PhysicalResourceId": "seed-1",
                           "StackId": EVENT["StackId"], "RequestId": "r-1",
                           "LogicalResourceId": "Seed", "NoEcho": True,
                           "Data": {"Greeting": "hi"}}


def test_defaults_name_the_log_stream(received: tuple[str, list[dict[str, Any]]]) -> None:
    url, puts = received
    cfnresponse.send({**EVENT, "ResponseURL": url}, CONTEXT, cfnresponse.FAILED, {})
    body = puts[0]["body"]
    assert body["Status"] == "FAILED" and body["NoEcho"] is False
    assert body["PhysicalResourceId"] == CONTEXT.log_stream_name
    assert body["Reason"] == f"See the details in CloudWatch Log Stream: {CONTEXT.log_stream_name}"


def test_a_failed_put_is_printed_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    cfnresponse.send({**EVENT, "ResponseURL": "http://127.0.0.1:1/x"}, CONTEXT,
                     cfnresponse.SUCCESS, {})
    assert "could not be sent" in capsys.readouterr().out
