"""Names CloudFormation would give: stack names and ids, generated physical names."""
from __future__ import annotations

import base64
import hashlib
import re
import uuid

from fogbank.types import Resource, partition_for

_SUFFIX_LEN = 12


def stack_name_for(directory_name: str) -> str:
    """A valid stack name ([A-Za-z][-A-Za-z0-9]*, at most 128) from a directory name."""
    name = re.sub(r"[^A-Za-z0-9-]+", "-", directory_name).strip("-")
    name = re.sub(r"-{2,}", "-", name)
    if not name or not name[0].isalpha():
        name = f"stack-{name}".rstrip("-")
    return name[:128]


def stack_id_for(stack_name: str, region: str, account_id: str) -> str:
    # Derived, not random: the same app keeps its stack id across restarts.
    stack_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"fogbank:{region}:{account_id}:{stack_name}")
    return f"arn:{partition_for(region)}:cloudformation:{region}:{account_id}:stack/{stack_name}/{stack_uuid}"


def url_suffix_for(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def name_suffix(stack_name: str, logical_id: str) -> str:
    """12 upper-case alphanumerics, the same for the same stack and logical id."""
    digest = hashlib.sha256(f"{stack_name}/{logical_id}".encode()).digest()
    return base64.b32encode(digest).decode()[:_SUFFIX_LEN]


def physical_name(res: Resource, max_len: int = 64) -> str:
    """`<stack>-<LogicalId>-<SUFFIX>` as CloudFormation names unnamed resources.

    Like CloudFormation, the stack name and logical id are shortened to fit `max_len`;
    the suffix keeps the name unique.
    """
    suffix = name_suffix(res.stack_name, res.logical_id)
    room = max_len - len(suffix) - 2
    if room < 2:
        return suffix[:max_len]
    stack, logical = res.stack_name, res.logical_id
    if len(stack) + len(logical) > room:
        stack_room = max(1, min(len(stack), room // 2))
        logical_room = room - stack_room
        if len(logical) < logical_room:
            stack_room = room - len(logical)
        stack, logical = stack[:stack_room], logical[:room - stack_room]
    return f"{stack}-{logical}-{suffix}"
