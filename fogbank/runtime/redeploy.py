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

from dataclasses import replace

from fogbank.file_stamps import tree_stamp
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
    """A stamp of the files a version's workers import: its code directory and layers,
    which change in place under the same path (a template's CodeUri, an inline ZipFile's
    file), so the path alone does not say the code is the same."""
    return "".join(f"{root}:{tree_stamp(root)};" for root in (spec.code_dir, *spec.layers))
