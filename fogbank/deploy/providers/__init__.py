"""Resource providers: how the deployer creates, changes and deletes each resource type."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from fogbank.deploy.providers.functions import FunctionProvider, Runtime
from fogbank.deploy.providers.iam import PolicyProvider, RoleProvider
from fogbank.deploy.providers.invoke_configs import EventInvokeConfigProvider
from fogbank.deploy.providers.layers import LayerStore, LayerVersionProvider
from fogbank.deploy.providers.log_groups import (LogGroupProvider, LogGroupRegistry,
                                                 SubscriptionFilterProvider)
from fogbank.deploy.providers.permissions import PermissionProvider
from fogbank.deploy.providers.versions import AliasProvider, VersionProvider
from fogbank.runtime import build
from fogbank.types import ResourceProvider


def default_providers(runtime: Runtime, region: str, account_id: str, *,
                      inline_code_dir: Path | None = None,
                      layers: LayerStore | None = None,
                      layer_build_root: Path | None = None,
                      python: Path = Path(sys.executable),
                      log_groups: LogGroupRegistry | None = None) -> list[ResourceProvider]:
    """The providers for functions, versions, aliases, invoke configs, layers, permissions,
    IAM and log groups, wired to share one layer registry (`layers`, if the caller needs it
    too) and one function registry. Layers that ask to be built are built under `layer_build_root`
    (a temporary directory if none is given) with `python`'s pip. Log groups are made in
    `log_groups` (CloudWatch Logs), if given."""
    layers = layers or LayerStore()
    build_root: list[Path] = [layer_build_root] if layer_build_root else []

    def build_layer(name: str, source: Path) -> Path:
        if not build_root:
            build_root.append(Path(tempfile.mkdtemp(prefix="fogbank-layers-")))
        return build.layer_dir(name, source, build_root[0], python)

    functions = FunctionProvider(runtime, region=region, account_id=account_id, layers=layers,
                                 inline_code_dir=inline_code_dir)
    where = {"region": region, "account_id": account_id}
    providers: list[ResourceProvider] = [
        functions, VersionProvider(functions, **where), AliasProvider(functions, **where),
        EventInvokeConfigProvider(functions),
        LayerVersionProvider(layers, build=build_layer, **where),
        PermissionProvider(functions), RoleProvider(**where), PolicyProvider(**where),
        LogGroupProvider(groups=log_groups, **where)]
    if log_groups is not None:
        providers.append(SubscriptionFilterProvider(log_groups))
    return providers


__all__ = ["AliasProvider", "EventInvokeConfigProvider", "FunctionProvider", "LayerStore",
           "LayerVersionProvider", "LogGroupProvider", "PermissionProvider", "PolicyProvider",
           "RoleProvider", "SubscriptionFilterProvider", "VersionProvider", "default_providers"]
