"""`make run`: serves the chat with `fogbank up`, publishes the front end, prints its URL.

    python examples/chat/run_local.py [fogbank up options, e.g. --port 4567]

The deploy step is the one used on AWS (publish.sh: `aws s3 sync` plus a config.js from the
stack's outputs); only where the outputs come from differs: a node lists them at
/_fogbank/node, CloudFormation at `aws cloudformation describe-stacks`. Standard library
only, like any script beside an app.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def option(args, name, default):
    return args[args.index(name) + 1] if name in args[:-1] else default


def wait_ready(endpoint, proc, timeout=120.0):
    """What the node serves, once it has deployed the template."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"fogbank up exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(endpoint + "/_fogbank/node", timeout=2) as answer:
                served = json.load(answer)
            if served.get("ready"):
                return served
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    sys.exit(f"fogbank up did not become ready within {timeout:.0f} s")


def publish(endpoint, outputs):
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint,
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        env.setdefault(name, value)
    subprocess.run([str(HERE / "publish.sh"), outputs["WebsiteBucket"],
                    outputs["WebSocketUrl"]], env=env, check=True, stdout=subprocess.DEVNULL)


def main(args):
    fogbank = BIN / "fogbank" if (BIN / "fogbank").exists() else shutil.which("fogbank")
    host = option(args, "--host", "127.0.0.1")
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    endpoint = f"http://{host}:{option(args, '--port', '4566')}"
    # Ctrl-C stops the chat even when this script was started with SIGINT ignored (as a
    # shell without job control starts background commands): Python would keep ignoring it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    proc = subprocess.Popen([str(fogbank), "up", str(HERE), *args])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))     # stop the node on the way out
    try:
        outputs = wait_ready(endpoint, proc)["outputs"]
        publish(endpoint, outputs)
        print(f"\n  Chat is up: {outputs['WebsiteUrl']}\n"
              "  Open it in two browser windows and chat. Ctrl-C stops.\n", flush=True)
        return proc.wait()
    except KeyboardInterrupt:         # Ctrl-C: fogbank up stops on SIGINT, like in a terminal
        proc.send_signal(signal.SIGINT)
        return proc.wait()
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
