"""GetFunction's Code.Location: a signed, expiring link on the node that downloads a zip of
the function's code directory, and nothing outside it."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from fogbank.aws.lambda_api import CodeLinks

from .conftest import FakeRuntime, bound, serve, url_of


def noop(event, context):
    return None


def download(url: str) -> httpx.Response:
    return httpx.get(url, timeout=30)


def names_in(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    return sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())


def test_location_downloads_the_code_as_a_zip(runtime, lambda_client):
    spec = runtime.add("orders", noop)
    (spec.code_dir / "lib").mkdir()
    (spec.code_dir / "lib" / "util.py").write_text("X = 1\n")
    (spec.code_dir / "__pycache__").mkdir()
    (spec.code_dir / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\0")
    location = lambda_client.get_function(FunctionName="orders")["Code"]["Location"]
    response = download(location)
    assert names_in(response) == ["app.py", "lib/util.py"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.read("app.py") == (spec.code_dir / "app.py").read_bytes()


def test_the_zip_is_made_when_asked_for(runtime, lambda_client):
    spec = runtime.add("orders", noop)
    location = lambda_client.get_function(FunctionName="orders")["Code"]["Location"]
    (spec.code_dir / "later.py").write_text("Y = 2\n")
    assert "later.py" in names_in(download(location))


def test_links_out_of_the_code_directory_are_left_out(runtime, lambda_client, tmp_path):
    spec = runtime.add("orders", noop)
    secret = tmp_path / "secret.txt"
    secret.write_text("not code")
    (spec.code_dir / "leak.txt").symlink_to(secret)
    (spec.code_dir / "outside").symlink_to(tmp_path, target_is_directory=True)
    (spec.code_dir / "alias.py").symlink_to(spec.code_dir / "app.py")     # inside: kept
    location = lambda_client.get_function(FunctionName="orders")["Code"]["Location"]
    assert names_in(download(location)) == ["alias.py", "app.py"]


def test_link_names_only_its_function(runtime, lambda_client):
    runtime.add("orders", noop)
    runtime.add("payments", noop)
    location = lambda_client.get_function(FunctionName="orders")["Code"]["Location"]
    for path in ("payments", "..%2Fpayments", "orders%2F..%2F..%2Fetc"):
        forged = location.replace("/orders?", f"/{path}?")
        response = download(forged)
        assert response.status_code == 403
        assert "<Code>SignatureDoesNotMatch</Code>" in response.text


@pytest.mark.parametrize("change", [
    lambda query: query.replace("Signature=", "Signature=0"),
    lambda query: query.replace("Expires=", "Expires=9"),       # a later expiry, same signature
])
def test_tampered_link_is_refused(runtime, lambda_client, change):
    runtime.add("orders", noop)
    location = lambda_client.get_function(FunctionName="orders")["Code"]["Location"]
    base, query = location.split("?")
    response = download(f"{base}?{change(query)}")
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text


@pytest.mark.parametrize("query", ["", "?Expires=1", "?Signature=abc", "?Expires=soon&Signature=a"])
def test_unsigned_link_is_refused(runtime, lambda_client, endpoint, query):
    runtime.add("orders", noop)
    response = download(f"{endpoint}/_lambda-code/orders{query}")
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in response.text


def test_only_get_is_served(runtime, lambda_client):
    runtime.add("orders", noop)
    location = lambda_client.get_function(FunctionName="orders")["Code"]["Location"]
    assert httpx.head(location).status_code == 200
    response = httpx.post(location, content=b"x")
    assert response.status_code == 405
    assert "<Code>MethodNotAllowed</Code>" in response.text


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clocked(tmp_path: Path) -> Iterator[tuple[FakeRuntime, CodeLinks, Clock, Path]]:
    runtime = FakeRuntime(tmp_path)
    state_dir = tmp_path / "code" / "orders" / ".fogbank"
    clock = Clock()
    sock = bound()
    links = CodeLinks(url_of(sock), runtime, excluded=[state_dir], clock=clock)
    async def app(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":      # what the node's edge answers for its apps
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await links(scope, receive, send)

    for _ in serve(app, sock):
        yield runtime, links, clock, state_dir


def test_link_expires_after_ten_minutes(clocked):
    runtime, links, clock, _ = clocked
    url = links.url_for(runtime.add("orders", noop))
    assert parse_qs(urlsplit(url).query)["Expires"] == [str(int(clock.now) + 600)]
    clock.now += 600
    assert download(url).status_code == 200
    clock.now += 1
    response = download(url)
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code><Message>Request has expired</Message>" in response.text


def test_state_directory_inside_the_code_is_left_out(clocked):
    runtime, links, _, state_dir = clocked
    spec = runtime.add("orders", noop)
    state_dir.mkdir()
    (state_dir / "stack.json").write_text("{}")
    assert names_in(download(links.url_for(spec))) == ["app.py"]


def test_link_to_a_function_since_removed(clocked):
    runtime, links, _, _ = clocked
    url = links.url_for(runtime.add("orders", noop))
    runtime._functions.clear()
    response = download(url)
    assert response.status_code == 404
    assert "<Code>NoSuchKey</Code>" in response.text
