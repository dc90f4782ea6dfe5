"""What tells one state of a directory's files from another without reading them.

A stamp is a digest of every file's path relative to the directory, size, modification
and change times (ctime moves with any write or replacement and cannot be set back).
Bytecode caches and hidden directories (.git, a virtualenv, the state directory `.fogbank`
when a code directory is the app's root) are left out: they change without the code
changing. Used where code and layers change in place under the same path: a template
layer's next version (deploy/loader.py) and which workers a redeploy keeps
(runtime/redeploy.py).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


def tree_stamp(root: Path | str) -> str:
    """The stamp of the files under `root` ("" of nothing when it is no directory)."""
    digest = hashlib.blake2b(digest_size=16)
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".pyc"):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:             # removed while we looked: the next look differs
                continue
            digest.update(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\0"
                          f"{st.st_ctime_ns}\n".encode())
    return digest.hexdigest()
