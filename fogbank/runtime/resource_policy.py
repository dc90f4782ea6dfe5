"""Whether a function's resource-based policy lets a service invoke it.

Lambda lets another AWS service (API Gateway, S3, a function URL's anonymous callers)
invoke a function only when a statement of the function's policy (AWS::Lambda::Permission,
AddPermission) allows it: the statement is on the function or alias that was invoked (a
statement on the function does not cover its aliases, nor the other way round), names the
service or "*" as principal and an action covering the invocation, and its conditions hold —
SourceArn as an ARN pattern (`*`, `?`), SourceAccount exactly, a function URL's
FunctionUrlAuthType, and InvokedViaFunctionUrl (such a statement allows URL calls only). Callers that are the account itself (the SDK, the CLI, other functions)
are never asked: Fogbank has no IAM, and their access is the account's.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from fogbank.types import LATEST, FunctionPermission, InvokeSource


@lru_cache(maxsize=1024)
def _pattern(text: str) -> re.Pattern[str]:
    """An ARN pattern as IAM's ArnLike reads it: `*` any run, `?` one character."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile("".join(parts), re.DOTALL)


def arn_like(pattern: str, arn: str) -> bool:
    return _pattern(pattern).fullmatch(arn) is not None


def _same_qualifier(statement: str | None, invoked: str | None) -> bool:
    return (statement or LATEST) == (invoked or LATEST)


def _action_covers(granted: str, action: str) -> bool:
    return _pattern(granted.lower()).fullmatch(action.lower()) is not None


def permits(statements: Iterable[FunctionPermission], qualifier: str | None,
            source: InvokeSource) -> bool:
    """Whether some statement on `qualifier` (None: the unqualified function) allows
    `source` to invoke."""
    for statement in statements:
        if not _same_qualifier(statement.qualifier, qualifier):
            continue
        if statement.principal not in (source.principal, "*"):
            continue
        if not _action_covers(statement.action, source.action):
            continue
        if statement.source_arn and not (source.source_arn
                                         and arn_like(statement.source_arn, source.source_arn)):
            continue
        if statement.source_account and statement.source_account != source.source_account:
            continue
        if (source.url_auth_type and statement.function_url_auth_type
                and statement.function_url_auth_type != source.url_auth_type):
            continue
        if statement.invoked_via_function_url and source.url_auth_type is None:
            continue        # SAM's public InvokeFunction statement is for URL calls only
        return True
    return False
