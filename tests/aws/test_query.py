"""The query protocol: forms as botocore's serializer writes them read back into the input
they came from, answers and errors as botocore's query parser reads them."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.loaders import Loader
from botocore.model import ServiceModel
from botocore.parsers import QueryParser
from botocore.serialize import QuerySerializer

from fogbank.aws.errors import ValidationError
from fogbank.aws.protocols.query import QueryProtocol
from fogbank.types import AwsError
from fogbank.wire import WireRequest

_LOADER = Loader()
_MODELS: dict[str, ServiceModel] = {}


def protocol(service: str) -> QueryProtocol:
    if service not in _MODELS:
        _MODELS[service] = ServiceModel(_LOADER.load_service_model(service, "service-2"), service)
    return QueryProtocol(_MODELS[service])


def form_request(body: bytes | str, method: str = "POST", query: str = "",
                 content_type: str = "application/x-www-form-urlencoded; charset=utf-8"
                 ) -> WireRequest:
    data = body.encode() if isinstance(body, str) else body
    return WireRequest.build(method, "/", query, [("Content-Type", content_type)], data)


def round_trip(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """`params` as botocore sends them, read back by the protocol."""
    proto = protocol(service)
    model = proto.model.operation_model(operation)
    sent = QuerySerializer().serialize_to_request(params, model)
    matched, fields = proto.match(form_request(urlencode(sent["body"])))
    assert matched.name == operation
    return proto.parse(matched, form_request(b""), fields)


def test_lists_of_structures_and_scalars_read_back():
    params = {"StackName": "s", "TemplateBody": "{}",
              "Parameters": [{"ParameterKey": "A", "ParameterValue": "1"},
                             {"ParameterKey": "B", "UsePreviousValue": True}],
              "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
              "TimeoutInMinutes": 5, "DisableRollback": False}
    assert round_trip("cloudformation", "CreateStack", params) == params


def test_maps_of_structures_read_back():
    params = {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t", "Message": "hi",
              "MessageAttributes": {"colour": {"DataType": "String", "StringValue": "blue"},
                                    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}}}
    assert round_trip("sns", "Publish", params) == params


def test_flattened_lists_read_back():
    params = {"DomainName": "d", "ItemName": "i", "AttributeNames": ["a", "b", "c"]}
    assert round_trip("sdb", "GetAttributes", params) == params


def test_an_empty_list_reads_as_empty():
    params = {"StackName": "s", "Capabilities": []}
    assert round_trip("cloudformation", "CreateStack", params) == params


def test_list_items_are_read_in_index_order_not_field_order():
    proto = protocol("cloudformation")
    body = ("Action=CreateStack&StackName=s&Capabilities.member.10=C10"
            "&Capabilities.member.2=C2&Capabilities.member.1=C1")
    operation, fields = proto.match(form_request(body))
    assert proto.parse(operation, form_request(b""), fields)["Capabilities"] == ["C1", "C2", "C10"]


def test_a_get_query_string_is_a_form_too():
    proto = protocol("sts")
    operation, _ = proto.match(form_request(b"", "GET", "Action=GetCallerIdentity&Version=2011-06-15"))
    assert operation.name == "GetCallerIdentity"


@pytest.mark.parametrize("body, code, status", [
    ("Version=2010-05-15", "MissingAction", 400),
    ("Action=DescribeStackz&Version=2010-05-15", "InvalidAction", 400),
    ("Action=%ZZ", "MalformedQueryString", 404),
    (b"Action=DescribeStacks&StackName=\xff", "MalformedQueryString", 404),
    ("Action=DescribeStacks&bare-field", "MalformedQueryString", 404),
])
def test_a_form_that_names_no_operation_is_refused(body, code, status):
    with pytest.raises(AwsError) as excinfo:
        protocol("cloudformation").match(form_request(body))
    assert (excinfo.value.code, excinfo.value.status) == (code, status)


def test_a_body_that_is_not_a_form_is_refused():
    with pytest.raises(AwsError) as excinfo:
        protocol("cloudformation").match(form_request('{"Action": "DescribeStacks"}',
                                                      content_type="application/json"))
    assert excinfo.value.code == "MalformedQueryString"


@pytest.mark.parametrize("field, value", [
    ("TimeoutInMinutes", "five"), ("TimeoutInMinutes", "99999999999"),
    ("DisableRollback", "yes"), ("Capabilities.member.x", "C"), ("Capabilities.member.0", "C"),
])
def test_a_value_of_the_wrong_type_is_an_invalid_parameter(field, value):
    proto = protocol("cloudformation")
    operation, fields = proto.match(form_request(urlencode(
        {"Action": "CreateStack", "StackName": "s", field: value})))
    with pytest.raises(AwsError) as excinfo:
        proto.parse(operation, form_request(b""), fields)
    assert excinfo.value.code == "InvalidParameterValue"
    assert field in excinfo.value.message


def parsed(service: str, operation: str, body: bytes, status: int = 200) -> dict[str, Any]:
    model = protocol(service).model.operation_model(operation)
    return QueryParser().parse({"body": body, "headers": {}, "status_code": status},
                               model.output_shape)


def test_answers_are_wrapped_in_the_result_element_with_the_request_id():
    proto = protocol("cloudformation")
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    output = {"Stacks": [{"StackName": "s", "CreationTime": when, "StackStatus": "CREATE_COMPLETE",
                          "Outputs": [{"OutputKey": "Url", "OutputValue": "http://x/",
                                       "Description": None}],
                          "Tags": []}]}
    response = proto.response(proto.model.operation_model("DescribeStacks"), output,
                              request_id="req-1")
    assert response.status == 200 and response.headers["Content-Type"] == "text/xml"
    assert response.body.startswith(b'<DescribeStacksResponse xmlns="http://cloudformation.'
                                    b'amazonaws.com/doc/2010-05-15/"><DescribeStacksResult>')
    answer = parsed("cloudformation", "DescribeStacks", response.body)
    stack = answer["Stacks"][0]
    assert stack["StackName"] == "s" and stack["CreationTime"] == when
    assert stack["Outputs"] == [{"OutputKey": "Url", "OutputValue": "http://x/"}]
    assert answer["ResponseMetadata"]["RequestId"] == "req-1"


def test_errors_say_who_is_at_fault_and_carry_the_request_id():
    proto = protocol("cloudformation")
    sender = proto.error_response(AwsError("no", code="ValidationError", status=400),
                                  request_id="req-2")
    error = parsed("cloudformation", "DescribeStacks", sender.body, 400)
    assert sender.status == 400
    assert error["Error"] == {"Type": "Receiver", "Code": "ValidationError", "Message": "no"}
    assert error["ResponseMetadata"]["RequestId"] == "req-2"


def test_an_error_takes_its_status_from_the_model():
    proto = protocol("cloudformation")
    response = proto.error_response(AwsError("gone", code="ChangeSetNotFound", status=400))
    assert response.status == 404


def test_the_edge_validation_error_takes_the_services_code():
    proto = protocol("sts")
    response = proto.error_response(ValidationError("1 validation error detected: …"))
    error = parsed("sts", "GetCallerIdentity", response.body, 400)["Error"]
    assert error["Code"] == "ValidationError" and error["Type"] == "Sender"
