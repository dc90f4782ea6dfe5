"""The API Gateway management API (`apigatewaymanagementapi`): the @connections operations."""
from fogbank.aws.apigw_management.edge import (ConnectionsEdge, connections_path,
                                                is_connections_request)
from fogbank.aws.apigw_management.service import ManagementService

__all__ = ["ConnectionsEdge", "ManagementService", "connections_path", "is_connections_request"]
