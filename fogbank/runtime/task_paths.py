"""The names Lambda gives a function's files: its package at /var/task, its layers at /opt.

Here a function's code, the dependencies built for it and its layers sit in host
directories (the app's folder, the state dir's build hashes). Error payloads and logged
tracebacks name them as Lambda does, so users see what AWS shows and the host layout does
not leak. Only names change: the files stay where they are (LAMBDA_TASK_ROOT and the
working directory are the real code directory, since code reads files relative to them).
The node's own interpreter is renamed too: on Lambda its standard library is
/var/lang/lib/pythonX.Y and the runtime's boto3 and botocore sit in that interpreter's
site-packages (python3.11 on) or in /var/runtime (before), named by the function's runtime,
not the node's interpreter (payloads recorded from AWS show `/var/lang/lib/python3.12/
json/__init__.py`, `/var/lang/lib/python3.11/site-packages/botocore/client.py`, and on older
runtimes `/var/runtime/botocore/client.py`).
Runs in the worker; imports nothing beyond the standard library.
"""
from __future__ import annotations

import os
import site
import traceback
from types import TracebackType
from typing import Iterable, Sequence

TASK_ROOT = "/var/task"
LAYERS_ROOT = "/opt"


class ShownPaths:
    """Host directories and the Lambda directories they stand for."""

    def __init__(self, places: Iterable[tuple[str, str]] = (),
                 hidden: Iterable[str] = ()) -> None:
        # Longest first: a directory nested in another maps by its own, closer, name.
        self._places = sorted(((host.rstrip("/"), shown) for host, shown in places if host),
                              key=lambda place: len(place[0]), reverse=True)
        # Files of the runtime's own plumbing that Lambda has no frame for.
        self._hidden = frozenset(hidden)

    @classmethod
    def of_function(cls, sys_path: Sequence[str], runtime: str = "",
                    hidden: Iterable[str] = ()) -> "ShownPaths":
        """From the path `environment.function_path` builds: the task root first, then
        bundled dependencies (built into the deployment package, so /var/task on Lambda),
        then each layer as two entries, `<layer>/python/lib/pythonX.Y/site-packages` and
        `<layer>/python` (the layer's files merge into /opt); and, given the function's
        runtime ("python3.12"), this interpreter's directories as that runtime's."""
        places = _interpreter_places(runtime)
        if not sys_path:
            return cls(places, hidden)
        places.append((sys_path[0], TASK_ROOT))
        rest = list(sys_path[1:])
        layer_sites = {entry for entry, following in zip(rest, rest[1:])
                       if following.endswith("/python")
                       and entry.startswith(following + "/lib/python")}
        for entry in rest:
            if entry in layer_sites:
                continue
            if entry.endswith("/python") and any(site.startswith(entry + "/")
                                                 for site in layer_sites):
                places.append((entry.removesuffix("/python"), LAYERS_ROOT))
            else:
                places.append((entry, TASK_ROOT))
        return cls(places, hidden)

    def file(self, filename: str) -> str:
        """A file's name as Lambda shows it; a file outside every place keeps its own."""
        for host, shown in self._places:
            if filename == host or filename.startswith(host + "/"):
                return shown + filename[len(host):]
        return filename

    def text(self, text: str) -> str:
        """`text` with every file name under a place renamed (an ImportError's message
        names the module it could not import from)."""
        for host, shown in self._places:
            text = text.replace(host + "/", shown + "/")
        return text

    def stack(self, frames: traceback.StackSummary) -> traceback.StackSummary:
        """`frames` (extracted with their source lines, as `extract_tb` does) without the
        hidden ones, each file named as Lambda shows it."""
        kept = traceback.StackSummary()
        for frame in frames:
            if frame.filename in self._hidden:
                continue
            _ = frame.line      # the source line is read by the real name, so before renaming
            frame.filename = self.file(frame.filename)
            kept.append(frame)
        return kept

    def exception(self, kind: type[BaseException], error: BaseException,
                  tb: TracebackType | None) -> list[str]:
        """`traceback.format_exception(kind, error, tb)` as Lambda's interpreter would print
        it: chained and grouped exceptions included, every frame renamed or hidden."""
        shown = traceback.TracebackException(kind, error, tb)
        pending, seen = [shown], set()
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            current.stack = self.stack(current.stack)
            if getattr(current, "filename", None):     # a SyntaxError names its file itself
                current.filename = self.file(current.filename)
            pending.extend(linked for linked in (current.__cause__, current.__context__)
                           if linked is not None)
            pending.extend(getattr(current, "exceptions", None) or ())
        return list(shown.format())


def _interpreter_places(runtime: str) -> list[tuple[str, str]]:
    """This interpreter's standard library and site-packages (where the zygote's boto3 and
    botocore come from) as `runtime` has them on Lambda; none for a runtime not pythonX.Y."""
    major, _, minor = runtime.removeprefix("python").partition(".")
    if not (runtime.startswith("python") and major.isdigit() and minor.isdigit()):
        return []
    lang = f"/var/lang/lib/{runtime}"
    # python3.11 moved the runtime's packages from /var/runtime into site-packages.
    packages = f"{lang}/site-packages" if (int(major), int(minor)) >= (3, 11) else "/var/runtime"
    places = [(os.path.dirname(os.__file__), lang)]
    places.extend((directory, packages) for directory in site.getsitepackages())
    return places
