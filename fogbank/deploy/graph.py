"""Resource dependency order: each resource after everything it refers to or DependsOn."""
from __future__ import annotations

import graphlib
from typing import Mapping

from fogbank.deploy.errors import TemplateError


def dependency_order(depends_on: Mapping[str, set[str]]) -> list[str]:
    """Logical ids in an order where dependencies come first; ties keep template order.

    `depends_on` maps each logical id (in template order) to the ids it needs.
    A cycle is a TemplateError naming the resources in it.
    """
    placed: list[str] = []
    done: set[str] = set()
    waiting = list(depends_on)
    while waiting:
        ready = next((lid for lid in waiting if depends_on[lid] <= done), None)
        if ready is None:
            raise TemplateError(f"Circular dependency between resources: [{', '.join(_cycle(depends_on))}]")
        waiting.remove(ready)
        placed.append(ready)
        done.add(ready)
    return placed


def _cycle(depends_on: Mapping[str, set[str]]) -> list[str]:
    try:
        graphlib.TopologicalSorter(depends_on).prepare()
    except graphlib.CycleError as e:
        return sorted(set(e.args[1]))
    return sorted(depends_on)   # not reached: the caller found no ready node
