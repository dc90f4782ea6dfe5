def handler(event, context):
    return {"statusCode": 200, "body": "ok"}


def authorize(event, context):
    return {"isAuthorized": True}
