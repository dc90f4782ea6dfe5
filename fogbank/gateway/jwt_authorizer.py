"""HTTP APIs' JWT authorizers: a bearer token checked against its issuer's keys.

The token is the identity source's value (usually the Authorization header), with or
without a "Bearer " prefix. It must be signed with an RSA key from the issuer's JWKS (found
through `{issuer}/.well-known/openid-configuration`, fetched once and again when a token
names a key not seen yet), carry `iss` equal to the issuer, `aud` — or, without one,
`client_id` — among the audiences, and be inside its `exp` / `nbf` / `iat` times. A route
with AuthorizationScopes needs a token whose `scope` (or `scp`) holds one of them: 403
otherwise. Any other failure is 401 with API Gateway's `www-authenticate` header. Claims
reach the integration as strings, formatted as API Gateway formats them (numbers in full,
lists as "[a b]").
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable, Mapping

import httpx
import jwt
from jwt.algorithms import RSAAlgorithm

from fogbank.gateway.authorizers import Grant
from fogbank.gateway.errors import EXPLICIT_DENY, UNAUTHORIZED, GatewayError
from fogbank.gateway.model import Authorizer

log = logging.getLogger(__name__)

_ALGORITHMS = ["RS256", "RS384", "RS512"]       # API Gateway accepts RSA signatures only
_FETCH_TIMEOUT_S = 5.0


class _InvalidToken(Exception):
    """`description` is the error_description API Gateway gives, "" when it gives none
    that is known."""

    def __init__(self, description: str = "") -> None:
        super().__init__(description)
        self.description = description


class JwtAuthorizers:
    """Checks tokens; keeps each issuer's keys. `fetch` gets a URL's JSON (tests and
    node.py may pass their own); `clock` gives epoch seconds."""

    def __init__(self, fetch: Callable[[str], Any] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._fetch = fetch or _fetch_json
        self._clock = clock
        self._keys: dict[str, dict[str, Any]] = {}        # issuer → kid → public key

    async def grant(self, authorizer: Authorizer, token: str,
                    route_scopes: tuple[str, ...]) -> Grant:
        try:
            claims = await self._verify(authorizer, token)
        except _InvalidToken as exc:
            raise GatewayError(UNAUTHORIZED, _challenge(route_scopes, exc.description)) from None
        granted = _token_scopes(claims)
        if route_scopes and not set(route_scopes) & set(granted):
            raise GatewayError(EXPLICIT_DENY)
        return Grant(claims={name: claim_text(value) for name, value in claims.items()},
                     scopes=granted if route_scopes else None)

    async def _verify(self, authorizer: Authorizer, token: str) -> Mapping[str, Any]:
        token = token[7:].strip() if token[:7].lower() == "bearer " else token.strip()
        if not token:
            raise _InvalidToken()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise _InvalidToken() from None
        key = await self._key(authorizer.issuer, str(header.get("kid") or ""))
        if key is None or header.get("alg") not in _ALGORITHMS:
            raise _InvalidToken()
        try:
            claims = jwt.decode(token, key, algorithms=_ALGORITHMS,
                                options={"verify_aud": False, "verify_iss": False,
                                         "verify_exp": False, "verify_nbf": False,
                                         "verify_iat": False})
        except jwt.InvalidTokenError:
            raise _InvalidToken() from None
        _check_claims(authorizer, claims, self._clock())
        return claims

    async def _key(self, issuer: str, kid: str) -> Any:
        keys = self._keys.get(issuer)
        if keys is None or kid not in keys:
            try:
                keys = await self._load(issuer)
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                log.warning("JWT issuer %s: cannot read its keys (%s)", issuer, exc)
                return None
            self._keys[issuer] = keys
        return keys.get(kid)

    async def _load(self, issuer: str) -> dict[str, Any]:
        config = await self._fetch(issuer.rstrip("/") + "/.well-known/openid-configuration")
        document = await self._fetch(str(config["jwks_uri"]))
        keys = {}
        for jwk in document["keys"]:
            if jwk.get("kty") == "RSA" and jwk.get("kid"):
                keys[str(jwk["kid"])] = RSAAlgorithm.from_jwk(jwk)
        return keys


def _check_claims(authorizer: Authorizer, claims: Mapping[str, Any], now: float) -> None:
    if claims.get("iss") != authorizer.issuer:
        raise _InvalidToken()
    audiences = claims.get("aud", claims.get("client_id"))
    audiences = audiences if isinstance(audiences, list) else [audiences]
    if not set(map(str, audiences)) & set(authorizer.audience):
        raise _InvalidToken("the token does not have a valid audience")
    expires = claims.get("exp")
    if not isinstance(expires, (int, float)) or expires <= now:
        raise _InvalidToken("the token has expired")
    for early in ("nbf", "iat"):
        value = claims.get(early)
        if value is not None and (not isinstance(value, (int, float)) or value > now):
            raise _InvalidToken()


def _token_scopes(claims: Mapping[str, Any]) -> tuple[str, ...]:
    value = claims.get("scope", claims.get("scp"))
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    return ()


def _challenge(route_scopes: tuple[str, ...], description: str
               ) -> tuple[tuple[bytes, bytes], ...]:
    value = f'Bearer scope="{" ".join(route_scopes)}" error="invalid_token"'
    if description:
        value += f' error_description="{description}"'
    return ((b"www-authenticate", value.encode()),)


def claim_text(value: Any) -> str:
    """A claim as API Gateway hands it on: a string; numbers written out in full, lists as
    "[a b]", objects as "map[k:v]" (its Go formatting)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + " ".join(claim_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{claim_text(value[key])}"
                                 for key in sorted(value)) + "]"
    if value is None:
        return "<nil>"
    return str(value)


async def _fetch_json(url: str) -> Any:
    async with httpx.AsyncClient(timeout=_FETCH_TIMEOUT_S) as client:
        response = await client.get(url)
        response.raise_for_status()
        return response.json()
