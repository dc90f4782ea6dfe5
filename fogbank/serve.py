"""`fogbank up`: start a node, deploy the app, print what is served, reload on changes.

Output only: the node does the work. A template change applies the difference; a change
under a function's code directory starts new workers with the new code (in-flight calls
finish on the old ones); a change under a template layer's directory is deployed as the
layer's next version, which the functions using it get.
"""
from __future__ import annotations

import asyncio
import faulthandler
import os
import resource
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Iterable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from fogbank.config import NodeConfig
from fogbank.node import Node, Served
from fogbank.types import AwsError

IGNORED_DIRS = {".fogbank", "__pycache__", ".git", ".aws-sam", "node_modules", ".venv"}
# How long stopping may take before the process ends without finishing it.
STOP_DEADLINE_S = 20.0


async def serve_app(config: NodeConfig, template: Path, *, watch: bool,
                    console: Console) -> int:
    open_files_up_to_hard_limit()
    node = Node(config)
    try:
        await node.start()
    except OSError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        if not await deploy(node, template, console):
            return 1
        tasks = [asyncio.create_task(node.serve()), asyncio.create_task(stop.wait()),
                 asyncio.create_task(stream_logs(node, console))]
        if watch:
            tasks.append(asyncio.create_task(watch_files(node, template, console)))
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
    finally:
        console.print("stopping…")
        watchdog = exit_if_stuck(STOP_DEADLINE_S)
        node.stop()
        await node.close()
        watchdog.cancel()
    return 0


def exit_if_stuck(deadline_s: float) -> threading.Timer:
    """Ends the process `deadline_s` from now unless cancelled, after writing where every
    thread was to stderr. Ctrl-C must stop the node even when a part of the shutdown hangs;
    leaving without it loses nothing, since a write is durable before it is acknowledged."""
    def stuck() -> None:
        sys.stderr.write(f"fogbank up: stopping took over {deadline_s:.0f} s; the threads "
                         "were at:\n")
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        sys.stderr.write("fogbank up: stopped without finishing the shutdown (every "
                         "acknowledged write was already durable)\n")
        sys.stderr.flush()
        os._exit(0)
    timer = threading.Timer(deadline_s, stuck)
    timer.daemon = True
    timer.start()
    return timer


def open_files_up_to_hard_limit() -> None:
    """Raises this process's open-file limit to what the system allows it.

    Every WebSocket and HTTP connection holds a descriptor, and the usual soft limit (1,024)
    would refuse connections long before the node runs out of anything else.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == hard:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        pass            # an unlimited hard limit that the kernel will not grant as soft


async def deploy(node: Node, template: Path, console: Console) -> bool:
    """Deploys with progress lines; a template error is printed, never raised."""
    def on_plan(plan: Any) -> None:
        console.print(f"[bold]Deploying[/] {escape(str(template))}")
        # Plans and messages quote template paths such as `[/Resources/X]`: text, not markup.
        console.print(escape(str(plan)), highlight=False)

    def on_step(change: Any, status: str) -> None:
        console.print(f"  {status:<8} {change.logical_id} ({change.resource_type})",
                      highlight=False)

    try:
        served = await node.deploy(template, on_step=on_step, on_plan=on_plan)
    except AwsError as exc:
        console.print(f"[red]Template error:[/] {escape(exc.message)}")
        return False
    print_served(served, console)
    return True


def print_served(served: Served, console: Console) -> None:
    for warning in served.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    rows = [("SDK endpoint", f"{served.sdk_endpoint}  (AWS_ENDPOINT_URL)"),
            *((f"API {name}", url) for name, url in served.apis.items()),
            *((f"function URL {name}", url) for name, url in served.function_urls.items()),
            *((f"website {name}", url) for name, url in served.websites.items()),
            *((f"API key {name}", value) for name, value in served.api_keys.items()),
            *((f"function {logical_id}", name) for logical_id, name in served.functions.items())]
    table = Table(title="Fogbank is serving", show_header=True, title_justify="left")
    # Neither a name nor a URL is ever folded or cut: the columns are as wide as they need.
    for i, title in enumerate(("what", "where")):
        table.add_column(title, no_wrap=True, min_width=max(len(row[i]) for row in rows))
    for row in rows:
        table.add_row(*row)
    console.print(table, width=max(console.width, 200), crop=False)
    for key, value in served.outputs.items():
        console.print(escape(f"  output {key} = {value}"), highlight=False, soft_wrap=True)


async def watch_files(node: Node, template: Path, console: Console) -> None:
    from watchfiles import awatch

    root = template.parent
    dirs = {root, *(d for d in [*node.code_dirs().values(), *node.layer_sources()]
                    if not d.is_relative_to(root))}
    async for changes in awatch(*dirs, watch_filter=lambda _, p: not ignored(Path(p), root)):
        paths = {Path(p) for _, p in changes}
        if template in paths:
            console.print("[bold]template changed[/] — applying the difference")
            await deploy(node, template, console)
            continue
        layers = node.layer_sources()
        if any(p.is_relative_to(layer) for p in paths for layer in layers):
            # The layer's properties hold what its files are (deploy/loader.py): deploying
            # publishes its next version and updates the functions that use it.
            console.print("[bold]layer content changed[/] — publishing its next version")
            await deploy(node, template, console)
            continue
        for name in changed_functions(node.code_dirs(), paths):
            console.print(f"code changed — reloading {name}")
            node.runtime.reload(name)


async def stream_logs(node: Node, console: Console) -> None:
    """Prints every function's log lines as they are written, prefixed by its name."""
    followers: dict[str, asyncio.Task[None]] = {}
    out = console.file
    loop = asyncio.get_running_loop()
    flush_pending = False

    def flush() -> None:
        nonlocal flush_pending
        flush_pending = False
        out.flush()

    async def follow(name: str) -> None:
        # Plain writes, one flush per burst: this runs for every invocation's log lines.
        nonlocal flush_pending
        follower = node.runtime.logs.follow(name)
        try:
            async for event in follower:
                out.write(f"[{name}] {event.message}\n")
                if not flush_pending:
                    flush_pending = True
                    loop.call_soon(flush)
        finally:
            follower.close()

    try:
        while True:                     # functions come and go with template changes
            names = set(node.code_dirs())
            for name in names - followers.keys():
                followers[name] = asyncio.create_task(follow(name))
            for name in followers.keys() - names:
                followers.pop(name).cancel()
            await asyncio.sleep(0.5)
    finally:
        for task in followers.values():
            task.cancel()


def ignored(path: Path, root: Path) -> bool:
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    return any(part in IGNORED_DIRS for part in parts) or path.suffix in (".pyc", ".swp")


def changed_functions(code_dirs: dict[str, Path], paths: Iterable[Path]) -> list[str]:
    return sorted({name for name, code_dir in code_dirs.items()
                   for p in paths if p.is_relative_to(code_dir)})
