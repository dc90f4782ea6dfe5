"""What a redeploy of a function may leave running: a version's warm and provisioned workers
stay when nothing they were started from changed.

Lambda keeps an execution environment to one version's code and configuration. Settings
of the function as a whole (tags, reserved concurrency, provisioned concurrency, aliases,
versions, asynchronous invocation settings, the resource policy) are not a version's, so
changing them starts no new environments. Every other setting is a version's (the
API reference calls UpdateFunctionConfiguration's settings version-specific, and says Lambda
provisions a new instance of the function when they are updated), and so is the code.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import replace

from fogbank.types import FunctionSpec

# The FunctionSpec fields that belong to the function, not to a version. A field added to
# FunctionSpec later counts as a version's setting until it is named here: a new setting
# then costs a cold start, never a worker running with stale settings.
FUNCTION_LEVEL = ("tags", "reserved_concurrency", "provisioned_concurrency",
                  "provisioned_version", "provisioned_alias", "published_versions", "aliases",
                  "alias_weights", "event_invoke_configs", "permissions", "snapshots",
                  "provisioned_configs")


def same_environment(old: FunctionSpec, new: FunctionSpec) -> bool:
    """Whether a version's workers started from `old` are what `new` would start (both
    specs of the one version): every version-level setting equal."""
    return replace(old, **{name: getattr(new, name) for name in FUNCTION_LEVEL}) == new


def code_stamp(spec: FunctionSpec) -> str:
    """A digest of the files a version's workers import: the code directory and the layers,
    by path, size and change times.

    A template's code directory (its CodeUri, an inline ZipFile's file) and its layers
    change in place, under the same path, so the path alone does not say the code is the
    same. Byte digests would cost a read of every file on each deploy; the change time
    (ctime) moves with any write or replacement and cannot be set back. Bytecode caches and
    hidden directories (the state directory `.fogbank` when CodeUri is the app's root, .git,
    a virtualenv) are left out: they change without the code changing.
    """
    digest = hashlib.blake2b(digest_size=16)
    for root in (spec.code_dir, *spec.layers):
        digest.update(f"{root}\0".encode())
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:         # removed while we looked: the next look differs
                    continue
                digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0"
                              f"{st.st_ctime_ns}\n".encode())
    return digest.hexdigest()
