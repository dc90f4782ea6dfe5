"""Wrong requests never get a 500: each gets a 4xx in its protocol's error shape, and the
node answers a good request afterwards.

Wrong requests are generated from botocore's service models, as a conformance suite would:
one member of a sound request, at any depth, replaced by a value of the wrong JSON type, an
out-of-range number, a huge string, a malformed attribute value or a null. The nastiest
cases are also spelled out, with the error AWS gives for each.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

import httpx
import pytest
from botocore.loaders import Loader
from botocore.model import ServiceModel, Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogbank.aws.dynamodb.service import DYNAMODB_OPERATIONS, STREAMS_OPERATIONS

TABLE = "malformed-requests"
KEY = {"pk": {"S": "a"}, "sk": {"N": "1"}}
ARN = f"arn:aws:dynamodb:us-east-1:000000000000:table/{TABLE}"

# Wrong values for any member: each JSON type, numbers out of every range, a string over
# every length limit, and attribute values DynamoDB refuses.
WRONG_VALUES = [
    None, "x", 1, -1, 1.5, True, False, [], {}, [None], {"a": None}, [[]], [{}], {"": {}},
    "x" * 70_000, 2**70, -(2**63) - 1, 1e308,
    {"S": "a", "N": "1"}, {"N": "abc"}, {"N": "1e999"}, {"B": "!!not base64"},
    {"SS": ["a", "a"]}, {"SS": []}, {"SS": ["a", None]}, {"NS": ["1", None]}, {"L": [None]},
    {"NULL": False}, {"M": {"a": {}}},
]

# A sound request per operation, so that a wrong member is reached past the first checks.
SOUND: dict[str, dict[str, Any]] = {
    "GetItem": {"TableName": TABLE, "Key": KEY, "ProjectionExpression": "#a, b",
                "ExpressionAttributeNames": {"#a": "a"}},
    "PutItem": {"TableName": TABLE, "Item": {**KEY, "x": {"M": {"y": {"L": [{"N": "1"}]}}}},
                "ConditionExpression": "attribute_not_exists(#a) OR b = :v",
                "ExpressionAttributeNames": {"#a": "a"},
                "ExpressionAttributeValues": {":v": {"S": "x"}}, "ReturnValues": "ALL_OLD"},
    "DeleteItem": {"TableName": TABLE, "Key": KEY, "ConditionExpression": "attribute_exists(pk)"},
    "UpdateItem": {"TableName": TABLE, "Key": KEY,
                   "UpdateExpression": "SET #a = :v ADD c :n REMOVE d",
                   "ExpressionAttributeNames": {"#a": "a"},
                   "ExpressionAttributeValues": {":v": {"S": "x"}, ":n": {"N": "1"}}},
    "Query": {"TableName": TABLE, "KeyConditionExpression": "pk = :p AND sk > :s",
              "ExpressionAttributeValues": {":p": {"S": "a"}, ":s": {"N": "0"}},
              "FilterExpression": "attribute_exists(x)", "Limit": 5, "ExclusiveStartKey": KEY},
    "Scan": {"TableName": TABLE, "FilterExpression": "size(x) > :n",
             "ExpressionAttributeValues": {":n": {"N": "0"}}, "Segment": 0, "TotalSegments": 2,
             "ExclusiveStartKey": KEY},
    "BatchGetItem": {"RequestItems": {TABLE: {"Keys": [KEY], "AttributesToGet": ["pk"]}}},
    "BatchWriteItem": {"RequestItems": {TABLE: [{"PutRequest": {"Item": KEY}},
                                                {"DeleteRequest": {"Key": KEY}}]}},
    "TransactGetItems": {"TransactItems": [{"Get": {"TableName": TABLE, "Key": KEY}}]},
    "TransactWriteItems": {"TransactItems": [
        {"Put": {"TableName": TABLE, "Item": KEY}},
        {"ConditionCheck": {"TableName": TABLE, "Key": {**KEY, "sk": {"N": "2"}},
                            "ConditionExpression": "attribute_not_exists(pk)"}}]},
    # Names no table: a generated request that happens to be sound changes nothing.
    "CreateTable": {"TableName": "x", "BillingMode": "PAY_PER_REQUEST",
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "GlobalSecondaryIndexes": [{
                        "IndexName": "gsi", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["z"]}}]},
    "UpdateTable": {"TableName": "absent-table", "BillingMode": "PAY_PER_REQUEST"},
    "DeleteTable": {"TableName": "absent-table"},
    "UpdateTimeToLive": {"TableName": "absent-table", "TimeToLiveSpecification": {
        "Enabled": True, "AttributeName": "ttl"}},
    "TagResource": {"ResourceArn": ARN + "-absent", "Tags": [{"Key": "a", "Value": "b"}]},
    "UntagResource": {"ResourceArn": ARN + "-absent", "TagKeys": ["a"]},
}

_LOADER = Loader()


def _model(name: str) -> ServiceModel:
    return ServiceModel(_LOADER.load_service_model(name, "service-2"), name)


def _sample(shape: Shape, depth: int = 0) -> Any:
    """A request with every required member, of the right types."""
    kind = shape.type_name
    if kind == "structure":
        return {name: _sample(member, depth + 1) for name, member in shape.members.items()
                if name in shape.required_members and depth < 5}
    if kind == "list":
        return [_sample(shape.member, depth + 1)] if depth < 5 else []
    if kind == "map":
        return {"k": _sample(shape.value, depth + 1)} if depth < 5 else {}
    if kind == "string":
        return shape.metadata.get("enum", ["abc"])[0]
    return {"integer": 1, "long": 1, "double": 1.0, "float": 1.0, "boolean": True,
            "blob": "YWJj", "timestamp": 0}.get(kind)


def _member_paths(shape: Shape, prefix: tuple = (), depth: int = 0) -> Iterator[tuple]:
    """The path of every member a request can hold (a list's first element, a map's key
    "k"), to a fixed depth: recursive shapes (AttributeValue) nest without end."""
    if depth > 5:
        return
    kind = shape.type_name
    children = (shape.members.items() if kind == "structure" else
                [(0, shape.member)] if kind == "list" else
                [("k", shape.value)] if kind == "map" else [])
    for step, member in children:
        yield prefix + (step,)
        yield from _member_paths(member, prefix + (step,), depth + 1)


def _with(document: Any, path: tuple, value: Any) -> Any:
    """A copy of `document` with `value` at `path`, making the containers on the way."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    empty: Any = [] if rest and isinstance(rest[0], int) else {}
    if isinstance(step, int):
        items = list(document) if isinstance(document, list) else []
        items += [None] * (step + 1 - len(items))
        items[step] = _with(items[step] if items[step] is not None else empty, rest, value)
        return items
    copy = dict(document) if isinstance(document, dict) else {}
    copy[step] = _with(copy.get(step, empty), rest, value)
    return copy


def _cases(service: str, operations: tuple[str, ...]) -> list[tuple[str, dict, tuple]]:
    model = _model(service)
    cases = []
    for name in operations:
        shape = model.operation_model(name).input_shape
        sound = SOUND.get(name) or _sample(shape)
        cases += [(name, sound, path) for path in _member_paths(shape)]
    return cases


DYNAMODB_CASES = _cases("dynamodb", DYNAMODB_OPERATIONS)
STREAMS_CASES = _cases("dynamodbstreams", STREAMS_OPERATIONS)
TARGETS = {"dynamodb": "DynamoDB_20120810", "dynamodbstreams": "DynamoDBStreams_20120810"}


def post(endpoint: str, operation: str, body: bytes | dict, *, service: str = "dynamodb",
         headers: dict[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(endpoint + "/", content=content, timeout=30, headers={
        "X-Amz-Target": f"{TARGETS[service]}.{operation}",
        "Content-Type": "application/x-amz-json-1.0", **(headers or {})})


def assert_json_error(response: httpx.Response, code: str | None = None) -> dict:
    """A 4xx with JSON 1.0's error body: `__type` (namespace#Code) and `message`."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    body = response.json()
    assert set(body) >= {"__type", "message"}, body
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["__type"].rpartition("#")[2] == code, body
    return body


def assert_still_serving(endpoint: str) -> None:
    response = post(endpoint, "DescribeTable", {"TableName": TABLE})
    assert response.status_code == 200, response.text
    assert response.json()["Table"]["TableName"] == TABLE


@pytest.fixture(scope="module")
def served(endpoint: str) -> Iterator[str]:
    """The endpoint, with a hash+range table that has a stream."""
    created = post(endpoint, "CreateTable", {
        "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "N"}],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}})
    assert created.status_code == 200, created.text
    yield endpoint
    post(endpoint, "DeleteTable", {"TableName": TABLE})


_FUZZ = settings(max_examples=300, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(case=st.sampled_from(DYNAMODB_CASES), wrong=st.sampled_from(WRONG_VALUES))
def test_a_wrong_member_of_any_dynamodb_operation_gets_a_client_error(served, case, wrong):
    operation, sound, path = case
    response = post(served, operation, _with(sound, path, wrong))
    if response.status_code != 200:        # a wrong value can still be a valid one
        assert_json_error(response)


@_FUZZ
@given(case=st.sampled_from(STREAMS_CASES), wrong=st.sampled_from(WRONG_VALUES))
def test_a_wrong_member_of_any_streams_operation_gets_a_client_error(served, case, wrong):
    operation, sound, path = case
    response = post(served, operation, _with(sound, path, wrong), service="dynamodbstreams")
    if response.status_code != 200:
        assert_json_error(response)


def test_the_node_still_serves_after_the_wrong_requests(served):
    for operation, sound, path in DYNAMODB_CASES[::7]:
        response = post(served, operation, _with(sound, path, None))
        assert response.status_code < 500, (operation, path, response.text)
    assert_still_serving(served)


def _deep(levels: int, leaf: str = '{"S":"x"}') -> str:
    return '{"L":[' * levels + leaf + "]}" * levels


@pytest.mark.parametrize("body", [
    b"{", b'{"TableName": "t"', b"\xff\xfe{}", b'{"TableName": "\xff"}', b"[]", b"null", b"1",
    b"[" * 1000 + b"]" * 1000,
    ('{"TableName":"%s","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"x":%s}}'
     % (TABLE, _deep(1000))).encode(),
], ids=["truncated", "unterminated", "not-utf8", "not-utf8-string", "array", "null", "number",
        "1000-nested-arrays", "1000-nested-lists"])
def test_a_body_that_is_not_a_json_object_is_a_serialization_error(served, body):
    assert_json_error(post(served, "PutItem", body), "SerializationException")
    assert_still_serving(served)


@pytest.mark.parametrize("value, message", [
    ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set, must "
                           "contain exactly one of the supported datatypes"),
    ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported "
         "datatypes"),
    ({"N": "abc"}, "1 validation error detected: The parameter cannot be converted to a "
                   "numeric value: abc"),
    ({"N": "1e999"}, "1 validation error detected: Number overflow. Attempting to store a "
                     "number with magnitude larger than supported range"),
    ({"SS": ["a", "a"]}, '1 validation error detected: One or more parameter values were '
                         'invalid: Input collection ["a", "a"] contains duplicates.'),
    ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
    ({"SS": ["a", None]}, "One or more parameter values were invalid: An string set may not "
                          "have a null string as a member"),
    ({"NS": ["1", None]}, "1 validation error detected: The parameter cannot be converted to "
                          "a numeric value"),
    ({"BS": ["YQ==", None]}, "Supplied AttributeValue is empty, must contain exactly one of "
                             "the supported datatypes"),
    (json.loads(_deep(40)),
     "1 validation error detected: Nesting Levels have exceeded supported limits: "
     "Attributes in the item have nested levels beyond supported limit"),
], ids=["two-types", "no-type", "nan-number", "huge-number", "duplicate-set", "empty-set",
        "null-in-string-set", "null-in-number-set", "null-in-binary-set", "40-levels"])
def test_a_malformed_attribute_value_is_a_validation_error(served, value, message):
    response = post(served, "PutItem", {"TableName": TABLE, "Item": {**KEY, "x": value}})
    body = assert_json_error(response, "ValidationException")
    assert body["message"] == message


@pytest.mark.parametrize("value, message", [
    ({"S": 5}, "NUMBER_VALUE cannot be converted to String"),
    ({"S": True}, "VALUE_TRUE cannot be converted to String"),
    ({"S": {}}, "START_OBJECT cannot be converted to String"),
    ({"BOOL": "yes"}, "STRING_VALUE can not be converted to a Boolean"),
])
def test_a_wrong_json_type_inside_an_attribute_value_is_a_serialization_error(served, value,
                                                                             message):
    response = post(served, "PutItem", {"TableName": TABLE, "Item": {**KEY, "x": value}})
    assert assert_json_error(response, "SerializationException")["message"] == message


def test_binary_that_is_not_base64_is_a_serialization_error(served):
    response = post(served, "PutItem", {"TableName": TABLE, "Item": {**KEY, "b": {"B": "!!"}}})
    assert_json_error(response, "SerializationException")


def test_a_key_of_the_wrong_type_for_the_schema_is_a_validation_error(served):
    response = post(served, "GetItem", {"TableName": TABLE,
                                        "Key": {"pk": {"N": "1"}, "sk": {"N": "1"}}})
    body = assert_json_error(response, "ValidationException")
    assert body["message"] == "The provided key element does not match the schema"


@pytest.mark.parametrize("expression", [
    "SET", "SET a", "SET a =", "SET a = :v,", "SET a = :v SET b = :v", "REMOVE", "ADD a",
    "SET a = :v)", "SET a = (:v", "SET a[x] = :v", "SET a.#missing = :v", "SET a = :missing",
    "DELETE a :v :v", "SET a = if_not_exists(:v)", "SET a = unknown_fn(b)", "SET \u0000 = :v",
    "x" * 5000, "",
])
def test_every_update_expression_syntax_error_is_a_validation_error(served, expression):
    response = post(served, "UpdateItem", {
        "TableName": TABLE, "Key": KEY, "UpdateExpression": expression,
        "ExpressionAttributeValues": {":v": {"N": "1"}}})
    assert_json_error(response, "ValidationException")


@pytest.mark.parametrize("expression", [
    "a =", "= :v", "a = :v AND", "(a = :v", "a = :v)", "a BETWEEN :v", "a IN ()", "NOT",
    "size(a", "begins_with(a)", "attribute_type(a, :v, :v)", "a <> <> :v", "a.b[", "#x = :v",
    "a = :v OR " * 400 + "a = :v",
])
def test_every_condition_expression_syntax_error_is_a_validation_error(served, expression):
    response = post(served, "Scan", {"TableName": TABLE, "FilterExpression": expression,
                                     "ExpressionAttributeValues": {":v": {"N": "1"}}})
    assert_json_error(response, "ValidationException")


def test_transact_get_items_names_a_missing_get_as_the_validator_does(served):
    response = post(served, "TransactGetItems", {"TransactItems": [
        {}, {"Get": {"TableName": TABLE}}]})
    body = assert_json_error(response, "ValidationException")
    assert body["message"] == (
        "2 validation errors detected: Value null at 'transactItems.1.member.get' failed to "
        "satisfy constraint: Member must not be null; Value null at "
        "'transactItems.2.member.get.key' failed to satisfy constraint: Member must not be null")


def test_a_null_attribute_name_to_get_is_a_validation_error(served):
    nested = post(served, "BatchGetItem", {"RequestItems": {
        TABLE: {"Keys": [KEY], "AttributesToGet": ["a", None]}}})
    top = post(served, "GetItem", {"TableName": TABLE, "Key": KEY, "AttributesToGet": [None]})
    problem = ("at 'attributesToGet' failed to satisfy constraint: Member must satisfy "
               "constraint: [Member must not be null]")
    assert assert_json_error(nested, "ValidationException")["message"] == (
        f"1 validation error detected: Value '[a, null]' {problem}")
    assert assert_json_error(top, "ValidationException")["message"] == (
        f"1 validation error detected: Value '[null]' {problem}")


def test_a_timestamp_beyond_any_date_is_a_serialization_error(served):
    # ExportTableToPointInTime is not served, but its input is parsed first.
    response = post(served, "ExportTableToPointInTime", {
        "TableArn": ARN, "S3Bucket": "b", "ExportTime": 1e300})
    assert_json_error(response, "SerializationException")


@pytest.mark.parametrize("encoding, body", [
    ("gzip", b"not gzip"), ("gzip", b"\x1f\x8b\x08\x00truncated"), ("br", b"{}"),
])
def test_a_body_in_a_wrong_encoding_is_a_server_error(served, encoding, body):
    # DynamoDB answers a body it cannot decode, or an encoding it lacks, with a 500.
    response = post(served, "ListTables", body, headers={"Content-Encoding": encoding})
    assert response.status_code == 500, response.text
    assert response.json()["__type"].endswith("#InternalServerError")
