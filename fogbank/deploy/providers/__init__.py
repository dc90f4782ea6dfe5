"""Resource providers: how the deployer creates, changes and deletes each resource type."""
from __future__ import annotations

from pathlib import Path

from fogbank.deploy.providers.functions import FunctionProvider, Runtime
from fogbank.deploy.providers.iam import PermissionProvider, PolicyProvider, RoleProvider
from fogbank.deploy.providers.layers import LayerStore, LayerVersionProvider
from fogbank.deploy.providers.versions import AliasProvider, VersionProvider
from fogbank.types import ResourceProvider


def default_providers(runtime: Runtime, region: str, account_id: str, *,
                      inline_code_dir: Path | None = None) -> list[ResourceProvider]:
    """The providers for functions, versions, aliases, layers, permissions and IAM, wired
    to share one layer registry and one function registry."""
    layers = LayerStore()
    functions = FunctionProvider(runtime, region=region, account_id=account_id, layers=layers,
                                 inline_code_dir=inline_code_dir)
    where = {"region": region, "account_id": account_id}
    return [functions, VersionProvider(functions, **where), AliasProvider(functions, **where),
            LayerVersionProvider(layers, **where), PermissionProvider(**where),
            RoleProvider(**where), PolicyProvider(**where)]


__all__ = ["AliasProvider", "FunctionProvider", "LayerStore", "LayerVersionProvider",
           "PermissionProvider", "PolicyProvider", "RoleProvider", "VersionProvider",
           "default_providers"]
