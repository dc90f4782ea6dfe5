"""HTTP APIs' JWT authorizers, deployed from SAM templates, against a tiny OIDC issuer run
by the test (an HTTP server publishing a generated RSA key)."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

AUDIENCE = "my-client"


class Issuer:
    """Serves /.well-known/openid-configuration and its JWKS; signs tokens."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.requests: list[str] = []
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:          # noqa: N802 (http.server's name)
                issuer.requests.append(self.path)
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": issuer.url + "/keys"}
                elif self.path == "/keys":
                    jwk = json.loads(RSAAlgorithm.to_jwk(issuer.key.public_key()))
                    body = {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, key=None, kid: str = "k1", **claims) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "aud": AUDIENCE, "sub": "user-1", "iat": now,
                   "exp": now + 600, **claims}
        payload = {name: value for name, value in payload.items() if value is not None}
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    server = Issuer()
    yield server
    server.server.shutdown()


@pytest.fixture
def api(gateway, deploy_sam, sam_function, echo, issuer):
    gateway.runtime.handlers.update(fn=echo)
    stack = deploy_sam({
        "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {"Auth": {
            "Authorizers": {"Jwt": {"JwtConfiguration": {"issuer": issuer.url,
                                                         "audience": [AUDIENCE]},
                                    "IdentitySource": "$request.header.Authorization"}},
            "DefaultAuthorizer": "Jwt"}}},
        "Fn": sam_function({
            "Me": {"Type": "HttpApi", "Properties": {"ApiId": {"Ref": "Api"}, "Path": "/me",
                                                     "Method": "GET"}},
            "Admin": {"Type": "HttpApi", "Properties": {
                "ApiId": {"Ref": "Api"}, "Path": "/admin", "Method": "GET",
                "Auth": {"Authorizer": "Jwt", "AuthorizationScopes": ["admin", "root"]}}},
            "Open": {"Type": "HttpApi", "Properties": {
                "ApiId": {"Ref": "Api"}, "Path": "/open", "Method": "GET",
                "Auth": {"Authorizer": "NONE"}}}}),
    })
    api_id = stack.api_id("Api")
    return lambda path, token=None: gateway.request(
        "GET", gateway.url(api_id, path=path),
        headers={"Authorization": token} if token is not None else {})


def test_a_valid_token_reaches_the_function_with_its_claims(api, gateway, issuer) -> None:
    r = api("/me", "Bearer " + issuer.token(groups=["a", "b"], n=5, admin=True))
    assert r.status_code == 200
    claims = gateway.runtime.event["requestContext"]["authorizer"]["jwt"]["claims"]
    # Claims reach the function as API Gateway writes them: strings.
    assert claims["sub"] == "user-1" and claims["aud"] == AUDIENCE
    assert claims["groups"] == "[a b]" and claims["n"] == "5" and claims["admin"] == "true"
    assert claims["exp"].isdigit()
    assert gateway.runtime.event["requestContext"]["authorizer"]["jwt"]["scopes"] is None
    assert api("/me", issuer.token()).status_code == 200        # "Bearer " is optional


def test_keys_are_fetched_once(api, issuer) -> None:
    issuer.requests.clear()
    api("/me", issuer.token())
    api("/me", issuer.token())
    assert issuer.requests == ["/.well-known/openid-configuration", "/keys"]


def test_route_scopes(api, gateway, issuer) -> None:
    r = api("/admin", issuer.token(scope="read write"))
    assert (r.status_code, r.json()) == (403, {"message": "Forbidden"})
    r = api("/admin", issuer.token(scope="read root"))
    assert r.status_code == 200
    assert gateway.runtime.event["requestContext"]["authorizer"]["jwt"]["scopes"] == [
        "read", "root"]


def test_open_route_needs_no_token(api, gateway) -> None:
    assert api("/open").status_code == 200
    assert "authorizer" not in gateway.runtime.event["requestContext"]


def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize("make, description", [
    (lambda i: None, None),                                         # no Authorization
    (lambda i: "", None),
    (lambda i: "Bearer not-a-jwt", ""),
    (lambda i: i.token(exp=int(time.time()) - 10), "the token has expired"),
    (lambda i: i.token(aud="someone-else"), "the token does not have a valid audience"),
    (lambda i: i.token(iss="https://elsewhere.example"), ""),
    (lambda i: i.token(key=other_key()), ""),                       # signed by another key
    (lambda i: i.token(kid="unknown"), ""),
    (lambda i: i.token(nbf=int(time.time()) + 600), ""),
])
def test_refused_tokens_are_401(api, gateway, issuer, make, description) -> None:
    r = api("/me", make(issuer))
    assert (r.status_code, r.json()) == (401, {"message": "Unauthorized"})
    if description is None:
        assert "www-authenticate" not in r.headers
    else:
        challenge = 'Bearer scope="" error="invalid_token"'
        if description:
            challenge += f' error_description="{description}"'
        assert r.headers["www-authenticate"] == challenge
    assert gateway.runtime.calls == []
