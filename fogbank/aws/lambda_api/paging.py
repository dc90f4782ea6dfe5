"""Lambda's list paging: MaxItems, and a Marker that is opaque to clients but names the
last item of the page before."""
from __future__ import annotations

import base64
import binascii

from fogbank.types import InvalidParameterValue

PAGE_LIMIT = 50             # a page holds at most 50 items whatever MaxItems says


def opaque(last: str) -> str:
    # Opaque to clients, like Lambda's markers; it names the last item returned.
    return base64.urlsafe_b64encode(last.encode()).decode()


def unopaque(marker: str) -> str:
    try:
        return base64.b64decode(marker.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid_marker(marker) from None


def start_after(keys: list[str], marker: str | None) -> int:
    """Where a page starts: after the key a marker names (the first row without one)."""
    if not marker:
        return 0
    after = unopaque(marker)
    if after not in keys:
        raise invalid_marker(marker)
    return keys.index(after) + 1


def invalid_marker(marker: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Invalid marker: {marker}", extra={"Type": "User"})
