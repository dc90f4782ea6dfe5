"""A custom resource answered without cfnresponse: the response object PUT over https with
http.client, the way crhelper sends it (host from the URL, port 443)."""
import http.client
import json
from urllib.parse import urlsplit


def handler(event, context):
    url = urlsplit(event["ResponseURL"])
    body = json.dumps({
        "Status": "SUCCESS", "PhysicalResourceId": "plain-answer",
        "StackId": event["StackId"], "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {"Scheme": url.scheme}}).encode()
    connection = http.client.HTTPSConnection(url.netloc, timeout=10)
    connection.request("PUT", f"{url.path}?{url.query}", body=body,
                       headers={"content-type": "", "content-length": str(len(body))})
    print("ResponseURL answered", connection.getresponse().status)
