"""The stack as CloudFormation's reads see it: outputs with their descriptions and exports,
parameters (NoEcho ones masked), resources with their times, kept across restarts."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from fogbank.deploy import Deployer, Template
from fogbank.deploy.stack_view import MASKED, StackView

from .conftest import ACCOUNT, REGION

Load = Callable[..., Template]

APP = """\
Description: Orders and their audit
Parameters:
  Env: {Type: String, Default: dev}
  Token: {Type: String, Default: s3cret, NoEcho: true}
  Zones: {Type: CommaDelimitedList, Default: "a, b"}
Resources:
  Orders:
    Type: AWS::SNS::Topic
    Properties: {TopicName: !Sub "orders-${Env}"}
Outputs:
  OrdersArn:
    Description: !Sub "Where ${Env} orders go"
    Value: !Ref Orders
    Export: {Name: !Sub "${AWS::StackName}-orders"}
  Plain: {Value: plain}
"""


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make(tmp_path: Path, topics: Any, clock: Clock) -> Callable[[], Deployer]:
    def build() -> Deployer:
        return Deployer(tmp_path / "state", [topics], REGION, ACCOUNT, clock=clock)
    return build


def deployed(dep: Deployer, tpl: Template) -> StackView:
    dep.apply(dep.plan(tpl))
    view = dep.view()
    assert view is not None
    return view


def test_no_view_before_the_first_apply(make) -> None:
    assert make().view() is None


def test_the_view_names_the_stack_its_parameters_and_outputs(load: Load, make) -> None:
    tpl = load(APP)
    view = deployed(make(), tpl)
    assert (view.name, view.stack_id) == ("my-app", tpl.stack_id)
    assert view.description == "Orders and their audit"
    assert view.parameters == (("Env", "dev"), ("Token", MASKED), ("Zones", "a,b"))
    orders, plain = view.outputs
    assert orders.value == f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-dev"
    assert (orders.description, orders.export_name) == ("Where dev orders go", "my-app-orders")
    assert (plain.key, plain.value, plain.description, plain.export_name) == (
        "Plain", "plain", None, None)
    assert view.template_body == tpl.source and "NoEcho: true" in view.template_body


def test_times_of_a_create_then_an_update(load: Load, make, clock: Clock) -> None:
    dep = make()
    first = deployed(dep, load(APP))
    assert (first.created, first.updated) == (1_000.0, 0.0)
    (orders,) = first.resources
    assert (orders.logical_id, orders.resource_type, orders.created, orders.updated) == (
        "Orders", "AWS::SNS::Topic", 1_000.0, 0.0)
    clock.now = 2_000.0
    second = deployed(dep, load(APP, Env="prod"))
    assert (second.created, second.updated) == (1_000.0, 2_000.0)
    assert (second.resources[0].created, second.resources[0].updated) == (1_000.0, 2_000.0)
    assert second.resources[0].changed == 2_000.0


def test_a_deployment_that_changes_nothing_keeps_the_times(load: Load, make, clock: Clock) -> None:
    deployed(make(), load(APP))
    clock.now = 5_000.0
    again = deployed(make(), load(APP))          # a restarted node, the same template
    assert (again.created, again.updated) == (1_000.0, 0.0)
    assert again.resources[0].created == 1_000.0
