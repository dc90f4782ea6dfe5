"""The names Lambda gives a function's files: its package at /var/task, its layers at /opt.

Here a function's code, the dependencies built for it and its layers sit in host
directories (the app's folder, the state dir's build hashes). Error payloads and logged
tracebacks name them as Lambda does, so users see what AWS shows and the host layout does
not leak. Only names change: the files stay where they are (LAMBDA_TASK_ROOT and the
working directory are the real code directory, since code reads files relative to them).
Runs in the worker; imports nothing beyond the standard library.
"""
from __future__ import annotations

from typing import Iterable, Sequence

TASK_ROOT = "/var/task"
LAYERS_ROOT = "/opt"


class ShownPaths:
    """Host directories and the Lambda directories they stand for."""

    def __init__(self, places: Iterable[tuple[str, str]] = ()) -> None:
        # Longest first: a directory nested in another maps by its own, closer, name.
        self._places = sorted(((host.rstrip("/"), shown) for host, shown in places if host),
                              key=lambda place: len(place[0]), reverse=True)

    @classmethod
    def of_function(cls, sys_path: Sequence[str]) -> "ShownPaths":
        """From the path `environment.function_path` builds: the task root first, then
        bundled dependencies (built into the deployment package, so /var/task on Lambda),
        then each layer as two entries, `<layer>/python/lib/pythonX.Y/site-packages` and
        `<layer>/python` (the layer's files merge into /opt)."""
        if not sys_path:
            return cls()
        places = [(sys_path[0], TASK_ROOT)]
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
        return cls(places)

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
