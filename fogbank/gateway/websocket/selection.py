r"""Route selection: which route key a message selects, by the API's selection expression.

API Gateway evaluates `$request.body.<path>` (or `${request.body.<path>}` inside literal
text) against the message parsed as JSON. A message that is not a JSON object, or lacks
the field of a bare expression, selects nothing: the caller then uses the `$default` route.
Inside literal text a path the message lacks reads as "" and `\$` is a literal dollar, as
the developer guide's table has it (`${request.body.action}-${request.body.invalidPath}`
→ `join-`, `\$default` → `$default`).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Callable

_BARE = re.compile(r"\$request\.body\.([A-Za-z0-9_$.\-]+)")
_TEMPLATE = re.compile(r"(?<!\\)\$\{request\.body\.([A-Za-z0-9_$.\-]+)\}")

Selector = Callable[[Any], "str | None"]


def _lookup(document: Any, path: str) -> str | None:
    for part in path.split("."):
        if not isinstance(document, dict) or part not in document:
            return None
        document = document[part]
    if document is None or isinstance(document, (dict, list)):
        return None
    return document if isinstance(document, str) else json.dumps(document)


@lru_cache(maxsize=64)
def compile_expression(expression: str) -> Selector:
    """A function from the parsed body to the selected route key (None: nothing)."""
    bare = _BARE.fullmatch(expression.strip())
    if bare is not None:
        return lambda document: _lookup(document, bare.group(1))
    parts = _TEMPLATE.split(expression)          # literal, path, literal, path, …

    def select(document: Any) -> str:
        return "".join(part.replace("\\$", "$") if index % 2 == 0
                       else _lookup(document, part) or ""
                       for index, part in enumerate(parts))
    return select


def select_route_key(expression: str, text: str | None) -> str | None:
    """The route key a text message selects; None for binary, non-JSON or no match."""
    if text is None or not expression:
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    return compile_expression(expression)(document)
