"""A node for the WebSocket benchmark: `fogbank up` without the new-connection rate limit
(API Gateway's 500/s default would cap the very rate being measured).

    ws_node.py APP_DIR PORT
"""
from __future__ import annotations

import asyncio
import resource
import sys
from pathlib import Path

from fogbank.config import NodeConfig, WebSocketLimits
from fogbank.node import Node


async def main(app_dir: Path, port: int) -> None:
    limits = WebSocketLimits(new_connections_per_s=1e9, new_connections_burst=10**9)
    node = Node(NodeConfig(state_dir=app_dir / ".fogbank", port=port, websocket=limits))
    await node.start()
    node.deploy(app_dir / "template.yaml")
    try:
        await node.serve()
    finally:
        await node.close()


if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
