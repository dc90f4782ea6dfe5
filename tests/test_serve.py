"""`fogbank up`'s file watching rules: what counts as a change, and to which function."""
from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from fogbank.deploy import TemplateError
from fogbank.node import Served
from fogbank.serve import changed_functions, deploy, ignored
from fogbank.testing import RunningNode, write_empty_app


def test_state_caches_and_editor_files_are_ignored(tmp_path: Path) -> None:
    assert ignored(tmp_path / ".fogbank" / "tables.db", tmp_path)
    assert ignored(tmp_path / "src" / "__pycache__" / "app.cpython-311.pyc", tmp_path)
    assert ignored(tmp_path / "src" / ".app.py.swp", tmp_path)
    assert not ignored(tmp_path / "src" / "app.py", tmp_path)
    assert not ignored(tmp_path / "template.yaml", tmp_path)


def test_a_change_reloads_the_functions_whose_code_holds_it(tmp_path: Path) -> None:
    dirs = {"a": tmp_path / "src", "b": tmp_path / "src", "c": tmp_path / "other"}
    assert changed_functions(dirs, [tmp_path / "src" / "lib" / "x.py"]) == ["a", "b"]
    assert changed_functions(dirs, [tmp_path / "other" / "y.py"]) == ["c"]
    assert changed_functions(dirs, [tmp_path / "README.md"]) == []


def test_up_raises_its_open_file_limit_to_the_hard_limit(tmp_path: Path) -> None:
    # Started with 256 open files allowed (the hard limit 4,096), as on many laptops.
    node = RunningNode(write_empty_app(tmp_path / "app"), "--no-watch",
                       prefix=("prlimit", "--nofile=256:4096"))
    try:
        node.wait_ready()
        limits = Path(f"/proc/{node.proc.pid}/limits").read_text().splitlines()
        open_files = next(line for line in limits if line.startswith("Max open files"))
        assert open_files.split()[3:5] == ["4096", "4096"]
    finally:
        node.stop()


def test_a_stop_that_hangs_ends_the_process_with_the_threads_stacks() -> None:
    """The shutdown watchdog: a stop stuck past its deadline still ends `fogbank up`, and
    says where it was stuck."""
    script = ("import time\n"
              "from fogbank.serve import exit_if_stuck\n"
              "exit_if_stuck(0.5)\n"
              "def stuck_in_shutdown():\n"
              "    time.sleep(60)\n"
              "stuck_in_shutdown()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0
    assert "stopping took over" in done.stderr
    assert "stuck_in_shutdown" in done.stderr          # the stack names the stuck call
    assert "stopped without finishing the shutdown" in done.stderr


def test_a_stop_that_finishes_in_time_is_left_alone() -> None:
    script = ("import time\n"
              "from fogbank.serve import exit_if_stuck\n"
              "exit_if_stuck(2.0).cancel()\n"
              "time.sleep(3)\n"
              "raise SystemExit(7)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 7 and "stopping took over" not in done.stderr


class _Refusing:
    """A node whose template names a path such as `[/Resources/X]` in its error."""

    async def deploy(self, template: Path, **callbacks: object) -> Served:
        raise TemplateError("Template format error: [/Resources/Fn::ForEach::Tables] Every "
                            "Resources object must contain a Type member.")


class _Serving:
    async def deploy(self, template: Path, **callbacks: object) -> Served:
        return Served("http://127.0.0.1:1", {}, {}, {}, {"Joined": "[a]/[/b]"},
                      ["Unresolved resource dependencies [Nope] in the Outputs block"])


def test_messages_with_brackets_are_printed_as_text_not_markup(tmp_path: Path) -> None:
    console = Console(record=True, width=300)
    template = tmp_path / "[x]" / "template.yaml"
    assert asyncio.run(deploy(_Refusing(), template, console)) is False  # type: ignore[arg-type]
    assert asyncio.run(deploy(_Serving(), template, console)) is True  # type: ignore[arg-type]
    text = console.export_text()
    assert "Template error: Template format error: [/Resources/Fn::ForEach::Tables] Every" in text
    assert "warning: Unresolved resource dependencies [Nope] in the Outputs block" in text
    assert "output Joined = [a]/[/b]" in text
