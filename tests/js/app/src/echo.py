"""Answers with the event it got; raises when the event asks it to."""


def handler(event, context):
    if event.get("fail"):
        raise ValueError(event["fail"])
    print("ECHO", context.function_name)
    return {"got": event, "function": context.function_name}
