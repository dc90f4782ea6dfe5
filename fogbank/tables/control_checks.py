"""The request validator's checks on control-plane requests that the wire layer leaves to
the engine (it checks top-level members only): CreateTable's nested members, tags and
TimeToLiveSpecification, each problem in AWS's "Value … at '…' failed to satisfy
constraint" form."""
from __future__ import annotations

import unicodedata
from typing import Any, Mapping

from fogbank.tables.errors import ValidationException
from fogbank.tables.validation import check_enum, check_table_name, constraint_error, name_problems

MAX_TAGS = 50                      # DynamoDB's tags per resource
MAX_KEY_NAME = 255                 # characters in a key attribute's name
# AWS's tag character set: letters, spaces and numbers in any script, and these symbols
# (DynamoDB's guide lists all but "@", which AWS's common tagging pattern allows).
TAG_SYMBOLS = "_.:/=+-@"
TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]"


def checked_tags(given: list[Mapping[str, str]]) -> dict[str, str]:
    # A missing key or value is DynamoDB's own check, worded by hand, before the others.
    for tag in given:
        for member in ("Key", "Value"):
            if tag.get(member) is None:
                raise ValidationException(f"The Tag {member} provided is invalid, {member}: null")
    problems = [p for number, tag in enumerate(given, start=1) for p in _tag_problems(number, tag)]
    if problems:
        raise constraint_error(problems)
    tags: dict[str, str] = {}
    for tag in given:
        key = tag["Key"]
        if key.startswith("aws:"):
            raise ValidationException(f"Tag Key cannot be prefixed with aws:, Key: {key}")
        if key in tags:
            raise ValidationException("Duplicate Tag Keys provided as input: Duplicate Tag "
                                      f"Key found {key}")
        tags[key] = tag["Value"]
    return tags


def _tag_problems(number: int, tag: Mapping[str, str]) -> list[str]:
    """The request validator's checks on one tag (the wire layer checks top-level members
    only): lengths in characters, and the characters AWS allows in tags."""
    problems = []
    for member, low, high, pattern in (("Key", 1, 128, TAG_PATTERN + "+"),
                                       ("Value", 0, 256, TAG_PATTERN + "*")):
        text = tag[member]
        where = f"tags.{number}.member.{member.lower()}"
        if len(text) < low:
            problems.append(f"Value '{text}' at '{where}' failed to satisfy constraint: Member "
                            f"must have length greater than or equal to {low}")
        if len(text) > high:
            problems.append(f"Value '{text}' at '{where}' failed to satisfy constraint: Member "
                            f"must have length less than or equal to {high}")
        if not all(_tag_char(c) for c in text):
            problems.append(f"Value '{text}' at '{where}' failed to satisfy constraint: Member "
                            f"must satisfy regular expression pattern: {pattern}")
    return problems


def _tag_char(char: str) -> bool:
    # Unicode letters, separators (spaces) and numbers, as AWS's \p{L}\p{Z}\p{N}; plus the
    # few symbols tags allow. A tab or newline is whitespace but not a separator.
    return unicodedata.category(char)[0] in "LZN" or char in TAG_SYMBOLS


def check_tag_count(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise ValidationException("Number of Tags exceed the current limit for the provided ResourceArn")
    return tags


def check_ttl_spec(spec: Mapping[str, Any]) -> None:
    """The request validator's checks on TimeToLiveSpecification's members."""
    where = "timeToLiveSpecification"
    problems = [_null(spec, "Enabled", where), _null(spec, "AttributeName", where)]
    name = spec.get("AttributeName")
    if name is not None and len(name) > 255:
        problems.append(f"Value '{name}' at '{where}.attributeName' failed to satisfy "
                        "constraint: Member must have length less than or equal to 255")
    if name is not None and not name:
        problems.append(f"Value '{name}' at '{where}.attributeName' failed to satisfy "
                        "constraint: Member must have length greater than or equal to 1")
    found = [p for p in problems if p]
    if found:
        raise constraint_error(found)


TABLE_CLASSES = ("STANDARD", "STANDARD_INFREQUENT_ACCESS")


def check_table_class(params: Mapping[str, Any]) -> None:
    """CreateTable's and UpdateTable's TableClass, refused in DynamoDB's words rather than
    the request validator's enum message."""
    if params.get("TableClass") is not None and params["TableClass"] not in TABLE_CLASSES:
        raise ValidationException(
            "Invalid table-class parameter provided. Please try again with a valid "
            f"table-class value: [{', '.join(TABLE_CLASSES)}].")


def check_create_table(params: Mapping[str, Any]) -> None:
    """The request validator's checks on CreateTable's nested members (the wire layer checks
    only top-level ones): missing required members, enums and index names, in one message."""
    check_table_name(params["TableName"])
    problems = attribute_definition_problems(params.get("AttributeDefinitions") or ())
    problems += key_schema_problems(params.get("KeySchema") or (), "keySchema")
    for field in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for n, index in enumerate(params.get(field) or (), start=1):
            where = f"{field[0].lower() + field[1:]}.{n}.member"
            problems += index_problems(index, where)
    problems += throughput_problems(params.get("ProvisionedThroughput"), "provisionedThroughput")
    found = [p for p in problems if p]
    if found:
        raise constraint_error(found)


def index_action_problems(action: Mapping[str, Any], where: str) -> list[str | None]:
    """A GlobalSecondaryIndexUpdates Update or Delete: it names its index, and an Update's
    throughput, when given, both units."""
    return [_null(action, "IndexName", where),
            *throughput_problems(action.get("ProvisionedThroughput"),
                                 f"{where}.provisionedThroughput")]


def throughput_problems(throughput: Mapping[str, Any] | None, where: str) -> list[str | None]:
    """A ProvisionedThroughput, when given, names both units, each at least 1."""
    if throughput is None:
        return []
    problems: list[str | None] = []
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        value = throughput.get(member)
        field = f"{where}.{member[0].lower() + member[1:]}"
        if value is None:
            problems.append(_null(throughput, member, where))
        elif value < 1:
            problems.append(f"Value '{value}' at '{field}' failed to satisfy constraint: "
                            "Member must have value greater than or equal to 1")
    return problems


def _null(shape: Mapping[str, Any], member: str, where: str) -> str | None:
    if shape.get(member) is not None:
        return None
    return (f"Value null at '{where}.{member[0].lower() + member[1:]}' failed to satisfy "
            "constraint: Member must not be null")


def attribute_definition_problems(definitions: Any) -> list[str | None]:
    problems: list[str | None] = []
    for n, attr in enumerate(definitions, start=1):
        where = f"attributeDefinitions.{n}.member"
        problems.append(_null(attr, "AttributeName", where)
                        or _key_name_problem(attr["AttributeName"], f"{where}.attributeName"))
        problems.append(_null(attr, "AttributeType", where) or check_enum(
            attr["AttributeType"], f"{where}.attributeType", ("B", "N", "S")))
    return problems


def _key_name_problem(name: str, where: str) -> str | None:
    """A key attribute's name is 1 to 255 characters (the model's KeySchemaAttributeName),
    in the key schemas and attribute definitions alike."""
    if 1 <= len(name) <= MAX_KEY_NAME:
        return None
    bound = "greater than or equal to 1" if not name else f"less than or equal to {MAX_KEY_NAME}"
    return (f"Value '{name}' at '{where}' failed to satisfy constraint: Member must have "
            f"length {bound}")


def key_schema_problems(schema: Any, where: str) -> list[str | None]:
    problems: list[str | None] = []
    for n, key in enumerate(schema, start=1):
        problems.append(_null(key, "AttributeName", f"{where}.{n}.member") or _key_name_problem(
            key["AttributeName"], f"{where}.{n}.member.attributeName"))
        problems.append(_null(key, "KeyType", f"{where}.{n}.member") or check_enum(
            key["KeyType"], f"{where}.{n}.member.keyType", ("HASH", "RANGE")))
    return problems


def index_problems(index: Mapping[str, Any], where: str) -> list[str | None]:
    """Constraint problems of one GlobalSecondaryIndex, LocalSecondaryIndex or Create action."""
    problems: list[str | None] = [_null(index, "IndexName", where)]
    if index.get("IndexName") is not None:
        problems += name_problems(index["IndexName"], f"{where}.indexName")
    problems.append(_null(index, "KeySchema", where))
    problems += key_schema_problems(index.get("KeySchema") or (), f"{where}.keySchema")
    problems.append(_null(index, "Projection", where))
    problems += throughput_problems(index.get("ProvisionedThroughput"),
                                    f"{where}.provisionedThroughput")
    kind = (index.get("Projection") or {}).get("ProjectionType")
    if kind is not None:
        problems.append(check_enum(kind, f"{where}.projection.projectionType",
                                   ("ALL", "INCLUDE", "KEYS_ONLY")))
    non_key = (index.get("Projection") or {}).get("NonKeyAttributes")
    if non_key is not None:
        problems.append(_non_key_problem(non_key, f"{where}.projection.nonKeyAttributes"))
    return problems


MAX_NON_KEY = 20      # names in one index's NonKeyAttributes, as the model bounds the list


def _non_key_problem(names: list[Any], where: str) -> str | None:
    """The model's rules on NonKeyAttributes: 1 to 20 names, each 1 to 255 characters; a
    broken member rule is reported for the whole list, naming every rule of the member."""
    shown = "[" + ", ".join("null" if n is None else str(n) for n in names) + "]"
    rule = None
    if not names:
        rule = "Member must have length greater than or equal to 1"
    elif len(names) > MAX_NON_KEY:
        rule = f"Member must have length less than or equal to {MAX_NON_KEY}"
    elif None in names:
        rule = "Member must satisfy constraint: [Member must not be null]"
    elif any(not 1 <= len(n) <= 255 for n in names):
        rule = ("Member must satisfy constraint: [Member must have length less than or equal "
                "to 255, Member must have length greater than or equal to 1]")
    return None if rule is None else f"Value '{shown}' at '{where}' failed to satisfy constraint: {rule}"
