"""Compressed answers: DynamoDB compresses a response of 4 KB or more with gzip or deflate
when the request's Accept-Encoding asks for one of them.

DynamoDB reads the header its own way, and clients that send odd ones see it:
- an entry's coding is its text before any ';', trimmed, in any case; an entry naming
  anything else ("x-gzip", '"gzip"', "gzip br") counts for nothing, and identity is ignored;
- its quality is the text after the entry's first "q=" (wherever that falls, even inside
  another parameter) up to the next ';', trimmed: text that is no number means 1, and the
  figure is held between 0 and 1; a coding listed twice keeps its best quality;
- "*" stands for the codings no entry names;
- the highest quality above 0 wins; at equal quality a named coding beats one "*" stands
  for, an earlier entry a later one, and gzip deflate.
"""
from __future__ import annotations

import gzip
import re
import zlib

THRESHOLD = 4096
CODINGS = ("gzip", "deflate")
_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)")


def _quality(params: str) -> float:
    start = params.find("q=")
    if start < 0:
        return 1.0
    text = params[start + 2:].split(";", 1)[0].strip()
    if not _NUMBER.fullmatch(text):
        return 1.0
    return min(1.0, max(0.0, float(text)))


def preferred_coding(header: str | None) -> str | None:
    """The coding DynamoDB would answer in, or None for an uncompressed answer."""
    named: dict[str, tuple[float, int]] = {}
    star: float | None = None
    for position, entry in enumerate((header or "").split(",")):
        coding, _, params = entry.partition(";")
        coding = coding.strip().lower()
        quality = _quality(params)
        if coding == "*" and star is None:
            star = quality
        elif coding in CODINGS:
            best = named.get(coding)
            if best is None or quality > best[0]:
                named[coding] = (quality, best[1] if best else position)
    ranked = []
    for order, coding in enumerate(CODINGS):
        if coding in named:
            quality, position = named[coding]
            rank = (quality, 1, -position)
        elif star is not None:
            rank = (star, 0, -order)
        else:
            continue
        if rank[0] > 0:
            ranked.append((rank, coding))
    return max(ranked)[1] if ranked else None


def compressed(accept_encoding: str | None, body: bytes) -> tuple[str, bytes] | None:
    """(coding, compressed body) when DynamoDB would compress `body` for this request."""
    if len(body) < THRESHOLD:
        return None
    coding = preferred_coding(accept_encoding)
    if coding == "gzip":
        return coding, gzip.compress(body, mtime=0)
    if coding == "deflate":
        return coding, zlib.compress(body)
    return None
