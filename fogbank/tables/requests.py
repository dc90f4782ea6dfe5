"""One request's expressions: parsed from the expression parameters or the legacy ones.

DynamoDB refuses a request mixing the two styles, and placeholders that no expression
uses; both checks live here, once for every operation.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from fogbank.tables.errors import RequestCheckFailed, ValidationException
from fogbank.tables.validation import check_enum, check_key_values, constraint_error
from fogbank.tables.values import check_attribute_name
from fogbank.tables.expressions import (ExpressionContext, legacy, parse_condition,
                                        parse_key_condition, parse_projection, parse_update)
from fogbank.tables.expressions.context import checked_names
from fogbank.tables.expressions.keys import KeyConditionFault

# In the order DynamoDB lists them when a request mixes the two styles.
_LEGACY = ("AttributesToGet", "AttributeUpdates", "Expected", "QueryFilter", "ScanFilter",
           "ConditionalOperator", "KeyConditions")
_MODERN = ("UpdateExpression", "ConditionExpression", "ProjectionExpression", "FilterExpression",
           "KeyConditionExpression")
MAX_EXPRESSION = 4096      # bytes, for every expression parameter
_CONDITIONS = ("Expected", "QueryFilter", "ScanFilter", "KeyConditions")
# The ComparisonOperator enum, in the order DynamoDB's request validator prints it.
_COMPARISON_OPERATORS = ("IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL",
                         "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS")
_UPDATE_ACTIONS = ("ADD", "PUT", "DELETE")     # AttributeUpdates' Action, as printed
START_KEY = "The provided starting key is invalid: "


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
        self.paths = tuple((name,) for name in names)   # as a ProjectionExpression's

    def apply(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {name: item[name] for name in self._names if name in item}


def parse_expressions(params: Mapping[str, Any], filter_param: str | None = None,
                      value_users: tuple[str, ...] = ()) -> Expressions:
    """Every expression of a request, checked as DynamoDB checks them.

    `filter_param` names the operation's legacy filter (QueryFilter / ScanFilter);
    `value_users` its expressions that can use values, which DynamoDB names when values come
    without any of them.
    """
    check_comparison_operators(params)
    modern_used = [p for p in _MODERN if params.get(p) is not None]
    # KeyConditions mixes with FilterExpression or ProjectionExpression; only
    # KeyConditionExpression makes it a conflict.
    legacy_used = [p for p in _LEGACY if params.get(p) is not None
                   and (p != "KeyConditions" or "KeyConditionExpression" in modern_used)]
    if legacy_used and modern_used:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy_used)}}} "
            f"Expression parameters: {{{', '.join(modern_used)}}}")
    names, values = params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues")
    if not modern_used:
        if names is not None:
            raise RequestCheckFailed(
                "ExpressionAttributeNames can only be specified when using expressions")
        if values is not None:
            missing = ""
            if value_users:
                verb = "is" if len(value_users) == 1 else "are"
                missing = f": {' and '.join(value_users)} {verb} null"
            only_with = "ExpressionAttributeValues can only be specified when using expressions"
            raise RequestCheckFailed(only_with + missing, only_with)
        return _legacy(params, filter_param)
    for param in modern_used:
        size = len(params[param].encode())
        if size > MAX_EXPRESSION:
            # DynamoDB gives the size for every expression but an UpdateExpression.
            shown = "" if param == "UpdateExpression" else f" expression size: {size}"
            raise ValidationException(f"Invalid {param}: Expression size has exceeded the "
                                      f"maximum allowed size;{shown}")
    _check_start_values(params)
    if names is not None:
        # Its keys are checked before ExpressionAttributeValues is looked at.
        checked_names(names)
    for name in (names or {}).values():
        if isinstance(name, str):
            check_attribute_name(name)
    if values is not None and not values:
        raise RequestCheckFailed("ExpressionAttributeValues must not be empty")
    ctx = _Context(names, values)
    key_conditions = params.get("KeyConditions")
    key, key_fault = None, None
    try:
        key = (legacy.key_condition_from_conditions(key_conditions) if key_conditions is not None
               else _maybe(parse_key_condition, params.get("KeyConditionExpression"), ctx))
    except KeyConditionFault as exc:
        key_fault = exc
    parsed = Expressions(
        key=key,
        condition=_maybe(parse_condition, params.get("ConditionExpression"), ctx),
        filter=_maybe(_parse_filter, params.get("FilterExpression"), ctx),
        update=_maybe(parse_update, params.get("UpdateExpression"), ctx),
        projection=_maybe(parse_projection, params.get("ProjectionExpression"), ctx),
        filter_names=frozenset(ctx.filter_names))
    ctx.check_all_used()
    if key_fault is not None:
        raise key_fault
    return parsed


def _check_start_values(params: Mapping[str, Any]) -> None:
    """ExclusiveStartKey's values, checked as attribute values before the table is looked
    up (a malformed one needs no schema to refuse): after the legacy filter and the
    expression parameters' presence, before the key condition and the placeholders."""
    start = params.get("ExclusiveStartKey")
    if start is not None:
        with start_key_faults():
            check_key_values(start)


@contextmanager
def start_key_faults() -> Iterator[None]:
    """A starting key's fault, in the words DynamoDB gives it."""
    try:
        yield
    except RequestCheckFailed as exc:
        raise RequestCheckFailed(START_KEY + exc.message, exc.current) from None
    except ValidationException as exc:
        raise ValidationException(START_KEY + exc.message) from None


class NewerValidatorReport(ValidationException):
    """A RequestCheckFailed as the newer validator words it. `older` keeps the older
    validator's words for PartiQL, whose statements run through the same operations."""

    def __init__(self, message: str, older: str) -> None:
        super().__init__(message)
        self.older = older


@contextmanager
def newer_validator(enveloped: bool) -> Iterator[None]:
    """Reports the request checks run inside as an operation on DynamoDB's newer request
    validator does: in its wording, and for the single-item writes (`enveloped`) inside
    "1 validation error detected: "."""
    try:
        yield
    except RequestCheckFailed as exc:
        prefix = "1 validation error detected: " if enveloped else ""
        raise NewerValidatorReport(prefix + exc.current, exc.message) from None


def _parse_filter(text: str, ctx: ExpressionContext) -> Any:
    return parse_condition(text, ctx, label="FilterExpression")


def _maybe(parse: Any, text: str | None, ctx: ExpressionContext) -> Any:
    return None if text is None else parse(text, ctx)


def check_comparison_operators(params: Mapping[str, Any]) -> None:
    """The request validator's check of each condition's ComparisonOperator: known, and
    present wherever the model requires it (all but Expected). It runs before anything else,
    the table lookup included, so a caller that looks a table up first calls it itself.
    AttributeUpdates' Action, an enum nested the same way, is checked with them."""
    problems = []
    for name, spec in (params.get("AttributeUpdates") or {}).items():
        action = spec.get("Action") if isinstance(spec, Mapping) else None
        if isinstance(action, str):
            problem = check_enum(action, f"attributeUpdates.{name}.member.action",
                                 _UPDATE_ACTIONS)
            if problem:
                problems.append(problem)
    for param in _CONDITIONS:
        for name, spec in (params.get(param) or {}).items():
            where = f"{param[0].lower()}{param[1:]}.{name}.member.comparisonOperator"
            op = spec.get("ComparisonOperator") if isinstance(spec, Mapping) else None
            if op is None:
                if param != "Expected":
                    problems.append(f"Value null at '{where}' failed to satisfy constraint: "
                                    "Member must not be null")
                continue
            problem = check_enum(op, where, _COMPARISON_OPERATORS)
            if problem:
                problems.append(problem)
    if problems:
        raise constraint_error(problems)


def _check_conditional_operator(params: Mapping[str, Any]) -> None:
    if params.get("ConditionalOperator") is None:
        return
    conditions = [params[p] for p in ("Expected", "QueryFilter", "ScanFilter") if params.get(p)]
    if not conditions:
        raise ValidationException("ConditionalOperator cannot be used without Filter or Expected")
    if any(len(c) < 2 for c in conditions):
        raise ValidationException("ConditionalOperator can only be used when Filter or Expected "
                                  "has two or more elements")


def _legacy(params: Mapping[str, Any], filter_param: str | None) -> Expressions:
    _check_conditional_operator(params)
    wanted = params.get("AttributesToGet") or ()
    if None in wanted:      # the wire layer refuses a top-level one; BatchGetItem's nest
        shown = ", ".join("null" if name is None else name for name in wanted)
        raise constraint_error([f"Value '[{shown}]' at 'attributesToGet' failed to satisfy "
                                "constraint: Member must satisfy constraint: "
                                "[Member must not be null]"])
    for name in [*(params.get("AttributeUpdates") or ()), *(params.get("AttributesToGet") or ())]:
        check_attribute_name(name)
    operator = params.get("ConditionalOperator")
    condition = filter_ = key = update = projection = None
    filter_names: frozenset[str] = frozenset()
    wanted_first = filter_param == "ScanFilter"
    if wanted_first and params.get("AttributesToGet") is not None:
        # A Scan's repeated name is found before its filter's values are looked at; a
        # Query's after them (both before the starting key).
        projection = _Attributes(list(params["AttributesToGet"]))
    if params.get("Expected"):
        condition = legacy.condition_from_expected(params["Expected"], operator)
    if filter_param and params.get(filter_param):
        filter_ = legacy.filter_from_conditions(params[filter_param], operator)
        filter_names = frozenset(params[filter_param])
    if not wanted_first and params.get("AttributesToGet") is not None:
        projection = _Attributes(list(params["AttributesToGet"]))
    _check_start_values(params)
    if params.get("KeyConditions") is not None:
        key = legacy.key_condition_from_conditions(params["KeyConditions"])
    if params.get("AttributeUpdates") is not None:
        update = legacy.update_from_attribute_updates(params["AttributeUpdates"])
    return Expressions(condition, update, projection, filter_, key, filter_names)
