"""The rest-json protocol alone: routes from the model, binding, output and errors."""
from __future__ import annotations

import base64
import json

import pytest
from botocore.loaders import Loader
from botocore.model import ServiceModel

from fogbank.aws.errors import SerializationError, UnknownOperation
from fogbank.aws.protocols.rest_json import RestJsonProtocol
from fogbank.wire import WireRequest
from fogbank.types import ResourceNotFound, TooManyRequests


def protocol(name: str) -> RestJsonProtocol:
    return RestJsonProtocol(ServiceModel(Loader().load_service_model(name, "service-2"), name))


@pytest.fixture(scope="module")
def lam() -> RestJsonProtocol:
    return protocol("lambda")


def req(method: str, path: str, query: str = "", body: bytes = b"", **headers: str) -> WireRequest:
    return WireRequest.build(method, path, query,
                             [(k.replace("_", "-"), v) for k, v in headers.items()], body)


def parsed(proto: RestJsonProtocol, request: WireRequest) -> tuple[str, dict]:
    operation, labels = proto.match(request)
    return operation.name, proto.parse(operation, request, labels)


def test_operation_found_by_method_and_uri(lam):
    assert parsed(lam, req("GET", "/2015-03-31/functions/f"))[0] == "GetFunction"
    assert parsed(lam, req("GET", "/2015-03-31/functions/f/configuration"))[0] == "GetFunctionConfiguration"
    assert parsed(lam, req("GET", "/2015-03-31/functions"))[0] == "ListFunctions"
    assert parsed(lam, req("GET", "/2015-03-31/functions/"))[0] == "ListFunctions"


def test_labels_are_percent_decoded(lam):
    arn = "arn:aws:lambda:us-east-1:000000000000:function:f"
    _, params = parsed(lam, req("GET", "/2015-03-31/functions/" + arn.replace(":", "%3A")))
    assert params == {"FunctionName": arn}


def test_invoke_binds_headers_query_and_raw_payload(lam):
    name, params = parsed(lam, req("POST", "/2015-03-31/functions/f/invocations", "Qualifier=%24LATEST",
                                   b"not json at all", X_Amz_Invocation_Type="Event",
                                   X_Amz_Log_Type="Tail", X_Amz_Client_Context="e30="))
    assert name == "Invoke"
    assert params == {"FunctionName": "f", "Qualifier": "$LATEST", "InvocationType": "Event",
                      "LogType": "Tail", "ClientContext": "e30=", "Payload": b"not json at all"}


def test_integer_query_values_are_converted(lam):
    _, params = parsed(lam, req("GET", "/2015-03-31/functions/", "MaxItems=5&Marker=m"))
    assert params == {"MaxItems": 5, "Marker": "m"}


def test_bad_integer_is_a_serialization_error(lam):
    with pytest.raises(SerializationError):
        parsed(lam, req("GET", "/2015-03-31/functions/", "MaxItems=five"))


def test_numeric_uri_labels_are_numbers(lam):
    name, params = parsed(lam, req("GET", "/2018-10-31/layers/lib/versions/12"))
    assert name == "GetLayerVersion"
    assert params == {"LayerName": "lib", "VersionNumber": 12}


@pytest.mark.parametrize("text", ["abc", "1.5", " 5", "1_000", "0x1f", "", "9223372036854775808"])
def test_a_uri_label_that_is_not_a_long_is_a_serialization_error(lam, text):
    operation = lam.model.operation_model("GetLayerVersion")
    with pytest.raises(SerializationError) as caught:
        lam.parse(operation, req("GET", "/"), {"LayerName": "lib", "VersionNumber": text})
    assert caught.value.message == f"Value '{text}' is not a valid long"


def test_integers_are_32_bits(lam):
    with pytest.raises(SerializationError):
        parsed(lam, req("GET", "/2015-03-31/functions/", "MaxItems=2147483648"))
    assert parsed(lam, req("GET", "/2015-03-31/functions/", "MaxItems=-5"))[1]["MaxItems"] == -5


def test_booleans_are_true_or_false_only():
    gateway = protocol("apigateway")
    path = "/apikeys/k"
    assert parsed(gateway, req("GET", path, "includeValue=true"))[1]["includeValue"] is True
    assert parsed(gateway, req("GET", path, "includeValue=False"))[1]["includeValue"] is False
    with pytest.raises(SerializationError) as caught:
        parsed(gateway, req("GET", path, "includeValue=yes"))
    assert caught.value.message == "Value 'yes' is not a valid boolean"


@pytest.mark.parametrize("text, value", [("1.5", 1.5), ("-2", -2.0), ("1e3", 1000.0),
                                         (".5", 0.5), ("NaN", None), ("inf", "bad"),
                                         ("1_0", "bad"), (" 1", "bad")])
def test_floats_are_read_as_aws_reads_them(text, value):
    maps = protocol("geo-maps")
    request = req("GET", "/v2/static/map.png", f"zoom={text}")
    if value == "bad":
        with pytest.raises(SerializationError):
            parsed(maps, request)
        return
    zoom = parsed(maps, request)[1]["Zoom"]
    assert zoom == value if value is not None else zoom != zoom     # NaN is not itself


def test_unmatched_path_is_an_unknown_operation(lam):
    with pytest.raises(UnknownOperation):
        lam.match(req("GET", "/2015-03-31/nothing/here"))
    with pytest.raises(UnknownOperation):
        lam.match(req("DELETE", "/2015-03-31/functions/"))


def test_greedy_label_takes_the_rest_of_the_path():
    store = protocol("mediastore-data")
    name, params = parsed(store, req("PUT", "/photos/2026/cat%20one.jpg", body=b"\x00\x01"))
    assert name == "PutObject"
    assert params["Path"] == "photos/2026/cat one.jpg"
    assert params["Body"] == b"\x00\x01"


def test_json_body_members_are_bound():
    name, params = parsed(protocol("lambda"), req("PUT", "/2017-10-31/functions/f/concurrency",
                                    body=b'{"ReservedConcurrentExecutions": 3}'))
    assert name == "PutFunctionConcurrency"
    assert params == {"FunctionName": "f", "ReservedConcurrentExecutions": 3}


def test_bad_json_body_is_a_serialization_error():
    with pytest.raises(SerializationError):
        parsed(protocol("lambda"), req("PUT", "/2017-10-31/functions/f/concurrency", body=b"{"))


def test_invoke_output_goes_to_status_headers_and_raw_body(lam):
    operation = lam.model.operation_model("Invoke")
    response = lam.response(operation, {"StatusCode": 200, "FunctionError": "Unhandled",
                                        "LogResult": "bG9n", "ExecutedVersion": "$LATEST",
                                        "Payload": b'{"errorMessage":"x"}'})
    assert response.status == 200
    assert response.headers["X-Amz-Function-Error"] == "Unhandled"
    assert response.headers["X-Amz-Log-Result"] == "bG9n"
    assert response.headers["X-Amz-Executed-Version"] == "$LATEST"
    assert response.body == b'{"errorMessage":"x"}'


def test_status_member_sets_the_status(lam):
    response = lam.response(lam.model.operation_model("Invoke"), {"StatusCode": 202})
    assert (response.status, response.body) == (202, b"")


def test_json_output_body(lam):
    response = lam.response(lam.model.operation_model("ListFunctions"),
                            {"Functions": [{"FunctionName": "f"}], "NextMarker": "m"})
    assert json.loads(response.body) == {"Functions": [{"FunctionName": "f"}], "NextMarker": "m"}
    assert response.headers["Content-Type"] == "application/json"


def test_error_members_follow_the_error_shape(lam):
    response = lam.error_response(ResourceNotFound("Function not found: x"))
    assert response.status == 404
    assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert json.loads(response.body) == {"Type": "User", "Message": "Function not found: x"}


def test_error_header_members_and_extras(lam):
    error = TooManyRequests("Rate Exceeded.", extra={"Reason": "CallerRateLimitExceeded",
                                                     "retryAfterSeconds": "1"})
    response = lam.error_response(error)
    assert response.status == 429
    assert response.headers["Retry-After"] == "1"
    assert json.loads(response.body) == {"Type": "User", "message": "Rate Exceeded.",
                                         "Reason": "CallerRateLimitExceeded"}


def test_error_without_a_shape_uses_its_own_status(lam):
    response = lam.error_response(UnknownOperation("no such thing"))
    assert response.status == 404
    assert json.loads(response.body) == {"message": "no such thing"}


def test_blob_members_in_json_bodies_are_base64():
    iot = protocol("iot-data")
    operation = iot.model.operation_model("GetRetainedMessage")
    response = iot.response(operation, {"topic": "t", "payload": b"\xff"})
    assert json.loads(response.body)["payload"] == base64.b64encode(b"\xff").decode()
