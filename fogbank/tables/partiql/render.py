"""PartiQL conditions and updates rendered as DynamoDB expressions, with every name and value
as a placeholder, so that the engine's own expression evaluator runs them."""
from __future__ import annotations

from typing import Any, Sequence

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions.nodes import CONDITION_FUNCTIONS
from fogbank.tables.partiql.lexer import position
from fogbank.tables.partiql.literals import value_of
from fogbank.tables.partiql.nodes import (
    VALUES, And, Arithmetic, Assignment, Bag, Between, Call, Compare, In, Is, Node, Not, Or,
    Param, Path)
from fogbank.tables.values import AttributeValue

# IS <type> as attribute_type's type.
_IS_TYPES = {"NULL": "NULL", "BOOLEAN": "BOOL", "BOOL": "BOOL", "BLOB": "B", "STRING": "S", "NUMERIC": "N",
             "STRUCT": "M", "TUPLE": "M", "LIST": "L"}
_SUPPORTED_IS = "[MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
_NEEDS_PATH = ("attribute_exists", "attribute_not_exists")


class Placeholders:
    """The ExpressionAttributeNames and ExpressionAttributeValues of one engine request."""

    def __init__(self, statement: str, params: Sequence[AttributeValue]) -> None:
        self.statement = statement
        self.params = params
        self.names: dict[str, str] = {}
        self.values: dict[str, AttributeValue] = {}
        self._by_name: dict[str, str] = {}

    def request(self) -> dict[str, Any]:
        """The two maps as request members (left out when empty, as DynamoDB requires)."""
        members: dict[str, Any] = {}
        if self.names:
            members["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            members["ExpressionAttributeValues"] = dict(self.values)
        return members

    def name(self, name: str) -> str:
        placeholder = self._by_name.get(name)
        if placeholder is None:
            placeholder = self._by_name[name] = f"#n{len(self._by_name)}"
            self.names[placeholder] = name
        return placeholder

    def value(self, value: AttributeValue) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def path(self, path: Path) -> str:
        if isinstance(path.elements[0], int):
            raise ValidationException("A path cannot start with a list index")
        text = self.name(path.elements[0])
        for element in path.elements[1:]:
            text += f"[{element}]" if isinstance(element, int) else "." + self.name(element)
        return text

    # ------------------------------------------------------------ conditions

    def condition(self, node: Node) -> str:
        if isinstance(node, (And, Or)):
            word = "AND" if isinstance(node, And) else "OR"
            for side in (node.left, node.right):
                if not _is_condition(side):
                    raise ValidationException("The arguments to AND/OR must be Expressions")
            return f"({self.condition(node.left)}) {word} ({self.condition(node.right)})"
        if isinstance(node, Not):
            if not _is_condition(node.operand):
                raise ValidationException("The argument to NOT must be a Type or Expression")
            return f"NOT ({self.condition(node.operand)})"
        if isinstance(node, Compare):
            truth = self.function_truth(node)
            if truth is not None:
                return truth
            return f"{self.operand(node.left)} {node.op} {self.operand(node.right)}"
        if isinstance(node, Between):
            return (f"{self.operand(node.operand)} BETWEEN {self.operand(node.low)} AND "
                    f"{self.operand(node.high)}")
        if isinstance(node, In):
            return self.within(node)
        if isinstance(node, Is):
            return self.is_type(node)
        if isinstance(node, Call):
            return self.function(node)
        raise ValidationException("WHERE clause must contain an expression that resolves to a "
                                  "boolean")

    def function_truth(self, node: Compare) -> str | None:
        """`attribute_exists(a) = true`: a condition function compared with a boolean is
        the function itself, or its negation; None for any other comparison."""
        if node.op not in ("=", "<>"):
            return None
        for call, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(call, Call) and _is_condition(call) and isinstance(other, VALUES):
                wanted = value_of(other, self.params).get("BOOL")
                if isinstance(wanted, bool):
                    test = self.function(call)
                    return test if wanted == (node.op == "=") else f"NOT ({test})"
        return None

    def plain(self, node: Node) -> str | None:
        """A path or a value (MISSING refused), or None for anything else."""
        if isinstance(node, Path):
            return self.path(node)
        if isinstance(node, VALUES):
            return self.value(value_of(node, self.params))
        return None

    def operand(self, node: Node) -> str:
        text = self.plain(node)
        if text is not None:
            return text
        if isinstance(node, Call) and node.name == "size":
            return self.function(node)
        if isinstance(node, Call):
            self.check_function(node)
            raise ValidationException("The function is not allowed to be used this way in an "
                                      f"expression; function: {node.name}")
        if isinstance(node, Arithmetic):
            raise ValidationException(
                f"Unsupported operator in Condition Expression. Operator: {node.op}")
        raise ValidationException("WHERE clause must contain an expression that resolves to a "
                                  "boolean")

    def within(self, node: In) -> str:
        if not isinstance(node.operand, Path):
            raise ValidationException(
                "IN operator must have a left hand argument of type Variable Reference and "
                "right hand argument of type Seq with at least one member")
        choices = [self.operand(choice) for choice in node.choices]
        return f"{self.path(node.operand)} IN ({', '.join(choices)})"

    def is_type(self, node: Is) -> str:
        if not isinstance(node.operand, Path):
            raise ValidationException(
                "The left hand side argument to IS must be a Variable Reference, Literal, or Path")
        path = self.path(node.operand)
        if node.type == "MISSING":
            return f"attribute_{'' if node.negated else 'not_'}exists({path})"
        kind = _IS_TYPES.get(node.type)
        if kind is None:
            raise ValidationException(f"Unsupported data type for IS operator: {node.type}. "
                                      f"Supported data types are {_SUPPORTED_IS}")
        test = f"attribute_type({path}, {self.value({'S': kind})})"
        return f"NOT ({test})" if node.negated else test

    def check_function(self, node: Call) -> None:
        wanted = CONDITION_FUNCTIONS.get(node.name)
        if wanted is None:
            raise self.unrecognized(node)
        if len(node.args) != wanted:
            raise ValidationException(
                "Incorrect number of operands for operator or function; operator or function: "
                f"{node.name}, number of operands: {len(node.args)}")
        if node.name in _NEEDS_PATH and not isinstance(node.args[0], Path):
            raise ValidationException("Operator or function requires a document path; "
                                      f"operator or function: {node.name}")

    def unrecognized(self, node: Call) -> ValidationException:
        return ValidationException(f"Unrecognized function: {node.name} at "
                                   + position(self.statement, node.start, node.length))

    def function(self, node: Call) -> str:
        self.check_function(node)
        return f"{node.name}({', '.join(self.operand(arg) for arg in node.args)})"

    # ------------------------------------------------------------ updates

    def update(self, assignments: Sequence[Assignment]) -> str:
        sections: dict[str, list[str]] = {}
        for assignment in assignments:
            kind, text = self.action(assignment)
            sections.setdefault(kind, []).append(text)
        return " ".join(f"{kind} {', '.join(actions)}" for kind, actions in sections.items())

    def action(self, assignment: Assignment) -> tuple[str, str]:
        target = self.path(assignment.path)
        value = assignment.value
        if value is None:
            return "REMOVE", target
        if isinstance(value, Call) and value.name in ("set_add", "set_delete"):
            return self.set_change(assignment.path, target, value)
        return "SET", f"{target} = {self.set_value(value)}"

    def set_value(self, node: Node) -> str:
        if isinstance(node, Arithmetic):
            return f"{self.set_value(node.left)} {node.op} {self.set_value(node.right)}"
        if isinstance(node, Call) and node.name in ("list_append", "if_not_exists"):
            return f"{node.name}({', '.join(self.set_value(arg) for arg in node.args)})"
        if isinstance(node, Call):
            raise self.unrecognized(node)
        text = self.plain(node)
        if text is not None:
            return text
        raise ValidationException("IS operator is not supported in update expressions"
                                  if isinstance(node, Is) else
                                  "Unsupported operator in Update Expression. Operator: "
                                  + type(node).__name__.upper())

    def set_change(self, path: Path, target: str, call: Call) -> tuple[str, str]:
        """`SET s = set_add(s, <<…>>)` is `ADD s :v`; set_delete is DELETE."""
        label = call.name.upper()
        at = position(self.statement, call.start, call.length)
        if len(call.args) != 2:
            raise ValidationException(f"{label} must have exactly two arguments at {at}")
        first, second = call.args
        if not isinstance(first, Path) or first.elements != path.elements:
            raise ValidationException(
                f"The first argument to {label} must equal the assignment value at {at}")
        members = value_of(second, self.params) if isinstance(second, (Bag, Param)) else None
        if members is None or not {"SS", "NS", "BS"} & set(members):
            shown = position(self.statement, first.start, len(str(first.elements[0])))
            raise ValidationException(
                f"The second argument to {label} must be a value with type SET at {shown}")
        return ("ADD" if call.name == "set_add" else "DELETE"), f"{target} {self.value(members)}"


def _is_condition(node: Node) -> bool:
    return isinstance(node, (And, Or, Not, Compare, Between, In, Is)) or (
        isinstance(node, Call) and node.name != "size")
