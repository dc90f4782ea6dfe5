"""Plan and apply: diffs, dependency order, state across restarts, restore, unsupported types."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from fogbank.deploy import Change, Deployer, Template, TemplateError
from fogbank.deploy.providers import default_providers

REGION, ACCOUNT = "us-east-1", "123456789012"    # what the conftest `load` fixture uses

Load = Callable[..., Template]

APP = """
Parameters:
  Env: {Type: String, Default: dev}
Resources:
  Orders:
    Type: AWS::SNS::Topic
    Properties: {TopicName: !Sub "orders-${Env}"}
  Audit:
    Type: AWS::SNS::Topic
    Properties: {TopicName: audit}
  Notify:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.11
      Code: src
      Environment:
        Variables: {TOPIC: !Ref Orders, AUDIT: !GetAtt Audit.TopicName}
Outputs:
  OrdersArn: {Value: !Ref Orders}
  FunctionArn: {Value: !GetAtt Notify.Arn}
"""


@pytest.fixture
def make(tmp_path: Path, runtime: Any, topics: Any) -> Callable[[], Deployer]:
    """A Deployer over the same state dir, as a restarted node would build it."""
    def build() -> Deployer:
        providers = [topics, *default_providers(runtime, REGION, ACCOUNT)]
        return Deployer(tmp_path / "state", providers, REGION, ACCOUNT)
    return build


def actions(plan) -> list[tuple[str, str]]:
    return [(c.logical_id, c.action) for c in plan.changes]


def test_first_deploy_creates_everything_in_dependency_order(load: Load, make, runtime, topics) -> None:
    dep = make()
    plan = dep.plan(load(APP))
    assert actions(plan) == [("Orders", "create"), ("Audit", "create"), ("Notify", "create")]
    steps: list[tuple[Change, str]] = []
    result = dep.apply(plan, on_step=lambda change, status: steps.append((change, status)))
    assert [(c.logical_id, s) for c, s in steps] == [
        ("Orders", "created"), ("Audit", "created"), ("Notify", "created")]
    spec = runtime.specs["my-app-Notify-" + spec_suffix(runtime)]
    assert spec.environment == {"TOPIC": f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-dev", "AUDIT": "audit"}
    assert result.outputs == {"OrdersArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-dev",
                              "FunctionArn": spec.arn}
    assert dep.outputs == result.outputs
    assert "Stack my-app:" in str(plan) and "+ create" in str(plan)


def spec_suffix(runtime: Any) -> str:
    (name,) = runtime.specs
    return name.rsplit("-", 1)[1]


def test_unchanged_template_does_no_work_after_a_restart(load: Load, make, runtime, topics) -> None:
    make().apply(make().plan(load(APP)))
    calls_before = (list(runtime.calls), list(topics.calls))
    dep = make()
    plan = dep.plan(load(APP))
    assert not plan.has_work
    assert {c.action for c in plan.changes} == {"unchanged"}
    result = dep.apply(plan)
    assert result.changes == ()
    assert (runtime.calls, topics.calls) == calls_before
    assert dep.outputs["OrdersArn"].endswith(":orders-dev")


def test_added_resource_is_the_only_work(load: Load, make, topics) -> None:
    make().apply(make().plan(load(APP)))
    bigger = APP.replace("Outputs:", "  Extra:\n    Type: AWS::SNS::Topic\nOutputs:")
    plan = make().plan(load(bigger))
    assert [a for a in actions(plan) if a[1] != "unchanged"] == [("Extra", "create")]


def test_changed_property_updates_only_that_resource(load: Load, make, topics) -> None:
    make().apply(make().plan(load(APP)))
    dep = make()
    plan = dep.plan(load(APP.replace("TopicName: audit", "TopicName: audit2")))
    assert actions(plan) == [("Orders", "unchanged"), ("Audit", "update"), ("Notify", "unchanged")]
    result = dep.apply(plan)
    # Audit's TopicName attribute changed, so the function that reads it is updated too.
    assert [(c.logical_id, c.action) for c in result.changes] == [
        ("Audit", "update"), ("Notify", "update")]
    assert topics.calls[-1] == ("update", "Audit", {"TopicName": "audit2"})


def test_parameter_change_updates_the_resources_that_use_it(load: Load, make, runtime) -> None:
    make().apply(make().plan(load(APP)))
    dep = make()
    plan = dep.plan(load(APP, Env="prod"))
    assert actions(plan) == [("Orders", "update"), ("Audit", "unchanged"), ("Notify", "unchanged")]
    result = dep.apply(plan)
    # Orders was replaced by a new physical id: its dependent is updated to point at it.
    assert [(c.logical_id, c.action) for c in result.changes] == [
        ("Orders", "update"), ("Notify", "update")]
    (spec,) = runtime.specs.values()
    assert spec.environment["TOPIC"].endswith(":orders-prod")
    assert result.outputs["OrdersArn"].endswith(":orders-prod")


def test_removed_resource_is_deleted_first(load: Load, make, runtime, topics) -> None:
    make().apply(make().plan(load(APP)))
    smaller = APP.split("  Notify:")[0] + "Outputs:\n  OrdersArn: {Value: !Ref Orders}\n"
    dep = make()
    plan = dep.plan(load(smaller))
    assert actions(plan) == [("Notify", "delete"), ("Orders", "unchanged"), ("Audit", "unchanged")]
    dep.apply(plan)
    assert runtime.specs == {}
    assert runtime.calls[-1][0] == "remove"
    assert "Notify" not in make().state.resources
    assert make().outputs == {"OrdersArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-dev"}


def test_type_change_deletes_then_creates(load: Load, make, topics) -> None:
    make().apply(make().plan(load(APP)))
    changed = APP.replace("  Audit:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: audit}",
                          "  Audit:\n    Type: AWS::IAM::Role\n    Properties: {RoleName: audit}")
    changed = changed.replace("!GetAtt Audit.TopicName", "!GetAtt Audit.Arn")
    plan = make().plan(load(changed))
    assert ("Audit", "delete") == actions(plan)[0]
    assert ("Audit", "create") in actions(plan)


def test_state_survives_in_a_json_file(load: Load, make, tmp_path: Path) -> None:
    make().apply(make().plan(load(APP)))
    state = json.loads((tmp_path / "state" / "stack.json").read_text())
    assert state["stack_name"] == "my-app"
    assert state["resources"]["Orders"]["physical_id"].endswith(":orders-dev")
    assert [p.name for p in (tmp_path / "state").iterdir()] == ["stack.json"]


def test_restore_hands_back_recorded_unchanged_resources(load: Load, make, runtime, topics) -> None:
    make().apply(make().plan(load(APP)))
    runtime.specs.clear()            # a restarted node: the runtime forgot everything
    result = make().restore(load(APP.replace("TopicName: audit", "TopicName: audit2")))
    assert result.restored == ("Orders", "Notify")          # Audit changed: apply handles it
    assert topics.restored == ["Orders"]
    (spec,) = runtime.specs.values()
    assert spec.handler == "app.handler"


def test_a_restart_on_text_that_resolves_the_same_still_serves_the_resource(
        load: Load, make, runtime) -> None:
    make().apply(make().plan(load(APP)))
    runtime.specs.clear()            # a restarted node: the runtime forgot everything
    # Another text for the same handler: restore skips it, apply finds nothing to change.
    template = load(APP.replace("Handler: app.handler", 'Handler: !Sub "app.handler"'))
    dep = make()
    assert "Notify" not in dep.restore(template).restored
    result = dep.apply(dep.plan(template))
    assert "Notify" not in [c.logical_id for c in result.changes]
    (spec,) = runtime.specs.values()
    assert spec.handler == "app.handler"


def test_restore_reports_a_resource_that_cannot_come_back(load: Load, make, runtime, app_dir: Path) -> None:
    make().apply(make().plan(load(APP)))
    (app_dir / "src" / "app.py").unlink()
    (app_dir / "src").rmdir()
    result = make().restore(load(APP))
    assert result.restored == ("Orders", "Audit")
    assert "Notify could not be restored" in result.warnings[0]


def test_unsupported_types_are_skipped_with_placeholders(load: Load, make, runtime) -> None:
    template = APP.replace("  Audit:\n    Type: AWS::SNS::Topic", "  Audit:\n    Type: AWS::Foo::Bar")
    dep = make()
    plan = dep.plan(load(template))
    assert actions(plan) == [("Orders", "create"), ("Notify", "create")]
    assert plan.warnings == ("Unsupported resource type AWS::Foo::Bar (logical id Audit) — skipped",)
    result = dep.apply(plan)
    (spec,) = runtime.specs.values()
    assert spec.environment["AUDIT"] == "fogbank-unsupported-Audit"
    assert any("Fn::GetAtt TopicName of Audit" in w for w in result.warnings)


def test_failing_resource_stops_and_keeps_what_was_done(load: Load, make) -> None:
    dep = make()
    steps: list[tuple[str, str]] = []
    with pytest.raises(TemplateError, match="Resource Notify: Runtime nodejs20.x is not supported"):
        dep.apply(dep.plan(load(APP.replace("python3.11", "nodejs20.x"))),
                  on_step=lambda change, status: steps.append((change.logical_id, status)))
    assert steps[-1] == ("Notify", "failed")
    assert set(make().state.resources) == {"Orders", "Audit"}
    # Fixing the template deploys the rest.
    dep = make()
    assert actions(dep.plan(load(APP)))[-1] == ("Notify", "create")


def failure(dep: Deployer, template: Template) -> str:
    with pytest.raises(TemplateError) as raised:
        dep.apply(dep.plan(template))
    return raised.value.message


def test_get_att_of_an_attribute_the_resource_lacks_in_resources(load: Load, make) -> None:
    # As CloudFormation reports it (a stack event recorded against AWS, quoted in
    # jlhood/github-codebuild-logs#7): the path of the Fn::GetAtt, then the type.
    app = APP.replace("!GetAtt Audit.TopicName", "!GetAtt Audit.Nope")
    assert failure(make(), load(app)) == (
        "[Error] /Resources/Notify/Properties/Environment/Variables/AUDIT/Fn::GetAtt: "
        "Resource type AWS::SNS::Topic does not support attribute {Nope}")


def test_get_att_of_an_attribute_the_resource_lacks_in_outputs(load: Load, make) -> None:
    # Recorded against AWS (LocalStack's test_invalid_getatt_fails snapshot), for the
    # short form; the long form names the same path.
    for get_att in ("!GetAtt Audit.Invalid", "{'Fn::GetAtt': [Audit, Invalid]}"):
        app = APP + f"  InvalidOutput: {{Value: {get_att}}}\n"
        assert failure(make(), load(app)) == (
            "[Error] /Outputs/InvalidOutput/Value/Fn::GetAtt: "
            "Resource type AWS::SNS::Topic does not support attribute {Invalid}")


def test_unknown_attribute_path_follows_the_branch_and_list_evaluated(load: Load, make) -> None:
    # The untaken branch of the Fn::If names the same attribute: the path is the taken one's.
    app = APP + ("  Joined:\n"
                 "    Value: !If [IsProd, !GetAtt Audit.Nope,\n"
                 "                !Join [',', [!Ref Orders, !GetAtt Audit.Nope]]]\n"
                 "Conditions:\n"
                 "  IsProd: !Equals [!Ref Env, prod]\n")
    assert failure(make(), load(app)) == (
        "[Error] /Outputs/Joined/Value/Fn::If/2/Fn::Join/1/1/Fn::GetAtt: "
        "Resource type AWS::SNS::Topic does not support attribute {Nope}")


def test_unknown_attribute_is_refused_before_any_resource_is_created(
        load: Load, make, runtime, topics) -> None:
    # Recorded against AWS (LocalStack's test_invalid_getatt_fails snapshot): the stack goes
    # from CREATE_IN_PROGRESS to ROLLBACK with this reason and no resource event at all.
    dep = make()
    app = APP + "  Bad: {Value: !GetAtt Notify.Nope}\n"
    assert failure(dep, load(app)) == (
        "[Error] /Outputs/Bad/Value/Fn::GetAtt: "
        "Resource type AWS::Lambda::Function does not support attribute {Nope}")
    assert topics.calls == [] and runtime.calls == []
    assert dep.resources() == [] and make().resources() == []


def test_unknown_attribute_in_an_update_changes_nothing(load: Load, make, topics) -> None:
    dep = make()
    dep.apply(dep.plan(load(APP)))
    before = list(topics.calls)
    app = APP.replace("TopicName: audit", "TopicName: audit2").replace(
        "!GetAtt Notify.Arn", "!If [IsProd, !GetAtt Notify.Arn, !GetAtt Notify.Nope]"
    ) + "Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n"
    assert failure(dep, load(app)) == (
        "[Error] /Outputs/FunctionArn/Value/Fn::If/2/Fn::GetAtt: "
        "Resource type AWS::Lambda::Function does not support attribute {Nope}")
    assert topics.calls == before
    assert make().state.resources["Audit"].properties == {"TopicName": "audit"}


def test_resources_lists_what_is_deployed(load: Load, make) -> None:
    dep = make()
    dep.apply(dep.plan(load(APP)))
    listed = make().resources()
    assert [(lid, kind) for lid, kind, _ in listed] == [
        ("Orders", "AWS::SNS::Topic"), ("Audit", "AWS::SNS::Topic"), ("Notify", "AWS::Lambda::Function")]
    assert listed[0][2] == f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-dev"


def test_applying_a_plan_twice_updates_instead_of_creating_again(load: Load, make, topics) -> None:
    dep = make()
    plan = dep.plan(load(APP))
    dep.apply(plan)
    dep.apply(plan)
    assert [call[0] for call in topics.calls] == ["create", "create"]   # nothing changed: no work
    assert len(dep.resources()) == 3


def test_restore_refreshes_values_that_depend_on_the_node(load: Load, make, topics) -> None:
    """A node restarted on another port: URLs recorded in the state are renewed on restore,
    and the next apply carries them into the resources that refer to them and the outputs."""
    app = APP.replace("  FunctionArn: {Value: !GetAtt Notify.Arn}",
                      "  FunctionArn: {Value: !GetAtt Notify.Arn}\n"
                      "  AuditUrl: {Value: !GetAtt Audit.Url}")
    make().apply(make().plan(load(app)))
    assert make().outputs["AuditUrl"] == "http://127.0.0.1:4566/audit"
    topics.endpoint = "http://127.0.0.1:5000"
    restarted = make()
    restarted.restore(load(app))
    result = restarted.apply(restarted.plan(load(app)))
    assert result.outputs["AuditUrl"] == "http://127.0.0.1:5000/audit"
    assert make().outputs["AuditUrl"] == "http://127.0.0.1:5000/audit"
