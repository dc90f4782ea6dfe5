"""The runtime build a function runs on, named as Lambda names it: its runtime version
(INIT_START's "Runtime Version", platform.initStart's runtimeVersion) and that version's
ARN (GetFunctionConfiguration's RuntimeVersionConfig).

Lambda has many builds of a runtime over time; Fogbank has one of each, its v1. Lambda
names a build's ARN by a 64-hex-digit hash; the one here is fixed per runtime name, as
Lambda's is until the runtime is patched.
"""
from __future__ import annotations

import hashlib
import re

_NAME = re.compile(r"([a-z]+)([0-9.]+)")


def runtime_version(runtime: str) -> str:
    """"python3.12" → "python:3.12.v1"."""
    match = _NAME.fullmatch(runtime)
    language, number = match.groups() if match else (runtime, "")
    return f"{language}:{number}.v1"


def runtime_version_arn(region: str, runtime: str) -> str:
    build = hashlib.sha256(f"fogbank:{runtime}".encode()).hexdigest()
    return f"arn:aws:lambda:{region}::runtime:{build}"
