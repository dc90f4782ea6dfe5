"""Cold start latency: the first invoke of never-run functions whose module imports boto3.

Each round deploys a brand-new function and times its first invoke end to end (fork from
the zygote, sandbox, import, invoke, result), interleaved with a fresh `python -c "import
boto3"` process — the floor a naive one-process-per-cold-start runtime cannot beat.
With --ships-six each function ships its own six.py, so its workers come from the zygote
without preloads (runtime/shadowing.py): the cold start of such a function.

    .venv/bin/python bench/cold_start.py [--rounds 100] [--no-sandbox] [--ships-six]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import six

from fogbank.runtime import Runtime, RuntimeConfig
from fogbank.types import FunctionSpec

HANDLER = """\
import boto3

def handler(event, context):
    return {"ok": True, "n": event["n"]}
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_plain_import() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import boto3"], check=True)
    return (time.perf_counter() - started) * 1000


async def run(rounds: int, sandbox: bool, ships_six: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="fogbank-bench-") as tmp:
        root = Path(tmp)
        runtime = Runtime(RuntimeConfig(state_dir=root / "state", sandbox=sandbox))
        await runtime.start()
        cold: list[float] = []
        plain: list[float] = []
        init: list[float] = []
        try:
            for n in range(rounds):
                code_dir = root / "functions" / f"fn{n}"
                code_dir.mkdir(parents=True)
                (code_dir / "app.py").write_text(HANDLER)
                if ships_six:
                    (code_dir / "six.py").write_text(Path(six.__file__).read_text())
                runtime.deploy(FunctionSpec(name=f"fn{n}", handler="app.handler", code_dir=code_dir))
                started = time.perf_counter()
                result = await runtime.invoke(f"fn{n}", b'{"n": %d}' % n, tail_logs=True)
                cold.append((time.perf_counter() - started) * 1000)
                assert result.function_error is None, result.payload
                init.append(float(result.log_tail.split("Init Duration: ")[1].split(" ms")[0]))
                plain.append(time_plain_import())
        finally:
            await runtime.close()
    print(f"cold starts: {rounds} (sandbox {'on' if sandbox else 'off'}"
          f"{', each ships six.py: no preloads' if ships_six else ''})")
    print(f"  first invoke     p50 {percentile(cold, 0.5):7.2f} ms   p99 {percentile(cold, 0.99):7.2f} ms")
    print(f"  Init Duration    p50 {percentile(init, 0.5):7.2f} ms   p99 {percentile(init, 0.99):7.2f} ms")
    print(f"  python -c 'import boto3'  p50 {percentile(plain, 0.5):7.2f} ms   "
          f"p99 {percentile(plain, 0.99):7.2f} ms")
    print(f"  ratio (import boto3 p50 / cold start p50): "
          f"{statistics.median(plain) / statistics.median(cold):.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--no-sandbox", action="store_true")
    parser.add_argument("--ships-six", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(max(50, args.rounds), not args.no_sandbox, args.ships_six))


if __name__ == "__main__":
    main()
