"""Name resolution inside a function worker: AWS names and *.localhost lead to the node."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from fogbank.runtime.resolver import redirected

PROBE = """
import json, socket, sys
from fogbank.runtime import resolver
resolver.install("127.0.0.1", 4566, 4443)
out = []
for host, port in json.loads(sys.argv[1]):
    infos = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)
    out.append(list(infos[0][4]))
print(json.dumps(out))
"""


def resolve_in_worker(pairs):
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(pairs)], check=True,
                          capture_output=True, text=True, timeout=60)
    return [tuple(x) for x in json.loads(done.stdout)]


def test_aws_names_lead_to_the_node_with_ports_mapped():
    assert resolve_in_worker([
        ["abc.execute-api.us-east-1.amazonaws.com", 443],
        ["s3.amazonaws.com", 80],
        ["abc.execute-api.localhost", 9000],
        ["LOCALHOST", "443"],
    ]) == [("127.0.0.1", 4443), ("127.0.0.1", 4566), ("127.0.0.1", 9000), ("127.0.0.1", 4443)]


def test_other_names_resolve_as_before():
    assert resolve_in_worker([["127.0.0.2", 443]]) == [("127.0.0.2", 443)]


@pytest.mark.parametrize("host,expected", [
    ("abc.execute-api.eu-west-1.amazonaws.com", True), ("x.localhost", True),
    (b"dynamodb.us-east-1.amazonaws.com", True), ("amazonaws.com.evil.example", False),
    ("example.com", False), (None, False), ("notamazonaws.com", False),
])
def test_which_names_are_redirected(host, expected):
    assert redirected(host) is expected

