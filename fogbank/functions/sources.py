"""Where a package (a function's code, a layer's content) comes from: its bytes in the
request, or an object in one of the node's buckets."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable

from fogbank.types import AwsError, InvalidParameterValue

ReadObject = Callable[[str, str], Awaitable[bytes]]     # (bucket, key) → the object's bytes


@dataclass(frozen=True)
class Code:
    zip_file: bytes | None = None
    s3_bucket: str | None = None
    s3_key: str | None = None


async def package_bytes(code: Code, read_object: ReadObject) -> bytes:
    """A package's bytes: given, or read from the node's S3 (failures worded as Lambda's)."""
    if code.zip_file is not None:
        return code.zip_file
    assert code.s3_bucket and code.s3_key
    try:
        return await read_object(code.s3_bucket, code.s3_key)
    except AwsError as exc:
        raise InvalidParameterValue(f"Error occurred while GetObject. S3 Error Code: "
                                    f"{exc.code}. S3 Error Message: {exc.message}",
                                    extra={"Type": "User"}) from None
