"""A recursive-descent parser for DynamoDB's condition, update and projection expressions.

Syntax errors stop the parse at once with DynamoDB's token/near message. Other faults that
the text alone shows (reserved words, unknown functions, …) are collected while parsing and
the one DynamoDB reports first is raised at the end, so that a syntax error anywhere wins.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from fogbank.tables.errors import RequestCheckFailed, ValidationException
from fogbank.tables.expressions.nodes import (
    CONDITION_FUNCTIONS, UPDATE_FUNCTIONS, Action, And, Arithmetic, Between, Compare, Function,
    In, Name, Node, Not, Or, Path, ValueRef)
from fogbank.tables.expressions.reserved import is_reserved
from fogbank.tables.expressions.tokens import Token, syntax_error, tokenize

COMPARATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})
CONDITION_KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})
SECTIONS = ("SET", "REMOVE", "ADD", "DELETE")
MAX_IN_OPERANDS = 100
MAX_PATH_DEPTH = 32         # DynamoDB's limit on nested attribute levels
MAX_OPERATORS = 300         # DynamoDB's limit per expression
# Parenthesised groups and function calls recurse; deeper nesting than this is refused
# before Python's own recursion limit is near. A nesting DynamoDB accepts needs an
# operator per level, so within MAX_OPERATORS only contrived expressions get this deep.
MAX_NESTING = 160
# Which collected fault DynamoDB reports when an expression has several.
_PRIORITY = ("operators", "parens", "function_name", "misuse", "reserved", "section", "operands",
             "nesting")
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})
T = TypeVar("T")


class _TooDeep(Exception):
    """Nesting beyond MAX_NESTING: the parse stops and the fault is found without recursion."""


class Parser:
    def __init__(self, text: str, label: str, functions: dict[str, int],
                 keywords: frozenset[str]) -> None:
        if not text.strip():
            raise RequestCheckFailed(f"Invalid {label}: The expression can not be empty;")
        self.text = text
        self.label = label
        self.functions = functions
        self.keywords = keywords
        self.tokens = tokenize(text)
        self.pos = 0
        self.faults: dict[str, str] = {}
        # A value reference where a document path must stand: DynamoDB looks the value up
        # (and reports it undefined) before it finds the fault, so that fault waits for the
        # request's values (`Parsed.deferred`).
        self.after_values: str | None = None
        self.grouped: set[int] = set()      # ids of nodes written inside parentheses
        self.depth = 0                      # groups and function calls now open
        self.operators = 0

    # ------------------------------------------------------------ token helpers

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at_op(self, text: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "op" and token.text == text

    def expect_op(self, text: str) -> None:
        if not self.at_op(text):
            raise self.error()
        self.pos += 1

    def at_keyword(self, word: str) -> bool:
        return self.tokens[self.pos].is_keyword(word)

    def error(self) -> ValidationException:
        return syntax_error(self.label, self.text, self.tokens, self.pos)

    def fault(self, kind: str, message: str) -> None:
        self.faults.setdefault(kind, message)

    def operator(self) -> None:
        self.operators += 1
        if self.operators > MAX_OPERATORS:
            self.fault("operators", "The expression contains too many operators; operator "
                                    f"count: {self.operators}")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _TooDeep()

    def finish(self) -> str | None:
        """Raises the fault DynamoDB reports first; returns it instead when it waits for the
        request's values."""
        if self.token.kind != "eof":
            raise self.error()
        for kind in _PRIORITY:
            if kind in self.faults:
                message = f"Invalid {self.label}: {self.faults[kind]}"
                if self.faults[kind] is self.after_values:
                    return message
                raise ValidationException(message)
        return None

    # ------------------------------------------------------------ conditions

    def condition(self) -> Node:
        node = self.or_expr()
        self.need_condition(node)
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.at_keyword("OR"):
            self.need_condition(node)
            self.operator()
            self.pos += 1
            right = self.and_expr()
            self.need_condition(right)
            node = Or(node, right)
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.at_keyword("AND"):
            self.need_condition(node)
            self.operator()
            self.pos += 1
            right = self.not_expr()
            self.need_condition(right)
            node = And(node, right)
        return node

    def not_expr(self) -> Node:
        # A loop, not recursion: "NOT NOT … NOT a < b" nests without bound.
        negations = 0
        while self.at_keyword("NOT"):
            self.operator()
            self.pos += 1
            negations += 1
        node = self.comparison()
        for _ in range(negations):
            self.need_condition(node)
            node = Not(node)
        return node

    def comparison(self) -> Node:
        left = self.primary(condition_allowed=True)
        token = self.token
        if token.kind == "op" and token.text in COMPARATORS:
            self.need_operand(left)
            self.operator()
            self.pos += 1
            right = self.operand()
            return Compare(token.text, left, right)
        if token.is_keyword("BETWEEN"):
            self.need_operand(left)
            self.operator()
            self.pos += 1
            low = self.operand()
            if not self.at_keyword("AND"):
                raise self.error()
            self.pos += 1
            return Between(left, low, self.operand())
        if token.is_keyword("IN"):
            self.need_operand(left)
            self.operator()
            self.pos += 1
            self.expect_op("(")
            choices = self.arguments()
            if len(choices) > MAX_IN_OPERANDS:
                self.fault("operands", "The IN operator is provided with too many operands; "
                                       f"number of operands: {len(choices)}")
            return In(left, choices)
        return left

    def need_condition(self, node: Node) -> None:
        """A bare operand where a condition must stand is a syntax error at this token."""
        if isinstance(node, Function):
            if node.name == "size":
                self.misuse(node)
            return
        if isinstance(node, (Path, ValueRef, Arithmetic)):
            raise self.error()

    def need_operand(self, node: Node) -> None:
        if isinstance(node, Function):
            if node.name != "size":
                self.misuse(node)
        elif not isinstance(node, (Path, ValueRef)):
            raise self.error()

    def misuse(self, node: Function) -> None:
        if node.name in self.functions:
            self.fault("misuse", "The function is not allowed to be used this way in an "
                                 f"expression; function: {node.name}")

    # ------------------------------------------------------------ operands

    def primary(self, condition_allowed: bool = False) -> Node:
        if self.at_op("("):
            self.pos += 1
            self.enter()
            inner = self.or_expr() if condition_allowed else self.operand()
            self.depth -= 1
            self.expect_op(")")
            if id(inner) in self.grouped:
                self.fault("parens", "The expression has redundant parentheses;")
            self.grouped.add(id(inner))
            return inner
        token = self.token
        if token.kind == ":":
            self.pos += 1
            return ValueRef(token.text)
        following = self.tokens[self.pos + 1] if token.kind == "name" else token
        if following.kind == "op" and following.text == "(" \
                and token.text.upper() not in self.keywords:
            return self.function()
        return self.path()

    def operand(self) -> Node:
        """An operand of a comparison or function: size() is the only function allowed."""
        node = self.primary()
        if isinstance(node, Function) and node.name != "size":
            self.misuse(node)
        return node

    def function(self) -> Function:
        name = self.advance().text
        self.pos += 1                                       # "("
        if self.functions is UPDATE_FUNCTIONS:
            self.operator()         # an update expression counts its functions too
        self.enter()
        args = self.arguments()
        self.depth -= 1
        if name not in self.functions:
            self.fault("function_name", self.unknown_function(name))
        elif self.functions[name] != len(args):
            self.fault("operands", "Incorrect number of operands for operator or function; "
                                   f"operator or function: {name}, number of operands: {len(args)}")
        elif name in ("attribute_exists", "attribute_not_exists", "if_not_exists") \
                and not isinstance(args[0], Path):
            message = f"Operator or function requires a document path; operator or function: {name}"
            if isinstance(args[0], ValueRef) and "operands" not in self.faults:
                self.after_values = message
            self.fault("operands", message)
        if name == "list_append" and self.functions is UPDATE_FUNCTIONS:
            self.no_nested_list_append(args)
        return Function(name, args)

    def unknown_function(self, name: str) -> str:
        """A function of the other expression kind is named as such, not as unknown."""
        if self.functions is CONDITION_FUNCTIONS and name in UPDATE_FUNCTIONS:
            return f"The function is not allowed in a condition expression; function: {name}"
        if self.functions is UPDATE_FUNCTIONS and name in CONDITION_FUNCTIONS:
            return f"The function is not allowed in an update expression; function: {name}"
        return f"Invalid function name; function: {name}"

    def no_nested_list_append(self, operands: tuple[Node, ...]) -> None:
        """DynamoDB takes list_append only as a whole SET value or inside if_not_exists."""
        for node in operands:
            if isinstance(node, Function) and node.name == "list_append":
                self.misuse(node)

    def arguments(self) -> tuple[Node, ...]:
        """`operand (, operand)* )` — the opening parenthesis already read."""
        args = [self.argument()]
        while self.at_op(","):
            self.pos += 1
            args.append(self.argument())
        self.expect_op(")")
        return tuple(args)

    def argument(self) -> Node:
        return self.operand() if self.functions is CONDITION_FUNCTIONS else self.primary()

    def path(self) -> Path:
        elements: list = [self.path_name()]
        while True:
            if self.at_op("."):
                self.pos += 1
                elements.append(self.path_name())
            elif self.at_op("["):
                self.pos += 1
                token = self.token
                if token.kind != "int":
                    raise self.error()
                self.pos += 1
                self.expect_op("]")
                elements.append(int(token.text))
            else:
                if len(elements) > MAX_PATH_DEPTH:
                    self.fault("nesting", "The document path has too many nesting levels; "
                                          f"nesting levels: {len(elements)}")
                return Path(tuple(elements))

    def path_name(self) -> str | Name:
        token = self.token
        if token.kind == "#":
            self.pos += 1
            return Name(token.text)
        if token.kind != "name" or token.text.upper() in self.keywords:
            raise self.error()
        self.pos += 1
        if is_reserved(token.text):
            self.fault("reserved", "Attribute name is a reserved keyword; reserved keyword: "
                                   f"{token.text}")
        return token.text

    # ------------------------------------------------------------ updates

    def update(self) -> tuple[Action, ...]:
        actions: list[Action] = []
        seen: set[str] = set()
        while True:
            section = self.token.text.upper() if self.token.kind == "name" else ""
            if section not in SECTIONS:
                raise self.error()
            self.pos += 1
            if section in seen:
                self.fault("section", f'The "{section}" section can only be used once in an '
                                      "update expression;")
            seen.add(section)
            actions.append(self.action(section))
            while self.at_op(","):
                self.pos += 1
                actions.append(self.action(section))
            if self.token.kind == "eof":
                return tuple(actions)

    def action(self, section: str) -> Action:
        path = self.path()
        if section == "REMOVE":
            return Action(section, path, None)
        if section == "SET":
            self.expect_op("=")
            return Action(section, path, self.set_value())
        token = self.token
        if token.kind != ":":
            raise self.error()
        self.pos += 1
        return Action(section, path, ValueRef(token.text))

    def set_value(self) -> Node:
        left = self.update_operand()
        if self.at_op("+") or self.at_op("-"):
            op = self.advance().text
            self.operator()
            right = self.update_operand()
            self.no_nested_list_append((left, right))
            return Arithmetic(op, left, right)
        return left

    def update_operand(self) -> Node:
        if self.at_op("("):
            self.pos += 1
            self.enter()
            inner = self.set_value()
            self.depth -= 1
            self.expect_op(")")
            return inner
        return self.primary()

    # ------------------------------------------------------------ projections

    def projection(self) -> tuple[Path, ...]:
        paths = [self.path()]
        while self.at_op(","):
            self.pos += 1
            paths.append(self.path())
        return tuple(paths)


    # ------------------------------------------------------------ nesting too deep

    def too_deep(self) -> ValidationException:
        """The fault of an expression nested beyond MAX_NESTING, found from its tokens alone
        (no recursion), in the order DynamoDB reports them."""
        tokens = self.tokens
        updating = self.functions is UPDATE_FUNCTIONS
        calls = [i for i in range(len(tokens) - 1) if tokens[i].kind == "name"
                 and tokens[i + 1].text == "(" and tokens[i].text.upper() not in self.keywords]
        words = [t.text.upper() for t in tokens if t.kind == "name"]
        # As the parser counts them: BETWEEN's AND is part of BETWEEN.
        count = (sum(t.kind == "op" and (t.text in COMPARATORS or updating and t.text in "+-")
                     for t in tokens)
                 + sum(word in _OPERATOR_WORDS for word in words if word in self.keywords)
                 - words.count("BETWEEN") + (len(calls) if updating else 0))
        is_call = set(calls)
        if count > MAX_OPERATORS:
            return self.invalid("The expression contains too many operators; operator count: "
                                f"{MAX_OPERATORS + 1}")
        for i in calls:
            if tokens[i].text not in self.functions:
                return self.invalid(self.unknown_function(tokens[i].text))
        closing: dict[int, int] = {}
        opened: list[int] = []
        for i, token in enumerate(tokens):
            if token.kind == "op" and token.text == "(":
                opened.append(i)
            elif token.kind == "op" and token.text == ")":
                if not opened:
                    return syntax_error(self.label, self.text, tokens, i)
                closing[opened.pop()] = i
        if opened:
            return syntax_error(self.label, self.text, tokens, len(tokens) - 1)
        for start, end in closing.items():
            if (start - 1 not in is_call and not tokens[start - 1].is_keyword("IN")
                    and closing.get(start + 1) == end - 1):
                return self.invalid("The expression has redundant parentheses;")
        for i in calls if not updating else ():
            inner = tokens[i + 2]
            if i + 2 in is_call and inner.text != "size":
                return self.invalid("The function is not allowed to be used this way in an "
                                    f"expression; function: {inner.text}")
            if i + 2 in is_call and tokens[i].text == "size":
                return self.invalid("Incorrect operand type for operator or function; operator "
                                    "or function: size, operand type: N")
        return self.invalid(f"The expression has too many nesting levels; nesting levels: "
                            f"{MAX_NESTING + 1}")

    def invalid(self, message: str) -> ValidationException:
        return ValidationException(f"Invalid {self.label}: {message}")


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A parse tree, and the fault to raise once its placeholders are resolved, if any."""

    tree: T
    deferred: str | None = None


def parse_condition_tree(text: str, label: str) -> Parsed[Node]:
    parser = Parser(text, label, CONDITION_FUNCTIONS, CONDITION_KEYWORDS)
    try:
        node = parser.condition()
    except _TooDeep:
        raise parser.too_deep() from None
    return Parsed(node, parser.finish())


def parse_update_tree(text: str) -> Parsed[tuple[Action, ...]]:
    parser = Parser(text, "UpdateExpression", UPDATE_FUNCTIONS, frozenset(SECTIONS))
    try:
        actions = parser.update()
    except _TooDeep:
        raise parser.too_deep() from None
    return Parsed(actions, parser.finish())


def parse_projection_tree(text: str, label: str = "ProjectionExpression") -> tuple[Path, ...]:
    parser = Parser(text, label, {}, frozenset())
    paths = parser.projection()
    parser.finish()
    return paths
