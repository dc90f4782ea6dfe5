"""The shared crash-safe file steps: a replaced file is the old one or the new one, whole."""
from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.durable_files import fsync_dir, replace_file


def test_replace_file_writes_the_new_content_and_leaves_no_sibling(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    replace_file(target, b"first")
    replace_file(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_failed_replace_keeps_the_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    replace_file(target, b"kept")
    with pytest.raises(TypeError):
        replace_file(target, "not bytes")          # type: ignore[arg-type]
    assert target.read_bytes() == b"kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_fsync_dir_refuses_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        fsync_dir(tmp_path / "absent")
