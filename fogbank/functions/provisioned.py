"""Provisioned concurrency configs of functions made through the Lambda API: which
qualifiers take one, the limits Lambda holds them to, and the errors it answers with.

A config belongs to a published version or an alias (never $LATEST). An alias's config
provisions the version it points at, so a version and an alias of it never both have one.
Provisioned concurrency comes out of the function's reserved concurrency if it has some,
else out of the account's unreserved concurrency.
"""
from __future__ import annotations

import re

from fogbank.functions.errors import ResourceConflict
from fogbank.functions.records import FunctionRecord
from fogbank.types import LATEST, AwsError, InvalidParameterValue, ResourceNotFound

# What Lambda takes for an alias's name: anything but a number.
ALIAS_NAME = re.compile(r"(?!\d+$)[a-zA-Z0-9_-]+")


class ProvisionedConfigNotFound(AwsError):
    code = "ProvisionedConcurrencyConfigNotFoundException"
    status = 404
    sender_fault = True


def checked_qualifier(qualifier: str | None, *, put: bool) -> str:
    """The qualifier a config is asked of; $LATEST (or none) is refused as Lambda words it,
    before the function is looked for."""
    if not qualifier or qualifier == LATEST:
        message = ("Provisioned Concurrency Configs cannot be applied to unpublished function "
                   "versions." if put else
                   "The function resource provided must be an alias or a published version.")
        raise InvalidParameterValue(message, extra={"Type": "User"})
    return qualifier


def target_missing(function_arn: str, qualifier: str) -> ResourceNotFound:
    """A function, or the version or alias of it, that is not there: Lambda names a
    qualifier that could be an alias as a missing alias, whether or not the function is."""
    if ALIAS_NAME.fullmatch(qualifier):
        message = f"Cannot find alias arn: {function_arn}:{qualifier}"
    else:
        message = f"Function not found: {function_arn}:{qualifier}"
    return ResourceNotFound(message, extra={"Type": "User"})


def config_missing() -> ProvisionedConfigNotFound:
    return ProvisionedConfigNotFound("No Provisioned Concurrency Config found for this "
                                     "function", extra={"Type": "User"})


def check_put(record: FunctionRecord, qualifier: str, requested: int, *, limit: int,
              claimed_elsewhere: int, min_unreserved: int) -> None:
    """Lambda's checks on a new config of `qualifier` (which the function has).

    `limit` is the account's concurrency; `claimed_elsewhere` what the other functions hold
    of it (their reservations, else their provisioned concurrency)."""
    others = sum(p.requested for q, p in record.provisioned.items() if q != qualifier)
    reserved = record.reserved_concurrency
    if reserved is not None:
        if others + requested > reserved:
            raise InvalidParameterValue("Requested Provisioned Concurrency should not be "
                                        "greater than the reservedConcurrentExecution for "
                                        "function", extra={"Type": "User"})
    else:
        # Lambda gives these two no Type, as for reserved concurrency.
        if requested > limit:
            raise InvalidParameterValue(
                "Specified ConcurrentExecutions for function is greater than account's "
                f"unreserved concurrency [{limit}].", extra={"Type": None})
        if limit - claimed_elsewhere - others - requested < min_unreserved:
            raise InvalidParameterValue(
                "Specified ConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{min_unreserved}].",
                extra={"Type": None})
    alias = record.aliases.get(qualifier)
    if alias is not None and alias.version in record.provisioned:
        raise ResourceConflict("Alias can't be used for Provisioned Concurrency configuration "
                               "on an already Provisioned version", extra={"Type": "User"})
    if alias is None and any(a.version == qualifier and name in record.provisioned
                             for name, a in record.aliases.items()):
        raise ResourceConflict("Version is pointed by a Provisioned Concurrency alias",
                               extra={"Type": "User"})
