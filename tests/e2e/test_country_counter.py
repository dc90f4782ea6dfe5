"""examples/country-counter through `fogbank up`, called with httpx the way its README calls
it with curl: counts per viewer country, kept across restarts with another --viewer-country,
exact under concurrent requests."""
from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import httpx
import pytest

from fogbank.cli import main
from fogbank.testing import RunningNode

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "country-counter"
CONCURRENT = 24


def count(url: str) -> str:
    r = httpx.get(url, timeout=60)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/plain"
    return r.text


def serve(app: Path, *options: str) -> tuple[RunningNode, str, str]:
    """A node serving `app`: (the node, the counter's URL, the table's name)."""
    node = RunningNode(app, "--no-watch", *options,
                       log_path=app.parent / f"up{'-'.join(options)}.log")
    try:
        info = node.wait_ready()
    except BaseException:
        node.stop()
        raise
    (url,) = info["apis"].values()
    return node, url.rstrip("/") + "/", info["outputs"]["TableName"]


@pytest.fixture
def app(tmp_path: Path) -> Path:
    target = tmp_path / "country-counter"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".fogbank", "__pycache__"))
    return target


def test_counts_per_viewer_country_across_restarts(app: Path) -> None:
    node, url, table = serve(app)                 # the default country
    try:
        assert [count(url) for _ in range(3)] == ["US: 1", "US: 2", "US: 3"]
        # Every concurrent ADD gets its own new value: none is lost or counted twice.
        with ThreadPoolExecutor(CONCURRENT) as pool:
            answers = sorted(pool.map(lambda _: count(url), range(CONCURRENT)))
        assert answers == sorted(f"US: {n}" for n in range(4, 4 + CONCURRENT))
    finally:
        node.stop()

    node, url, _ = serve(app, "--viewer-country", "de")
    try:
        assert [count(url), count(url)] == ["DE: 1", "DE: 2"]
    finally:
        node.stop()

    node, url, _ = serve(app, "--viewer-country", "US")
    try:
        assert count(url) == f"US: {4 + CONCURRENT}"
        dynamodb = boto3.client("dynamodb", **node.client_kwargs())
        items = dynamodb.scan(TableName=table)["Items"]
        assert sorted((i["country"]["S"], i["hits"]["N"]) for i in items) == [
            ("DE", "2"), ("US", str(4 + CONCURRENT))]
    finally:
        node.stop()


@pytest.mark.parametrize("value", ["USA", "U", "1A", "", "Ü1"])
def test_viewer_country_must_be_a_two_letter_code(app: Path, value: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["up", str(app), "--viewer-country", value])
    assert exc.value.code == 2
    assert (f"argument --viewer-country: expected a two-letter country code such as US or "
            f"DE, not {value!r}") in capsys.readouterr().err
    assert not (app / ".fogbank").exists()            # nothing was started
