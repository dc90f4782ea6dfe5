"""$default: whatever no route matched (an unknown action, a message that is not JSON)
is answered with what went wrong and the actions the chat understands."""
import json

from replies import reply

ACTIONS = {
    "updatedetails": {"action": "updatedetails", "userHandle": "ada",
                      "displayName": "Ada Lovelace"},
    "sendmessage": {"action": "sendmessage", "message": "Hello!"},
    "getmessages": {"action": "getmessages"},
}


def problem(body):
    try:
        message = json.loads(body or "")
    except ValueError:
        return "malformed_json", "The message is not valid JSON."
    if not isinstance(message, dict):
        return "malformed_json", "The message must be a JSON object."
    if "action" not in message:
        return "missing_action", 'The message has no "action".'
    return "unknown_action", f"Unknown action {json.dumps(message['action'])}."


def handler(event, context):
    code, text = problem(event.get("body"))
    reply(event, {"type": "error", "error": code,
                  "message": f"{text} Send one of: {', '.join(ACTIONS)}.",
                  "examples": list(ACTIONS.values())})
    return {"statusCode": 200}
