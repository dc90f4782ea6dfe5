"""The CLI's argument handling: user mistakes are clear errors with exit code 2."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from fogbank.cli import (UsageError, build_parser, find_template, main, parse_overrides,
                         websocket_limits)
from fogbank.config import WebSocketLimits


def test_find_template_in_directory_and_file(tmp_path: Path) -> None:
    (tmp_path / "template.yml").write_text("Resources: {}\n")
    assert find_template(tmp_path) == (tmp_path / "template.yml").resolve()
    assert find_template(tmp_path / "template.yml") == (tmp_path / "template.yml").resolve()


def test_find_template_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no template.yaml"):
        find_template(tmp_path)
    with pytest.raises(UsageError, match="no such file"):
        find_template(tmp_path / "nope")


def test_parameter_overrides() -> None:
    assert parse_overrides(["A=1", "B=x=y", "C="]) == {"A": "1", "B": "x=y", "C": ""}
    with pytest.raises(UsageError, match="KEY=VALUE"):
        parse_overrides(["novalue"])
    with pytest.raises(UsageError):
        parse_overrides(["=1"])


def test_main_reports_usage_errors(tmp_path: Path, capsys) -> None:
    assert main(["up", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_logs_without_a_node_is_a_clear_error(capsys) -> None:
    assert main(["logs", "fn", "--endpoint", "http://127.0.0.1:9"]) == 2
    assert "no Fogbank node" in capsys.readouterr().err


def up_args(*options: str) -> argparse.Namespace:
    return build_parser().parse_args(["up", *options])


def test_websocket_limits_default_to_api_gateways_quotas() -> None:
    assert websocket_limits(up_args()) == WebSocketLimits(
        frame_bytes=32 * 1024, message_bytes=128 * 1024, idle_timeout_s=600,
        max_connection_s=7200, new_connections_per_s=500, new_connections_burst=1000)


def test_websocket_options_set_the_limits() -> None:
    args = up_args("--ws-idle-timeout", "1.5", "--ws-max-connection-time", "60",
                   "--ws-connection-rate", "2.5", "--ws-connection-burst", "7",
                   "--ws-max-frame", "1024", "--ws-max-message", "4096")
    assert websocket_limits(args) == WebSocketLimits(
        frame_bytes=1024, message_bytes=4096, idle_timeout_s=1.5, max_connection_s=60,
        new_connections_per_s=2.5, new_connections_burst=7)


@pytest.mark.parametrize("option, value", [
    ("--ws-idle-timeout", "0"), ("--ws-idle-timeout", "-1"),
    ("--ws-max-connection-time", "soon"), ("--ws-connection-rate", "nan"),
    ("--ws-connection-burst", "2.5"), ("--ws-max-frame", "0"),
    ("--ws-max-message", "-4096"), ("--ws-max-message", "128KB"),
    ("--idle-timeout", "0"), ("--idle-timeout", "-5"), ("--ttl-period", "0"),
    ("--ttl-period", "never")])
def test_bad_durations_and_limits_are_clear_errors(tmp_path: Path, capsys, option: str,
                                               value: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["up", str(tmp_path), option, value])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: expected" in err and f"above zero, not {value!r}" in err
    assert "Traceback" not in err


def test_every_option_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    parser = build_parser()
    (subcommands,) = [a for a in parser._actions if a.dest == "command"]
    for action in subcommands.choices.values():
        for option in action._option_string_actions:
            if option.startswith("--") and option != "--help":
                assert option in readme, f"{option} is not documented in README.md"
