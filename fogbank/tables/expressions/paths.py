"""Document paths over items: read, write and remove nested values without copying whole items.

A resolved path is a tuple of attribute / map-key names (str) and list indexes (int).
Writes copy only the containers along the path, so the stored item is never mutated.
"""
from __future__ import annotations

from typing import Any

from fogbank.tables.errors import ValidationException
from fogbank.tables.values import AttributeValue, Item

ResolvedPath = tuple[Any, ...]

INVALID_PATH = "The document path provided in the update expression is invalid for update"


def get(item: Item, path: ResolvedPath) -> AttributeValue | None:
    """The value at `path`, or None when any step is missing or of another type."""
    value = item.get(path[0])
    for element in path[1:]:
        if value is None:
            return None
        if isinstance(element, int):
            items = value.get("L")
            value = items[element] if items is not None and element < len(items) else None
        else:
            members = value.get("M")
            value = members.get(element) if members is not None else None
    return value


def _parent(root: dict, path: ResolvedPath, copied: set[int]) -> dict | list:
    """The container holding path[-1], copied (once per update) so that it can be changed."""
    container: Any = root
    for depth, element in enumerate(path[:-1]):
        if isinstance(container, list):
            child = container[element] if element < len(container) else None
        else:
            child = container.get(element)
        kind = "L" if isinstance(path[depth + 1], int) else "M"
        if child is None or kind not in child:
            raise ValidationException(INVALID_PATH)
        inner = child[kind]
        if id(inner) not in copied:
            inner = list(inner) if kind == "L" else dict(inner)
            copied.add(id(inner))
            container[element] = {kind: inner}
        container = inner
    return container


def put(root: dict, path: ResolvedPath, value: AttributeValue, copied: set[int]) -> None:
    """SET: a list index past the end appends, as DynamoDB does."""
    container = _parent(root, path, copied)
    last = path[-1]
    if isinstance(container, list) and last >= len(container):
        container.append(value)
    else:
        container[last] = value


def remove(root: dict, path: ResolvedPath, copied: set[int]) -> None:
    """REMOVE: a missing attribute or an index past the end is not an error."""
    container = _parent(root, path, copied)
    last = path[-1]
    if isinstance(container, list):
        if last < len(container):
            del container[last]
    else:
        container.pop(last, None)

def path_text(path: ResolvedPath) -> str:
    """A path as DynamoDB prints it in messages: [a, b, [0]]."""
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in path) + "]"


def check_overlaps(paths: list[ResolvedPath], label: str) -> None:
    """No path may be a prefix of another or index where another names a map key."""
    for i, second in enumerate(paths):
        for first in paths[:i]:
            for a, b in zip(first, second):
                if isinstance(a, int) != isinstance(b, int):
                    raise ValidationException(
                        f"Invalid {label}: Two document paths conflict with each other; must "
                        f"remove or rewrite one of these paths; path one: {path_text(first)}, "
                        f"path two: {path_text(second)}")
                if a != b:
                    break
            else:
                raise ValidationException(
                    f"Invalid {label}: Two document paths overlap with each other; must remove "
                    f"or rewrite one of these paths; path one: {path_text(first)}, path two: "
                    f"{path_text(second)}")
