"""Lambda Invoke API requests/s over raw HTTP (wrk), beside a bare ASGI app as the floor.

    .venv/bin/python bench/invoke_api.py [--rounds 3] [--seconds 5] [--connections 16]
"""
from __future__ import annotations

import argparse

from harness import BENCH, bare_asgi, fogbank_node, median, require, wrk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    require("wrk", "taskset")
    script = BENCH / "invoke.lua"
    rps: dict[str, list[float]] = {"bare": [], "fogbank": []}
    p50: dict[str, list[float]] = {"bare": [], "fogbank": []}
    with bare_asgi() as bare_url, fogbank_node("noop") as (fog_url, _):
        urls = {"bare": bare_url + "/",
                "fogbank": fog_url + "/2015-03-31/functions/noop/invocations"}
        for url in urls.values():
            wrk(url, args.connections, 2, script)
        for _ in range(args.rounds):
            for name, url in urls.items():
                r = wrk(url, args.connections, args.seconds, script)
                rps[name].append(r["rps"])
                p50[name].append(r["p50_ms"])
    b, f = median(rps["bare"]), median(rps["fogbank"])
    print(f"Invoke at {args.connections} connections: fogbank {f:.0f} req/s "
          f"(p50 {median(p50['fogbank']):.3f} ms), bare ASGI {b:.0f} req/s; ratio {f / b:.2f}")


if __name__ == "__main__":
    main()
