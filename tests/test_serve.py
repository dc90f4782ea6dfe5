"""`fogbank up`'s file watching rules: what counts as a change, and to which function."""
from __future__ import annotations

from pathlib import Path

from fogbank.serve import changed_functions, ignored


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
