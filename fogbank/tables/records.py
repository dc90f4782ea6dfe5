"""How an item (or an index entry) is kept as bytes: its size as DynamoDB counts it, then
the item. Storing the size spares reads from re-measuring items for the 1 MB page rule,
capacity units and table sizes."""
from __future__ import annotations

import marshal
import struct
from typing import Any, Mapping

from fogbank.tables.values import item_size

_SIZE = struct.Struct(">I")


def pack(item: Mapping[str, Any], size: int | None = None) -> bytes:
    return _SIZE.pack(item_size(item) if size is None else size) + marshal.dumps(dict(item))


def unpack(raw: bytes) -> dict[str, Any]:
    return marshal.loads(memoryview(raw)[_SIZE.size:])


def size_of(raw: bytes) -> int:
    return _SIZE.unpack_from(raw)[0]
