"""Which of the zygote's preloaded modules a function ships its own copy of.

On Lambda the function's code (/var/task), its layers (/opt/python) and what its
requirements.txt installed come before the runtime's own boto3 on sys.path, so a function
pinning `six==1.16.0` or an older boto3 imports its copy. A worker forked from the zygote
finds the zygote's copy already in sys.modules instead, and `import` never looks at the
path. Such a function's workers must start from a zygote that has not preloaded them
(runtime.py picks it); this module finds them, once per deployed version, by listing the
top-level names its import path provides.

A copy installed from the very distribution the zygote preloaded (the same name and
version, as `boto3` unpinned in requirements.txt often is) is the same code: it keeps the
fast path. Only a copy that differs, or that no installed distribution vouches for, does not.
"""
from __future__ import annotations

import importlib.machinery
import importlib.metadata
import os
import re
from functools import cache
from typing import AbstractSet, Iterable

# Longest first, so "x.abi3.so" is module "x", not "x.abi3".
_SUFFIXES = sorted(importlib.machinery.all_suffixes(), key=len, reverse=True)


def provided_modules(path: Iterable[str]) -> set[str]:
    """The top-level modules and packages importable from the directories in `path`.

    A directory without an `__init__` is left out: a namespace portion never hides a
    regular package found later on the path.
    """
    names: set[str] = set()
    for directory in path:
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue  # a layer without python/lib/..., say
        for entry in entries:
            if entry.is_dir():
                if entry.name.isidentifier() and _is_package(entry.path):
                    names.add(entry.name)
                continue
            for suffix in _SUFFIXES:
                module = entry.name[:-len(suffix)]
                if entry.name.endswith(suffix) and module.isidentifier():
                    names.add(module)
                    break
    return names


def shadowed(path: Iterable[str], preloaded: AbstractSet[str]) -> list[str]:
    """The preloaded top-level modules that `path` ships a different copy of, sorted."""
    path = list(path)
    names = provided_modules(path) & preloaded
    if not names:
        return []
    shipped = shipped_distributions(path)
    return sorted(name for name in names
                  if shipped.get(name) is None or shipped[name] != _preloaded_from(name))


def shipped_distributions(path: Iterable[str]) -> dict[str, tuple[str, str] | None]:
    """Top-level module → (normalised distribution name, version) of the copy an import
    finds first on `path`; None where that copy has no `.dist-info` record beside it."""
    found: dict[str, tuple[str, str] | None] = {}
    for directory in path:
        recorded: dict[str, tuple[str, str]] = {}
        for dist in importlib.metadata.distributions(path=[directory]):
            identity = (_normalised(dist.metadata["Name"] or ""), dist.version)
            for module in _top_level(dist):
                recorded.setdefault(module, identity)
        for module in provided_modules([directory]):
            found.setdefault(module, recorded.get(module))
    return found


@cache
def _preloaded_from(module: str) -> tuple[str, str] | None:
    """The distribution the node's own environment (the zygote's) has `module` from."""
    dists = importlib.metadata.packages_distributions().get(module) or []
    if len(dists) != 1:
        return None
    try:
        return _normalised(dists[0]), importlib.metadata.version(dists[0])
    except importlib.metadata.PackageNotFoundError:
        return None


def _top_level(dist: importlib.metadata.Distribution) -> set[str]:
    listed = dist.read_text("top_level.txt")
    if listed:
        return {line.strip() for line in listed.splitlines() if line.strip()}
    modules = set()
    for file in dist.files or ():
        first = file.parts[0] if file.parts else ""
        module = first.split(".", 1)[0] if len(file.parts) == 1 else first
        if module.isidentifier() and not first.endswith((".dist-info", ".data")):
            modules.add(module)
    return modules


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _is_package(directory: str) -> bool:
    return any(os.path.isfile(os.path.join(directory, "__init__" + suffix))
               for suffix in _SUFFIXES)
