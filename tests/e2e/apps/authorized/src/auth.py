def http(event, context):
    """HTTP API, payload 2.0, simple responses: "allow" passes, "boom" breaks."""
    token = event["headers"].get("authorization", "")
    if token == "boom":
        raise RuntimeError("the authorizer broke")
    return {"isAuthorized": token == "allow", "context": {"user": "ada", "level": 3}}


def rest(event, context):
    """REST API TOKEN authorizer: an IAM policy for the method, "unauthorized" refuses."""
    token = event["authorizationToken"]
    print(f"authorizing {token}")
    if token == "unauthorized":
        raise Exception("Unauthorized")
    effect = "Allow" if token == "allow" else "Deny"
    return {"principalId": "ada",
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect,
                 "Resource": event["methodArn"]}]},
            "context": {"user": "ada", "level": 3}}
