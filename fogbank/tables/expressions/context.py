"""One request's ExpressionAttributeNames and ExpressionAttributeValues, and which were used."""
from __future__ import annotations

import re
from typing import Any, Mapping

from fogbank.tables.errors import RequestCheckFailed, ValidationException
from fogbank.tables.expressions.nodes import Name, Path
from fogbank.tables.expressions.paths import ResolvedPath
from fogbank.tables.values import AttributeValue, validate_value

_NAME_KEY = re.compile(r"#[0-9A-Za-z_]+")
_VALUE_KEY = re.compile(r":[0-9A-Za-z_]+")



class ExpressionContext:
    """Resolves placeholders for every expression of one request and records their use.

    `None` means the request did not send the map; an empty map is refused as DynamoDB does.
    """

    def __init__(self, names: Mapping[str, str] | None,
                 values: Mapping[str, Any] | None) -> None:
        self.names: Mapping[str, str] = checked_names(names) if names is not None else {}
        self.values: dict[str, AttributeValue] = (
            _checked_values(values) if values is not None else {})
        self._unused_names = dict.fromkeys(self.names)
        self._unused_values = dict.fromkeys(self.values)

    def name(self, placeholder: str, label: str) -> str:
        try:
            resolved = self.names[placeholder]
        except KeyError:
            raise ValidationException(
                f"Invalid {label}: An expression attribute name used in the document path is "
                f"not defined; attribute name: {placeholder}") from None
        self._unused_names.pop(placeholder, None)
        return resolved

    def value(self, placeholder: str, label: str) -> AttributeValue:
        try:
            resolved = self.values[placeholder]
        except KeyError:
            raise RequestCheckFailed(
                f"Invalid {label}: An expression attribute value used in expression is not "
                f"defined; attribute value: {placeholder}") from None
        self._unused_values.pop(placeholder, None)
        return resolved

    def path(self, path: Path, label: str) -> ResolvedPath:
        return tuple(self.name(e.placeholder, label) if isinstance(e, Name) else e
                     for e in path.elements)

    def check_all_used(self) -> None:
        if self._unused_names:
            raise ValidationException(
                "Value provided in ExpressionAttributeNames unused in expressions: "
                f"keys: {{{', '.join(self._unused_names)}}}")
        if self._unused_values:
            raise ValidationException(
                "Value provided in ExpressionAttributeValues unused in expressions: "
                f"keys: {{{', '.join(self._unused_values)}}}")


def checked_names(names: Mapping[str, str]) -> Mapping[str, str]:
    """ExpressionAttributeNames: not empty, every key a placeholder (#name)."""
    if not names:
        raise RequestCheckFailed("ExpressionAttributeNames must not be empty")
    for key in names:
        if _NAME_KEY.fullmatch(key) is None:
            raise ValidationException(
                f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"')
    return names


def _checked_values(values: Mapping[str, Any]) -> dict[str, AttributeValue]:
    if not values:
        raise RequestCheckFailed("ExpressionAttributeValues must not be empty")
    checked = {}
    for key, value in values.items():
        if _VALUE_KEY.fullmatch(key) is None:
            raise ValidationException(
                f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"')
        try:
            checked[key] = validate_value(value)
        except ValidationException as exc:
            wrapped = (f"ExpressionAttributeValues contains invalid value: {exc.message} "
                       f"for key {key}")
            # The newer validator reports a bad number, set or nesting without the wrapper.
            if isinstance(exc, RequestCheckFailed):
                raise RequestCheckFailed(wrapped, exc.current) from None
            raise ValidationException(wrapped) from None
    return checked
