"""Importing an OpenAPI body: routes, integrations, CORS, mock answers."""
from __future__ import annotations

from fogbank.gateway.model import HTTP, REST, Cors
from fogbank.gateway.openapi import cors_from, import_body

URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
       "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")


def proxy(name: str, **extra) -> dict:
    return {"x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
                                                "uri": URI.format(name), **extra}}


def test_methods_any_and_default_route() -> None:
    imported = import_body("api", HTTP, {"paths": {
        "/a": {"get": proxy("one"), "x-amazon-apigateway-any-method": proxy("two"),
               "parameters": []},
        "$default": {"x-amazon-apigateway-any-method": proxy("three")}}})
    by_key = {r.key: imported.integrations[r.integration_id] for r in imported.routes.values()}
    assert {key: i.function for key, i in by_key.items()} == {
        "GET /a": "one", "ANY /a": "two", "$default": "three"}
    assert {i.payload_version for i in by_key.values()} == {"2.0"}


def test_payload_version_defaults_per_protocol() -> None:
    body = {"paths": {"/a": {"get": proxy("one")}, "/b": {"get": proxy(
        "two", payloadFormatVersion="1.0")}}}
    http = import_body("api", HTTP, body)
    rest = import_body("api", REST, body)
    versions = sorted(i.payload_version for i in http.integrations.values())
    assert versions == ["1.0", "2.0"]
    assert {i.payload_version for i in rest.integrations.values()} == {"1.0"}


def test_operations_without_lambda_or_mock_are_skipped() -> None:
    imported = import_body("api", REST, {"paths": {"/a": {
        "get": {"x-amazon-apigateway-integration": {"type": "http_proxy",
                                                    "uri": "https://example.com"}},
        "post": {"responses": {}}}}})
    assert imported.routes == {}


def test_mock_integration_headers_and_template() -> None:
    imported = import_body("api", REST, {"paths": {"/a": {"options": {
        "x-amazon-apigateway-integration": {"type": "mock", "responses": {"default": {
            "statusCode": "200",
            "responseParameters": {"method.response.header.Access-Control-Allow-Origin":
                                   "'*'"},
            "responseTemplates": {"application/json": "{}\n"}}}}}}}})
    (integration,) = imported.integrations.values()
    assert integration.mock.status == 200
    assert integration.mock.body == b"{}"
    assert (b"access-control-allow-origin", b"*") in integration.mock.headers
    imported = import_body("api", REST, {"paths": {"/a": {"options": {
        "x-amazon-apigateway-integration": {"type": "mock", "responses": {"default": {
            "statusCode": "204",
            "responseTemplates": {"application/json": "$input.body"}}}}}}}})
    (integration,) = imported.integrations.values()
    assert (integration.mock.status, integration.mock.body) == (204, b"")


def test_cors_from_either_spelling() -> None:
    expected = Cors(allow_origins=("*",), allow_methods=("GET", "POST"),
                    allow_headers=("x-a",), expose_headers=("x-b",), max_age=5,
                    allow_credentials=True)
    assert cors_from({"AllowOrigins": ["*"], "AllowMethods": ["get", "POST"],
                      "AllowHeaders": ["x-a"], "ExposeHeaders": ["x-b"], "MaxAge": 5,
                      "AllowCredentials": True}) == expected
    assert cors_from({"allowOrigins": ["*"], "allowMethods": ["GET", "POST"],
                      "allowHeaders": ["x-a"], "exposeHeaders": ["x-b"], "maxAge": 5,
                      "allowCredentials": True}) == expected
    assert cors_from(None) is None
    imported = import_body("api", HTTP, {"paths": {}, "x-amazon-apigateway-cors": {
        "allowOrigins": ["https://a"]}, "x-amazon-apigateway-binary-media-types": ["image/png"]})
    assert imported.cors.allow_origins == ("https://a",)
    assert imported.binary_media_types == ("image/png",)
