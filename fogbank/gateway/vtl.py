"""API Gateway's mapping template language: Velocity (VTL) with `$input`, `$util`,
`$context` and `$stageVariables`, rendered by airspeed.

API Gateway runs Java's Velocity, so values must print and behave as Java's do, which
Python's do not on their own:
- a JSON object read with `$input.path` or `$util.parseJson` prints as a Java map
  (`{a=1, b=x}`), an array as JSON text (`[{"c":5}]`, as the JSON library's array does),
  booleans as `true`/`false`, and null as nothing: API Gateway prints a null reference as
  an empty string (Velocity would print the reference's own text);
- maps, lists and strings answer the Java methods templates call (`$map.get('k')`,
  `$map.keySet()`, `$list.size()`, `$s.toLowerCase()` …). Airspeed keeps a table of such
  methods per type (`__additional_methods__`, its documented extension point); the ones
  it lacks are added there for `str`, and the map and list types here carry their own.
`$input.json(path)` is JSON text, `$input.path(path)` an object; paths are JSONPath
(`$`, `.name`, `['name']`, `[0]`, `[*]`, `.*`, `..name`), see `jsonpath`.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from functools import lru_cache
from typing import Any, Iterator, Mapping
from urllib.parse import quote_plus, unquote_plus

import airspeed

__all__ = ["TemplateFailed", "render", "java_value", "is_null", "jsonpath",
           "escape_javascript"]


class TemplateFailed(Exception):
    """The template does not parse, or failed while rendering: API Gateway answers such
    a request with its configuration error (500)."""


# ------------------------------------------------------------------ Java-like values

class _Null:
    """A JSON null or a missing member: prints as nothing and is false, as API Gateway's
    null references are."""

    __slots__ = ()

    def __str__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return other is None or isinstance(other, _Null)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "null"


NULL = _Null()


def is_null(value: Any) -> bool:
    """Whether a template value is null (None, or a JSON null or missing member)."""
    return value is None or isinstance(value, _Null)


class JavaBoolean:
    """A JSON boolean: prints `true`/`false` (Python's prints `True`)."""

    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value

    def __str__(self) -> str:
        return "true" if self.value else "false"

    def __bool__(self) -> bool:
        return self.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JavaBoolean):
            return self.value == other.value
        return isinstance(other, bool) and self.value == other

    def __hash__(self) -> int:
        return hash(self.value)

    def toString(self) -> str:  # noqa: N802 (Java's name)
        return str(self)


def _java_text(value: Any) -> str:
    """How Java prints a value inside a map (strings bare, null as `null`)."""
    if value is None or isinstance(value, _Null):
        return "null"
    return _printed(value)


def _printed(value: Any) -> str:
    """How Java prints a non-null value. The template's own literals and what the Java
    methods answer are Python values: `true` is a bool, `{}` a dict, `['a']` a list, which
    Java prints as `true`, `{k=v}` and `[a]` (Python: `True`, `{'k': 'v'}`, `['a']`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) and not isinstance(value, JavaMap):
        return "{" + ", ".join(f"{k}={_java_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)) and not isinstance(value, JsonArray):
        return "[" + ", ".join(_java_text(v) for v in value) + "]"
    return str(value)


class JavaMap(dict):
    """A JSON object (or a map of parameters) as Velocity sees a Java map."""

    def __missing__(self, key: Any) -> Any:
        # Airspeed looks a name up as a key before it tries methods: a method name that is
        # no key must fail here, so that `$map.keySet()` reaches the method.
        if isinstance(key, str) and hasattr(type(self), key):
            raise KeyError(key)
        return NULL

    def __str__(self) -> str:
        return "{" + ", ".join(f"{k}={_java_text(v)}" for k, v in self.items()) + "}"

    # The Java Map methods templates use.
    def get(self, key: Any, default: Any = None) -> Any:  # type: ignore[override]
        return dict.get(self, key, NULL if default is None else default)

    def keySet(self) -> list:  # noqa: N802
        return JavaList(self.keys())

    def entrySet(self) -> list:  # noqa: N802
        return JavaList(JavaMap(key=k, value=v) for k, v in self.items())

    def values(self) -> list:  # type: ignore[override]
        return JavaList(dict.values(self))

    def containsKey(self, key: Any) -> bool:  # noqa: N802
        return key in self

    def size(self) -> int:
        return len(self)

    def isEmpty(self) -> bool:  # noqa: N802
        return not self

    def put(self, key: Any, value: Any) -> Any:
        previous = dict.get(self, key, NULL)
        self[key] = value
        return previous

    def putAll(self, other: Mapping[Any, Any]) -> None:  # noqa: N802
        self.update(other)

    def remove(self, key: Any) -> Any:
        return self.pop(key, NULL)

    def toString(self) -> str:  # noqa: N802
        return str(self)


class JsonArray(list):
    """A JSON array: prints as compact JSON text, as API Gateway's JSON arrays do."""

    def __str__(self) -> str:
        return json.dumps(plain(self), separators=(",", ":"), ensure_ascii=False)

    def size(self) -> int:
        return len(self)

    def isEmpty(self) -> bool:  # noqa: N802
        return not self

    def get(self, index: int) -> Any:
        return self[index]

    def contains(self, value: Any) -> bool:
        return value in self

    def add(self, value: Any) -> bool:
        self.append(value)
        return True

    def toString(self) -> str:  # noqa: N802
        return str(self)


class JavaList(JsonArray):
    """A Java collection (a map's keys): prints as Java does, `[a, b]`."""

    def __str__(self) -> str:
        return "[" + ", ".join(_java_text(v) for v in self) + "]"


def java_value(value: Any) -> Any:
    """A parsed JSON value as templates see it."""
    if isinstance(value, dict):
        return JavaMap((k, java_value(v)) for k, v in value.items())
    if isinstance(value, list):
        return JsonArray(java_value(v) for v in value)
    if isinstance(value, bool):
        return JavaBoolean(value)
    if value is None:
        return NULL
    return value


def plain(value: Any) -> Any:
    """A template value back as plain JSON data."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, JavaBoolean):
        return value.value
    if isinstance(value, _Null):
        return None
    return value


def _pattern(text: str) -> str:
    """A regular expression as the template wrote it. Velocity keeps a string literal's
    backslashes; airspeed reads `\\\\` as one, so `replaceAll("\\\\'", "'")`, the idiom
    API Gateway's guide gives to undo escapeJavaScript's `\\'`, would lose its meaning."""
    return re.sub(r"\\(?!\$)", r"\\\\", text)


def _java_split(text: str, pattern: str, limit: int = 0) -> list:
    pattern = _pattern(pattern)
    parts = re.split(pattern, text) if limit <= 0 else re.split(pattern, text, limit - 1)
    if limit == 0:                      # Java drops trailing empty strings
        while parts and parts[-1] == "":
            parts.pop()
    return JsonArray(parts)


def _java_replacement(replacement: str) -> str:
    """Java's `$1` group references, as Python's `\\1`."""
    return re.sub(r"\$(\d)", r"\\\1", replacement.replace("\\", "\\\\"))


# Java String methods templates call that airspeed's table lacks (it has length,
# replaceAll, startsWith, matches and contains).
_STRING_METHODS = {
    "toLowerCase": lambda s: s.lower(),
    "toUpperCase": lambda s: s.upper(),
    "trim": lambda s: s.strip(" \t\n\r\x0b\x0c\x00"),
    "isEmpty": lambda s: not s,
    "equals": lambda s, other: s == other,
    "equalsIgnoreCase": lambda s, other: isinstance(other, str) and s.lower() == other.lower(),
    "endsWith": lambda s, suffix: s.endswith(suffix),
    "indexOf": lambda s, sub, start=0: s.find(sub, start),
    "lastIndexOf": lambda s, sub: s.rfind(sub),
    "substring": lambda s, start, end=None: s[start:end],
    "charAt": lambda s, index: s[index],
    "toString": lambda s: s,
    "split": _java_split,
    "replaceAll": lambda s, pattern, repl: re.sub(_pattern(pattern), _java_replacement(repl),
                                                  s),
    "replaceFirst": lambda s, pattern, repl: re.sub(_pattern(pattern),
                                                    _java_replacement(repl), s, count=1),
    "matches": lambda s, pattern: re.fullmatch(_pattern(pattern), s) is not None,
}
_TABLE = airspeed.__additional_methods__
for _name, _method in _STRING_METHODS.items():
    _TABLE[str][_name] = _method


def _write_reference(self: Any, stream: Any, namespace: Any, loader: Any) -> None:
    """Airspeed's FormalReference.evaluate_raw, printing the value as Java does
    (`_printed`) where airspeed writes Python's `str(value)`."""
    value = None
    if self.expression is not None:
        value = self.expression.calculate(namespace, loader)
    if value is None:
        if self.alternate is not None:
            value = self.alternate.calculate(namespace, loader)
        elif self.silent and self.expression is not None:
            value = ""
        else:
            value = self.my_text()
    stream.write(_printed(value))


# Only this module renders with airspeed (it is the node's one Velocity engine).
airspeed.FormalReference.evaluate_raw = _write_reference

# Velocity 1.x names may hold hyphens, and API Gateway's templates name headers so
# (`$context.requestOverride.header.X-Amz-Target`); airspeed's names may not. A property
# (a name after a dot) takes hyphens each followed by a letter; the variable itself does
# not, so `$a-$b` and `$a-b` keep airspeed's meaning (a minus, or text).
_HYPHENATED = r"[_a-z][a-z0-9_]*(?:-[a-z][a-z0-9_]*)*"


class _PropertyName(airspeed.NameOrCall):
    NAME = re.compile(f"({_HYPHENATED})", re.S | re.I)


class _Property(airspeed.VariableExpression):
    def parse(self) -> None:
        self.part = self.next_element(_PropertyName)
        try:
            self.subexpression = self.next_element(airspeed.SubExpression)
        except airspeed.NoMatch:
            pass


def _parse_subexpression(self: Any) -> None:
    """Airspeed's SubExpression.parse, reading a property after a dot as `_Property`."""
    try:
        self.identity_match(self.DOT)
        self.expression = self.next_element(_Property)
    except airspeed.NoMatch:
        self.expression = self.next_element(airspeed.ArrayIndex)
        self.subexpression = None
        try:
            self.subexpression = self.next_element(airspeed.SubExpression)
        except airspeed.NoMatch:
            pass


airspeed.SubExpression.parse = _parse_subexpression
airspeed.SetDirective.PLACE = re.compile(
    rf"\s*\$([a-z_][a-z0-9_]*(?:\.{_HYPHENATED})*)", re.S | re.I)


# ------------------------------------------------------------------ JSONPath

_STEP = re.compile(r"""\.\.(?P<deep>[A-Za-z0-9_$@-]+|\*)      # ..name
                     |\.(?P<name>[A-Za-z0-9_$@-]+|\*)          # .name  .*
                     |\[\s*(?P<index>-?\d+|\*)\s*\]            # [0]  [*]
                     |\[\s*'(?P<quoted>[^']*)'\s*\]             # ['name']
                     |\[\s*"(?P<dquoted>[^"]*)"\s*\]""", re.X)


@lru_cache(maxsize=256)
def _steps(path: str) -> tuple[tuple[str, str], ...] | None:
    """A JSONPath as (kind, key) steps; None when it is not one this module reads."""
    path = path.strip()
    if not path.startswith("$"):
        return None
    steps, at = [], 1
    while at < len(path):
        found = _STEP.match(path, at)
        if found is None:
            return None
        kind = found.lastgroup or ""
        key = found.group(kind)
        if kind in ("quoted", "dquoted"):
            kind = "name"
        steps.append((kind, key))
        at = found.end()
    return tuple(steps)


def _children(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        yield from value.values()
    elif isinstance(value, list):
        yield from value


def _descend(value: Any) -> Iterator[Any]:
    yield value
    for child in _children(value):
        yield from _descend(child)


def jsonpath(document: Any, path: str) -> tuple[bool, Any]:
    """(found, value) of `path` in `document`. A definite path (names and indexes) gives
    its one value; one with `*` or `..` gives the list of what it matched."""
    steps = _steps(path or "$")
    if steps is None:
        raise TemplateFailed(f"invalid JSONPath {path!r}")
    current, definite = [document], True
    for kind, key in steps:
        found = []
        for value in current:
            if kind == "deep":
                definite = False
                for inner in _descend(value):
                    if key == "*":
                        found.extend(_children(inner))
                    elif isinstance(inner, dict) and key in inner:
                        found.append(inner[key])
            elif key == "*":
                definite = False
                found.extend(_children(value))
            elif kind == "index":
                if isinstance(value, list) and -len(value) <= int(key) < len(value):
                    found.append(value[int(key)])
            elif isinstance(value, dict) and key in value:
                found.append(value[key])
        current = found
    if not definite:
        return True, current
    return (True, current[0]) if current else (False, None)


# ------------------------------------------------------------------ $input and $util

def escape_javascript(value: Any) -> str:
    """`$util.escapeJavaScript`: JavaScript string escapes as API Gateway's Java library
    writes them: quotes (single ones too), backslash and `/` escaped; \\b \\t \\n \\f \\r;
    other control characters and everything past ASCII as \\uXXXX (upper-case hex, a
    character beyond the BMP as its two UTF-16 halves)."""
    text = _java_text(value) if not isinstance(value, str) else value
    out = []
    for char in text:
        code = ord(char)
        if code > 0xFFFF:
            high, low = divmod(code - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04X}\\u{0xDC00 + low:04X}")
        elif code > 0x7F:
            out.append(f"\\u{code:04X}")
        elif code < 32:
            out.append(_CONTROL.get(char) or f"\\u{code:04X}")
        elif char in "'\"\\/":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


_CONTROL = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


class Util:
    """`$util`: the six functions API Gateway documents."""

    def escapeJavaScript(self, value: Any) -> str:  # noqa: N802
        return escape_javascript(value)

    def parseJson(self, text: Any) -> Any:  # noqa: N802
        try:
            return java_value(json.loads(str(text)))
        except ValueError:
            raise TemplateFailed("$util.parseJson: not JSON") from None

    def urlEncode(self, text: Any) -> str:  # noqa: N802
        # Java's URLEncoder: space as "+", only letters, digits and ".-*_" kept.
        return quote_plus(_java_text(text), safe="*").replace("~", "%7E")

    def urlDecode(self, text: Any) -> str:  # noqa: N802
        return unquote_plus(_java_text(text))

    def base64Encode(self, text: Any) -> str:  # noqa: N802
        return base64.b64encode(_java_text(text).encode()).decode()

    def base64Decode(self, text: Any) -> str:  # noqa: N802
        try:
            return base64.b64decode(_java_text(text)).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            raise TemplateFailed("$util.base64Decode: not base64") from None


class Input:
    """`$input`: the payload (a request's body or an integration's answer) and the
    method request's parameters (`path`, `querystring`, `header`)."""

    def __init__(self, body: str, params: Mapping[str, Mapping[str, str]]) -> None:
        self.body = body
        self._params = JavaMap((kind, JavaMap(params.get(kind) or {}))
                               for kind in ("path", "querystring", "header"))
        self._parsed: tuple[Any] | None = None

    def _document(self) -> Any:
        if self._parsed is None:
            try:
                self._parsed = (json.loads(self.body) if self.body.strip() else {},)
            except ValueError:
                raise TemplateFailed("the payload is not JSON") from None
        return self._parsed[0]

    def json(self, path: str = "$") -> str:
        found, value = jsonpath(self._document(), str(path))
        return json.dumps(value if found else None, separators=(",", ":"),
                          ensure_ascii=False)

    def path(self, path: str = "$") -> Any:
        found, value = jsonpath(self._document(), str(path))
        return java_value(value) if found else NULL

    def params(self, name: str | None = None) -> Any:
        if name is None:
            return self._params
        for kind in ("path", "querystring", "header"):
            value = dict.get(self._params[kind], name)
            if value is not None:
                return value
        lowered = str(name).lower()           # header names are not case-sensitive
        return next((value for key, value in self._params["header"].items()
                     if key.lower() == lowered), "")


# ------------------------------------------------------------------ rendering

@lru_cache(maxsize=512)
def _compiled(template: str) -> airspeed.Template:
    try:
        compiled = airspeed.Template(template)
        compiled.ensure_compiled()
    except airspeed.TemplateSyntaxError as exc:
        raise TemplateFailed(f"the template does not parse: {exc}") from None
    return compiled


def render(template: str, payload: str, params: Mapping[str, Mapping[str, str]],
           context: JavaMap, stage_variables: Mapping[str, str]) -> str:
    """The template rendered over `payload` (`$input`); `context` may be changed by
    `#set($context.responseOverride…)`."""
    namespace = {"input": Input(payload, params), "util": Util(), "context": context,
                 "stageVariables": JavaMap(stage_variables)}
    try:
        return _compiled(template).merge(namespace)
    except TemplateFailed:
        raise
    except Exception as exc:      # a template's runtime error is the API's misconfiguration
        raise TemplateFailed(f"the template failed: {exc}") from None
