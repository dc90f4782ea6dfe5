"""getmessages: the most recent messages across all users, oldest first, to the caller."""
import time

from replies import reply, route
from tables import messages

HISTORY = 50


def recent(limit=HISTORY):
    # Messages are keyed by user, so "the latest across users" is a scan. DynamoDB deletes
    # expired items within days, not at once: ones past their expiry are left out here.
    now = int(time.time())
    found = []
    scan = {}
    while True:
        page = messages.scan(**scan)
        found.extend(item for item in page["Items"] if int(item.get("expiresAt", now + 1)) > now)
        if "LastEvaluatedKey" not in page:
            break
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    found.sort(key=lambda item: item["timestamp"])
    return [{"userHandle": item["userHandle"], "displayName": item.get("displayName"),
             "message": item["message"], "timestamp": int(item["timestamp"])}
            for item in found[-limit:]]


@route
def handler(event, context):
    reply(event, {"type": "history", "messages": recent()})
