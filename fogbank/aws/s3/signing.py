"""SigV4 verification for what a browser or curl sends without an SDK: presigned URLs
(query-string authentication) and presigned POST policies. Header-signed requests are not
verified, but one signed for another region than its bucket's is refused as S3 does.

The secret is looked up by access key (`secret_for`); locally every key has one (default
"test"). Expiry is enforced against the clock passed in. Errors carry S3's codes, messages
and extra members (StringToSign, CanonicalRequest, …) so a client can see what differed.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Callable
from urllib.parse import quote, unquote_plus, urlsplit

from botocore.auth import HmacV1Auth

from fogbank.wire import WireRequest
from fogbank.objects.errors import AccessDenied, InvalidArgument, S3Error

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_EXPIRES_S = 604800                  # a week: SigV4's limit for a presigned URL
MAX_SKEW_S = 900                        # how far a signed request's time may be from S3's
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_QUERY_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date",
                 "X-Amz-SignedHeaders", "X-Amz-Expires")

SecretFor = Callable[[str], str]
Clock = Callable[[], float]


class AuthorizationQueryParametersError(S3Error):
    code = "AuthorizationQueryParametersError"
    status = 400


class AuthorizationHeaderMalformed(S3Error):
    code = "AuthorizationHeaderMalformed"
    status = 400


class RequestTimeTooSkewed(S3Error):
    code = "RequestTimeTooSkewed"
    status = 403
    default_message = ("The difference between the request time and the current time is too "
                       "large.")


class SignatureDoesNotMatch(S3Error):
    code = "SignatureDoesNotMatch"
    status = 403
    default_message = ("The request signature we calculated does not match the signature you "
                       "provided. Check your key and signing method.")


@dataclass(frozen=True)
class Credential:
    access_key: str
    date: str                   # yyyymmdd
    region: str
    service: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"

    @classmethod
    def parse(cls, text: str) -> Credential:
        parts = text.split("/")
        if len(parts) != 5 or parts[4] != "aws4_request":
            raise AuthorizationQueryParametersError(
                "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
                "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
        return cls(*parts[:4])


def signing_key(secret: str, credential: Credential) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (credential.date, credential.region, credential.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def is_presigned(request: WireRequest) -> bool:
    return request.query_value("X-Amz-Signature") is not None or \
        request.query_value("X-Amz-Credential") is not None


def signing_region(bucket_region: str) -> str:
    """The region a request for a bucket must be signed for ("EU" is eu-west-1's old name)."""
    return "eu-west-1" if bucket_region == "EU" else bucket_region


def signed_region(request: WireRequest) -> str | None:
    """The region a SigV4 request is signed for (Authorization header or presigned URL);
    None for an unsigned or Signature Version 2 request, or an unreadable credential."""
    header = request.header("authorization") or ""
    credential = request.query_value("X-Amz-Credential")
    if header.startswith(ALGORITHM + " "):
        for part in header[len(ALGORITHM):].split(","):
            key, _, value = part.strip().partition("=")
            if key == "Credential":
                credential = value
    fields = (credential or "").split("/")
    return fields[2] if len(fields) == 5 else None


_V4_PARTS = ("Credential", "SignedHeaders", "Signature")


def check_authorization(request: WireRequest, now: float) -> None:
    """What S3 refuses of an Authorization header before it looks at any signature: a scheme
    it does not know, a SigV2 or SigV4 header missing its parts, a signed request without a
    date it can read or from more than 15 minutes away. A blank header is no credentials."""
    header = (request.header("authorization") or "").strip()
    if not header:
        return
    scheme, _, rest = header.partition(" ")
    if scheme == "AWS":
        if ":" not in rest:
            raise InvalidArgument("AWS authorization header is invalid.  Expected "
                                  "AwsAccessKeyId:signature", ArgumentName="Authorization",
                                  ArgumentValue=header)
    elif scheme == ALGORITHM:
        parts = dict(part.strip().partition("=")[::2] for part in rest.split(","))
        if any(not parts.get(name) for name in _V4_PARTS):
            raise AuthorizationHeaderMalformed(
                "The authorization header is malformed; the authorization header requires "
                "three components: Credential, SignedHeaders, and Signature.")
        fields = parts["Credential"].split("/")
        if len(fields) != 5 or fields[4] != "aws4_request":
            raise AuthorizationHeaderMalformed(
                "The authorization header is malformed; the Credential is mal-formed; "
                'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
    else:
        raise InvalidArgument("Unsupported Authorization Type", ArgumentName="Authorization",
                              ArgumentValue=header)
    # x-amz-date, when sent (even empty), is the request's time; else the Date header.
    sent = request.header("x-amz-date")
    sent = request.header("date") if sent is None else sent
    signed_at = _request_time(sent or "")
    if signed_at is None or signed_at < 0:         # none, or from before the epoch
        raise AccessDenied("AWS authentication requires a valid Date or x-amz-date header")
    if abs(now - signed_at) > MAX_SKEW_S:
        raise RequestTimeTooSkewed(extra={"RequestTime": sent, "ServerTime": _iso(now),
                                          "MaxAllowedSkewMilliseconds": MAX_SKEW_S * 1000})


def _request_time(text: str) -> float | None:
    """A signed request's time: SigV4's basic ISO 8601 or an HTTP date; None when neither."""
    try:
        return dt.datetime.strptime(text.strip(), DATE_FORMAT).replace(
            tzinfo=dt.timezone.utc).timestamp()
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=when.tzinfo or dt.timezone.utc).timestamp()


def check_header_region(request: WireRequest, expected: str) -> None:
    """A request signed in its Authorization header for another region than its bucket's:
    S3 names the right one (SDKs read `Region` and sign again for it)."""
    if not (request.header("authorization") or "").startswith(ALGORITHM + " "):
        return
    region = signed_region(request)
    if region is not None and region != expected:
        raise AuthorizationHeaderMalformed(
            f"The authorization header is malformed; the region '{region}' is wrong; "
            f"expecting '{expected}'", extra={"Region": expected})


def verify_presigned(request: WireRequest, raw_query: str, secret_for: SecretFor,
                     now: float, *, region: str | None = None) -> Credential:
    """Checks a presigned URL's signature and expiry, and (when given) that it was signed
    for `region`, its bucket's; returns who signed it."""
    values = {name: request.query_value(name) for name in _QUERY_PARAMS}
    if any(value is None for value in values.values()):
        raise AuthorizationQueryParametersError(
            "Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
            "X-Amz-Expires parameters.")
    if values["X-Amz-Algorithm"] != ALGORITHM:
        raise AuthorizationQueryParametersError(
            "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
    credential = Credential.parse(values["X-Amz-Credential"])
    if region is not None and credential.region != region:
        raise AuthorizationQueryParametersError(
            f"Error parsing the X-Amz-Credential parameter; the region '{credential.region}' "
            f"is wrong; expecting '{region}'", extra={"Region": region})
    signed_at = _parse_date(values["X-Amz-Date"])
    expires = _parse_expires(values["X-Amz-Expires"])
    if now < signed_at - MAX_SKEW_S:       # S3 tolerates 15 minutes of clock skew
        raise AccessDenied("Request is not valid yet")
    if now > signed_at + expires:
        raise AccessDenied("Request has expired", extra={
            "X-Amz-Expires": str(expires),
            "Expires": _iso(signed_at + expires), "ServerTime": _iso(now)})
    canonical = canonical_request(request, raw_query, values["X-Amz-SignedHeaders"])
    string_to_sign = "\n".join([ALGORITHM, values["X-Amz-Date"], credential.scope,
                                hashlib.sha256(canonical.encode()).hexdigest()])
    expected = sign(signing_key(secret_for(credential.access_key), credential), string_to_sign)
    if not hmac.compare_digest(expected, values["X-Amz-Signature"]):
        raise SignatureDoesNotMatch(extra={
            "AWSAccessKeyId": credential.access_key, "StringToSign": string_to_sign,
            "SignatureProvided": values["X-Amz-Signature"], "CanonicalRequest": canonical})
    signed = set(values["X-Amz-SignedHeaders"].lower().split(";"))
    unsigned = sorted(name for name in request.headers if name.startswith("x-amz-")
                      and name not in signed and name not in _BODY_FRAMING)
    if unsigned:
        # A presigned URL vouches only for the headers it names; S3 refuses x-amz-* others.
        raise AccessDenied("There were headers present in the request which were not signed",
                           extra={"HeadersNotSigned": ", ".join(unsigned)})
    return credential


# Headers describing how the body is framed, which a presigned PUT may carry unsigned: S3
# never asks x-amz-content-sha256 to be signed, and Fogbank takes the aws-chunked pair too
# (a streamed upload to a presigned URL declares its length and trailer in them).
_BODY_FRAMING = frozenset({"x-amz-content-sha256", "x-amz-decoded-content-length",
                           "x-amz-trailer"})


def canonical_request(request: WireRequest, raw_query: str, signed_headers: str) -> str:
    pairs = []
    for part in raw_query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        key, value = unquote_plus(key), unquote_plus(value)
        if key != "X-Amz-Signature":
            pairs.append((_encode(key), _encode(value)))
    names = [name for name in signed_headers.lower().split(";") if name]
    headers = "".join(f"{name}:{' '.join((request.header(name) or '').split())}\n"
                      for name in names)
    payload = request.query_value("X-Amz-Content-Sha256") or UNSIGNED_PAYLOAD
    return "\n".join([request.method, request.raw_path,
                      "&".join(f"{k}={v}" for k, v in sorted(pairs)),
                      headers, ";".join(names), payload])


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def _parse_date(text: str) -> float:
    try:
        return dt.datetime.strptime(text, DATE_FORMAT).replace(tzinfo=dt.timezone.utc).timestamp()
    except ValueError:
        raise AuthorizationQueryParametersError(
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"") from None


def _parse_expires(text: str) -> int:
    try:
        expires = int(text)
    except ValueError:
        raise AuthorizationQueryParametersError(
            "X-Amz-Expires should be a number") from None
    if expires < 0:
        raise AuthorizationQueryParametersError("X-Amz-Expires must be non-negative")
    if expires > MAX_EXPIRES_S:
        raise AuthorizationQueryParametersError(
            "X-Amz-Expires must be less than a week (in seconds); that is, the given "
            f"X-Amz-Expires must be less than {MAX_EXPIRES_S} seconds")
    return expires


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- Signature Version 2
# boto3 still presigns with it for us-east-1 (`AWSAccessKeyId`, `Signature`, `Expires`), and
# S3 accepts it there; HMAC-SHA1 over the verb, two headers, the expiry and the resource.

def is_presigned_v2(request: WireRequest) -> bool:
    """A Signature Version 2 query: one of its parameters is enough to be judged as one."""
    return request.query_value("AWSAccessKeyId") is not None or \
        request.query_value("Signature") is not None


_V2_QUERY_HEADERS = ("content-md5", "content-type")


def verify_presigned_v2(request: WireRequest, raw_query: str, routed_path: str,
                        secret_for: SecretFor, now: float) -> str:
    """Checks a Signature Version 2 presigned URL; returns the access key."""
    access_key = request.query_value("AWSAccessKeyId") or ""
    expires_text = request.query_value("Expires") or ""
    if not (expires_text.isdigit() and access_key and request.query_value("Signature")):
        raise AccessDenied("Query-string authentication requires the Signature, Expires and "
                           "AWSAccessKeyId parameters")
    if now > int(expires_text):
        raise AccessDenied("Request has expired", extra={
            "Expires": _iso(int(expires_text)), "ServerTime": _iso(now)})
    resource = HmacV1Auth(None).canonical_resource(
        urlsplit(f"{routed_path}?{raw_query}"), auth_path=routed_path)
    # botocore signs x-amz-* headers (x-amz-security-token, with temporary credentials),
    # Content-MD5 and Content-Type, then moves them into the query: they count from there.
    signed = {name.lower(): values[0] for name, values in request.query.items()
              if name.lower().startswith("x-amz-") or name.lower() in _V2_QUERY_HEADERS}
    signed.update((name, value) for name, value in request.headers.items()
                  if name.startswith("x-amz-") or name in _V2_QUERY_HEADERS)
    amz = "".join(f"{name}:{value.strip()}\n" for name, value in sorted(signed.items())
                  if name.startswith("x-amz-"))
    head = "\n".join([request.method, signed.get("content-md5", ""),
                      signed.get("content-type", ""), expires_text, amz])
    string_to_sign = head + resource
    given = request.query_value("Signature") or ""
    secret = secret_for(access_key)
    # botocore signs a bucket's own resource as "/bucket/" (the virtual-hosted "/" under
    # the bucket) even when the URL it builds is the path-style "/bucket".
    candidates = [string_to_sign]
    if routed_path.count("/") == 1 and len(routed_path) > 1:
        candidates.append(head + resource.replace(routed_path, routed_path + "/", 1))
    if not any(hmac.compare_digest(sign_v2(secret, text), given) for text in candidates):
        raise SignatureDoesNotMatch(extra={
            "AWSAccessKeyId": access_key, "StringToSign": string_to_sign,
            "SignatureProvided": request.query_value("Signature")})
    return access_key


def sign_v2(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()
