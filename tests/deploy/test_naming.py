"""Generated names: stack names from directories, physical names for unnamed resources."""
from __future__ import annotations

import re
from pathlib import Path

from fogbank.deploy import physical_name
from fogbank.deploy.naming import stack_name_for
from fogbank.types import Resource


def res(stack: str, logical_id: str) -> Resource:
    return Resource(logical_id, "AWS::Lambda::Function", {}, Path("."), stack)


def test_physical_name_is_stable_and_distinct() -> None:
    name = physical_name(res("shop", "Orders"), 64)
    assert re.fullmatch(r"shop-Orders-[A-Z2-7]{12}", name)
    assert physical_name(res("shop", "Orders"), 64) == name
    assert physical_name(res("shop", "Orders2"), 64) != name
    assert physical_name(res("shop2", "Orders"), 64)[-12:] != name[-12:]


def test_physical_name_is_shortened_to_fit() -> None:
    long = physical_name(res("a-very-long-stack-name-indeed-yes", "AnEvenLongerLogicalIdForAFunction"), 40)
    assert len(long) == 40
    assert long.startswith("a-very-") and "-AnEven" in long
    assert long[-12:] == physical_name(res("a-very-long-stack-name-indeed-yes",
                                           "AnEvenLongerLogicalIdForAFunction"), 200)[-12:]


def test_stack_names_are_sanitised() -> None:
    assert stack_name_for("my_app") == "my-app"
    assert stack_name_for("hello world!") == "hello-world"
    assert stack_name_for("2024-app") == "stack-2024-app"
    assert stack_name_for("___") == "stack"
