"""`make run`'s path: examples/chat/run_local.py serves the chat, publishes the front end
and prints the chat's URL; Ctrl-C stops it."""
from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings

import httpx

from fogbank.testing import clean_env, free_port

from .conftest import EXAMPLE, TIMEOUT


def test_run_local_prints_the_chat_url_and_serves_the_page(tmp_path):
    app_dir = tmp_path / "chat"
    shutil.copytree(EXAMPLE, app_dir, ignore=shutil.ignore_patterns(".fogbank", "__pycache__"))
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(app_dir / "run_local.py"), "--port", str(port),
                             "--no-watch"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=clean_env(), preexec_fn=_sigint_ignored)
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []               # what the script printed, shown when a step fails
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        deadline, url = time.monotonic() + 2 * TIMEOUT, None
        while url is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("no chat URL in time:\n" + "".join(seen)) from None
            seen.append(line)
            found = re.search(r"Chat is up: (http://(\S+)\.s3-website\.localhost:(\d+))", line)
            url = found and found.group(1)
        bucket, printed_port = found.group(2), found.group(3)
        assert printed_port == str(port)

        def page(path: str) -> httpx.Response:       # *.localhost, as a browser resolves it
            return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=30,
                             headers={"Host": f"{bucket}.s3-website.localhost:{port}"})
        assert "<title>Serverless chat</title>" in page("/").text
        config = page("/config.js")
        assert config.headers["content-type"].startswith("text/javascript")
        assert re.fullmatch(r'window\.CHAT_CONFIG = \{ webSocketUrl: '
                            rf'"ws://127\.0\.0\.1:{port}/_aws/execute-api/\w+/production" \}};\n',
                            config.text)
        assert page("/chatapp.js").status_code == 200 and page("/style.css").status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)      # the script and the node it started
            raise AssertionError("Ctrl-C did not stop it in time:\n" + "".join(seen)
                                 + "".join(_drain(lines))) from None
        printed = "".join(seen) + "".join(_drain(lines))
        assert code == 0, printed
        if "stopping took over" in printed:
            # The node's shutdown watchdog ended a stop that hung: the user saw the node
            # stop, so this passes, but the stacks it wrote say where to look.
            warnings.warn(f"fogbank up's stop hung and was ended:\n{printed}")


def _drain(lines: "queue.Queue[str]") -> list[str]:
    drained = []
    while not lines.empty():
        drained.append(lines.get_nowait())
    return drained


def _sigint_ignored() -> None:
    """Starts the script as a shell without job control starts a background command (CI
    runners among them): with SIGINT ignored, which the script must undo for Ctrl-C. In a
    session of its own, so that a failed stop can take the node it started down with it."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
