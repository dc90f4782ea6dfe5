"""Lambda versions and aliases: what they set on the function the runtime serves."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from fogbank.deploy import Deployer, Template, TemplateError
from fogbank.deploy.providers import (AliasProvider, FunctionProvider, VersionProvider,
                                      default_providers)
from fogbank.types import Deployed, Resource

REGION, ACCOUNT = "us-east-1", "123456789012"    # what the conftest `load` fixture uses
ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function"

Load = Callable[..., Template]


def function(app_dir: Path, name: str = "orders") -> Resource:
    return Resource("Fn", "AWS::Lambda::Function",
                    {"FunctionName": name, "Handler": "app.handler", "Runtime": "python3.11",
                     "Code": "src"}, app_dir, "shop")


def version(app_dir: Path, name: str = "orders", logical_id: str = "FnVersion") -> Resource:
    return Resource(logical_id, "AWS::Lambda::Version", {"FunctionName": name}, app_dir, "shop")


def alias(app_dir: Path, to: str, name: str = "live", fn: str = "orders",
          **props: Any) -> Resource:
    return Resource("FnAlias", "AWS::Lambda::Alias",
                    {"FunctionName": fn, "Name": name, "FunctionVersion": to, **props},
                    app_dir, "shop")


@pytest.fixture
def functions(runtime: Any) -> FunctionProvider:
    return FunctionProvider(runtime, region=REGION, account_id=ACCOUNT)


@pytest.fixture
def versions(functions: FunctionProvider) -> VersionProvider:
    return VersionProvider(functions, region=REGION, account_id=ACCOUNT)


@pytest.fixture
def aliases(functions: FunctionProvider) -> AliasProvider:
    return AliasProvider(functions, region=REGION, account_id=ACCOUNT)


def test_versions_are_numbered_and_published_on_the_function(
        functions: FunctionProvider, versions: VersionProvider, runtime: Any,
        app_dir: Path) -> None:
    functions.create(function(app_dir))
    first = versions.create(version(app_dir))
    second = versions.update(version(app_dir), first, version(app_dir))
    assert (first.physical_id, first.attributes["Version"]) == (f"{ARN}:orders:1", "1")
    assert (second.physical_id, second.attributes["Version"]) == (f"{ARN}:orders:2", "2")
    spec = runtime.specs["orders"]
    assert spec.published_versions == 2
    assert [spec.version_of(q) for q in (None, "$LATEST", "1", "2", "3", "0", "01")] == \
        ["$LATEST", "$LATEST", "1", "2", None, None, None]


def test_a_replaced_version_stays_published(functions: FunctionProvider,
                                            versions: VersionProvider, runtime: Any,
                                            app_dir: Path) -> None:
    # SAM retains the versions it replaces; their numbers are never reused.
    functions.create(function(app_dir))
    old = versions.create(version(app_dir, logical_id="FnVersionA"))
    versions.create(version(app_dir, logical_id="FnVersionB"))
    versions.delete(version(app_dir, logical_id="FnVersionA"), old)
    assert runtime.specs["orders"].version_of("1") == "1"


def test_alias_points_at_its_version_and_moves(functions: FunctionProvider,
                                               versions: VersionProvider,
                                               aliases: AliasProvider, runtime: Any,
                                               app_dir: Path) -> None:
    functions.create(function(app_dir))
    versions.create(version(app_dir))
    deployed = aliases.create(alias(app_dir, "1"))
    assert deployed.physical_id == f"{ARN}:orders:live"
    assert runtime.specs["orders"].version_of("live") == "1"
    versions.create(version(app_dir))
    aliases.update(alias(app_dir, "1"), deployed, alias(app_dir, "2"))
    assert runtime.specs["orders"].version_of("live") == "2"
    aliases.update(alias(app_dir, "2"), deployed, alias(app_dir, "2", name="prod"))
    assert runtime.specs["orders"].aliases == {"prod": "2"}
    aliases.delete(alias(app_dir, "2", name="prod"), deployed)
    assert runtime.specs["orders"].version_of("prod") is None


def test_alias_to_latest(functions: FunctionProvider, aliases: AliasProvider, runtime: Any,
                         app_dir: Path) -> None:
    functions.create(function(app_dir))
    aliases.create(alias(app_dir, "$LATEST", name="edge"))
    spec = runtime.specs["orders"]
    assert (spec.version_of("edge"), spec.published_versions) == ("$LATEST", 0)


@pytest.mark.parametrize("to", ["", "v1", "0", "1.0"])
def test_alias_to_something_that_is_not_a_version(aliases: AliasProvider, app_dir: Path,
                                                  to: str) -> None:
    with pytest.raises(TemplateError, match="Resource FnAlias: FunctionVersion .* is not a "
                                            "version number or \\$LATEST"):
        aliases.create(alias(app_dir, to))


def test_function_deployed_anew_keeps_its_versions_and_aliases(
        functions: FunctionProvider, versions: VersionProvider, aliases: AliasProvider,
        runtime: Any, app_dir: Path) -> None:
    deployed = functions.create(function(app_dir))
    versions.create(version(app_dir))
    aliases.create(alias(app_dir, "1", ProvisionedConcurrencyConfig={
        "ProvisionedConcurrentExecutions": 2}))
    changed = function(app_dir)
    functions.update(changed, deployed, Resource(changed.logical_id, changed.type,
                                                 {**changed.properties, "Timeout": 9},
                                                 app_dir, "shop"))
    spec = runtime.specs["orders"]
    assert (spec.timeout_s, spec.published_versions, dict(spec.aliases),
            spec.provisioned_concurrency) == (9, 1, {"live": "1"}, 2)


def test_a_deleted_function_takes_its_versions_along(
        functions: FunctionProvider, versions: VersionProvider, aliases: AliasProvider,
        runtime: Any, app_dir: Path) -> None:
    deployed = functions.create(function(app_dir))
    versions.create(version(app_dir))
    aliases.create(alias(app_dir, "1"))
    functions.delete(function(app_dir), deployed)
    functions.create(function(app_dir))
    spec = runtime.specs["orders"]
    assert (spec.published_versions, dict(spec.aliases)) == (0, {})


def test_unchanged_publishing_does_not_redeploy(functions: FunctionProvider,
                                                aliases: AliasProvider, runtime: Any,
                                                app_dir: Path) -> None:
    # Redeploying replaces the function's warm workers: only a real change may do it.
    functions.create(function(app_dir))
    aliases.create(alias(app_dir, "1"))
    before = len(runtime.calls)
    aliases.restore(alias(app_dir, "1"), Deployed(f"{ARN}:orders:live"))
    assert len(runtime.calls) == before


@pytest.fixture
def deployer(runtime: Any, tmp_path: Path) -> Callable[[], Deployer]:
    """A new node's deployer each call, on the same recorded stack (a restart)."""
    return lambda: Deployer(tmp_path / "state", default_providers(runtime, REGION, ACCOUNT),
                            REGION, ACCOUNT)


SAM_APP = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: orders
      CodeUri: src
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      Environment: {Variables: {STAGE: one}}
"""


def test_sam_auto_publish_alias_survives_a_restart_and_a_new_version(
        load: Load, runtime: Any, deployer: Callable[[], Deployer]) -> None:
    first = deployer()
    first.apply(first.plan(load(SAM_APP)))
    assert runtime.specs["orders"].version_of("live") == "1"
    # A restarted node re-learns the version and the alias from the recorded stack.
    runtime.specs.clear()
    restarted = deployer()
    restarted.restore(load(SAM_APP))
    spec = runtime.specs["orders"]
    assert (spec.published_versions, dict(spec.aliases)) == (1, {"live": "1"})
    # A new environment makes SAM publish a new version; the alias moves, version 1 stays.
    changed = load(SAM_APP.replace("STAGE: one", "STAGE: two"))
    restarted.apply(restarted.plan(changed))
    spec = runtime.specs["orders"]
    assert (spec.published_versions, dict(spec.aliases)) == (2, {"live": "2"})
    runtime.specs.clear()
    again = deployer()
    again.restore(changed)
    assert runtime.specs["orders"].version_of("1") == "1"
    assert runtime.specs["orders"].version_of("live") == "2"


def test_restart_on_a_changed_template_numbers_the_new_version_on(
        load: Load, runtime: Any, deployer: Callable[[], Deployer]) -> None:
    first = deployer()
    first.apply(first.plan(load(SAM_APP)))
    # The node was stopped and the template changed: the old version is not restored (its
    # logical id is gone), yet its number stays taken and the alias moves to version 2.
    runtime.specs.clear()
    restarted = deployer()
    changed = load(SAM_APP.replace("STAGE: one", "STAGE: two"))
    restarted.restore(changed)
    restarted.apply(restarted.plan(changed))
    spec = runtime.specs["orders"]
    assert (spec.published_versions, dict(spec.aliases)) == (2, {"live": "2"})


def test_provisioned_concurrency_is_kept_on_the_alias_that_configured_it(
        functions: FunctionProvider, versions: VersionProvider, aliases: AliasProvider,
        runtime: Any, app_dir: Path) -> None:
    # Two aliases on one version: GetProvisionedConcurrencyConfig names the one configured.
    functions.create(function(app_dir))
    versions.create(version(app_dir))
    aliases.create(alias(app_dir, "1", name="zeta", ProvisionedConcurrencyConfig={
        "ProvisionedConcurrentExecutions": 3}))
    aliases.create(alias(app_dir, "1", name="alpha"))
    spec = runtime.specs["orders"]
    assert (spec.provisioned_concurrency, spec.provisioned_version,
            spec.provisioned_alias) == (3, "1", "zeta")
    aliases.delete(alias(app_dir, "1", name="alpha"), None)      # not the configured one
    assert runtime.specs["orders"].provisioned_concurrency == 3
    aliases.delete(alias(app_dir, "1", name="zeta"), None)
    assert (runtime.specs["orders"].provisioned_concurrency,
            runtime.specs["orders"].provisioned_alias) == (0, "")
