"""A REST API's resource policy, evaluated for the anonymous caller of a method.

The policy is the RestApi's `Policy` (or the definition's `x-amazon-apigateway-policy`).
Only statements whose principal is everyone (`"*"`, `{"AWS": "*"}`) speak about an
anonymous caller; `execute-api:Invoke` is the one action asked about. A Resource is a
method ARN pattern, or API Gateway's shorthand `execute-api:/{stage}/{METHOD}/{path}` for
the API's own methods. Conditions are read as IAM reads them: a key the request does not
carry satisfies only a negated operator (`StringNotEquals`, `NotIpAddress` …) or one ending
in `IfExists`. The keys a request carries here: aws:SourceIp, aws:CurrentTime,
aws:EpochTime, aws:UserAgent, aws:Referer and aws:SecureTransport (no VPC keys: nothing
reaches Fogbank through a VPC endpoint).

How the verdict combines with the method's authorization (app.py), as API Gateway's
authorization flow describes it: an explicit deny refuses the request before any authorizer
runs; without an authorizer the policy must allow; with a Lambda authorizer, the request
passes when either allows and neither denies.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from fogbank.gateway.errors import EXPLICIT_DENY, IMPLICIT_DENY, GatewayError
from fogbank.gateway import iam_policy
from fogbank.gateway.iam_policy import (ALLOW, MalformedPolicy, pattern, statements_of,
                                        strings)

_INVOKE = "execute-api:invoke"
_SHORTHAND = "execute-api:/"
# API Gateway's words when it refuses a PutRestApi / CreateRestApi policy.
INVALID_POLICY = ("Invalid policy document. Please check the policy syntax and ensure that "
                  "Principals are valid.")
_NEGATED = frozenset({"stringnotequals", "stringnotequalsignorecase", "stringnotlike",
                      "numericnotequals", "datenotequals", "notipaddress", "arnnotequals",
                      "arnnotlike"})


@dataclass(frozen=True)
class Caller:
    """What a request tells a policy's conditions about its caller."""

    source_ip: str
    now: float                  # epoch seconds
    user_agent: str = ""
    referer: str = ""
    secure: bool = False

    def keys(self) -> dict[str, str]:
        moment = datetime.fromtimestamp(self.now, timezone.utc)
        found = {"aws:sourceip": self.source_ip,
                 "aws:currenttime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "aws:epochtime": str(int(self.now)),
                 "aws:securetransport": "true" if self.secure else "false"}
        if self.user_agent:
            found["aws:useragent"] = self.user_agent
        if self.referer:
            found["aws:referer"] = self.referer
        return found


def check(policy: Any) -> None:
    """MalformedPolicy unless `policy` is a document this module can evaluate."""
    for statement in _statements(policy):
        _applies_to_anyone(statement)
        for operator, entries in (statement.get("Condition") or {}).items():
            _operator(str(operator))
            if not isinstance(entries, Mapping):
                raise MalformedPolicy("Condition")


def evaluate(policy: Any, arn: str, api_prefix: str, caller: Caller) -> str:
    """ALLOW, EXPLICIT_DENY or IMPLICIT_DENY for `caller` invoking the method `arn`.
    `api_prefix` is the ARN of the API itself ("arn:…:{apiId}"), what the shorthand
    resource `execute-api:/…` stands for."""
    keys = caller.keys()
    allowed = False
    for statement in _statements(policy):
        if not _applies_to_anyone(statement):
            continue
        if not _names(statement, "Action", "NotAction",
                      lambda glob: pattern(glob, False).fullmatch(_INVOKE) is not None):
            continue
        if not _names(statement, "Resource", "NotResource",
                      lambda glob: pattern(_expand(glob, api_prefix)).fullmatch(arn)
                      is not None):
            continue
        if not _conditions_hold(statement.get("Condition") or {}, keys):
            continue
        if statement["Effect"] == "Deny":
            return iam_policy.EXPLICIT_DENY
        allowed = True
    return ALLOW if allowed else iam_policy.IMPLICIT_DENY


def refusal(verdict: str, arn: str, account_id: str) -> GatewayError:
    """API Gateway's 403 for a request the policy does not let through. Its message names
    the method's ARN with all but the last four digits of the account masked."""
    masked = arn.replace(f":{account_id}:", f":{'*' * 8}{account_id[-4:]}:", 1)
    head = f"User: anonymous is not authorized to perform: execute-api:Invoke on resource: {masked}"
    if verdict == iam_policy.EXPLICIT_DENY:
        return GatewayError(EXPLICIT_DENY,
                            message=f"{head} with an explicit deny in a resource-based policy")
    return GatewayError(IMPLICIT_DENY, message=f"{head} because no resource-based policy "
                                               f"allows the execute-api:Invoke action")


def _statements(policy: Any) -> list[dict[str, Any]]:
    statements = statements_of(policy, "policy")
    for statement in statements:
        if not isinstance(statement, Mapping) or statement.get("Effect") not in ("Allow",
                                                                                 "Deny"):
            raise MalformedPolicy("Effect")
        if ("Action" in statement) == ("NotAction" in statement):
            raise MalformedPolicy("Action")
        if ("Resource" in statement) == ("NotResource" in statement):
            raise MalformedPolicy("Resource")
    return statements


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        named = principal.get("AWS")
        return named == "*" or (isinstance(named, list) and "*" in named)
    return False


def _applies_to_anyone(statement: Mapping[str, Any]) -> bool:
    """Whether the statement speaks about an anonymous caller."""
    if "Principal" in statement:
        return _everyone(statement["Principal"])
    if "NotPrincipal" in statement:
        return not _everyone(statement["NotPrincipal"])
    raise MalformedPolicy("Principal")


def _names(statement: Mapping[str, Any], member: str, negated: str,
           matches: Callable[[str], bool]) -> bool:
    if member in statement:
        return any(matches(glob) for glob in strings(statement[member], member))
    return not any(matches(glob) for glob in strings(statement[negated], negated))


def _expand(resource: str, api_prefix: str) -> str:
    if resource.startswith(_SHORTHAND):
        return f"{api_prefix}/{resource[len(_SHORTHAND):]}"
    return resource


def _operator(name: str) -> tuple[str, bool]:
    """(base operator, lower-cased; whether it ends in IfExists)."""
    base = name.split(":", 1)[1] if name.startswith(("ForAnyValue:", "ForAllValues:")) else name
    if_exists = base.endswith("IfExists")
    base = base[:-len("IfExists")] if if_exists else base
    if base.lower() not in _TESTS and base.lower() != "null":
        raise MalformedPolicy("Condition")
    return base.lower(), if_exists


def _conditions_hold(block: Mapping[str, Any], keys: Mapping[str, str]) -> bool:
    for operator, entries in block.items():
        base, if_exists = _operator(str(operator))
        for key, expected in entries.items():
            values = [str(v).lower() if isinstance(v, bool) else str(v)
                      for v in (expected if isinstance(expected, list) else [expected])]
            actual = keys.get(str(key).lower())
            if base == "null":
                if (actual is None) != (values[0].lower() == "true"):
                    return False
                continue
            if actual is None:
                if not (if_exists or base in _NEGATED):
                    return False
                continue
            hit = any(_TESTS[base](actual, value) for value in values)
            if hit == (base in _NEGATED):
                return False
    return True


def _moment(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp()


def _compare(parse: Callable[[str], float | None], test: Callable[[float, float], bool]
             ) -> Callable[[str, str], bool]:
    def run(actual: str, expected: str) -> bool:
        a, e = parse(actual), parse(expected)
        return a is not None and e is not None and test(a, e)
    return run


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _in_network(actual: str, expected: str) -> bool:
    try:
        return ipaddress.ip_address(actual) in ipaddress.ip_network(expected, strict=False)
    except ValueError:
        return False


_ORDER: dict[str, Callable[[float, float], bool]] = {
    "equals": lambda a, e: a == e, "notequals": lambda a, e: a == e,
    "lessthan": lambda a, e: a < e, "lessthanequals": lambda a, e: a <= e,
    "greaterthan": lambda a, e: a > e, "greaterthanequals": lambda a, e: a >= e}
# Each test says whether the value matches; a negated operator's is its positive form's.
_TESTS: dict[str, Callable[[str, str], bool]] = {
    "stringequals": lambda a, e: a == e, "stringnotequals": lambda a, e: a == e,
    "stringequalsignorecase": lambda a, e: a.lower() == e.lower(),
    "stringnotequalsignorecase": lambda a, e: a.lower() == e.lower(),
    "stringlike": lambda a, e: pattern(e).fullmatch(a) is not None,
    "stringnotlike": lambda a, e: pattern(e).fullmatch(a) is not None,
    "arnequals": lambda a, e: a == e, "arnnotequals": lambda a, e: a == e,
    "arnlike": lambda a, e: pattern(e).fullmatch(a) is not None,
    "arnnotlike": lambda a, e: pattern(e).fullmatch(a) is not None,
    "bool": lambda a, e: a.lower() == e.lower(),
    "ipaddress": _in_network, "notipaddress": _in_network,
    **{f"numeric{name}": _compare(_number, test) for name, test in _ORDER.items()},
    **{f"date{name}": _compare(_moment, test) for name, test in _ORDER.items()},
}
