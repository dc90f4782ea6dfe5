"""Function URLs of functions made through the Lambda API, as the engine keeps them, and
Lambda's validation of their Cors (the botocore model's constraints, worded as Lambda's
ValidationException words them). The request's top-level members (AuthType, InvokeMode,
Qualifier) are checked against the model by the SDK edge (aws/protocols/validation.py)."""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from fogbank.functions.errors import ValidationFailed

_MAX_AGE = 86400
# Cors's lists: the member as Lambda's messages name it, most items, and each item's
# shortest and longest length.
_CORS_LISTS = {"AllowHeaders": ("allowHeaders", 100, 0, 1024),
               "AllowMethods": ("allowMethods", 6, 0, 6),
               "AllowOrigins": ("allowOrigins", 100, 1, 253),
               "ExposeHeaders": ("exposeHeaders", 100, 0, 1024)}
_URL_ID_LETTERS = string.ascii_lowercase + string.digits
URL_ID_LENGTH = 32


@dataclass(frozen=True)
class UrlConfig:
    """One function URL: its id (the URL's first label), settings and times (epoch s).
    `cors` holds Lambda's Cors members as given (AllowOrigins …), None when unset."""

    url_id: str
    auth_type: str
    invoke_mode: str = "BUFFERED"
    cors: Mapping[str, Any] | None = field(default=None)
    created: float = 0.0
    last_modified: float = 0.0
    # Whether a create or update named the InvokeMode: Lambda's write answers carry it
    # from then on (its reads always do, BUFFERED when never named).
    invoke_mode_named: bool = False
    # Its alias was deleted. Lambda then forgets the config (GetFunctionUrlConfig and
    # ListFunctionUrlConfigs no longer show it), but the address still answers, with
    # Forbidden instead of an unknown URL's null message. So the engine keeps the id.
    orphaned: bool = False


def new_url_id() -> str:
    """A fresh url id: a URL created again after a delete has another address, as on AWS."""
    return "".join(secrets.choice(_URL_ID_LETTERS) for _ in range(URL_ID_LENGTH))


def check_cors(cors: Any) -> None:
    """Lambda's validation of a URL's Cors (None: not given); every broken constraint is
    named in one ValidationException."""
    errors = [] if cors is None else _cors_errors(cors)
    if errors:
        count = f"{len(errors)} validation error{'s' if len(errors) > 1 else ''}"
        raise ValidationFailed(f"{count} detected: {'; '.join(errors)}")


def _cors_errors(cors: Any) -> list[str]:
    if not isinstance(cors, Mapping):
        return [_broken(cors, "cors", "Member must be a structure")]
    errors = []
    for key, (member, most, shortest, longest) in _CORS_LISTS.items():
        items = cors.get(key)
        if items is None:
            continue
        if not isinstance(items, Sequence) or isinstance(items, str):
            errors.append(_broken(items, f"cors.{member}", "Member must be a list"))
        elif len(items) > most:
            errors.append(_broken(_listed(items), f"cors.{member}",
                                  f"Member must have length less than or equal to {most}"))
        elif any(not isinstance(item, str) or not shortest <= len(item) <= longest
                 for item in items):
            errors.append(_broken(_listed(items), f"cors.{member}", (
                "Member must satisfy constraint: [Member must have length less than or equal "
                f"to {longest}, Member must have length greater than or equal to {shortest}, "
                "Member must satisfy regular expression pattern: .*, Member must not be "
                "null]")))
    max_age = cors.get("MaxAge")
    if max_age is not None and not (isinstance(max_age, int) and 0 <= max_age <= _MAX_AGE):
        bound = ("greater than or equal to 0" if isinstance(max_age, int) and max_age < 0
                 else f"less than or equal to {_MAX_AGE}")
        errors.append(_broken(max_age, "cors.maxAge", f"Member must have value {bound}"))
    return errors


def _listed(items: Sequence[Any]) -> str:
    # Lambda quotes a list as Java prints one.
    return f"[{', '.join(str(item) for item in items)}]"


def _broken(value: Any, member: str, constraint: str) -> str:
    return f"Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
