"""The `fogbank` command: output, progress and exit codes — nothing else.

    fogbank up [PATH]            deploy the app and serve it; watch files and hot-reload
    fogbank invoke NAME          one invocation through a running node; result and logs
    fogbank logs NAME [-f]       a function's logs from a running node
"""
from __future__ import annotations

import argparse
import base64
import json
import re
import sys
from pathlib import Path
from typing import Any, Sequence

from rich.console import Console
from rich.markup import escape

from fogbank.config import DEFAULT_PORT, DEFAULT_VIEWER_COUNTRY, NodeConfig, WebSocketLimits
from fogbank.types import REGION_PATTERN, AwsError

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
out = Console()
err = Console(stderr=True)


class UsageError(Exception):
    """A user mistake on the command line: printed without a traceback, exit code 2."""


def find_template(path: Path) -> Path:
    if path.is_file():
        return path.resolve()
    if path.is_dir():
        for name in TEMPLATE_NAMES:
            if (path / name).is_file():
                return (path / name).resolve()
        raise UsageError(f"no template.yaml in {path}")
    raise UsageError(f"no such file or directory: {path}")


def parse_overrides(items: Sequence[str]) -> dict[str, str]:
    overrides = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--parameter-overrides takes KEY=VALUE, not {item!r}")
        overrides[key] = value
    return overrides


def positive_number(text: str) -> float:
    """An argparse type: a number above zero (a clear error for "0", "-1", "soon", "nan")."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number above zero, not {text!r}")
    return value


def positive_integer(text: str) -> int:
    """An argparse type: a whole number above zero."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a whole number above zero, not {text!r}")
    return value


def region_name(text: str) -> str:
    """An argparse type: an AWS region name such as us-east-1."""
    if not re.fullmatch(REGION_PATTERN, text):
        raise argparse.ArgumentTypeError(f"expected an AWS region such as us-east-1 or "
                                         f"eu-west-1, not {text!r}")
    return text


def country_code(text: str) -> str:
    """An argparse type: an ISO 3166-1 alpha-2 country code ("US", "de"), upper-cased as
    CloudFront sends it."""
    if len(text) != 2 or not (text.isascii() and text.isalpha()):
        raise argparse.ArgumentTypeError(f"expected a two-letter country code such as US or "
                                         f"DE, not {text!r}")
    return text.upper()


def add_websocket_options(up: argparse.ArgumentParser) -> None:
    aws = WebSocketLimits()     # the defaults are API Gateway's quotas
    group = up.add_argument_group("WebSocket APIs (defaults: API Gateway's quotas)")
    group.add_argument("--ws-idle-timeout", type=positive_number, default=aws.idle_timeout_s,
                       metavar="SECONDS", help="close a connection after this long without a "
                                               "message from its client (default %(default)g)")
    group.add_argument("--ws-max-connection-time", type=positive_number,
                       default=aws.max_connection_s, metavar="SECONDS",
                       help="close any connection open this long (default %(default)g)")
    group.add_argument("--ws-connection-rate", type=positive_number,
                       default=aws.new_connections_per_s, metavar="PER_SECOND",
                       help="new connections accepted per second; more are refused with "
                            "429 (default %(default)g)")
    group.add_argument("--ws-connection-burst", type=positive_integer,
                       default=aws.new_connections_burst, metavar="N",
                       help="new connections accepted at once above that rate "
                            "(default %(default)d)")
    group.add_argument("--ws-max-frame", type=positive_integer, default=aws.frame_bytes,
                       metavar="BYTES", help="a bigger frame closes the connection with 1009 "
                                             "(default %(default)d)")
    group.add_argument("--ws-max-message", type=positive_integer, default=aws.message_bytes,
                       metavar="BYTES", help="a bigger message closes the connection with "
                                             "1009 (default %(default)d)")


def websocket_limits(args: argparse.Namespace) -> WebSocketLimits:
    return WebSocketLimits(frame_bytes=args.ws_max_frame, message_bytes=args.ws_max_message,
                           idle_timeout_s=args.ws_idle_timeout,
                           max_connection_s=args.ws_max_connection_time,
                           new_connections_per_s=args.ws_connection_rate,
                           new_connections_burst=args.ws_connection_burst)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fogbank", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="deploy the app and serve it, reloading on changes")
    up.add_argument("path", nargs="?", default=".", help="template file or its directory")
    up.add_argument("--port", type=int, default=DEFAULT_PORT, help="port for every endpoint")
    up.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    up.add_argument("--state-dir", type=Path, help="where state lives (default .fogbank/ "
                                                   "beside the template)")
    up.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE",
                    help="template parameter values")
    up.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                    help="also accept this Host header (a leading dot allows subdomains)")
    up.add_argument("--no-watch", action="store_true", help="do not reload on file changes")
    up.add_argument("--no-sandbox", action="store_true",
                    help="run functions without the Linux namespace sandbox")
    up.add_argument("--idle-timeout", type=positive_number, default=300.0, metavar="SECONDS",
                    help="reap a function's idle workers after this long (scale to zero)")
    up.add_argument("--ttl-period", type=positive_number, default=30.0, metavar="SECONDS",
                    help="how often expired table items are deleted (TTL)")
    up.add_argument("--region", type=region_name, default="us-east-1",
                    help="the region the node serves: in ARNs, functions' AWS_REGION, "
                         "endpoints (default %(default)s)")
    up.add_argument("--viewer-country", type=country_code, default=DEFAULT_VIEWER_COUNTRY,
                    metavar="CODE", help="the CloudFront-Viewer-Country that edge-optimized "
                                         "REST APIs' events carry (default %(default)s)")
    add_websocket_options(up)

    invoke = sub.add_parser("invoke", help="invoke a function on a running node")
    invoke.add_argument("name", help="function name or its logical id in the template")
    invoke.add_argument("--event", default=None, metavar="FILE",
                        help="JSON event file, or - for standard input (default {})")
    invoke.add_argument("--endpoint", default=f"http://127.0.0.1:{DEFAULT_PORT}",
                        help="the node's endpoint")

    logs = sub.add_parser("logs", help="show a function's logs from a running node")
    logs.add_argument("name", help="function name or its logical id in the template")
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing new logs")
    logs.add_argument("--endpoint", default=f"http://127.0.0.1:{DEFAULT_PORT}",
                      help="the node's endpoint")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "up":
            return cmd_up(args)
        if args.command == "invoke":
            return cmd_invoke(args)
        return cmd_logs(args)
    except UsageError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        return 2
    except AwsError as exc:
        err.print(f"[red]error:[/] {escape(exc.message)}")
        return 1
    except KeyboardInterrupt:
        return 130


# ---------------------------------------------------------------------------- up

def cmd_up(args: argparse.Namespace) -> int:
    template = find_template(Path(args.path))
    import uvloop

    from fogbank.serve import serve_app   # heavy imports only for `up`

    config = NodeConfig(
        state_dir=(args.state_dir or template.parent / ".fogbank").resolve(),
        host=args.host, port=args.port, allowed_hosts=tuple(args.allow_host),
        sandbox=not args.no_sandbox, idle_worker_ttl_s=args.idle_timeout,
        ttl_period_s=args.ttl_period, websocket=websocket_limits(args),
        viewer_country=args.viewer_country, region=args.region,
        parameter_overrides=parse_overrides(args.parameter_overrides))
    return uvloop.run(serve_app(config, template, watch=not args.no_watch, console=out))


# ---------------------------------------------------------------------------- invoke, logs

def node_request(endpoint: str, path: str) -> Any:
    import httpx

    try:
        return httpx.get(endpoint + path, timeout=10)
    except httpx.ConnectError:
        raise UsageError(f"no Fogbank node at {endpoint} — start one with `fogbank up`")


def function_name(endpoint: str, name: str) -> str:
    """Accepts a function's name or its logical id in the running node's template."""
    node = node_request(endpoint, "/_fogbank/node").json()
    return node.get("functions", {}).get(name, name)


def cmd_invoke(args: argparse.Namespace) -> int:
    import boto3
    from botocore.config import Config

    if args.event == "-":
        payload = sys.stdin.buffer.read()
    elif args.event:
        payload = Path(args.event).read_bytes()
    else:
        payload = b"{}"
    name = function_name(args.endpoint, args.name)
    client = boto3.client("lambda", endpoint_url=args.endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test",
                          config=Config(retries={"max_attempts": 1}, read_timeout=900))
    try:
        response = client.invoke(FunctionName=name, Payload=payload, LogType="Tail")
    except client.exceptions.ClientError as exc:
        raise UsageError(exc.response["Error"].get("Message") or str(exc))
    err.out(base64.b64decode(response.get("LogResult", "")).decode(errors="replace"),
            end="", highlight=False)
    sys.stdout.write(response["Payload"].read().decode(errors="replace") + "\n")
    return 1 if response.get("FunctionError") else 0


def cmd_logs(args: argparse.Namespace) -> int:
    import httpx

    name = function_name(args.endpoint, args.name)
    query = "?follow=1" if args.follow else ""
    url = f"{args.endpoint}/_fogbank/logs/{name}{query}"
    with httpx.stream("GET", url, timeout=httpx.Timeout(10, read=None)) as resp:
        if resp.status_code != 200:
            resp.read()
            raise UsageError(resp.json().get("message", f"HTTP {resp.status_code}"))
        for raw in resp.iter_lines():
            if raw:
                sys.stdout.write(json.loads(raw)["message"].rstrip("\n") + "\n")
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
