def handler(event, context):
    """TOKEN authorizer: "allow" may call the method, any other token is denied."""
    effect = "Allow" if event["authorizationToken"] == "allow" else "Deny"
    return {"principalId": "shopper",
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect,
                 "Resource": event["methodArn"]}]}}
