"""Parsed expressions, cached by their text.

Only the parse tree is cached: it holds placeholders, not their values, so one entry serves
every request that sends the same text with its own ExpressionAttributeNames / Values. A fault
DynamoDB finds only after looking the values up is cached with the tree (`Parsed.deferred`)
and raised by the binding.
The caches are pure memoisation of pure functions; failed parses are not cached.
"""
from __future__ import annotations

from functools import lru_cache

from fogbank.tables.expressions.nodes import Action, Node, Path
from fogbank.tables.expressions.parser import (
    Parsed, parse_condition_tree, parse_projection_tree, parse_update_tree)

CACHE_SIZE = 4096


@lru_cache(maxsize=CACHE_SIZE)
def condition_tree(text: str, label: str) -> Parsed[Node]:
    return parse_condition_tree(text, label)


@lru_cache(maxsize=CACHE_SIZE)
def update_tree(text: str) -> Parsed[tuple[Action, ...]]:
    return parse_update_tree(text)


@lru_cache(maxsize=CACHE_SIZE)
def projection_tree(text: str) -> tuple[Path, ...]:
    return parse_projection_tree(text)
