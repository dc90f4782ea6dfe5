"""The order of the headers in a REST API's proxy event: by name, case aside, whatever order
the client sent them in, as API Gateway's events list them; an HTTP API's 1.0 event keeps
them as they came."""
from __future__ import annotations

SENT = [("zeta", "z"), ("X-Twice", "2"), ("accept", "*/*"), ("Content-Type", "text/plain"),
        ("x-twice", "1"), ("Authorization", "Bearer t"), ("x-amz-date", "d")]


def names(pairs) -> list[str]:
    return [name.lower() for name in pairs]


def test_a_rest_event_lists_headers_by_name(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"POST /h": "fn"}))
    r = gateway.request("POST", gateway.url("rest123456", "Prod", "/h"), headers=SENT,
                        content=b"x")
    assert r.status_code == 200
    event = gateway.runtime.event
    listed = names(event["headers"])
    assert listed == sorted(listed)
    # Those API Gateway adds take their places among the client's.
    assert {"x-amzn-trace-id", "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto",
            "zeta", "host"} <= set(listed)
    assert names(event["multiValueHeaders"]) == listed
    # A repeated name keeps its values in the order they came in.
    assert event["multiValueHeaders"]["x-twice"] == ["2", "1"]
    assert event["headers"]["x-twice"] == "1"


def test_an_http_api_event_keeps_the_order_headers_came_in(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"POST /h": "fn"}, version="1.0"))
    gateway.request("POST", gateway.url("abcdef1234", "$default", "/h"), headers=SENT,
                    content=b"x")
    listed = names(gateway.runtime.event["headers"])
    sent = [name.lower() for name, _ in SENT]
    assert [name for name in listed if name in sent] == list(dict.fromkeys(sent))
