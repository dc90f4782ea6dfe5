"""Resource providers: how the deployer creates, changes and deletes each resource type."""
from __future__ import annotations

from pathlib import Path

from fogbank.deploy.providers.functions import FunctionProvider, Runtime
from fogbank.deploy.providers.iam import PolicyProvider, RoleProvider
from fogbank.deploy.providers.invoke_configs import EventInvokeConfigProvider
from fogbank.deploy.providers.layers import LayerStore, LayerVersionProvider
from fogbank.deploy.providers.permissions import PermissionProvider
from fogbank.deploy.providers.versions import AliasProvider, VersionProvider
from fogbank.types import ResourceProvider


def default_providers(runtime: Runtime, region: str, account_id: str, *,
                      inline_code_dir: Path | None = None,
                      layers: LayerStore | None = None) -> list[ResourceProvider]:
    """The providers for functions, versions, aliases, invoke configs, layers, permissions
    and IAM, wired to share one layer registry (`layers`, if the caller needs it too) and
    one function registry."""
    layers = layers or LayerStore()
    functions = FunctionProvider(runtime, region=region, account_id=account_id, layers=layers,
                                 inline_code_dir=inline_code_dir)
    where = {"region": region, "account_id": account_id}
    return [functions, VersionProvider(functions, **where), AliasProvider(functions, **where),
            EventInvokeConfigProvider(functions), LayerVersionProvider(layers, **where),
            PermissionProvider(functions), RoleProvider(**where), PolicyProvider(**where)]


__all__ = ["AliasProvider", "EventInvokeConfigProvider", "FunctionProvider", "LayerStore",
           "LayerVersionProvider", "PermissionProvider", "PolicyProvider", "RoleProvider", "VersionProvider",
           "default_providers"]
