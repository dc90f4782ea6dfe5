"""DynamoDB PutItem, GetItem and Query over raw HTTP (wrk), Fogbank beside moto and dynalite.

    .venv/bin/python bench/dynamodb.py [--rounds 3] [--seconds 5] [--connections 1 16]
        [--moto PATH/TO/moto_server] [--dynalite PATH/TO/node_modules/.bin/dynalite]

Every server gets the same request bytes from the same Lua scripts; rounds alternate the
servers and the figures are medians. Peers are optional: a missing one is reported and
skipped. Install them outside the repository, e.g.
    python3 -m venv /tmp/motovenv && /tmp/motovenv/bin/pip install "moto[server]"
    (cd /tmp/dynalite && npm install dynalite)
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import boto3
from botocore.config import Config

from harness import empty_node, free_port, median, process_server, require, wrk

TABLE = "bench"
PRELOADED = 1000
QUERY_PARTITION_SIZE = 10

HEADERS = """\
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/\
aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=\
0000000000000000000000000000000000000000000000000000000000000000"
"""

# Unique keys per request: a per-thread random prefix and a counter.
PUT_LUA = HEADERS + """\
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.PutItem"
local prefix = tostring(math.random(1, 1e9))
local n = 0
request = function()
  n = n + 1
  local body = '{"TableName":"bench","Item":{"pk":{"S":"w' .. prefix .. '-' .. n ..
    '"},"sk":{"N":"0"},"v":{"S":"0123456789abcdef"},"n":{"N":"' .. n .. '"}}}'
  return wrk.format(nil, nil, nil, body)
end
"""

# Random keys over the preloaded set.
GET_LUA = HEADERS + """\
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.GetItem"
request = function()
  local body = '{"TableName":"bench","Key":{"pk":{"S":"k' .. math.random(0, %d) ..
    '"},"sk":{"N":"0"}}}'
  return wrk.format(nil, nil, nil, body)
end
""" % (PRELOADED - 1)

QUERY_LUA = HEADERS + """\
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.Query"
wrk.body = '{"TableName":"bench","KeyConditionExpression":"pk = :p",' ..
  '"ExpressionAttributeValues":{":p":{"S":"q"}}}'
"""

OPERATIONS = {"PutItem": PUT_LUA, "GetItem": GET_LUA, "Query": QUERY_LUA}

def moto_server(path: str) -> AbstractContextManager[str]:
    port = free_port()
    return process_server([path, "-H", "127.0.0.1", "-p", str(port)], port)


def dynalite_server(path: str) -> AbstractContextManager[str]:
    port = free_port()
    return process_server(["node", path, "--port", str(port), "--host", "127.0.0.1",
                           "--createTableMs", "0"], port)


def prepare(url: str) -> None:
    """The table, PRELOADED items for GetItem, and one partition for Query."""
    client = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test",
                          config=Config(retries={"max_attempts": 3}))
    client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                   {"AttributeName": "sk", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "N"}])
    client.get_waiter("table_exists").wait(TableName=TABLE)
    items = [{"pk": {"S": f"k{i}"}, "sk": {"N": "0"}, "v": {"S": "0123456789abcdef"}}
             for i in range(PRELOADED)]
    items += [{"pk": {"S": "q"}, "sk": {"N": str(i)}, "v": {"S": "0123456789abcdef"}}
              for i in range(QUERY_PARTITION_SIZE)]
    for start in range(0, len(items), 25):
        client.batch_write_item(RequestItems={TABLE: [
            {"PutRequest": {"Item": item}} for item in items[start:start + 25]]})


def find_peer(given: str | None, *candidates: str) -> str | None:
    for path in (given, *candidates):
        if path and (Path(path).exists() or shutil.which(path)):
            return path
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--moto")
    parser.add_argument("--dynalite")
    args = parser.parse_args()
    require("wrk", "taskset")
    servers = {"fogbank": lambda: empty_node("tables")}
    moto = find_peer(args.moto, "moto_server", "/tmp/motovenv/bin/moto_server")
    dynalite = find_peer(args.dynalite, "/tmp/dynalite/node_modules/.bin/dynalite")
    if moto:
        servers["moto"] = lambda: moto_server(moto)
    else:
        print("moto's server not found: skipped (pip install 'moto[server]' into a venv "
              "outside the repo, then pass --moto PATH/TO/moto_server)")
    if dynalite and shutil.which("node"):
        servers["dynalite"] = lambda: dynalite_server(dynalite)
    else:
        print("dynalite not found: skipped (npm install dynalite outside the repo, then pass "
              "--dynalite PATH/TO/node_modules/.bin/dynalite)")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        scripts = {}
        for op, lua in OPERATIONS.items():
            scripts[op] = Path(tmp) / f"{op}.lua"
            scripts[op].write_text(lua)
        urls = {name: stack.enter_context(start()) for name, start in servers.items()}
        for url in urls.values():
            prepare(url)
        results = measure(urls, scripts, args)
    report(results, args.connections, list(urls))


def measure(urls: dict[str, str], scripts: dict[str, Path], args) -> dict:
    rps: dict = {}
    p50: dict = {}
    for op, script in scripts.items():
        for conns in args.connections:
            for url in urls.values():
                wrk(url + "/", conns, 1, script)                # warm up
            for _ in range(args.rounds):
                for name, url in urls.items():                  # interleaved rounds
                    r = wrk(url + "/", conns, args.seconds, script)
                    rps.setdefault((op, conns, name), []).append(r["rps"])
                    p50.setdefault((op, conns, name), []).append(r["p50_ms"])
    return {key: (median(rps[key]), median(p50[key])) for key in rps}


def report(results: dict, connections: list[int], names: list[str]) -> None:
    print(f"\n{'operation':10} {'conns':>5} " + " ".join(f"{n + ' ops/s (p50 ms)':>26}"
                                                      for n in names) + "  ratios")
    for op in OPERATIONS:
        for conns in connections:
            cells, ratios = [], []
            fog = results[(op, conns, "fogbank")][0]
            for name in names:
                ops, p50 = results[(op, conns, name)]
                cells.append(f"{ops:>14.0f} ({p50:>7.3f})    ")
                if name != "fogbank":
                    ratios.append(f"{fog / ops:.2f}x {name}")
            print(f"{op:10} {conns:>5} " + " ".join(f"{c:>26}" for c in cells) + "  "
                  + ", ".join(ratios))


if __name__ == "__main__":
    main()
