"""AWS::Lambda::Alias RoutingConfig and ProvisionedConcurrencyConfig: what they set on the
function the runtime serves, and the RoutingConfigs CloudFormation and Lambda refuse."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fogbank.deploy import TemplateError
from fogbank.deploy.providers import AliasProvider, FunctionProvider, VersionProvider
from fogbank.types import Resource

from .test_versions import ACCOUNT, REGION, alias, function, version


@pytest.fixture
def functions(runtime: Any, app_dir: Path) -> FunctionProvider:
    provider = FunctionProvider(runtime, region=REGION, account_id=ACCOUNT)
    provider.create(function(app_dir))
    return provider


@pytest.fixture
def aliases(functions: FunctionProvider, app_dir: Path) -> AliasProvider:
    versions = VersionProvider(functions, region=REGION, account_id=ACCOUNT)
    versions.create(version(app_dir))
    versions.create(version(app_dir))
    return AliasProvider(functions, region=REGION, account_id=ACCOUNT)


def weighted(app_dir: Path, to: str, *weights: Any) -> Resource:
    return alias(app_dir, to, RoutingConfig={"AdditionalVersionWeights": list(weights)})


def test_weights_are_set_on_the_function_and_follow_the_alias(aliases: AliasProvider,
                                                              runtime: Any,
                                                              app_dir: Path) -> None:
    first = weighted(app_dir, "1", {"FunctionVersion": "2", "FunctionWeight": 0.25})
    deployed = aliases.create(first)
    spec = runtime.specs["orders"]
    assert (dict(spec.aliases), {k: dict(v) for k, v in spec.alias_weights.items()}) == \
        ({"live": "1"}, {"live": {"2": 0.25}})
    assert [spec.routed_version("live", draw) for draw in (0.0, 0.24, 0.25, 0.99)] == \
        ["2", "2", "1", "1"]
    # The whole shift done: the alias moves to 2 and routes nowhere else.
    done = alias(app_dir, "2")
    aliases.update(first, deployed, done)
    spec = runtime.specs["orders"]
    assert (dict(spec.aliases), dict(spec.alias_weights)) == ({"live": "2"}, {})
    aliases.delete(done, deployed)
    assert dict(runtime.specs["orders"].alias_weights) == {}


def test_an_empty_routing_config_routes_nowhere(aliases: AliasProvider, runtime: Any,
                                                app_dir: Path) -> None:
    aliases.create(weighted(app_dir, "1"))
    aliases.create(alias(app_dir, "1", name="other", RoutingConfig={}))
    assert dict(runtime.specs["orders"].alias_weights) == {}


def test_a_routed_version_is_published(functions: FunctionProvider, runtime: Any,
                                       app_dir: Path) -> None:
    AliasProvider(functions, region=REGION, account_id=ACCOUNT).create(
        weighted(app_dir, "1", {"FunctionVersion": "3", "FunctionWeight": "0.5"}))
    spec = runtime.specs["orders"]
    assert (spec.published_versions, dict(spec.alias_weights["live"])) == (3, {"3": 0.5})


def test_provisioned_concurrency_is_kept_on_the_aliases_version(aliases: AliasProvider,
                                                                runtime: Any,
                                                                app_dir: Path) -> None:
    aliases.create(alias(app_dir, "2", ProvisionedConcurrencyConfig={
        "ProvisionedConcurrentExecutions": 2}))
    spec = runtime.specs["orders"]
    assert (spec.provisioned_concurrency, spec.provisioned_version) == (2, "2")


SCHEMA = "Properties validation failed for resource FnAlias with message: "
WEIGHTS_AT = "at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: "


@pytest.mark.parametrize("to,routing,message", [
    ("1", [{"FunctionVersion": "2", "FunctionWeight": 0.1},
           {"FunctionVersion": "3", "FunctionWeight": 0.1}],
     "Resource FnAlias: Number of items in AdditionalVersionWeights cannot be greater than 1"),
    ("1", [{"FunctionVersion": "2", "FunctionWeight": 1.5}],
     "Resource FnAlias: 1 validation error detected: Value '{2=1.5}' " + WEIGHTS_AT +
     "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, "
     "Member must have value greater than or equal to 0.0, Member must not be null]"),
    ("1", [{"FunctionVersion": "2", "FunctionWeight": -0.1}],
     "Resource FnAlias: 1 validation error detected: Value '{2=-0.1}' " + WEIGHTS_AT +
     "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, "
     "Member must have value greater than or equal to 0.0, Member must not be null]"),
    ("1", [{"FunctionVersion": "1", "FunctionWeight": 0.5}],
     "Resource FnAlias: Invalid function version 1. Function version 1 is already included "
     "in routing configuration."),
    ("$LATEST", [{"FunctionVersion": "2", "FunctionWeight": 0.5}],
     "Resource FnAlias: $LATEST is not supported for an alias pointing to more than 1 version"),
    ("1", [{"FunctionVersion": "$LATEST", "FunctionWeight": 0.5}],
     "Resource FnAlias: 1 validation error detected: Value '{$LATEST=0.5}' " + WEIGHTS_AT +
     "Map keys must satisfy constraint: [Member must have length less than or equal to 1024, "
     "Member must have length greater than or equal to 1, Member must satisfy regular "
     "expression pattern: [0-9]+, Member must not be null]"),
    ("1", [{"FunctionWeight": 0.5}],
     SCHEMA + "#/RoutingConfig/AdditionalVersionWeights/0: required key [FunctionVersion] "
              "not found"),
    ("1", [{"FunctionVersion": "2"}],
     SCHEMA + "#/RoutingConfig/AdditionalVersionWeights/0: required key [FunctionWeight] "
              "not found"),
    ("1", [{"FunctionVersion": "2", "FunctionWeight": "half"}],
     SCHEMA + "#/RoutingConfig/AdditionalVersionWeights/0/FunctionWeight: expected type: "
              "Number, found: String"),
    ("1", ["2"],
     SCHEMA + "#/RoutingConfig/AdditionalVersionWeights/0: expected type: JSONObject, "
              "found: String"),
])
def test_routing_configs_that_are_refused(aliases: AliasProvider, runtime: Any,
                                          app_dir: Path, to: str, routing: list[Any],
                                          message: str) -> None:
    with pytest.raises(TemplateError) as excinfo:
        aliases.create(weighted(app_dir, to, *routing))
    assert str(excinfo.value) == message
    assert dict(runtime.specs["orders"].aliases) == {}


@pytest.mark.parametrize("routing,found", [
    ("half", "RoutingConfig: expected type: JSONObject, found: String"),
    ({"AdditionalVersionWeights": {"2": 0.5}},
     "RoutingConfig/AdditionalVersionWeights: expected type: JSONArray, found: JSONObject"),
])
def test_routing_config_of_the_wrong_shape(aliases: AliasProvider, app_dir: Path,
                                           routing: Any, found: str) -> None:
    with pytest.raises(TemplateError) as excinfo:
        aliases.create(alias(app_dir, "1", RoutingConfig=routing))
    assert str(excinfo.value) == SCHEMA + "#/" + found
