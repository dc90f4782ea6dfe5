"""Functions behind non-proxy integrations: each gets the event a mapping template made
and returns plain data, which another template turns into the answer."""


def order(event, context):
    """A REST method's function: `event` is the request template's rendering."""
    if event["quantity"] <= 0:
        raise ValueError(f"Invalid quantity for {event['item']}")
    return {"id": event["id"], "item": event["item"], "quantity": event["quantity"],
            "total": round(event["quantity"] * 2.5, 2), "by": event["caller"],
            "stage": event["stage"], "requestId": event["requestId"]}


def greet(event, context):
    """A WebSocket route's function: `event` is the route's request template's rendering."""
    return {"text": f"hello {event['name']}", "connection": event["connection"]}
