"""The catalog: every table's definition, kept in storage and mirrored in memory.

The in-memory mirror is only changed by work running on the storage's single writer, so
it changes in the same order as the stored definitions; readers look tables up without
touching storage.
"""
from __future__ import annotations

import marshal
import struct
import threading
from typing import Any, Mapping

from fogbank.tables import keys
from fogbank.tables.errors import ResourceNotFoundException, ValidationException
from fogbank.tables.schema import TableDef
from fogbank.tables.storage import Reader, Writer, prefix_end
from fogbank.tables.validation import check_table_name

_NEXT_TID = keys.META + b"next-table-id"
_RETIRED = keys.META + b"retired-table/"


class Catalog:
    def __init__(self, reader: Reader, region: str, account_id: str) -> None:
        self.region, self.account_id = region, account_id
        self.tables: dict[str, TableDef] = {}
        self._lock = threading.Lock()
        for _, value in reader.scan(keys.TABLES, prefix_end(keys.TABLES)):
            record = marshal.loads(value)
            self.tables[record["TableName"]] = TableDef.from_record(record)
        # Deleted tables whose streams are still within their retention.
        self.retired: dict[int, TableDef] = {}
        for _, value in reader.scan(_RETIRED, prefix_end(_RETIRED)):
            table = TableDef.from_record(marshal.loads(value))
            self.retired[table.tid] = table

    def get(self, name: str, message: str | None = None) -> TableDef:
        """A table by name or ARN (operations accept both)."""
        table = self.tables.get(name)
        if table is not None:
            return table
        if name.startswith("arn:"):
            table = self.tables.get(name.split(":table/", 1)[-1])
            if table is not None and self.arn(table.name) == name:
                return table
        else:
            check_table_name(name)
        raise ResourceNotFoundException(message or "Requested resource not found")

    def described(self, name: str) -> TableDef:
        """A table for a control-plane call, whose error names the table."""
        return self.get(name, f"Requested resource not found: Table: {name} not found")

    def arn(self, name: str) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.account_id}:table/{name}"

    def by_arn(self, arn: str) -> TableDef:
        """The table a tag operation's ResourceArn names, refused as DynamoDB refuses it."""
        if not arn.startswith("arn:"):
            raise ValidationException("One or more parameter values were invalid: ARNs must "
                                      f"start with 'arn:': {arn}")
        parts = arn.split(":", 5)
        if len(parts) < 6 or parts[2] != "dynamodb" or not parts[5].startswith("table/"):
            raise ValidationException(
                f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
        _, partition, _, region, account, resource = parts
        if (partition, region) != ("aws", self.region):
            raise ValidationException(
                f"One or more parameter values were invalid: Invalid resource Arn: {arn}")
        name, _, below = resource[len("table/"):].partition("/")
        # An index ARN is refused; a stream ARN passes on and is not found, as in DynamoDB.
        if below and not below.startswith("stream/"):
            raise ValidationException(
                "One or more parameter values were invalid: Invalid resource arn provided, "
                f"only table or stream is accepted. Provided resource arn: {arn}")
        table = self.tables.get(name)
        if table is None or below or account != self.account_id:
            raise ResourceNotFoundException(
                f"Requested resource not found: ResourceArn: {arn} not found")
        return table

    # ------------------------------------------------------------------ writer side

    def allocate_tid(self, writer: Writer) -> int:
        raw = writer.get(_NEXT_TID)
        tid = struct.unpack(">Q", raw)[0] if raw else 1
        writer.put(_NEXT_TID, struct.pack(">Q", tid + 1))
        return tid

    def save(self, writer: Writer, record: Mapping[str, Any]) -> TableDef:
        writer.put(keys.TABLES + record["TableName"].encode(), marshal.dumps(dict(record)))
        table = TableDef.from_record(record)
        self.tables[table.name] = table
        return table

    def drop(self, writer: Writer, table: TableDef, now: float) -> None:
        writer.delete(keys.TABLES + table.name.encode())
        tid = keys.table_id_bytes(table.tid)
        for space in (keys.ITEMS, keys.INDEX):
            writer.delete_range(space + tid, prefix_end(space + tid))
        self.tables.pop(table.name, None)
        if table.record.get("_streams"):
            # As in DynamoDB, a deleted table's streams stay readable for 24 hours.
            record = dict(table.record, _deleted=now, StreamSpecification={"StreamEnabled": False},
                          _streams=[dict(s, disabled=s["disabled"] or now)
                                    for s in table.record["_streams"]])
            writer.put(_RETIRED + tid, marshal.dumps(record))
            self.retired[table.tid] = TableDef.from_record(record)

    def forget_retired(self, writer: Writer, before: float) -> None:
        """Forgets deleted tables (and their stream records) deleted before `before`."""
        for tid, table in list(self.retired.items()):
            if table.record["_deleted"] < before:
                space = keys.STREAM + keys.table_id_bytes(tid)
                writer.delete_range(space, prefix_end(space))
                writer.delete(keys.STREAM_HORIZONS + keys.table_id_bytes(tid))
                writer.delete(_RETIRED + keys.table_id_bytes(tid))
                del self.retired[tid]
