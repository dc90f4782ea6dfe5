"""Lambda event filtering (an event source mapping's FilterCriteria) on DynamoDB stream
records: each operator matching and not matching, the filters' OR, and every kind of
malformed pattern refused with AWS's message."""
from __future__ import annotations

import json
from typing import Any

import pytest

from fogbank.messaging.filter_patterns import (MAX_PATTERN_CHARS, InvalidFilterPattern,
                                               compile_filters)

STREAM_ARN = ("arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/"
              "2024-05-01T00:00:00.000")


def stream_record(event_name: str, keys: dict, *, new: dict | None = None,
                  old: dict | None = None) -> dict:
    """A record as Lambda reads it from a NEW_AND_OLD_IMAGES stream, before filtering."""
    data: dict[str, Any] = {"ApproximateCreationDateTime": 1714521600.0, "Keys": keys,
                            "SequenceNumber": "100000000000000000001", "SizeBytes": 26,
                            "StreamViewType": "NEW_AND_OLD_IMAGES"}
    if new is not None:
        data["NewImage"] = new
    if old is not None:
        data["OldImage"] = old
    return {"eventID": "7de3041dd709b024af6f29e4fa13d34c", "eventName": event_name,
            "eventVersion": "1.1", "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
            "dynamodb": data, "eventSourceARN": STREAM_ARN}


KEYS = {"id": {"S": "order-1"}}
PLACED = {"id": {"S": "order-1"}, "status": {"S": "PLACED"}, "total": {"N": "5"},
          "customer": {"S": "AnyCompany Industries"}, "file": {"S": "invoice.PDF"},
          "ip": {"S": "10.0.1.7"}, "tags": {"SS": ["gift", "express"]},
          "lines": {"L": [{"M": {"sku": {"S": "A-1"}}}, {"M": {"sku": {"S": "B-2"}}}]},
          "paid": {"BOOL": True}, "note": {"NULL": True}}
SHIPPED = {**PLACED, "status": {"S": "SHIPPED"}}

INSERT = stream_record("INSERT", KEYS, new=PLACED)
MODIFY = stream_record("MODIFY", KEYS, new=SHIPPED, old=PLACED)
REMOVE = stream_record("REMOVE", KEYS, old=SHIPPED)


def matching(pattern: Any, *records: dict) -> list[bool]:
    text = pattern if isinstance(pattern, str) else json.dumps(pattern)
    filters = compile_filters([{"Pattern": text}])
    return [filters.matches(record) for record in records]


def new_image(attribute: str, type_: str, *rule: Any) -> dict:
    return {"dynamodb": {"NewImage": {attribute: {type_: list(rule)}}}}


# --- filters as a whole ---------------------------------------------------------------

def test_no_filters_let_every_record_through() -> None:
    for filters in (compile_filters(None), compile_filters([])):
        assert len(filters) == 0
        assert all(filters.matches(r) for r in (INSERT, MODIFY, REMOVE))


def test_a_record_passes_when_any_filter_matches() -> None:
    filters = compile_filters([{"Pattern": json.dumps({"eventName": ["INSERT"]})},
                               {"Pattern": json.dumps({"eventName": ["REMOVE"]})}])
    assert len(filters) == 2
    assert [filters.matches(r) for r in (INSERT, MODIFY, REMOVE)] == [True, False, True]


def test_five_filters_are_allowed() -> None:
    filters = compile_filters([{"Pattern": json.dumps({"eventName": [f"E{i}"]})}
                               for i in range(5)])
    assert len(filters) == 5


# --- plain values --------------------------------------------------------------------

def test_equals_matches_metadata_and_nested_data() -> None:
    assert matching({"eventName": ["MODIFY"]}, INSERT, MODIFY, REMOVE) == [False, True, False]
    assert matching(new_image("status", "S", "SHIPPED"), INSERT, MODIFY, REMOVE) \
        == [False, True, False]
    assert matching({"dynamodb": {"Keys": {"id": {"S": ["order-1"]}}}}, INSERT) == [True]


def test_values_in_one_array_are_alternatives() -> None:
    pattern = new_image("status", "S", "PLACED", "SHIPPED")
    assert matching(pattern, INSERT, MODIFY, REMOVE) == [True, True, False]


def test_keys_of_one_pattern_must_all_match() -> None:
    pattern = {"eventName": ["MODIFY"], "dynamodb": {"OldImage": {"status": {"S": ["PLACED"]}},
                                                     "NewImage": {"status": {"S": ["SHIPPED"]}}}}
    assert matching(pattern, INSERT, MODIFY, REMOVE) == [False, True, False]
    assert matching({**pattern, "eventName": ["INSERT"]}, MODIFY) == [False]


def test_strings_match_exactly_and_case_matters() -> None:
    assert matching(new_image("status", "S", "placed"), INSERT) == [False]
    assert matching(new_image("status", "S", "PLACE"), INSERT) == [False]


def test_a_dynamodb_number_is_a_string_and_matches_only_as_one() -> None:
    assert matching(new_image("total", "N", "5"), INSERT) == [True]
    assert matching(new_image("total", "N", 5), INSERT) == [False]


def test_numbers_compare_by_value() -> None:
    # ApproximateCreationDateTime arrives as 1714521600.0 and SizeBytes as 26.
    assert matching({"dynamodb": {"ApproximateCreationDateTime": [1714521600]}},
                    INSERT) == [True]
    assert matching({"dynamodb": {"SizeBytes": [26.0]}}, INSERT) == [True]
    assert matching({"dynamodb": {"SizeBytes": [27]}}, INSERT) == [False]
    assert matching({"dynamodb": {"SizeBytes": ["26"]}}, INSERT) == [False]


def test_boolean_and_null_values() -> None:
    assert matching(new_image("paid", "BOOL", True), INSERT) == [True]
    assert matching(new_image("paid", "BOOL", False), INSERT) == [False]
    assert matching(new_image("note", "NULL", 1), INSERT) == [False]   # true is not 1
    with_null = {**INSERT, "userIdentity": None}
    assert matching({"userIdentity": [None]}, with_null, INSERT) == [True, False]


def test_empty_string_matches_only_an_empty_value() -> None:
    blank = stream_record("INSERT", KEYS, new={**PLACED, "status": {"S": ""}})
    assert matching(new_image("status", "S", ""), blank, INSERT) == [True, False]


def test_a_field_the_record_lacks_does_not_match() -> None:
    assert matching({"dynamodb": {"OldImage": {"status": {"S": ["PLACED"]}}}},
                    INSERT, MODIFY) == [False, True]


def test_an_array_matches_when_any_element_does() -> None:
    assert matching(new_image("tags", "SS", "express"), INSERT) == [True]
    assert matching(new_image("tags", "SS", "fragile"), INSERT) == [False]


def test_a_nested_pattern_on_an_array_of_objects_matches_one_element() -> None:
    pattern = {"dynamodb": {"NewImage": {"lines": {"L": {"M": {"sku": {"S": ["B-2"]}}}}}}}
    assert matching(pattern, INSERT) == [True]
    pattern["dynamodb"]["NewImage"]["lines"]["L"]["M"]["sku"]["S"] = ["C-3"]
    assert matching(pattern, INSERT) == [False]


# --- operators -----------------------------------------------------------------------

def test_prefix() -> None:
    pattern = new_image("customer", "S", {"prefix": "AnyCompany"})
    assert matching(pattern, INSERT, REMOVE) == [True, False]
    assert matching(new_image("customer", "S", {"prefix": "anycompany"}), INSERT) == [False]


def test_prefix_ignoring_case() -> None:
    pattern = new_image("customer", "S", {"prefix": {"equals-ignore-case": "anycompany"}})
    assert matching(pattern, INSERT) == [True]
    pattern = new_image("customer", "S", {"prefix": {"equals-ignore-case": "example"}})
    assert matching(pattern, INSERT) == [False]


def test_suffix() -> None:
    assert matching(new_image("file", "S", {"suffix": ".PDF"}), INSERT) == [True]
    assert matching(new_image("file", "S", {"suffix": ".pdf"}), INSERT) == [False]
    pattern = new_image("file", "S", {"suffix": {"equals-ignore-case": ".pdf"}})
    assert matching(pattern, INSERT) == [True]


def test_equals_ignore_case() -> None:
    assert matching(new_image("status", "S", {"equals-ignore-case": "shipped"}),
                    INSERT, MODIFY) == [False, True]


def test_wildcard() -> None:
    assert matching(new_image("file", "S", {"wildcard": "inv*.PDF"}), INSERT) == [True]
    assert matching(new_image("file", "S", {"wildcard": "*.png"}), INSERT) == [False]
    assert matching({"eventSourceARN": [{"wildcard": "arn:aws:dynamodb:*:table/Orders/*"}]},
                    INSERT) == [True]


def test_wildcard_escapes_a_star() -> None:
    starred = stream_record("INSERT", KEYS, new={**PLACED, "file": {"S": "a*b"}})
    assert matching(new_image("file", "S", {"wildcard": "a\\*b"}), starred, INSERT) \
        == [True, False]


def test_anything_but_a_list() -> None:
    pattern = {"eventName": [{"anything-but": ["INSERT", "REMOVE"]}]}
    assert matching(pattern, INSERT, MODIFY, REMOVE) == [False, True, False]


def test_anything_but_a_single_value() -> None:
    pattern = new_image("status", "S", {"anything-but": "PLACED"})
    assert matching(pattern, INSERT, MODIFY) == [False, True]
    assert matching({"dynamodb": {"SizeBytes": [{"anything-but": 26}]}}, INSERT) == [False]
    assert matching({"dynamodb": {"SizeBytes": [{"anything-but": [1, 2]}]}}, INSERT) == [True]


def test_anything_but_needs_the_field() -> None:
    pattern = {"dynamodb": {"OldImage": {"status": {"S": [{"anything-but": ["SHIPPED"]}]}}}}
    assert matching(pattern, INSERT, MODIFY, REMOVE) == [False, True, False]


def test_anything_but_a_prefix() -> None:
    pattern = {"eventName": [{"anything-but": {"prefix": "INS"}}]}
    assert matching(pattern, INSERT, MODIFY) == [False, True]


def test_anything_but_a_suffix_or_a_case_insensitive_value() -> None:
    assert matching({"eventName": [{"anything-but": {"suffix": "ERT"}}]},
                    INSERT, MODIFY) == [False, True]
    pattern = {"eventName": [{"anything-but": {"equals-ignore-case": ["insert", "remove"]}}]}
    assert matching(pattern, INSERT, MODIFY, REMOVE) == [False, True, False]


def test_numeric_range() -> None:
    pattern = {"dynamodb": {"SizeBytes": [{"numeric": [">", 0, "<=", 26]}]}}
    assert matching(pattern, INSERT) == [True]
    pattern = {"dynamodb": {"SizeBytes": [{"numeric": [">=", 27, "<", 100]}]}}
    assert matching(pattern, INSERT) == [False]


def test_numeric_single_comparisons() -> None:
    def size(*rule: Any) -> dict:
        return {"dynamodb": {"SizeBytes": [{"numeric": list(rule)}]}}
    assert matching(size("=", 26), INSERT) == [True]
    assert matching(size("=", 26.0), INSERT) == [True]
    assert matching(size("<", 26), INSERT) == [False]
    assert matching(size("<=", 26), INSERT) == [True]
    assert matching(size(">", 25.5), INSERT) == [True]


def test_numeric_does_not_match_a_dynamodb_number() -> None:
    # AWS documents it: an N attribute is a string in the stream record.
    pattern = new_image("total", "N", {"numeric": [">", 0]})
    assert matching(pattern, INSERT, MODIFY) == [False, False]


def test_exists() -> None:
    pattern = {"dynamodb": {"OldImage": {"status": {"S": [{"exists": True}]}}}}
    assert matching(pattern, INSERT, MODIFY, REMOVE) == [False, True, True]


def test_does_not_exist() -> None:
    # Only INSERT has no old image; only REMOVE has no new one.
    pattern = {"dynamodb": {"OldImage": {"status": {"S": [{"exists": False}]}}}}
    assert matching(pattern, INSERT, MODIFY, REMOVE) == [True, False, False]
    pattern = {"dynamodb": {"NewImage": [{"exists": False}]}}
    # NewImage is an object, not a value: exists looks at leaf values only.
    assert matching(pattern, INSERT, REMOVE) == [True, True]


def test_cidr() -> None:
    assert matching(new_image("ip", "S", {"cidr": "10.0.0.0/16"}), INSERT) == [True]
    assert matching(new_image("ip", "S", {"cidr": "10.1.0.0/16"}), INSERT) == [False]
    assert matching(new_image("customer", "S", {"cidr": "10.0.0.0/8"}), INSERT) == [False]


def test_or_across_fields() -> None:
    pattern = {"$or": [{"eventName": ["REMOVE"]},
                       {"dynamodb": {"NewImage": {"status": {"S": ["SHIPPED"]}}}}]}
    assert matching(pattern, INSERT, MODIFY, REMOVE) == [False, True, True]


def test_or_nested_beside_other_keys() -> None:
    pattern = {"eventName": ["MODIFY", "INSERT"],
               "dynamodb": {"$or": [{"OldImage": {"status": {"S": ["SHIPPED"]}}},
                                    {"NewImage": {"status": {"S": ["PLACED"]}}}]}}
    assert matching(pattern, INSERT, MODIFY, REMOVE) == [True, False, False]


# --- malformed patterns ----------------------------------------------------------------

def refused(filters: Any) -> str:
    with pytest.raises(InvalidFilterPattern) as caught:
        compile_filters(filters)
    return str(caught.value)


def refused_pattern(pattern: Any) -> str:
    text = pattern if isinstance(pattern, str) else json.dumps(pattern)
    return refused([{"Pattern": text}])


def test_refusals_carry_aws_message() -> None:
    assert refused_pattern("not json") == "Invalid filter pattern definition."
    assert issubclass(InvalidFilterPattern, ValueError)


def test_refuses_text_that_is_not_json() -> None:
    refused_pattern('{"eventName": ["INSERT"]')
    refused_pattern("")
    refused_pattern('{"dynamodb": {"SizeBytes": [NaN]}}')


def test_refuses_a_pattern_that_is_not_an_object() -> None:
    refused_pattern(["INSERT"])
    refused_pattern('"INSERT"')
    refused_pattern({})


def test_refuses_a_leaf_that_is_not_an_array() -> None:
    refused_pattern({"eventName": "INSERT"})
    refused_pattern({"dynamodb": {"SizeBytes": 26}})
    refused_pattern({"eventName": None})


def test_refuses_empty_arrays_and_objects() -> None:
    refused_pattern({"eventName": []})
    refused_pattern({"dynamodb": {}})


def test_refuses_an_array_inside_a_leaf() -> None:
    refused_pattern({"eventName": [["INSERT"]]})


def test_refuses_an_unknown_operator() -> None:
    refused_pattern({"eventName": [{"contains": "INS"}]})
    refused_pattern({"eventName": [{"anything-but": {"contains": "INS"}}]})


def test_refuses_an_operator_object_with_two_keys() -> None:
    refused_pattern({"eventName": [{"prefix": "IN", "suffix": "RT"}]})


def test_refuses_operands_of_the_wrong_type() -> None:
    refused_pattern({"eventName": [{"prefix": 1}]})
    refused_pattern({"eventName": [{"suffix": ["RT"]}]})
    refused_pattern({"eventName": [{"equals-ignore-case": None}]})
    refused_pattern({"eventName": [{"exists": "yes"}]})
    refused_pattern({"eventName": [{"wildcard": 3}]})
    refused_pattern({"eventName": [{"cidr": "10.0.0.0/33"}]})


def test_refuses_bad_anything_but() -> None:
    refused_pattern({"eventName": [{"anything-but": []}]})
    refused_pattern({"eventName": [{"anything-but": ["INSERT", 1]}]})
    refused_pattern({"eventName": [{"anything-but": [None]}]})
    refused_pattern({"eventName": [{"anything-but": True}]})
    refused_pattern({"eventName": [{"anything-but": {"prefix": ""}}]})


def test_refuses_bad_numeric_ranges() -> None:
    for rule in ([">", "0"], ["=", 1, "<", 5], ["<", 5, ">", 0], [">", 0, ">", 5],
                 ["!=", 5], [">", 0, "<"], [">", True], [], ">"):
        refused_pattern({"dynamodb": {"SizeBytes": [{"numeric": rule}]}})


def test_refuses_bad_wildcards() -> None:
    refused_pattern({"eventName": [{"wildcard": "IN**"}]})
    refused_pattern({"eventName": [{"wildcard": "IN\\SERT"}]})


def test_refuses_bad_or() -> None:
    refused_pattern({"$or": [{"eventName": ["INSERT"]}]})
    refused_pattern({"$or": {"eventName": ["INSERT"]}})
    refused_pattern({"$or": [{"eventName": ["INSERT"]}, "REMOVE"]})


def test_refuses_more_than_five_filters() -> None:
    six = [{"Pattern": json.dumps({"eventName": [f"E{i}"]})} for i in range(6)]
    refused(six)


def test_refuses_a_filter_without_a_pattern_text() -> None:
    refused([{}])
    refused([{"Pattern": {"eventName": ["INSERT"]}}])
    refused(["{}"])
    refused({"Filters": []})


def test_pattern_text_is_limited_to_4096_characters() -> None:
    def padded(length: int) -> str:
        text = json.dumps({"eventName": ["INSERT"]})
        return text[:-1] + " " * (length - len(text)) + "}"
    assert matching(padded(MAX_PATTERN_CHARS), INSERT) == [True]
    refused_pattern(padded(MAX_PATTERN_CHARS + 1))


def test_deep_nesting_within_the_limit_compiles_and_matches_nothing_it_lacks() -> None:
    depth = (MAX_PATTERN_CHARS - 3) // 6
    text = '{"dynamodb":' + '{"a":' * (depth - 3) + "[1]" + "}" * (depth - 2)
    assert len(text) <= MAX_PATTERN_CHARS
    assert matching(text, INSERT) == [False]
