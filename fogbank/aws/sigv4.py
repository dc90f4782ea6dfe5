"""SigV4 as the SDK edge reads it: who signed, for which region and service.

Signatures are not verified yet (any credentials are accepted until the identity engine
lands), but a malformed `Authorization` header is refused with the error AWS gives, so
hand-written clients fail here exactly as they would against AWS.
"""
from __future__ import annotations

from dataclasses import dataclass

from fogbank.aws.errors import IncompleteSignature
from fogbank.wire import WireRequest

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
_REQUIRED = ("Credential", "Signature", "SignedHeaders")


@dataclass(frozen=True)
class CredentialScope:
    access_key: str
    date: str
    region: str
    service: str


def credential_scope(request: WireRequest) -> CredentialScope | None:
    """The scope a request was signed with; None when it is not signed at all."""
    header = request.header("authorization")
    if header is not None:
        return _from_header(header, request)
    presigned = request.query_value("X-Amz-Credential")
    if presigned is not None:
        return _parse_credential(presigned)
    return None


def _from_header(header: str, request: WireRequest) -> CredentialScope:
    algorithm, _, rest = header.strip().partition(" ")
    params: dict[str, str] = {}
    if algorithm == ALGORITHM:
        for part in (p.strip() for p in rest.split(",")):
            if not part:
                continue
            key, eq, value = part.partition("=")
            if not eq:
                raise IncompleteSignature(
                    f"'{part}' not a valid key=value pair (missing equal-sign) in "
                    f"Authorization header: '{header}'.")
            params[key.strip()] = value.strip()
    problems = [f"Authorization header requires '{name}' parameter."
                for name in _REQUIRED if not params.get(name)]
    if problems and not (request.header("x-amz-date") or request.header("date")):
        problems.append("Authorization header requires existence of either a "
                        "'X-Amz-Date' or a 'Date' header.")
    if problems:
        raise IncompleteSignature(" ".join(problems) + f" Authorization={header}")
    return _parse_credential(params["Credential"])


def _parse_credential(credential: str) -> CredentialScope:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != TERMINATOR:
        raise IncompleteSignature(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', "
            f"not '{parts[-1]}'.")
    access_key, date, region, service, _ = parts
    return CredentialScope(access_key, date, region, service)
