"""Lambda providers: functions → FunctionSpecs on the runtime, layers, versions, aliases, IAM."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest

from fogbank.deploy import Deployer, Template, TemplateError
from fogbank.file_stamps import tree_stamp
from fogbank.deploy.providers import (FunctionProvider, LayerStore, LayerVersionProvider,
                                      RoleProvider, default_providers)
from fogbank.types import Deployed, Resource
from tests.runtime.test_build import _wheel

REGION, ACCOUNT = "us-east-1", "123456789012"    # what the conftest `load` fixture uses

Load = Callable[..., Template]


def resource(app_dir: Path, logical_id: str = "Fn", kind: str = "AWS::Lambda::Function",
             **props: Any) -> Resource:
    base = {"Handler": "app.handler", "Runtime": "python3.11", "Code": "src"} \
        if kind == "AWS::Lambda::Function" else {}
    return Resource(logical_id, kind, {**base, **props}, app_dir, "shop")


@pytest.fixture
def functions(runtime: Any) -> FunctionProvider:
    return FunctionProvider(runtime, region=REGION, account_id=ACCOUNT)


def test_properties_become_the_spec(functions: FunctionProvider, runtime: Any,
                                    app_dir: Path) -> None:
    deployed = functions.create(resource(
        app_dir, FunctionName="orders", MemorySize=256, Timeout="30",
        Environment={"Variables": {"A": "1", "B": 2, "C": True}},
        ReservedConcurrentExecutions=5, Role="arn:aws:iam::123456789012:role/r",
        Description="takes orders", Architectures=["arm64"],
        Tags=[{"Key": "team", "Value": "shop"}], EphemeralStorage={"Size": 1024}))
    spec = runtime.specs["orders"]
    assert deployed == Deployed("orders", {"Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders"})
    assert spec.code_dir == app_dir / "src"
    assert (spec.handler, spec.runtime, spec.memory_mb, spec.timeout_s) == ("app.handler", "python3.11", 256, 30.0)
    assert spec.environment == {"A": "1", "B": "2", "C": "true"}
    assert spec.reserved_concurrency == 5
    assert spec.role == "arn:aws:iam::123456789012:role/r"
    assert spec.description == "takes orders"
    assert spec.architectures == ("arm64",)
    assert spec.tags == {"team": "shop"}
    assert spec.ephemeral_storage_mb == 1024
    assert (spec.region, spec.account_id) == (REGION, ACCOUNT)


def test_unnamed_function_gets_a_stable_cloudformation_like_name(functions, runtime, app_dir) -> None:
    first = functions.create(resource(app_dir, "HelloFunction")).physical_id
    again = functions.create(resource(app_dir, "HelloFunction")).physical_id
    assert first == again
    assert re.fullmatch(r"shop-HelloFunction-[A-Z0-9]{12}", first)
    assert runtime.specs[first].memory_mb == 128 and runtime.specs[first].timeout_s == 3.0


def test_missing_code_dir_names_resource_and_code_uri(functions, app_dir: Path) -> None:
    with pytest.raises(TemplateError) as info:
        functions.create(resource(app_dir, "HelloFunction", Code="missing/"))
    assert info.value.message == ("Resource HelloFunction: CodeUri missing/ does not exist or "
                                  "is not a directory")


def test_non_python_runtime_is_refused(functions, app_dir: Path) -> None:
    with pytest.raises(TemplateError, match="Resource Fn: Runtime nodejs20.x is not supported"):
        functions.create(resource(app_dir, Runtime="nodejs20.x"))


def test_image_functions_are_refused(functions, app_dir: Path) -> None:
    with pytest.raises(TemplateError, match="PackageType Image"):
        functions.create(resource(app_dir, PackageType="Image"))


def test_missing_handler(functions, app_dir: Path) -> None:
    with pytest.raises(TemplateError, match=r"resource Fn with message: #: required key \[Handler\]"):
        functions.create(resource(app_dir, Handler=""))


def test_memory_outside_lambda_limits(functions, app_dir: Path) -> None:
    with pytest.raises(TemplateError, match="Value '64' at 'memorySize' failed to satisfy "
                                            "constraint: Member must have value greater than or equal to 128"):
        functions.create(resource(app_dir, MemorySize=64))
    with pytest.raises(TemplateError, match="property Timeout must be an integer"):
        functions.create(resource(app_dir, Timeout="soon"))


def test_code_in_s3_is_refused(functions, app_dir: Path) -> None:
    with pytest.raises(TemplateError, match="CodeUri s3://bucket/key.zip is in S3"):
        functions.create(resource(app_dir, Code={"S3Bucket": "bucket", "S3Key": "key.zip"}))


def test_inline_code_is_written_out(runtime, app_dir: Path, tmp_path: Path) -> None:
    functions = FunctionProvider(runtime, inline_code_dir=tmp_path / "inline")
    deployed = functions.create(resource(app_dir, Handler="index.handler",
                                         Code={"ZipFile": "def handler(e, c):\n    return 7\n"}))
    code_dir = runtime.specs[deployed.physical_id].code_dir
    assert (code_dir / "index.py").read_text().endswith("return 7\n")


def test_inline_code_that_imports_cfnresponse_gets_the_module(runtime, app_dir: Path,
                                                              tmp_path: Path) -> None:
    functions = FunctionProvider(runtime, inline_code_dir=tmp_path / "inline")
    source = "import json\nimport cfnresponse\ndef handler(e, c):\n    return 7\n"
    fn = resource(app_dir, Handler="index.handler", Code={"ZipFile": source})
    deployed = functions.create(fn)
    helper = runtime.specs[deployed.physical_id].code_dir / "cfnresponse.py"
    assert "def send(event" in helper.read_text()
    # Code that no longer imports it loses it; code that never did never had it.
    plain = resource(app_dir, Handler="index.handler",
                     Code={"ZipFile": "def handler(e, c):\n    return 7\n"})
    functions.update(fn, deployed, plain)
    assert not helper.exists()


def test_renamed_function_replaces_the_old_one(functions, runtime, app_dir: Path) -> None:
    old = resource(app_dir, FunctionName="v1")
    deployed = functions.create(old)
    functions.update(old, deployed, resource(app_dir, FunctionName="v2"))
    assert list(runtime.specs) == ["v2"]
    assert runtime.calls[-1] == ("remove", "v1")


def test_layers_resolve_to_their_content_dirs(runtime, app_dir: Path) -> None:
    (app_dir / "deps").mkdir()
    store = LayerStore()
    layers = LayerVersionProvider(store, region=REGION, account_id=ACCOUNT)
    functions = FunctionProvider(runtime, layers=store)
    layer = layers.create(resource(app_dir, "Deps", "AWS::Lambda::LayerVersion",
                                   Content="deps", LayerName="deps"))
    assert layer.physical_id == f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:deps:1"
    deployed = functions.create(resource(app_dir, Layers=[layer.physical_id]))
    assert runtime.specs[deployed.physical_id].layers == (app_dir / "deps",)
    with pytest.raises(TemplateError, match="layer arn:aws:lambda:x:1:layer:other:1 in Layers"):
        functions.create(resource(app_dir, Layers=["arn:aws:lambda:x:1:layer:other:1"]))


def test_a_layer_version_is_described_for_the_lambda_api(app_dir: Path) -> None:
    (app_dir / "deps").mkdir()
    store = LayerStore()
    layers = LayerVersionProvider(store, region=REGION, account_id=ACCOUNT)
    res = resource(app_dir, "Deps", "AWS::Lambda::LayerVersion", Content="deps",
                   LayerName="deps", Description="shared code", LicenseInfo="MIT",
                   CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["arm64"])
    deployed = layers.create(res)
    ((version, content),) = store.listed()
    assert (version.name, version.version, version.description, version.license_info,
            version.compatible_runtimes, version.compatible_architectures,
            version.from_template) == ("deps", 1, "shared code", "MIT", ("python3.12",),
                                       ("arm64",), True)
    assert content == app_dir / "deps"
    # A restarted node describes it as it was, its date included.
    restarted = LayerStore()
    LayerVersionProvider(restarted, region=REGION, account_id=ACCOUNT).restore(res, deployed)
    assert restarted.listed() == store.listed()
    updated = layers.update(res, deployed, res)
    assert [v.version for v, _ in store.listed()] == [2]
    assert updated.attributes["Version"] == 2


def test_missing_layer_content(app_dir: Path) -> None:
    layers = LayerVersionProvider(LayerStore())
    with pytest.raises(TemplateError, match="Resource Deps: ContentUri nothing does not exist"):
        layers.create(resource(app_dir, "Deps", "AWS::Lambda::LayerVersion", Content="nothing"))


BUILT_LAYER = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src, Handler: app.handler, Runtime: python3.12, Layers: [!Ref Deps]}
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties: {LayerName: deps, ContentUri: deps}
    Metadata: {BuildMethod: python3.12}
"""


def test_a_layer_with_a_python_build_method_is_built_as_sam_build_does(
        load: Load, runtime: Any, app_dir: Path, tmp_path: Path) -> None:
    # Its own modules and its requirements.txt's packages end up under python/, which a
    # function finds on its path as Lambda's /opt/python.
    (app_dir / "deps").mkdir()
    (app_dir / "deps" / "shared.py").write_text("NAME = 'shared'\n")
    (app_dir / "deps" / "requirements.txt").write_text(f"{_wheel(tmp_path)}\n")
    build_root = tmp_path / "layer-builds"
    providers = default_providers(runtime, REGION, ACCOUNT, layer_build_root=build_root)
    dep = Deployer(tmp_path / "state", providers, REGION, ACCOUNT)
    dep.apply(dep.plan(load(BUILT_LAYER)))
    (spec,) = runtime.specs.values()
    (built,) = spec.layers
    assert built.parent == build_root
    assert (built / "python" / "shared.py").is_file()
    assert (built / "python" / "tinypkg" / "__init__.py").is_file()
    assert (app_dir / "deps" / "shared.py").is_file() and not (app_dir / "deps" / "tinypkg").exists()
    # A restarted node finds the same build; the same content is not built twice.
    runtime.specs.clear()
    again = Deployer(tmp_path / "state", default_providers(runtime, REGION, ACCOUNT,
                                                           layer_build_root=build_root),
                     REGION, ACCOUNT)
    again.restore(load(BUILT_LAYER))
    assert runtime.specs[spec.name].layers == (built,)
    assert [p.name for p in build_root.iterdir()] == [built.name]


def test_a_cloudformation_layer_may_ask_for_a_build_too(load: Load, runtime: Any,
                                                       app_dir: Path, tmp_path: Path) -> None:
    (app_dir / "deps").mkdir()
    (app_dir / "deps" / "shared.py").write_text("")
    tpl = load("""
        Resources:
          Deps:
            Type: AWS::Lambda::LayerVersion
            Properties: {Content: deps}
            Metadata: {BuildMethod: python3.11}
          Plain:
            Type: AWS::Lambda::LayerVersion
            Properties: {Content: deps}
            Metadata: {BuildMethod: makefile}
        """)
    fingerprint = tree_stamp(app_dir / "deps")
    assert tpl.properties("Deps")["Content"] == {"LocalPath": "deps", "BuildMethod": "python3.11",
                                                 "Fingerprint": fingerprint}
    # Not a build Fogbank knows: the directory is used as it is.
    assert tpl.properties("Plain")["Content"] == {"LocalPath": "deps", "Fingerprint": fingerprint}
    store = LayerStore()
    dep = Deployer(tmp_path / "state", [LayerVersionProvider(
        store, build=lambda name, source: tmp_path / f"built-{name}-{source.name}")],
        REGION, ACCOUNT)
    result = dep.apply(dep.plan(tpl))
    built = {lid: store.content_dir(dep.state.resources[lid].physical_id)
             for lid in ("Deps", "Plain")}
    assert built["Deps"].parent == tmp_path and built["Deps"].name.endswith("-deps")
    assert built["Plain"] == app_dir / "deps"
    assert result.warnings == ()


def test_a_log_group_resolves_to_its_name_and_arn(load: Load, runtime: Any,
                                                  tmp_path: Path) -> None:
    # Recorded, not skipped: a function's LoggingConfig naming it sees the real name.
    dep = Deployer(tmp_path / "state", default_providers(runtime, REGION, ACCOUNT),
                   REGION, ACCOUNT)
    result = dep.apply(dep.plan(load("""
        Resources:
          Named:
            Type: AWS::Logs::LogGroup
            Properties: {LogGroupName: /aws/lambda/orders, RetentionInDays: 7}
          Unnamed:
            Type: AWS::Logs::LogGroup
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              Code: src
              LoggingConfig: {LogGroup: !Ref Named}
        Outputs:
          Arn: {Value: !GetAtt Named.Arn}
          Other: {Value: !Ref Unnamed}
        """)))
    assert result.warnings == ()
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/orders:*"
    assert result.outputs["Arn"] == arn
    assert result.outputs["Other"].startswith("my-app-Unnamed-")
    (spec,) = runtime.specs.values()
    assert spec.logging_config["LogGroup"] == "/aws/lambda/orders"


def test_role_arn(app_dir: Path) -> None:
    deployed = RoleProvider(account_id=ACCOUNT).create(
        resource(app_dir, "FnRole", "AWS::IAM::Role", AssumeRolePolicyDocument={}))
    assert deployed.attributes["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/{deployed.physical_id}"
    assert re.fullmatch(r"AROA[0-9A-F]{17}", deployed.attributes["RoleId"])


SAM_APP = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 3}
      Layers: [!Ref Deps]
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties: {LayerName: deps, ContentUri: deps}
Outputs:
  Alias: {Value: !Ref Api.Alias}
  Version: {Value: !Ref Api.Version}
"""


def test_sam_function_with_alias_and_layer_end_to_end(load: Load, runtime: Any,
                                                      app_dir: Path, tmp_path: Path) -> None:
    (app_dir / "deps").mkdir()
    dep = Deployer(tmp_path / "state", default_providers(runtime, REGION, ACCOUNT),
                   REGION, ACCOUNT)
    result = dep.apply(dep.plan(load(SAM_APP)))
    assert result.warnings == ()
    (spec,) = runtime.specs.values()
    assert spec.provisioned_concurrency == 3
    assert spec.layers == (app_dir / "deps",)
    assert spec.role.startswith(f"arn:aws:iam::{ACCOUNT}:role/my-app-ApiRole-")
    assert result.outputs["Alias"] == f"{spec.arn}:live"
    assert result.outputs["Version"] == f"{spec.arn}:1"
    # A restarted node re-learns the function, its layer and its provisioned concurrency.
    runtime.specs.clear()
    restarted = Deployer(tmp_path / "state",
                         default_providers(runtime, REGION, ACCOUNT), REGION, ACCOUNT)
    restarted.restore(load(SAM_APP))
    (spec,) = runtime.specs.values()
    assert (spec.provisioned_concurrency, spec.layers) == (3, (app_dir / "deps",))


def test_missing_code_uri_in_a_sam_template(load: Load, runtime: Any, tmp_path: Path) -> None:
    dep = Deployer(tmp_path / "state", default_providers(runtime, REGION, ACCOUNT), REGION, ACCOUNT)
    plan = dep.plan(load(SAM_APP.replace("CodeUri: src", "CodeUri: nothere/")
                         .replace("ContentUri: deps", "ContentUri: src")))
    with pytest.raises(TemplateError, match=r"Resource Api: CodeUri .*/my_app/nothere does not exist"):
        dep.apply(plan)
