"""Fogbank's `cfnresponse`: the module CloudFormation puts beside a function's inline code.

A function whose `Code.ZipFile` says `import cfnresponse` gets this file as `cfnresponse.py`
next to its handler (providers/functions.py), as CloudFormation adds its own module to such
a package. Same interface: `send(event, context, responseStatus, responseData,
physicalResourceId=None, noEcho=False, reason=None)`, `SUCCESS`, `FAILED`. It PUTs the
response object to the event's ResponseURL and, like CloudFormation's, never raises: a
failed PUT is printed to the function's log. Standard library only, since it runs in the
function's own Python.
"""
import json
import urllib.request
from typing import Any

SUCCESS = "SUCCESS"
FAILED = "FAILED"


def send(event: Any, context: Any, responseStatus: str, responseData: Any,
         physicalResourceId: Any = None, noEcho: bool = False, reason: Any = None) -> None:
    stream = getattr(context, "log_stream_name", "")
    body = json.dumps({
        "Status": responseStatus,
        "Reason": reason or "See the details in CloudWatch Log Stream: " + stream,
        "PhysicalResourceId": physicalResourceId or stream,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "NoEcho": noEcho,
        "Data": responseData,
    }).encode("utf-8")
    url = event["ResponseURL"]
    print(url)
    print("Response body:")
    print(body.decode("utf-8"))
    # An empty content type, as the presigned URL was signed without one.
    request = urllib.request.Request(url, data=body, method="PUT", headers={
        "content-type": "", "content-length": str(len(body))})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            print("Status code:", response.status)
    except Exception as exc:     # the function goes on; CloudFormation's wait times out
        print("cfnresponse: the response could not be sent:", exc)
