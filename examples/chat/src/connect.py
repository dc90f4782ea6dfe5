"""$connect: remembers the connection with the caller's source IP and the time."""
from tables import connections


def handler(event, context):
    ctx = event["requestContext"]
    connections.put_item(Item={
        "connectionId": ctx["connectionId"],
        "sourceIp": ctx["identity"]["sourceIp"],
        "connectedAt": ctx["connectedAt"],
    })
    return {"statusCode": 200}
