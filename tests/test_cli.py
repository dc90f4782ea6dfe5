"""The CLI's argument handling: user mistakes are clear errors with exit code 2."""
from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.cli import UsageError, build_parser, find_template, main, parse_overrides


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


def test_every_option_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    parser = build_parser()
    (subcommands,) = [a for a in parser._actions if a.dest == "command"]
    for action in subcommands.choices.values():
        for option in action._option_string_actions:
            if option.startswith("--") and option != "--help":
                assert option in readme, f"{option} is not documented in README.md"
