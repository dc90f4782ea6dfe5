"""Events in and results out, as JSON the way awslambdaric reads and writes them.

Its encoder writes a Decimal as the number it spells (Decimal("1.10") is 1.10, not 1.1),
a NaN Decimal as NaN, and, from python3.12 on, leaves non-ASCII text unescaped. The
standard library's encoder cannot put raw text in its output from `default`, so a Decimal
leaves it as a marked string and the marks (and the quotes) come off afterwards, only
when a Decimal was seen: other results cost nothing more.
"""
from __future__ import annotations

import decimal
import json
import math
import os
import re
from typing import Any

from fogbank.runtime import faults

# NUL is always escaped by the encoder, so the mark shows as "\u0000…" inside quotes; the
# random part keeps a handler's own text from ever passing for a marked Decimal.
_MARK = f"\x00{os.urandom(8).hex()}:"
_MARKED = re.compile('"' + re.escape(json.dumps(_MARK)[1:-1]) + '([^"]*)"')


def ascii_only(execution_env: str) -> bool:
    """awslambdaric escapes non-ASCII text on python3.11 and before, not after."""
    version = execution_env.removeprefix("AWS_Lambda_python")
    major, _, minor = version.partition(".")
    return not (major.isdigit() and minor.isdigit() and (int(major), int(minor)) >= (3, 12))


class ResultEncoder:
    """One per worker: the encoder is built once, not per invocation."""

    def __init__(self, ascii_only: bool) -> None:
        self._saw_decimal = False
        self._encode = json.JSONEncoder(ensure_ascii=ascii_only, default=self._default).encode

    def _default(self, obj: Any) -> Any:
        if isinstance(obj, decimal.Decimal):
            if obj.is_nan():
                return math.nan
            self._saw_decimal = True
            return _MARK + str(obj)
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

    def encode(self, response: Any) -> bytes:
        """A handler's result as the response body; bytes go out as they are."""
        if isinstance(response, bytes):
            return response
        self._saw_decimal = False
        try:
            text = self._encode(response)
        except Exception as e:
            raise faults.Fault(faults.MARSHAL_ERROR, f"Unable to marshal response: {e}")
        if self._saw_decimal:
            text = _MARKED.sub(r"\1", text)
        return text.encode()


def load_event(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except Exception as e:
        raise faults.Fault(faults.UNMARSHAL_ERROR, f"Unable to unmarshal input: {e}")
