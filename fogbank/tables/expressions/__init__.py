"""DynamoDB's expression language: conditions, filters, updates, projections, key conditions.

Text is parsed once (cached by text); each call binds the tree to one request's context,
resolving `#name` / `:value` placeholders and recording which were used:

    ctx = ExpressionContext(names, values)
    cond = parse_condition(text, ctx); cond.evaluate(item) -> bool
    upd = parse_update(text, ctx); upd.apply(item) -> new item
    proj = parse_projection(text, ctx); proj.apply(item) -> item
    kc = parse_key_condition(text, ctx) -> KeyCondition
    ctx.check_all_used()
"""
from __future__ import annotations

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions import cache, legacy
from fogbank.tables.expressions.conditions import Condition, bind_condition
from fogbank.tables.expressions.context import ExpressionContext
from fogbank.tables.expressions.keys import KeyCondition, bind_key_condition
from fogbank.tables.expressions.projections import Projection, bind_projection
from fogbank.tables.expressions.updates import Update, bind_update

__all__ = ["Condition", "ExpressionContext", "KeyCondition", "Projection", "Update", "legacy",
           "parse_condition", "parse_key_condition", "parse_projection", "parse_update"]


def parse_condition(text: str, ctx: ExpressionContext, *,
                    label: str = "ConditionExpression") -> Condition:
    """A ConditionExpression; pass label="FilterExpression" for a filter (the error prefix)."""
    parsed = cache.condition_tree(text, label)
    return bind_condition(parsed.tree, ctx, label, parsed.deferred)


def parse_update(text: str, ctx: ExpressionContext) -> Update:
    parsed = cache.update_tree(text)
    return bind_update(parsed.tree, ctx, parsed.deferred)


def parse_projection(text: str, ctx: ExpressionContext) -> Projection:
    return bind_projection(cache.projection_tree(text), ctx)


def parse_key_condition(text: str, ctx: ExpressionContext) -> KeyCondition:
    parsed = cache.condition_tree(text, "KeyConditionExpression")
    if parsed.deferred:
        raise ValidationException(parsed.deferred)
    return bind_key_condition(parsed.tree, ctx)
