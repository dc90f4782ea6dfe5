"""Unpacking a deployment package: files land inside the target, nothing leaves it."""
from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from fogbank.functions.archive import describe, extract
from fogbank.types import InvalidParameterValue


def zipped(*entries: tuple[zipfile.ZipInfo | str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for entry, data in entries:
            archive.writestr(entry, data)
    return buf.getvalue()


def test_files_and_folders_are_unpacked(tmp_path: Path) -> None:
    tool = zipfile.ZipInfo("bin/tool")
    tool.external_attr = 0o100775 << 16
    data = zipped(("app.py", b"x = 1\n"), ("pkg/", b""), ("pkg/mod.py", b"y = 2\n"),
                  ("./dot/z.py", b"z = 3\n"), (tool, b"#!/bin/sh\n"))
    extract(data, tmp_path / "code")
    assert (tmp_path / "code" / "app.py").read_text() == "x = 1\n"
    assert (tmp_path / "code" / "pkg" / "mod.py").read_text() == "y = 2\n"
    assert (tmp_path / "code" / "dot" / "z.py").exists()
    assert os.stat(tmp_path / "code" / "bin" / "tool").st_mode & 0o777 == 0o755
    assert os.stat(tmp_path / "code" / "app.py").st_mode & 0o777 == 0o644


def test_a_package_is_described_by_the_zip_itself() -> None:
    data = zipped(("app.py", b"x = 1\n"))
    package = describe(data)
    assert package.sha256 == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert package.size == len(data)
    assert package.key.isalnum() and package.key.islower()


def link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


@pytest.mark.parametrize("entry", ["../out.py", "a/../../out.py", "/abs/out.py",
                                   "C:/windows.py", "..\\back.py", link("link")])
def test_an_entry_that_leaves_the_directory_is_refused(tmp_path: Path, entry) -> None:
    with pytest.raises(InvalidParameterValue) as caught:
        extract(zipped(("app.py", b""), (entry, b"/etc/passwd")), tmp_path / "code")
    assert caught.value.message.startswith("Could not unzip uploaded file.")
    assert not (tmp_path / "code").exists()
    assert not (tmp_path / "out.py").exists() and not (tmp_path.parent / "out.py").exists()


@pytest.mark.parametrize("data", [b"", b"garbage", zipped(("app.py", b"x" * 1000))[:-40]])
def test_a_damaged_zip_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InvalidParameterValue) as caught:
        extract(data, tmp_path / "code")
    assert caught.value.message == ("Could not unzip uploaded file. Please check your file, "
                                    "then try to upload again.")
