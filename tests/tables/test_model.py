"""Random operation sequences run against the engine and against a small in-memory model of
DynamoDB's semantics (a dict of items, sorted by decimal sort key); both must agree."""
from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogbank.tables.errors import ConditionalCheckFailedException

from .conftest import make_table

PKS = st.sampled_from(["a", "b", "c"])
SKS = st.sampled_from(["-1.5", "0", "1", "1.0E1", "2", "100", "0.001"])
VALUES = st.one_of(st.text(max_size=5), st.integers(-5, 5).map(str))
OPS = st.lists(st.one_of(
    st.tuples(st.just("put"), PKS, SKS, VALUES),
    st.tuples(st.just("put_new"), PKS, SKS, VALUES),
    st.tuples(st.just("delete"), PKS, SKS, VALUES),
    st.tuples(st.just("add"), PKS, SKS, st.integers(-3, 3).map(str)),
), max_size=25)
_names = itertools.count()


def _key(pk: str, sk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"N": sk}}


def _apply(db, table: str, model: dict, op: tuple) -> None:
    kind, pk, sk, value = op
    slot = (pk, Decimal(sk))
    if kind == "put":
        db.put_item(TableName=table, Item={**_key(pk, sk), "v": {"S": value}})
        model[slot] = {"v": value}
    elif kind == "put_new":
        try:
            db.put_item(TableName=table, Item={**_key(pk, sk), "v": {"S": value}},
                        ConditionExpression="attribute_not_exists(pk)")
            assert slot not in model
            model[slot] = {"v": value}
        except ConditionalCheckFailedException:
            assert slot in model
    elif kind == "delete":
        db.delete_item(TableName=table, Key=_key(pk, sk))
        model.pop(slot, None)
    else:
        db.update_item(TableName=table, Key=_key(pk, sk), UpdateExpression="ADD n :d",
                       ExpressionAttributeValues={":d": {"N": value}})
        entry = model.setdefault(slot, {})
        entry["n"] = entry.get("n", Decimal(0)) + Decimal(value)


def _as_model(item: dict) -> dict:
    out = {}
    if "v" in item:
        out["v"] = item["v"]["S"]
    if "n" in item:
        out["n"] = Decimal(item["n"]["N"])
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_engine_agrees_with_the_model(db, ops):
    table = f"model{next(_names)}"
    make_table(db, table, range_key="sk", range_type="N")
    model: dict = {}
    for op in ops:
        _apply(db, table, model, op)
    for pk in ("a", "b", "c"):
        items = db.query(TableName=table, KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": {"S": pk}})["Items"]
        assert [Decimal(i["sk"]["N"]) for i in items] == sorted(s for p, s in model if p == pk)
        for item in items:
            assert _as_model(item) == model[(pk, Decimal(item["sk"]["N"]))]
    scanned = db.scan(TableName=table)
    assert scanned["Count"] == len(model)
