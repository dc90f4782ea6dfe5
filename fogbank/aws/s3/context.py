"""What an S3 operation handler knows about its request besides the botocore-shaped input."""
from __future__ import annotations

from dataclasses import dataclass

from fogbank.objects import Caller


@dataclass(frozen=True)
class S3Call:
    request_id: str
    region: str
    caller: Caller
    content_length: int | None = None          # the body's declared (decoded) length
    trailer_name: str | None = None            # x-amz-trailer of an aws-chunked body
    # An aws-chunked body's trailers, filled in once the body has been read.
    trailers: dict[str, str] | None = None
    endpoint: str = ""                         # scheme://host of the request, for Location
    signed_region: str | None = None           # the region a SigV4 signature names
