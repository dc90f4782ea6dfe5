"""CloudWatch Logs filter patterns: each example of the user guide ("Filter pattern
syntax ...", its pages on unstructured, JSON and space-delimited events and on regular
expressions) matching and not matching the events it names, and refused patterns with
the message CloudWatch answers."""
from __future__ import annotations

import json

import pytest

from fogbank.logs.filter_patterns import FilterPatternError, compile_filter


def matching(pattern: str, events: list[str]) -> list[str]:
    matcher = compile_filter(pattern)
    return [event for event in events if matcher(event)]


# --- unstructured terms --------------------------------------------------------------

REQUESTS = ["[ERROR 400] BAD REQUEST", "[ERROR 401] UNAUTHORIZED REQUEST",
            "[ERROR 419] MISSING ARGUMENTS", "[ERROR 420] INVALID ARGUMENTS",
            "[ERROR 500] INTERNAL SERVER ERROR", "[SUCCESS 200] AUTHORIZED REQUEST"]
LEVELS = ["ERROR WARN message", "ERROR message", "WARN message"]


@pytest.mark.parametrize("pattern", ["", "   ", '" "'])
def test_empty_blank_and_quoted_blank_patterns_match_everything(pattern: str) -> None:
    assert matching(pattern, REQUESTS + ["no-spaces"]) == REQUESTS + ["no-spaces"]


def test_single_term_matches_events_containing_it() -> None:
    events = ["[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1",
              "[INFO] all good"]
    assert matching("ERROR", events) == events[:2]
    assert matching('"ERROR"', events) == events[:2]


def test_terms_are_case_sensitive() -> None:
    assert matching("error", ["[ERROR] boom", "an error here"]) == ["an error here"]


def test_include_one_term_and_exclude_another() -> None:
    events = ["[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1"]
    assert matching('"ERROR" -"Exiting"', events) == events[:1]
    assert matching('"ERROR" - "Exiting"', events) == events[:1]


def test_all_terms_must_appear() -> None:
    events = ["[ERROR] Caught IllegalArgumentException", "[ERROR] Unhandled Exception",
              "[ERROR] Disk full", "[INFO] Exception handled"]
    assert matching("ERROR Exception", events) == events[:2]


def test_every_word_of_an_unquoted_phrase_must_appear_in_any_order() -> None:
    events = ["[WARN] Failed to process the request",
              "[ERROR] Unable to continue: Failed to process the request",
              "the request failed to process"]
    assert matching("Failed to process the request", events) == events[:2]


def test_or_and_and_and_exclusion_over_the_guides_three_events() -> None:
    assert matching("ERROR", LEVELS) == LEVELS[:2]
    assert matching("?ERROR ?WARN", LEVELS) == LEVELS
    assert matching("ERROR WARN", LEVELS) == LEVELS[:1]
    assert matching("ERROR -WARN", LEVELS) == LEVELS[1:2]


def test_error_and_arguments_examples() -> None:
    assert matching("ERROR", REQUESTS) == REQUESTS[:5]
    assert matching("ERROR ARGUMENTS", REQUESTS) == REQUESTS[2:4]
    assert matching("?ERROR ?ARGUMENTS", REQUESTS) == REQUESTS[:5]
    assert matching("ERROR -ARGUMENTS", REQUESTS) == [REQUESTS[0], REQUESTS[1], REQUESTS[4]]


def test_quoted_phrase_matches_only_the_exact_phrase() -> None:
    events = REQUESTS + ["SERVER ERROR INTERNAL"]
    assert matching('"INTERNAL SERVER ERROR"', events) == [REQUESTS[4]]


def test_quoted_terms_hold_punctuation_and_escaped_quotes() -> None:
    assert matching('"ERRORCODE: -1"', ["Exiting with ERRORCODE: -1", "ERRORCODE -1"]) == [
        "Exiting with ERRORCODE: -1"]
    assert matching(r'"say \"hi\""', ['they say "hi"', "they say hi"]) == ['they say "hi"']


def test_plain_terms_and_alternatives_combine() -> None:
    events = ["ERROR disk", "ERROR net", "ERROR cpu", "WARN disk"]
    assert matching("ERROR ?disk ?net", events) == events[:2]


# --- regular expressions -------------------------------------------------------------

def test_regex_matches_anywhere_in_the_message() -> None:
    assert matching("%AUTHORIZED%", REQUESTS) == [REQUESTS[1], REQUESTS[5]]


@pytest.mark.parametrize("pattern, matches, misses", [
    ("%^[hc]at%", ["hat trick", "cat nap"], ["that", "a cat"]),
    ("%[hc]at$%", ["a hat", "the cat"], ["hats", "cats here"]),
    ("%colou?r%", ["color", "colour"], ["colouur"]),
    ("%[abcx-z]%", ["a", "y"], ["d", "w"]),
    ("%^a{3,5}$%", ["aaa", "aaaaa"], ["aa", "aaaaaa"]),
    ("%gray|grey%", ["gray", "grey"], ["groy"]),
    (r"%10\.10\.0\.1%", ["from 10.10.0.1"], ["from 10x10x0x1"]),
    (r"%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%", ["ip=192.168.0.12"], ["ip=192.168.0"]),
    ("%[Ee]rror|[Ff]ail%", ["Error", "error", "Fail", "failed"], ["ERROR", "FAIL"]),
    ("%ab+c%", ["abbbc"], ["ac"]),
    ("%a.c%", ["abc"], ["ac"]),
])
def test_documented_regex_operators(pattern: str, matches: list[str],
                                    misses: list[str]) -> None:
    assert matching(pattern, matches + misses) == matches


# --- JSON ----------------------------------------------------------------------------

TRAIL = json.dumps({
    "eventType": "UpdateTrail", "sourceIPAddress": "111.111.111.111",
    "arrayKey": ["value", "another value"],
    "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
    "SomeObject": None, "ThisFlag": True,
})


@pytest.mark.parametrize("pattern", [
    '{ $.eventType = "UpdateTrail" }',
    "{ $.sourceIPAddress != 123.123.* }",
    '{ $.arrayKey[0] = "value" }',
    "{ $.objectList[1].id = 2 }",
    "{ $.SomeObject IS NULL }",
    "{ $.SomeOtherObject NOT EXISTS }",
    "{ $.ThisFlag IS TRUE }",
])
def test_the_guides_json_filters_match_its_event(pattern: str) -> None:
    assert compile_filter(pattern)(TRAIL)


@pytest.mark.parametrize("pattern", [
    '{ $.eventType = "DeleteTrail" }',
    "{ $.sourceIPAddress != 111.111.* }",
    "{ $.arrayKey[0] = another }",
    "{ $.objectList[2].id = 2 }",
    "{ $.eventType.name = UpdateTrail }",
    "{ $.ThisFlag IS NULL }",
    "{ $.eventType NOT EXISTS }",
    "{ $.ThisFlag IS FALSE }",
    "{ $.SomeObject IS TRUE }",
])
def test_json_filters_that_do_not_hold_do_not_match(pattern: str) -> None:
    assert not compile_filter(pattern)(TRAIL)


def test_json_string_wildcards() -> None:
    events = [json.dumps({"eventName": name}) for name in ("PutEvent", "EventId", "Ev*ent",
                                                           "Event")]
    assert matching("{ $.eventName = *Event }", events) == [events[0], events[3]]
    assert matching("{ $.eventName = Event* }", events) == [events[1], events[3]]
    assert matching('{ $.eventName = "Ev*ent" }', events) == [events[2]]


def test_json_or_examples() -> None:
    events = ['{"foo": "bar"}', '{"foo": "baz"}']
    assert matching("{$.foo = bar}", events) == events[:1]
    assert matching("{$.foo = baz }", events) == events[1:]
    assert matching("{$.foo = bar || $.foo = baz }", events) == events


USERS = json.dumps({
    "user": {"id": 1, "email": "John.Stiles@example.com"},
    "users": [{"id": 2, "email": "John.Doe@example.com"},
              {"id": 3, "email": "Jane.Doe@example.com"}],
    "actions": ["GET", "PUT", "DELETE"],
    "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
})


@pytest.mark.parametrize("pattern, matches", [
    ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', True),
    ('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', False),
    ('{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch'
     " && $.actions[2] = nomatch }", True),
    ('{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch)'
     " && $.actions[2] = nomatch }", False),
])
def test_compound_conditions_follow_parentheses_then_and_then_or(pattern: str,
                                                                 matches: bool) -> None:
    assert compile_filter(pattern)(USERS) is matches


def test_a_selector_on_an_array_or_object_matches_neither_equal_nor_unequal() -> None:
    event = '{"users": [1, 2, 3], "user": {"id": 1}}'
    for pattern in ("{$.users = 1}", "{$.users != 1}", "{$.user = 1}", "{$.user != 1}"):
        assert not compile_filter(pattern)(event)


def test_a_missing_property_matches_neither_equal_nor_unequal() -> None:
    assert not compile_filter("{ $.absent = x }")('{"present": "x"}')
    assert not compile_filter("{ $.absent != x }")('{"present": "x"}')


@pytest.mark.parametrize("pattern, event", [
    ("{ $.latency >= 500 }", {"latency": 500}),
    ("{ $.numbers[0] < 10e3 }", {"numbers": [9999]}),
    ("{ $.numbers[0] < 10e-3 }", {"numbers": [0.001]}),
    ("{ $.processes[4].averageRuntime <= 55.5 }",
     {"processes": [{}, {}, {}, {}, {"averageRuntime": 55.5}]}),
    ("{ $.errorCode = 400 }", {"errorCode": 400}),
    ("{ $.errorCode != 500 }", {"errorCode": 400}),
    ("{ $.latency > +1000 }", {"latency": 1000.5}),
])
def test_the_guides_numeric_comparisons(pattern: str, event: dict) -> None:
    assert compile_filter(pattern)(json.dumps(event))


@pytest.mark.parametrize("pattern", [
    "{ $.latency >= 501 }", "{ $.latency < 500 }", "{ $.latency > 499 && $.latency != 500 }",
])
def test_numeric_comparisons_that_fail(pattern: str) -> None:
    assert not compile_filter(pattern)('{"latency": 500}')


def test_an_unquoted_number_compares_by_value_and_a_quoted_one_as_text() -> None:
    event = '{"count": 123, "ratio": 12.0}'
    assert compile_filter("{ $.count = 123.0 }")(event)
    assert compile_filter('{ $.count = "123" }')(event)
    assert compile_filter('{ $.count != "123.0" }')(event)
    assert compile_filter("{ $.count = 1* }")(event)
    assert compile_filter("{ $.ratio = 12 }")(event)


def test_a_numeric_comparison_does_not_match_a_string() -> None:
    assert not compile_filter("{ $.eventType >= 123 }")(TRAIL)


def test_any_value_star_matches_a_present_scalar_only() -> None:
    matcher = compile_filter("{ $.latency = * }")
    assert matcher('{"latency": 12}')
    assert not matcher('{"other": 12}')


def test_a_message_that_is_not_json_does_not_match_a_json_pattern() -> None:
    assert not compile_filter("{ $.absent NOT EXISTS }")("plain text, not JSON")
    assert not compile_filter('{ $.eventType = "UpdateTrail" }')('eventType="UpdateTrail"')


def test_regex_in_a_json_value() -> None:
    events = ['{"eventType": "UpdateTrail"}', '{"eventType": "DeleteTrail"}',
              '{"eventType": "UpdateBucket"}']
    assert matching("{ $.eventType = %^Update% }", events) == [events[0], events[2]]
    assert matching("{ $.eventType != %Trail$% }", events) == [events[2]]


def test_hyphens_and_underscores_in_property_names() -> None:
    event = '{"detail-type": "Scheduled Event", "request_id": "r1"}'
    assert compile_filter('{ $.detail-type = "Scheduled Event" && $.request_id = r1 }')(event)


# --- space-delimited -----------------------------------------------------------------

ACCESS = [
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
    '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355',
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 403 120',
]


@pytest.mark.parametrize("pattern", [
    "[ip, user, username, timestamp, request, status_code, bytes]",
    "[..., status_code, bytes]",
    "[ip, user, ..., status_code, bytes]",
    "[ip, user, ...]",
])
def test_named_fields_and_ellipses_match_every_access_line(pattern: str) -> None:
    assert matching(pattern, ACCESS) == ACCESS


def test_bracketed_and_quoted_text_is_one_field() -> None:
    assert matching('[ip, user, username, timestamp = "10/Oct/2000:13:25:15 -0700",'
                    ' request = "GET /index.html HTTP/1.0", status_code, bytes]',
                    ACCESS) == ACCESS[3:5]


def test_a_pattern_with_fewer_fields_than_the_event_does_not_match() -> None:
    assert matching("[ip, user, username, timestamp, request, status_code]", ACCESS) == []


@pytest.mark.parametrize("pattern, expected", [
    ("[ip, user, username, timestamp, request, status_code, bytes > 1000]", ACCESS[:4]),
    ("[ip, user, username, timestamp, request, status_code = 200, bytes]",
     [ACCESS[0], ACCESS[2]]),
    ("[ip, user, username, timestamp, request, status_code = 4*, bytes]", ACCESS[3:5]),
    ("[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]",
     ACCESS[3:5]),
    ("[ip, user, username, timestamp, request, status_code = 4* && status_code != 403,"
     " bytes]", ACCESS[3:4]),
    ("[ip, user, username, timestamp, request, status_code = 403 || status_code = 404,"
     " bytes]", ACCESS[3:5]),
    ("[..., status_code = 4* && bytes > 1000, bytes]", ACCESS[3:4]),
    ("[..., request=*.html*, status_code=4*,]", ACCESS[3:5]),
])
def test_the_guides_field_conditions(pattern: str, expected: list[str]) -> None:
    assert matching(pattern, ACCESS) == expected


def test_or_within_a_field_over_the_guides_three_events() -> None:
    assert matching("[w1=ERROR, w2]", LEVELS) == [LEVELS[1]]
    assert matching("[w1=ERROR || w1=WARN, w2]", LEVELS) == LEVELS[1:]


def test_regex_in_a_field_condition() -> None:
    assert matching("[w1=%ERROR|WARN%, w2]", LEVELS) == LEVELS[1:]


# --- refused patterns ----------------------------------------------------------------

@pytest.mark.parametrize("pattern, message", [
    # Answers CloudWatch gave, as recorded in users' reports.
    ("?Status: timeout", "Invalid character(s) in term ':'"),
    ("SUCCESS*", "Invalid character(s) in term '*'"),
    ("disk (full)", "Invalid character(s) in term '('"),
    (r"level\":\"error", "Invalid character(s) in term '\\'"),
    ('{ $."sc-status" = 5* }', "Invalid character(s) in term '$.\"'"),
    ('{ $.someInt >= "someString" }', "Invalid character(s) in term '\"someString\"'"),
    # The guide: `!` and parentheses are outside the regex subset, as are multi-byte
    # characters.
    ("%something!%", "Invalid character(s) in term '!'"),
    ("%(a|b)%", "Invalid character(s) in term '('"),
    ("%café%", "Invalid character(s) in term 'é'"),
    ("ERROR-CODE", "Invalid character(s) in term '-'"),
])
def test_bad_characters_are_named(pattern: str, message: str) -> None:
    with pytest.raises(FilterPatternError) as caught:
        compile_filter(pattern)
    assert str(caught.value) == message


@pytest.mark.parametrize("pattern", [
    '"unterminated',
    "{ $.a = 1",
    "{ $.a = 1 } trailing",
    "{ $.a }",
    "{ ($.a = 1 }",
    "{ $.a = 1 && }",
    "{ $.a ~ 1 }",
    "{ $[0] = 1 }",
    "{ $.a[x] = 1 }",
    "{ $.a = %x% && $.b = %y% && $.c = %z% }",  # over the guide's two regexes
    "[a, b",
    "[a, b = ]",
    "[a b]",
    "%[abc%",
    "-",
    "?",
])
def test_malformed_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(FilterPatternError):
        compile_filter(pattern)


def test_a_relational_operator_needs_a_number_in_space_delimited_patterns_too() -> None:
    with pytest.raises(FilterPatternError, match=r"in term 'big'"):
        compile_filter("[a, bytes > big]")
