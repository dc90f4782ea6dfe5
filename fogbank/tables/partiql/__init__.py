"""DynamoDB's PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction, run
on the tables engine's own item operations."""
from __future__ import annotations

from fogbank.tables.partiql.operations import DuplicateItemException, PartiQL

__all__ = ["DuplicateItemException", "PartiQL"]
