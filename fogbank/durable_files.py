"""Files that survive a crash once written: the two steps every store on plain files needs.

A rename is durable only once its directory is fsynced, and a file replaced in place can be
seen half-written after a crash; so a whole file is written to a sibling, fsynced, renamed
over the old one, and the directory fsynced.
"""
from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make the entries of directory `path` (new names, renames, removals) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a fsynced sibling, renamed over it."""
    partial = path.with_name(f".partial-{path.name}")
    try:
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
