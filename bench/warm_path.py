"""Warm path: HTTP API → no-op function → response, beside a bare ASGI "hello" app.

Both run on the same server stack (uvicorn + uvloop + httptools) pinned to one core, wrk on
the other; rounds alternate A B A B and medians are compared as ratios.

    .venv/bin/python bench/warm_path.py [--rounds 3] [--seconds 5]
"""
from __future__ import annotations

import argparse

from harness import bare_asgi, fogbank_node, median, require, wrk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    require("wrk", "taskset")
    figures: dict[str, dict[str, list[float]]] = {"bare": {}, "fogbank": {}}
    with bare_asgi() as bare_url, fogbank_node("noop") as (_, node):
        urls = {"bare": bare_url + "/", "fogbank": next(iter(node["apis"].values())).rstrip("/") + "/hello"}
        for name, url in urls.items():          # warm-up: workers started, caches filled
            wrk(url, 64, seconds=2)
        for _ in range(args.rounds):
            for name, url in urls.items():
                many = wrk(url, 64, args.seconds)
                one = wrk(url, 1, args.seconds)
                figures[name].setdefault("rps64", []).append(many["rps"])
                figures[name].setdefault("p50_1", []).append(one["p50_ms"])
    bare = {k: median(v) for k, v in figures["bare"].items()}
    fog = {k: median(v) for k, v in figures["fogbank"].items()}
    print(f"{'':24}{'bare ASGI':>12}{'fogbank':>12}{'ratio':>10}")
    print(f"{'req/s at 64 conns':24}{bare['rps64']:>12.0f}{fog['rps64']:>12.0f}"
          f"{fog['rps64'] / bare['rps64']:>10.2f}")
    print(f"{'p50 ms at 1 conn':24}{bare['p50_1']:>12.3f}{fog['p50_1']:>12.3f}"
          f"{'+%.3f ms' % (fog['p50_1'] - bare['p50_1']):>10}")


if __name__ == "__main__":
    main()
