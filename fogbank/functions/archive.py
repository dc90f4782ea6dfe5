"""A deployment package (a zip) unpacked into a function's code directory, durably, with
nothing written outside it.

Lambda reports the package by the base64 SHA-256 and the size of the zip itself. An entry
that would land outside the directory (`../x`, an absolute path, a drive letter) or that is
a symbolic link is refused like a zip that cannot be read: a function's code stays inside
its own directory whatever the archive says.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import stat
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fogbank.durable_files import fsync_dir

from fogbank.types import InvalidParameterValue

# Lambda's limit on a function's code and layers, unzipped.
UNZIPPED_LIMIT = 250 * 1024 * 1024


@dataclass(frozen=True)
class Package:
    sha256: str          # base64, as CodeSha256
    size: int            # bytes of the zip, as CodeSize

    @property
    def key(self) -> str:
        """A file-name-safe id for the package's directory."""
        return base64.b32encode(base64.b64decode(self.sha256)).decode().rstrip("=").lower()


def describe(data: bytes) -> Package:
    digest = hashlib.sha256(data).digest()
    return Package(base64.b64encode(digest).decode(), len(data))


def unzip_failed() -> InvalidParameterValue:
    return InvalidParameterValue("Could not unzip uploaded file. Please check your file, then "
                                 "try to upload again.", extra={"Type": "User"})


def extract(data: bytes, target: Path) -> None:
    """Unpack `data` into `target` (a new directory) and fsync every file and folder, so
    that a package acknowledged to the caller survives a crash."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [(info, _safe_path(info)) for info in archive.infolist()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise unzip_failed() from None
    if sum(info.file_size for info, _ in members) > UNZIPPED_LIMIT:
        raise InvalidParameterValue(f"Unzipped size must be smaller than {UNZIPPED_LIMIT} bytes",
                                    extra={"Type": "User"})
    target.mkdir(parents=True)
    folders = {target}
    try:
        for info, relative in members:
            path = target.joinpath(*relative.parts)
            if info.is_dir() or not relative.parts:
                path.mkdir(parents=True, exist_ok=True)
                folders.add(path)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.update(p for p in path.parents if p.is_relative_to(target))
            with archive.open(info) as source, open(path, "wb") as out:
                while chunk := source.read(1024 * 1024):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            # Keep the owner's execute bit (a bundled binary), never more than 0o755.
            mode = (info.external_attr >> 16) & 0o777
            os.chmod(path, 0o755 if mode & 0o100 else 0o644)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise unzip_failed() from None
    for folder in folders:
        fsync_dir(folder)


def _safe_path(info: zipfile.ZipInfo) -> PurePosixPath:
    """The entry's path inside the target, or ValueError for one that leaves it."""
    name = info.filename.replace("\\", "/")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ValueError(f"{name} is a symbolic link")
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        raise ValueError(f"{name} is an absolute path")
    if ".." in path.parts:
        raise ValueError(f"{name} leaves the package")
    return PurePosixPath(*(part for part in path.parts if part != "."))


def install(data: bytes, final: Path) -> None:
    """Unpack `data` as the directory `final`, whole or not at all: into a sibling that is
    renamed to `final` once every file is durable (a crash leaves a `.partial-` folder,
    which the stores remove when they load)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.parent / f".partial-{uuid.uuid4().hex}"
    try:
        extract(data, partial)
        os.replace(partial, final)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    fsync_dir(final.parent)
