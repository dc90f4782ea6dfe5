"""A function's alias as Lambda's AliasConfiguration, the dict GetAlias and ListAliases
return."""
from __future__ import annotations

import uuid
from typing import Any

from fogbank.functions.records import Alias
from fogbank.types import FunctionSpec, ResourceNotFound


def alias_configuration(spec: FunctionSpec, alias: str,
                        kept: Alias | None = None) -> dict[str, Any]:
    """The configuration of one of the function's aliases; RoutingConfig only when the
    alias sends a share of its invocations to another version, as Lambda shows it. An
    alias made through the API shows the description and revision Fogbank keeps (`kept`)."""
    version = spec.aliases.get(alias)
    if version is None:
        raise ResourceNotFound(f"Cannot find alias arn: {spec.arn}:{alias}",
                               extra={"Type": "User"})
    weights = dict(spec.alias_weights.get(alias, {}))
    config: dict[str, Any] = {
        "AliasArn": f"{spec.arn}:{alias}",
        "Name": alias,
        "FunctionVersion": version,
        # The template's alias description is not kept.
        "Description": kept.description if kept else "",
        # Stable while the alias points where it does, new when it moves.
        "RevisionId": kept.revision_id if kept else str(uuid.uuid5(
            uuid.NAMESPACE_URL, f"{spec.arn}:{alias}#{version}#{sorted(weights.items())}")),
    }
    if weights:
        config["RoutingConfig"] = {"AdditionalVersionWeights": weights}
    return config


def aliases_of(spec: FunctionSpec, version: str | None = None) -> list[str]:
    """The function's alias names in order, only those pointing at `version` if given."""
    return sorted(name for name, target in spec.aliases.items()
                  if version is None or target == version)
