"""Global and local secondary indexes: projections, sparse indexes, upkeep, and errors."""
from __future__ import annotations

import uuid

import pytest


def _gsi(name: str, hash_key: str, range_key: str | None, projection: dict) -> dict:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return {"IndexName": name, "KeySchema": schema, "Projection": projection}


@pytest.fixture
def indexed(make_table) -> str:
    return make_table(
        ("pk", "S"), ("sk", "S"), attributes={"g": "S", "gs": "N", "lsk": "N"},
        GlobalSecondaryIndexes=[
            _gsi("all", "g", "gs", {"ProjectionType": "ALL"}),
            _gsi("keys", "g", None, {"ProjectionType": "KEYS_ONLY"}),
            _gsi("incl", "g", "gs", {"ProjectionType": "INCLUDE",
                                     "NonKeyAttributes": ["extra"]})],
        LocalSecondaryIndexes=[{
            "IndexName": "local", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                {"AttributeName": "lsk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}])


def _put(ddb, table: str, sk: str, **attrs) -> None:
    item = {"pk": {"S": "p"}, "sk": {"S": sk}}
    for name, value in attrs.items():
        item[name] = {"N": str(value)} if isinstance(value, int) else {"S": value}
    ddb.put_item(TableName=table, Item=item)


def _query(ddb, table: str, index: str, **params) -> list[dict]:
    return ddb.query(TableName=table, IndexName=index, KeyConditionExpression="g = :g",
                     ExpressionAttributeValues={":g": {"S": "G"}}, **params)["Items"]


def test_describe_lists_the_indexes(ddb, indexed) -> None:
    table = ddb.describe_table(TableName=indexed)["Table"]
    gsis = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert set(gsis) == {"all", "keys", "incl"}
    assert gsis["incl"]["Projection"] == {"ProjectionType": "INCLUDE",
                                         "NonKeyAttributes": ["extra"]}
    assert gsis["all"]["IndexStatus"] == "ACTIVE"
    assert gsis["all"]["IndexArn"] == table["TableArn"] + "/index/all"
    (lsi,) = table["LocalSecondaryIndexes"]
    assert lsi["IndexName"] == "local"


def test_projections(ddb, indexed) -> None:
    _put(ddb, indexed, "1", g="G", gs=2, extra="e", other="o")
    everything = {"pk": {"S": "p"}, "sk": {"S": "1"}, "g": {"S": "G"}, "gs": {"N": "2"},
                  "extra": {"S": "e"}, "other": {"S": "o"}}
    assert _query(ddb, indexed, "all") == [everything]
    assert _query(ddb, indexed, "keys") == [
        {"pk": {"S": "p"}, "sk": {"S": "1"}, "g": {"S": "G"}}]
    assert _query(ddb, indexed, "incl") == [
        {"pk": {"S": "p"}, "sk": {"S": "1"}, "g": {"S": "G"}, "gs": {"N": "2"},
         "extra": {"S": "e"}}]


def test_index_order_and_sparseness(ddb, indexed) -> None:
    _put(ddb, indexed, "a", g="G", gs=3)
    _put(ddb, indexed, "b", g="G", gs=1)
    _put(ddb, indexed, "c", g="G", gs=2)
    _put(ddb, indexed, "d", gs=0)                  # no g: not in the index
    _put(ddb, indexed, "e", g="other", gs=0)
    assert [it["sk"]["S"] for it in _query(ddb, indexed, "all")] == ["b", "c", "a"]
    assert [it["sk"]["S"] for it in _query(ddb, indexed, "all", ScanIndexForward=False)] == [
        "a", "c", "b"]
    scanned = ddb.scan(TableName=indexed, IndexName="all")["Items"]
    assert sorted(it["sk"]["S"] for it in scanned) == ["a", "b", "c", "e"]


def test_index_follows_updates_and_deletes(ddb, indexed) -> None:
    _put(ddb, indexed, "x", g="G", gs=1)
    ddb.update_item(TableName=indexed, Key={"pk": {"S": "p"}, "sk": {"S": "x"}},
                    UpdateExpression="SET g = :o", ExpressionAttributeValues={":o": {"S": "O"}})
    assert _query(ddb, indexed, "all") == []
    ddb.update_item(TableName=indexed, Key={"pk": {"S": "p"}, "sk": {"S": "x"}},
                    UpdateExpression="SET g = :g", ExpressionAttributeValues={":g": {"S": "G"}})
    assert len(_query(ddb, indexed, "all")) == 1
    ddb.delete_item(TableName=indexed, Key={"pk": {"S": "p"}, "sk": {"S": "x"}})
    assert _query(ddb, indexed, "all") == []


def test_index_paging(ddb, indexed) -> None:
    for i in range(7):
        _put(ddb, indexed, f"s{i}", g="G", gs=1)       # equal index keys: order by table key
    seen: list[str] = []
    start: dict = {}
    while True:
        resp = ddb.query(TableName=indexed, IndexName="all", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": "G"}}, Limit=3, **start)
        seen += [it["sk"]["S"] for it in resp["Items"]]
        if "LastEvaluatedKey" not in resp:
            break
        assert set(resp["LastEvaluatedKey"]) == {"pk", "sk", "g", "gs"}
        start = {"ExclusiveStartKey": resp["LastEvaluatedKey"]}
    assert sorted(seen) == [f"s{i}" for i in range(7)]
    assert len(seen) == 7


def test_local_index_query(ddb, indexed) -> None:
    _put(ddb, indexed, "a", lsk=30)
    _put(ddb, indexed, "b", lsk=10)
    _put(ddb, indexed, "c")
    resp = ddb.query(TableName=indexed, IndexName="local",
                     KeyConditionExpression="pk = :p AND lsk > :z",
                     ExpressionAttributeValues={":p": {"S": "p"}, ":z": {"N": "0"}})
    assert [it["sk"]["S"] for it in resp["Items"]] == ["b", "a"]


def test_consistent_read_on_a_global_index(ddb, indexed, aws_error) -> None:
    with aws_error("ValidationException", "Consistent reads are not supported on global "
                   "secondary indexes"):
        _query(ddb, indexed, "all", ConsistentRead=True)


def test_index_key_of_the_wrong_type(ddb, indexed, aws_error) -> None:
    with aws_error("ValidationException", prefix="One or more parameter values were invalid: "
                   "Type mismatch for Index Key g Expected: S Actual: N IndexName: "):
        ddb.put_item(TableName=indexed, Item={"pk": {"S": "p"}, "sk": {"S": "1"},
                                              "g": {"N": "1"}})



def test_index_keys_are_held_to_key_size_limits(ddb, make_table, aws_error) -> None:
    # 2048 bytes for an index's partition key, 1024 for its sort key, as for the table's own.
    name = make_table(attributes={"g": "S", "r": "S"}, GlobalSecondaryIndexes=[
        _gsi("by-g", "g", "r", {"ProjectionType": "ALL"})])
    ddb.put_item(TableName=name, Item={"pk": {"S": "1"}, "g": {"S": "x" * 2048},
                                       "r": {"S": "y" * 1024}})
    with aws_error("ValidationException", "One or more parameter values were invalid: "
                   "Size limit exceeded for Index Key g Actual Size: 2049 bytes Max Size: "
                   "2048 bytes IndexName: by-g"):
        ddb.put_item(TableName=name, Item={"pk": {"S": "2"}, "g": {"S": "x" * 2049}})
    with aws_error("ValidationException", "One or more parameter values were invalid: "
                   "Aggregated size of all range keys has exceeded the size limit of 1024 "
                   "bytes"):
        ddb.update_item(TableName=name, Key={"pk": {"S": "1"}}, UpdateExpression="SET r = :v",
                        ExpressionAttributeValues={":v": {"S": "y" * 1025}})
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "2"}})
    assert len(ddb.scan(TableName=name, IndexName="by-g")["Items"]) == 1


def test_update_table_adds_and_removes_a_global_index(ddb, make_table) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "1"}, "colour": {"S": "red"}})
    ddb.update_table(TableName=name,
                     AttributeDefinitions=[{"AttributeName": "colour", "AttributeType": "S"}],
                     GlobalSecondaryIndexUpdates=[{"Create": _gsi(
                         "by-colour", "colour", None, {"ProjectionType": "ALL"})}])
    ddb.get_waiter("table_exists").wait(TableName=name)
    for _ in range(120):
        (index,) = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]
        if index["IndexStatus"] == "ACTIVE":
            break
        ddb.get_waiter("table_exists").wait(TableName=name)
    assert index["IndexStatus"] == "ACTIVE"
    resp = ddb.query(TableName=name, IndexName="by-colour",
                     KeyConditionExpression="colour = :c",
                     ExpressionAttributeValues={":c": {"S": "red"}})
    assert resp["Items"] == [{"pk": {"S": "1"}, "colour": {"S": "red"}}]   # backfilled
    ddb.update_table(TableName=name,
                     GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-colour"}}])
    for _ in range(120):
        if not ddb.describe_table(TableName=name)["Table"].get("GlobalSecondaryIndexes"):
            break
        ddb.get_waiter("table_exists").wait(TableName=name)
    assert not ddb.describe_table(TableName=name)["Table"].get("GlobalSecondaryIndexes")


def _keys(*names: str) -> list[dict]:
    return [{"AttributeName": n, "KeyType": t} for n, t in zip(names, ("HASH", "RANGE"))]


def _new_table(client, **params):
    params.setdefault("KeySchema", _keys("pk", "sk"))
    params.setdefault("AttributeDefinitions", [{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "S"}])
    return client.create_table(TableName=f"ix-{uuid.uuid4().hex[:12]}",
                               BillingMode="PAY_PER_REQUEST", **params)


def _defs(*names: str) -> list[dict]:
    return [{"AttributeName": n, "AttributeType": "S"} for n in names]


def test_create_table_index_quotas(ddb, aws_error) -> None:
    names = [f"gsi{i}" for i in range(21)]
    with aws_error("ValidationException", "One or more parameter values were invalid: "
                   "GlobalSecondaryIndex count exceeds the per-table limit of 20"):
        _new_table(ddb, AttributeDefinitions=_defs("pk", "sk", *names),
                   GlobalSecondaryIndexes=[_gsi(n, n, None, {"ProjectionType": "ALL"})
                                           for n in names])
    names = [f"lsi{i}" for i in range(6)]
    with aws_error("ValidationException", "One or more parameter values were invalid: "
                   "Number of LocalSecondaryIndexes exceeds per-table limit of 5"):
        _new_table(ddb, AttributeDefinitions=_defs("pk", "sk", *names),
                   LocalSecondaryIndexes=[_gsi(n, "pk", n, {"ProjectionType": "ALL"})
                                          for n in names])


@pytest.mark.parametrize("projection,message", [
    ({"ProjectionType": "INCLUDE"},
     "One or more parameter values were invalid: ProjectionType is INCLUDE, but "
     "NonKeyAttributes is not specified"),
    ({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b", "a"]},
     "One or more parameter values were invalid: Duplicate element in NonKeyAttributes: a"),
    ({"ProjectionType": "nonsense"},
     "1 validation error detected: Value 'nonsense' at "
     "'globalSecondaryIndexes.1.member.projection.projectionType' failed to satisfy "
     "constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]"),
    # The model bounds NonKeyAttributes (1 to 20 names of 1 to 255 characters, none null);
    # the request validator reports a broken bound before the projection's meaning.
    ({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", None]},
     "1 validation error detected: Value '[a, null]' at "
     "'globalSecondaryIndexes.1.member.projection.nonKeyAttributes' failed to satisfy "
     "constraint: Member must satisfy constraint: [Member must not be null]"),
    ({"ProjectionType": "INCLUDE", "NonKeyAttributes": []},
     "1 validation error detected: Value '[]' at "
     "'globalSecondaryIndexes.1.member.projection.nonKeyAttributes' failed to satisfy "
     "constraint: Member must have length greater than or equal to 1"),
    ({"ProjectionType": "INCLUDE", "NonKeyAttributes": [f"a{i}" for i in range(21)]},
     "1 validation error detected: Value '[" + ", ".join(f"a{i}" for i in range(21)) + "]' at "
     "'globalSecondaryIndexes.1.member.projection.nonKeyAttributes' failed to satisfy "
     "constraint: Member must have length less than or equal to 20"),
    ({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "x" * 256]},
     "1 validation error detected: Value '[a, " + "x" * 256 + "]' at "
     "'globalSecondaryIndexes.1.member.projection.nonKeyAttributes' failed to satisfy "
     "constraint: Member must satisfy constraint: [Member must have length less than or "
     "equal to 255, Member must have length greater than or equal to 1]"),
])
def test_bad_projections(raw_ddb, aws_error, projection: dict, message: str) -> None:
    with aws_error("ValidationException", message):
        _new_table(raw_ddb, AttributeDefinitions=_defs("pk", "sk", "g"),
                   GlobalSecondaryIndexes=[_gsi("by-g", "g", None, projection)])


@pytest.fixture
def with_local_index(make_table) -> str:
    return make_table(("pk", "S"), ("sk", "S"), attributes={"x": "S"},
                      LocalSecondaryIndexes=[_gsi("local", "pk", "x", {"ProjectionType": "ALL"})])


def _create_action(name: str, key: str) -> dict:
    return {"Create": _gsi(name, key, None, {"ProjectionType": "ALL"})}


@pytest.mark.parametrize("params,code,message", [
    ({"GlobalSecondaryIndexUpdates": [{}]}, "ValidationException",
     "One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update, "
     "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null"),
    ({"AttributeDefinitions": _defs("y"), "GlobalSecondaryIndexUpdates": [
        {**_create_action("new", "y"), "Delete": {"IndexName": "old"}}]}, "ValidationException",
     "One or more parameter values were invalid: Only one global secondary index action is "
     "allowed per GlobalSecondaryIndexUpdate object"),
    ({"AttributeDefinitions": _defs("y"), "GlobalSecondaryIndexUpdates": [
        _create_action("one", "y"), _create_action("two", "y")]}, "LimitExceededException",
     "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously "
     "per table"),
    ({"AttributeDefinitions": _defs("y"), "GlobalSecondaryIndexUpdates": [
        _create_action("local", "y")]}, "ValidationException",
     "Attempting to create an index which already exists"),
    ({"GlobalSecondaryIndexUpdates": [_create_action("new", "x")]}, "ValidationException",
     "One or more parameter values were invalid: AttributeDefinitions is not specified for "
     "index: new"),
    ({"AttributeDefinitions": _defs("y"), "GlobalSecondaryIndexUpdates": [
        _create_action("new", "x")]}, "ValidationException",
     "Invalid KeySchema: Some index key attribute have no definition"),
    ({"AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "N"}],
      "GlobalSecondaryIndexUpdates": [_create_action("new", "x")]}, "ValidationException",
     "One or more parameter values were invalid: Attributes cannot be redefined. Please check "
     "that your attribute has the same type as previously defined. Existing schema: "
     "Schema:[SchemaElement: key{pk:S:HASH}, SchemaElement: key{x:S:RANGE}] New schema: "
     "Schema:[SchemaElement: key{x:N:HASH}]"),
    ({"GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "local"}}]},
     "ValidationException", "Cannot delete an index that is not a GlobalSecondaryIndex: local"),
    ({"GlobalSecondaryIndexUpdates": [{"Update": {}}]}, "ValidationException",
     "1 validation error detected: Value null at 'globalSecondaryIndexUpdates.1.member.update."
     "indexName' failed to satisfy constraint: Member must not be null"),
    ({"GlobalSecondaryIndexUpdates": [{"Delete": {}}]}, "ValidationException",
     "1 validation error detected: Value null at 'globalSecondaryIndexUpdates.1.member.delete."
     "indexName' failed to satisfy constraint: Member must not be null"),
    ({"GlobalSecondaryIndexUpdates": [{"Update": {
        "IndexName": "by-x", "ProvisionedThroughput": {"ReadCapacityUnits": 1}}}]},
     "ValidationException", "1 validation error detected: Value null at "
     "'globalSecondaryIndexUpdates.1.member.update.provisionedThroughput.writeCapacityUnits' "
     "failed to satisfy constraint: Member must not be null"),
])
def test_bad_index_updates(raw_ddb, with_local_index, aws_error, params: dict, code: str,
                           message: str) -> None:
    with aws_error(code, message):
        raw_ddb.update_table(TableName=with_local_index, **params)
    table = raw_ddb.describe_table(TableName=with_local_index)["Table"]
    assert "GlobalSecondaryIndexes" not in table
    assert {"AttributeName": "x", "AttributeType": "S"} in table["AttributeDefinitions"]


def test_update_table_beyond_twenty_global_indexes(ddb, make_table, aws_error) -> None:
    names = [f"gsi{i}" for i in range(20)]
    name = make_table(attributes={n: "S" for n in names}, GlobalSecondaryIndexes=[
        _gsi(n, n, None, {"ProjectionType": "KEYS_ONLY"}) for n in names])
    with aws_error("LimitExceededException", "Subscriber limit exceeded: Number of global "
                   "secondary indexes exceeds per-table limit of 20"):
        ddb.update_table(TableName=name, AttributeDefinitions=_defs("more"),
                         GlobalSecondaryIndexUpdates=[_create_action("more", "more")])


def test_new_index_leaves_out_items_it_cannot_hold(ddb, make_table, aws_error) -> None:
    name = make_table()
    held = {"pk": {"S": "held"}, "g": {"S": "G"}}
    for item in (held, {"pk": {"S": "number"}, "g": {"N": "1"}},
                 {"pk": {"S": "empty"}, "g": {"S": ""}},
                 {"pk": {"S": "long"}, "g": {"S": "x" * 2049}},
                 {"pk": {"S": "none"}}):
        ddb.put_item(TableName=name, Item=item)
    ddb.update_table(TableName=name, AttributeDefinitions=_defs("g"),
                     GlobalSecondaryIndexUpdates=[_create_action("by-g", "g")])
    assert ddb.scan(TableName=name, IndexName="by-g")["Items"] == [held]
    # Once the index exists, a value of the wrong type is refused.
    with aws_error("ValidationException", prefix="One or more parameter values were invalid: "
                   "Type mismatch for Index Key g Expected: S Actual: N"):
        ddb.put_item(TableName=name, Item={"pk": {"S": "later"}, "g": {"N": "2"}})


def test_writes_count_their_index_entries_capacity(ddb, make_table) -> None:
    # Writing, moving or removing an index entry costs the index a write (two for a key
    # change); a write that leaves the entry as it was costs the index nothing.
    table = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[
        _gsi("by-g", "g", None, {"ProjectionType": "KEYS_ONLY"})])

    def put(**attrs: str) -> dict:
        item = {"pk": {"S": "p"}, **{k: {"S": v} for k, v in attrs.items()}}
        return ddb.put_item(TableName=table, Item=item,
                            ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]

    def spent(table_units: float, index_units: float | None) -> dict:
        result = {"TableName": table, "Table": {"CapacityUnits": table_units},
                  "CapacityUnits": table_units + (index_units or 0.0)}
        if index_units is not None:
            result["GlobalSecondaryIndexes"] = {"by-g": {"CapacityUnits": index_units}}
        return result

    assert put(g="a") == spent(1.0, 1.0)
    assert put(g="a", other="x") == spent(1.0, None)
    assert put(g="b") == spent(1.0, 2.0)
    assert put() == spent(1.0, 1.0)
    assert put() == spent(1.0, None)
    total = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": {"pk": {"S": "t"}, "g": {"S": "a"}}}}],
        ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert total == [{"TableName": table, "CapacityUnits": 4.0}]
    batch = ddb.batch_write_item(
        RequestItems={table: [{"DeleteRequest": {"Key": {"pk": {"S": "t"}}}}]},
        ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert batch == [{"TableName": table, "CapacityUnits": 2.0}]


@pytest.fixture
def narrow_local(make_table) -> str:
    """A KEYS_ONLY LSI ("keys-lsi") and an INCLUDE one ("incl-lsi", projecting e) by b."""
    def lsi(name: str, projection: dict) -> dict:
        return {"IndexName": name, "Projection": projection,
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "b", "KeyType": "RANGE"}]}
    table = make_table(("pk", "S"), ("sk", "S"), attributes={"b": "S"},
                       LocalSecondaryIndexes=[
                           lsi("keys-lsi", {"ProjectionType": "KEYS_ONLY"}),
                           lsi("incl-lsi", {"ProjectionType": "INCLUDE",
                                            "NonKeyAttributes": ["e"]})])
    return table


def _put_narrow(ddb, table: str) -> None:
    for i in (1, 2):
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"S": f"s{i}"},
                                            "b": {"S": f"b{i}"}, "d": {"S": f"d{i}"},
                                            "e": {"S": f"e{i}"}})


def _local_query(ddb, table: str, index: str, **params) -> list[dict]:
    values = {":p": {"S": "p"}, **params.pop("values", {})}
    return ddb.query(TableName=table, IndexName=index, KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues=values, **params)["Items"]


def test_local_index_fetches_what_it_does_not_project(ddb, narrow_local) -> None:
    _put_narrow(ddb, narrow_local)
    assert _local_query(ddb, narrow_local, "keys-lsi", ProjectionExpression="d, b") == [
        {"d": {"S": "d1"}, "b": {"S": "b1"}}, {"d": {"S": "d2"}, "b": {"S": "b2"}}]
    assert _local_query(ddb, narrow_local, "incl-lsi", ProjectionExpression="e, d") == [
        {"e": {"S": "e1"}, "d": {"S": "d1"}}, {"e": {"S": "e2"}, "d": {"S": "d2"}}]
    legacy = ddb.query(TableName=narrow_local, IndexName="keys-lsi", AttributesToGet=["d"],
                       KeyConditions={"pk": {"ComparisonOperator": "EQ",
                                             "AttributeValueList": [{"S": "p"}]}})
    assert legacy["Items"] == [{"d": {"S": "d1"}}, {"d": {"S": "d2"}}]
    scanned = ddb.scan(TableName=narrow_local, IndexName="keys-lsi", AttributesToGet=["d"])
    assert scanned["Items"] == [{"d": {"S": "d1"}}, {"d": {"S": "d2"}}]
    # A filter on a table key the index holds still works beside such a projection.
    assert _local_query(ddb, narrow_local, "keys-lsi", ProjectionExpression="d",
                        FilterExpression="sk = :s", values={":s": {"S": "s2"}}) == [
        {"d": {"S": "d2"}}]


@pytest.mark.parametrize("index, params, missing", [
    ("keys-lsi", {"FilterExpression": "d = :v"}, "[d]"),
    ("keys-lsi", {"FilterExpression": "e = :v AND d = :v", "Select": "ALL_ATTRIBUTES"}, "[d, e]"),
    ("keys-lsi", {"FilterExpression": "d = :v", "ProjectionExpression": "d"}, "[d]"),
    ("incl-lsi", {"FilterExpression": "d = :v OR e = :v"}, "[d]"),
])
def test_query_filter_on_what_a_local_index_does_not_project(ddb, narrow_local, aws_error,
                                                             index: str, params: dict,
                                                             missing: str) -> None:
    with aws_error("ValidationException", "One or more parameter values were invalid: "
                   f"Secondary index {index} does not project one or more filter attributes: "
                   f"{missing}"):
        _local_query(ddb, narrow_local, index, values={":v": {"S": "d1"}}, **params)


@pytest.mark.parametrize("operation, params, missing", [
    ("query", {"IndexName": "keys", "ProjectionExpression": "misc, sk, extra"},
     "[misc, extra]"),
    ("query", {"IndexName": "incl", "AttributesToGet": ["extra", "other"]}, "[other]"),
    ("scan", {"IndexName": "keys", "ProjectionExpression": "misc"}, "[misc]"),
])
def test_global_index_refuses_what_it_does_not_project(ddb, indexed, aws_error,
                                                       operation: str, params: dict,
                                                       missing: str) -> None:
    if operation == "query":
        if "AttributesToGet" in params:
            params["KeyConditions"] = {"g": {"ComparisonOperator": "EQ",
                                             "AttributeValueList": [{"S": "G"}]}}
        else:
            params.update(KeyConditionExpression="g = :g",
                          ExpressionAttributeValues={":g": {"S": "G"}})
    with aws_error("ValidationException", "One or more parameter values were invalid: Global "
                   f"secondary index {params['IndexName']} does not project {missing}"):
        getattr(ddb, operation)(TableName=indexed, **params)
