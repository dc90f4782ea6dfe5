"""CORS on the SDK endpoint, as AWS's JSON and REST-JSON services answer browsers.

A browser page that calls DynamoDB, Lambda or CloudWatch Logs with the JavaScript SDK sends
a preflight first. AWS answers it without looking at the service: 200, any origin, the
requested method and headers echoed back, cached for two days; every answer to a request
with an Origin then allows any origin and exposes the headers the SDK reads (recorded
answers of AWS's services). S3 is not answered here: its buckets have CORS rules of their
own (aws/s3/cors.py).
"""
from __future__ import annotations

from fogbank.wire import WireRequest, WireResponse

_EXPOSED = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
_MAX_AGE = "172800"


def preflight(request: WireRequest, request_id: str) -> WireResponse | None:
    """The answer to a CORS preflight, or None for any other request."""
    if request.method != "OPTIONS" or not request.header("origin"):
        return None
    method = request.header("access-control-request-method")
    if method is None:
        return None
    headers = {"x-amzn-RequestId": request_id, "Access-Control-Allow-Origin": "*",
               "Access-Control-Allow-Methods": method,
               "Access-Control-Expose-Headers": _EXPOSED,
               "Access-Control-Max-Age": _MAX_AGE}
    asked = request.header("access-control-request-headers")
    if asked is not None:
        headers["Access-Control-Allow-Headers"] = asked
    return WireResponse(200, headers, b"")


def allow(request: WireRequest, response: WireResponse) -> None:
    """The CORS headers of an answer to a browser's request (one with an Origin)."""
    if request.header("origin"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = _EXPOSED
