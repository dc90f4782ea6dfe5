"""Function names as Lambda accepts them: a name, a full ARN or a partial ARN, each with
an optional `:qualifier` ($LATEST, a version number or an alias name)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from fogbank.types import REGION_PATTERN, InvalidParameterValue, ResourceNotFound

# The model's FunctionName pattern, with its parts named. A region may open a partial ARN
# ("us-east-1:123456789012:function:f"), but only when an account follows it: "my-fn-1:live"
# is a function and its alias, not region "my-fn-1" and function "live".
_REGION = REGION_PATTERN
_NAME = re.compile(
    rf"(?:arn:(?:aws[a-zA-Z-]*)?:lambda:(?:(?P<arn_region>{_REGION}):)?"
    rf"|(?P<region>{_REGION}):(?=\d{{12}}:))?"
    r"(?:(?P<account>\d{12}):)?(?:function:)?"
    r"(?P<name>[a-zA-Z0-9_.-]+)(?::(?P<qualifier>[a-zA-Z0-9_$.-]+))?")


@dataclass(frozen=True)
class FunctionRef:
    name: str
    region: str
    account_id: str
    qualifier: str | None = None

    @property
    def arn(self) -> str:
        arn = f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.name}"
        return f"{arn}:{self.qualifier}" if self.qualifier else arn


# A function's own name is at most 64 characters, though the model lets CreateFunction's
# FunctionName run to 140 for the ARN forms.
MAX_NAME = 64


def check_new_name(given: str) -> None:
    """CreateFunction with a bare name over the limit: Lambda reports the model's wording,
    but as the invalid parameter a user sent, not as a validation exception."""
    if ":" not in given and len(given) > MAX_NAME:
        raise InvalidParameterValue(
            f"1 validation error detected: Value '{given}' at 'functionName' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_NAME}",
            extra={"Type": "User"})


def function_not_found(ref: FunctionRef) -> ResourceNotFound:
    return ResourceNotFound(f"Function not found: {ref.arn}", extra={"Type": "User"})


def resolve(given: str, qualifier: str | None, *, region: str, account_id: str) -> FunctionRef:
    """The function a request names, and the qualifier it asks for (whether the function
    has it is the caller's to check); raises as Lambda does for a name it cannot serve."""
    match = _NAME.fullmatch(given)
    if match is None:       # the model's pattern check rejects these first; kept for safety
        raise function_not_found(FunctionRef(given, region, account_id))
    derived = match["qualifier"]
    if derived and qualifier and derived != qualifier:
        raise InvalidParameterValue(
            "The derived qualifier from the function name does not match the specified "
            "qualifier.", extra={"Type": "User"})
    ref = FunctionRef(match["name"], match["arn_region"] or match["region"] or region,
                      match["account"] or account_id, derived or qualifier)
    if ref.region != region:
        raise ResourceNotFound(
            f"Functions from '{ref.region}' are not reachable in this region ('{region}')",
            extra={"Type": "User"})
    if ref.account_id != account_id:
        raise function_not_found(ref)
    return ref
