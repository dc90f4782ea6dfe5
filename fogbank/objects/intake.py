"""Taking in one body (PutObject, UploadPart): store it while hashing, then check what the
client declared — length, Content-MD5, checksum (perhaps from a trailer) — and throw the
stored bytes away if any check fails."""
from __future__ import annotations

from dataclasses import dataclass

from fogbank.objects import checksums, errors
from fogbank.objects.checksums import Digests
from fogbank.objects.model import Body, Checksum, ChecksumSpec
from fogbank.objects.storage import StoredBody
from fogbank.objects.store import Store


@dataclass(frozen=True)
class Received:
    body: StoredBody
    size: int
    md5: bytes                  # the body's; its ETag is made from it (encryption.py)
    checksum: Checksum | None


def precheck(content_md5: str | None, checksum: ChecksumSpec | None) -> str | None:
    """Reject malformed digests before reading a byte; the checksum algorithm to compute."""
    if content_md5 is not None:
        checksums.parse_md5(content_md5)
    if checksum is None:
        return None
    algorithm = checksums.check_algorithm(checksum.algorithm)
    if checksum.declared is not None and checksum.declared != algorithm:
        # A value of one algorithm sent as another's: S3 blames the declaring header.
        raise errors.InvalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid.")
    if isinstance(checksum.value, str):
        checksums.check_value(algorithm, checksum.value)
    return algorithm


async def receive(store: Store, body: Body, *, content_md5: str | None,
                  checksum: ChecksumSpec | None, content_length: int | None, max_size: int,
                  inline: bool = True) -> Received:
    algorithm = precheck(content_md5, checksum)
    digests = Digests(algorithm)
    stored = await store.receive(body, digests, max_size=max_size, inline=inline)
    try:
        if content_length is not None and digests.size != content_length:
            raise errors.IncompleteBody()
        checksums.verify_md5(content_md5, digests.md5())
        computed = None
        if digests.checksum is not None and algorithm is not None:
            expected = checksum.value() if callable(checksum.value) else checksum.value
            if expected is not None:
                checksums.check_value(algorithm, expected)
            computed = digests.checksum.value()
            checksums.verify_checksum(algorithm, expected, computed)
    except BaseException:
        await store.discard(stored)
        raise
    found = Checksum(algorithm, computed) if algorithm and computed else None
    return Received(stored, digests.size, digests.md5(), found)
