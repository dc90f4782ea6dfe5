"""The x-amz-expiration value a lifecycle configuration gives an object."""
from __future__ import annotations

from fogbank.objects.lifecycle import expiration_header

MODIFIED = 1700000000.0                   # 2023-11-14 22:13:20 UTC


def rule(rule_id: str, days: int, **extra: object) -> dict[str, object]:
    return {"ID": rule_id, "Status": "Enabled", "Filter": {}, "Expiration": {"Days": days},
            **extra}


def test_the_earliest_matching_rule_names_the_date():
    document = {"Rules": [rule("month", 30), rule("week", 7),
                          rule("tmp", 1, Filter={"Prefix": "tmp/"}),
                          rule("off", 1, Status="Disabled")]}
    assert expiration_header(document, "photo.jpg", 10, {}, MODIFIED) == \
        'expiry-date="Wed, 22 Nov 2023 00:00:00 GMT", rule-id="week"'


def test_a_date_rule_and_a_tag_filter():
    document = {"Rules": [{"ID": "by-date", "Status": "Enabled",
                           "Filter": {"Tag": {"Key": "temp", "Value": "yes"}},
                           "Expiration": {"Date": "2024-01-01T00:00:00.000Z"}}]}
    assert expiration_header(document, "k", 1, {"temp": "yes"}, MODIFIED) == \
        'expiry-date="Mon, 01 Jan 2024 00:00:00 GMT", rule-id="by-date"'
    assert expiration_header(document, "k", 1, {}, MODIFIED) is None


def test_no_configuration_no_header():
    assert expiration_header(None, "k", 1, {}, MODIFIED) is None
    assert expiration_header({"Rules": [{"ID": "abort", "Status": "Enabled", "Filter": {},
                                         "AbortIncompleteMultipartUpload": {
                                             "DaysAfterInitiation": 1}}]},
                             "k", 1, {}, MODIFIED) is None
