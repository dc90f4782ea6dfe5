-- Lambda Invoke over raw HTTP: POST /2015-03-31/functions/noop/invocations
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20261123/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
wrk.headers["X-Amz-Date"] = "20261123T000000Z"
