"""Functions behind non-proxy integrations, as in the AWS recordings they mirror."""


def mapping(event, context):
    """Says whether the request asked for an error; the response template picks the
    status from what it says."""
    if int(event["body"]["httpStatus"]) >= 400:
        return {"statusCode": 200, "body": "customerror"}
    return {"statusCode": 200, "body": "noerror"}


def select(event, context):
    """Passes, or fails with a message naming the status asked for."""
    status = event["statusCode"]
    if status in ("400", "500"):
        raise Exception(f"Error: Raising {status} from within the Lambda function")
    return "Pass"
