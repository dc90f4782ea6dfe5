"""DynamoDB through the JS SDK: the low-level client and the DocumentClient (lib-dynamodb)."""
from __future__ import annotations

import uuid


def test_tables_items_queries_batches_and_transactions(js_node, run_js):
    node, _ = js_node
    out = run_js("dynamodb.mjs", node.url, f"js-{uuid.uuid4().hex[:10]}", "client")

    assert out["create"]["status"] in ("CREATING", "ACTIVE")
    assert out["create"]["waited"] == "SUCCESS"
    assert out["get"] == {"name": "Ada", "visits": "1", "tags": ["a", "b"], "blob": [0, 1, 255]}
    assert out["update"] == {"name": "Ada L.", "visits": "2", "hasTags": False}
    assert out["conditionFailed"] == {"name": "ConditionalCheckFailedException", "status": 400,
                                      "message": "The conditional request failed"}
    assert out["conditionFailedClass"] is True
    assert out["conditionFailedItem"] == "Ada L."
    assert out["batchUnprocessed"] == [0, 0]
    # sk 29 down to 2 in pages of 7; the fourth page is full, so a fifth (empty) one follows.
    assert out["query"] == {"pages": [7, 7, 7, 7, 0], "first": 29, "last": 2, "total": 28}
    assert out["queryCount"] == 30
    assert out["transactVisits"] == "3"
    assert out["transactCancelled"] == {"name": "TransactionCanceledException", "isClass": True,
                                        "reasons": ["ConditionalCheckFailed", "None"]}


def test_document_client(js_node, run_js):
    node, _ = js_node
    out = run_js("dynamodb.mjs", node.url, f"js-{uuid.uuid4().hex[:10]}", "document")

    assert out["docUpdate"] == {"visits": 2, "langs": ["COBOL", "FLOW-MATIC"], "city": "NYC"}
    assert out["docGet"] == [1, 2.5, "three"]
    # 12 items in pages of 5 with a filter: counts are of the matches on each page.
    assert out["docQuery"] == {"pages": [3, 5, 2],
                               "squares": [4, 9, 16, 25, 36, 49, 64, 81, 100, 121]}
    assert out["docTransact"] == {"visits": 3}
    assert out["docConditionFailed"]["name"] == "ConditionalCheckFailedException"
