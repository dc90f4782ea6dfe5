"""One request's expressions: parsed from the expression parameters or the legacy ones.

DynamoDB refuses a request mixing the two styles, and placeholders that no expression
uses; both checks live here, once for every operation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from fogbank.tables.errors import ValidationException
from fogbank.tables.values import check_attribute_name
from fogbank.tables.expressions import (ExpressionContext, legacy, parse_condition,
                                        parse_key_condition, parse_projection, parse_update)

_LEGACY = ("AttributesToGet", "AttributeUpdates", "ConditionalOperator", "Expected",
           "KeyConditions", "QueryFilter", "ScanFilter")
MAX_EXPRESSION = 4096      # bytes, for every expression parameter
_MODERN = ("ConditionExpression", "FilterExpression", "KeyConditionExpression",
           "ProjectionExpression", "UpdateExpression")


@dataclass(frozen=True)
class Expressions:
    condition: Any = None          # .evaluate(item) -> bool
    update: Any = None             # .apply(item) -> item, .top_level_names
    projection: Any = None         # .apply(item) -> item
    filter: Any = None             # .evaluate(item) -> bool
    key: Any = None                # KeyCondition
    filter_names: frozenset[str] = frozenset()   # top-level attributes the filter reads


class _Context(ExpressionContext):
    """Notes the top-level attributes a FilterExpression reads: Query refuses key ones."""

    def __init__(self, names: Mapping[str, str] | None, values: Mapping[str, Any] | None) -> None:
        super().__init__(names, values)
        self.filter_names: set[str] = set()

    def path(self, path: Any, label: str) -> Any:
        resolved = super().path(path, label)
        if label == "FilterExpression" and resolved and isinstance(resolved[0], str):
            self.filter_names.add(resolved[0])
        return resolved


class _Attributes:
    """AttributesToGet as a projection: the named top-level attributes."""

    def __init__(self, names: list[str]) -> None:
        if len(set(names)) != len(names):
            raise ValidationException(
                "One or more parameter values were invalid: Duplicate value in attribute name: "
                + next(n for n in names if names.count(n) > 1))
        self._names = names

    def apply(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {name: item[name] for name in self._names if name in item}


def parse_expressions(params: Mapping[str, Any], filter_param: str | None = None,
                      value_users: tuple[str, ...] = ()) -> Expressions:
    """Every expression of a request, checked as DynamoDB checks them.

    `filter_param` names the operation's legacy filter (QueryFilter / ScanFilter);
    `value_users` its expressions that can use values, which DynamoDB names when values come
    without any of them.
    """
    legacy_used = [p for p in _LEGACY if params.get(p) is not None]
    modern_used = [p for p in _MODERN if params.get(p) is not None]
    if legacy_used and modern_used:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy_used)}}} "
            f"Expression parameters: {{{', '.join(modern_used)}}}")
    names, values = params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues")
    if not modern_used:
        if names is not None:
            raise ValidationException(
                "ExpressionAttributeNames can only be specified when using expressions")
        if values is not None:
            missing = ""
            if value_users:
                verb = "is" if len(value_users) == 1 else "are"
                missing = f": {' and '.join(value_users)} {verb} null"
            raise ValidationException(
                "ExpressionAttributeValues can only be specified when using expressions" + missing)
        return _legacy(params, filter_param)
    for param in modern_used:
        size = len(params[param].encode())
        if size > MAX_EXPRESSION:
            raise ValidationException(f"Invalid {param}: Expression size has exceeded the "
                                      f"maximum allowed size; expression size: {size}")
    if names is not None and not names:
        raise ValidationException("ExpressionAttributeNames must not be empty")
    for name in (names or {}).values():
        if isinstance(name, str):
            check_attribute_name(name)
    if values is not None and not values:
        raise ValidationException("ExpressionAttributeValues must not be empty")
    ctx = _Context(names, values)
    parsed = Expressions(
        key=_maybe(parse_key_condition, params.get("KeyConditionExpression"), ctx),
        condition=_maybe(parse_condition, params.get("ConditionExpression"), ctx),
        filter=_maybe(_parse_filter, params.get("FilterExpression"), ctx),
        update=_maybe(parse_update, params.get("UpdateExpression"), ctx),
        projection=_maybe(parse_projection, params.get("ProjectionExpression"), ctx),
        filter_names=frozenset(ctx.filter_names))
    ctx.check_all_used()
    return parsed


def _parse_filter(text: str, ctx: ExpressionContext) -> Any:
    return parse_condition(text, ctx, label="FilterExpression")


def _maybe(parse: Any, text: str | None, ctx: ExpressionContext) -> Any:
    return None if text is None else parse(text, ctx)


def _legacy(params: Mapping[str, Any], filter_param: str | None) -> Expressions:
    for name in [*(params.get("AttributeUpdates") or ()), *(params.get("AttributesToGet") or ())]:
        check_attribute_name(name)
    operator = params.get("ConditionalOperator")
    condition = filter_ = key = update = projection = None
    if params.get("Expected"):
        condition = legacy.condition_from_expected(params["Expected"], operator)
    if filter_param and params.get(filter_param):
        filter_ = legacy.filter_from_conditions(params[filter_param], operator)
    if params.get("KeyConditions") is not None:
        key = legacy.key_condition_from_conditions(params["KeyConditions"])
    if params.get("AttributeUpdates") is not None:
        update = legacy.update_from_attribute_updates(params["AttributeUpdates"])
    if params.get("AttributesToGet") is not None:
        projection = _Attributes(list(params["AttributesToGet"]))
    return Expressions(condition, update, projection, filter_, key)
