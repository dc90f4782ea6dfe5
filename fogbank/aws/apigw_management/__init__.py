"""The API Gateway management API (`apigatewaymanagementapi`): the @connections operations."""
from .edge import ConnectionsEdge, connections_path
from .service import ManagementService

__all__ = ["ConnectionsEdge", "ManagementService", "connections_path"]
