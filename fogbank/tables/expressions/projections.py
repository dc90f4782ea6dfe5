"""ProjectionExpression (and AttributesToGet): keep only the named document paths of an item.

Nested paths keep their enclosing maps; list elements picked by index keep their old
order and close up, as DynamoDB returns them (`a[2], a[0]` of [x, y, z] gives [x, z]).
"""
from __future__ import annotations

from typing import Any

from fogbank.tables.expressions import paths
from fogbank.tables.expressions.context import ExpressionContext
from fogbank.tables.expressions.nodes import Path
from fogbank.tables.values import AttributeValue, Item

LABEL = "ProjectionExpression"
_WHOLE = None           # a leaf of the selection tree: keep the whole value


class Projection:
    """A bound projection: `apply(item)` gives the projected item."""

    __slots__ = ("paths", "top_level_names", "_tree")

    def __init__(self, selected: list[paths.ResolvedPath]) -> None:
        self.paths = tuple(selected)
        self.top_level_names = frozenset(path[0] for path in selected)
        tree: dict[Any, Any] = {}
        for path in selected:
            node = tree
            for element in path[:-1]:
                node = node.setdefault(element, {})
            node[path[-1]] = _WHOLE
        self._tree = tree

    def apply(self, item: Item) -> dict[str, AttributeValue]:
        result = {}
        for name, below in self._tree.items():
            value = item.get(name)
            if value is not None:
                picked = value if below is _WHOLE else _pick(value, below)
                if picked is not None:
                    result[name] = picked
        return result


def _pick(value: AttributeValue, tree: dict) -> AttributeValue | None:
    """The parts of a map or list the selection tree names; None when none exist."""
    by_index = isinstance(next(iter(tree)), int)
    container = value.get("L" if by_index else "M")
    if container is None:
        return None
    keys = sorted(tree) if by_index else tree
    picked: Any = [] if by_index else {}
    for key in keys:
        if by_index:
            child = container[key] if key < len(container) else None
        else:
            child = container.get(key)
        if child is None:
            continue
        below = tree[key]
        part = child if below is _WHOLE else _pick(child, below)
        if part is not None:
            if by_index:
                picked.append(part)
            else:
                picked[key] = part
    if not picked:
        return None
    return {"L": picked} if by_index else {"M": picked}


def bind_projection(tree: tuple[Path, ...], ctx: ExpressionContext,
                    label: str = LABEL) -> Projection:
    selected = [ctx.path(path, label) for path in tree]
    paths.check_overlaps(selected, label)
    return Projection(selected)


def projection_of_names(names: list[str]) -> Projection:
    """AttributesToGet: top-level names, no placeholders."""
    return Projection([(name,) for name in dict.fromkeys(names)])
