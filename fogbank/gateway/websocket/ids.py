"""Ids shaped as API Gateway's WebSocket ids: 11 random bytes in base64 ("WyHPAfymhcwCENw=")."""
from __future__ import annotations

import base64
import os


def new_id() -> str:
    """A connection, request or message id. Ids travel in URL paths (`@connections/{id}`),
    so one with "/" or "+" is drawn again rather than escaped by every caller."""
    while True:
        text = base64.b64encode(os.urandom(11)).decode()
        if "/" not in text and "+" not in text:
            return text
