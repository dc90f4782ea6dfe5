"""A recursive-descent parser for DynamoDB's PartiQL: SELECT, INSERT, UPDATE, DELETE and
EXISTS (the condition check of ExecuteTransaction), cached by statement text.

A statement the grammar cannot read is refused with DynamoDB's envelope, "Statement wasn't
well formed, can't be processed: " and the parser's reason, in the words DynamoDB uses.
"""
from __future__ import annotations

from functools import lru_cache

from fogbank.tables.errors import ValidationException
from fogbank.tables.partiql.lexer import Token, malformed, position, tokenize
from fogbank.tables.partiql.nodes import (
    And, Arithmetic, Assignment, Bag, Between, Call, Compare, Delete, Exists, In, Insert, Is,
    List, Missing, Node, Not, Or, Param, Path, Scalar, Select, Source, Statement, Tuple, Update)

CACHE_SIZE = 4096
# Words the grammar gives a meaning; bare, they name no attribute (a double-quoted name can).
KEYWORDS = frozenset({
    "ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "DELETE", "DESC", "EXISTS", "FALSE", "FROM",
    "IN", "INSERT", "INTO", "IS", "LIKE", "LIMIT", "MISSING", "NOT", "NULL", "OR", "ORDER",
    "REMOVE", "RETURNING", "SELECT", "SET", "TRUE", "UPDATE", "VALUE", "VALUES", "WHERE"})
_OPERATOR_WORDS = frozenset({"AND", "OR", "IS", "LIKE", "IN", "BETWEEN"})
_COMPARATORS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
# The type names IS accepts; DynamoDB evaluates the first group only.
IS_TYPES = frozenset({"MISSING", "NULL", "BOOLEAN", "BLOB", "STRING", "NUMERIC", "STRUCT",
                      "TUPLE", "LIST"})
_OTHER_TYPES = frozenset({
    "BOOL", "SMALLINT", "INT2", "INTEGER2", "INT", "INTEGER", "INT4", "INTEGER4", "INT8",
    "INTEGER8", "BIGINT", "FLOAT", "REAL", "DOUBLE", "DECIMAL", "DEC", "TIMESTAMP", "CHAR",
    "CHARACTER", "VARCHAR", "SYMBOL", "CLOB", "SEXP", "BAG", "DATE", "TIME", "ANY"})
_RETURNING = {("ALL", "OLD"): "ALL_OLD", ("ALL", "NEW"): "ALL_NEW",
              ("MODIFIED", "OLD"): "UPDATED_OLD", ("MODIFIED", "NEW"): "UPDATED_NEW"}
ALIASING = "Aliasing is not supported"
# PartiQL's join words: a bare one cannot follow a dot in a path (a quoted one can).
_JOIN_WORDS = frozenset({"INNER", "OUTER", "LEFT", "RIGHT", "FULL", "CROSS", "JOIN"})


@lru_cache(maxsize=CACHE_SIZE)
def parse_statement(text: str) -> tuple[Statement, int]:
    """The statement's tree and how many `?` parameters it has."""
    parser = _Parser(text)
    statement = parser.statement()
    return statement, parser.params


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.params = 0

    # ------------------------------------------------------------ helpers

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept_word(self, *words: str) -> bool:
        if self.token.is_word(*words):
            self.pos += 1
            return True
        return False

    def accept_op(self, *ops: str) -> bool:
        if self.token.is_op(*ops):
            self.pos += 1
            return True
        return False

    def expect_word(self, word: str) -> None:
        if not self.accept_word(word):
            raise self.unexpected()

    def expect_op(self, op: str) -> None:
        if not self.accept_op(op):
            raise self.unexpected()

    def unexpected(self) -> ValidationException:
        """Why no term can start at the current token, as DynamoDB's parser words it."""
        token = self.token
        if token.kind == "eof" or token.is_op(";", "(", ")"):
            return malformed("Unexpected term")
        if token.kind == "name" and token.text.upper() in _OPERATOR_WORDS:
            return malformed("Unexpected operator")
        if token.kind == "name" and token.text.upper() in KEYWORDS:
            return malformed("Unexpected keyword")
        if token.kind == "op" and token.text in _COMPARATORS:
            return malformed("Unexpected operator")
        return malformed("Unexpected token")

    # ------------------------------------------------------------ statements

    def statement(self) -> Statement:
        token = self.token
        if token.is_word("SELECT"):
            statement: Statement = self.select()
        elif token.is_word("INSERT"):
            statement = self.insert()
        elif token.is_word("UPDATE"):
            statement = self.update()
        elif token.is_word("DELETE"):
            statement = self.delete()
        elif token.is_word("FROM"):
            statement = self.from_update()
        elif token.is_word("EXISTS") and self.peek().is_op("("):
            self.pos += 2
            if not self.token.is_word("SELECT"):
                raise self.unexpected()
            statement = Exists(self.select())
            self.expect_op(")")
        else:
            raise malformed("Expected data manipulation")
        self.accept_op(";")
        if self.token.kind != "eof":
            raise malformed("Unexpected token after expression")
        return statement

    def select(self) -> Select:
        self.pos += 1                                               # SELECT
        projection: list[Path] | None = []
        star = False
        while True:
            if self.accept_op("*"):
                star = True
            else:
                projection.append(self.projected_path())
            if not self.accept_op(","):
                break
        if star and projection:
            raise ValidationException(
                "Other attributes should not be present in the projection when '*' is used.")
        if not self.token.is_word("FROM"):
            raise self.unexpected()
        self.pos += 1
        source = self.source(term_expected=True)
        self.no_alias()
        where = self.where()
        order = None
        if self.token.is_word("ORDER") and self.peek().is_word("BY"):
            self.pos += 2
            name = self.identifier()
            descending = self.accept_word("DESC")
            if not descending:
                self.accept_word("ASC")
            order = (name, descending)
        return Select(source, None if star else tuple(projection), where, order)

    def projected_path(self) -> Path:
        token = self.token
        if token.kind == "name" and token.text.upper() not in KEYWORDS \
                and self.peek().is_op("("):
            raise ValidationException("Unexpected path component at "
                                      + position(self.text, token.start, len(token.text)))
        return self.path()

    def insert(self) -> Insert:
        self.pos += 1                                               # INSERT
        self.expect_word("INTO")
        source = self.source()
        if not self.token.is_word("VALUE"):
            if self.token.is_word("VALUES"):
                raise ValidationException(
                    "Unsupported operation: Inserting multiple items in a single statement is "
                    "not supported, use \"INSERT INTO tableName VALUE item\" instead")
            raise malformed("Unexpected token after expression")
        self.pos += 1
        return Insert(source, self.expression())

    def update(self) -> Update:
        self.pos += 1                                               # UPDATE
        source = self.source()
        self.no_alias()
        assignments = self.assignments()
        where = self.where()
        return Update(source, assignments, where, self.returning())

    def from_update(self) -> Update:
        """`FROM table [WHERE …] SET …`: an UPDATE written the other way round."""
        self.pos += 1                                               # FROM
        source = self.source()
        self.no_alias()
        where = self.where()
        assignments = self.assignments()
        return Update(source, assignments, where, self.returning())

    def delete(self) -> Delete:
        self.pos += 1                                               # DELETE
        self.expect_word("FROM")
        source = self.source()
        self.no_alias()
        return Delete(source, self.where(), self.returning())

    def source(self, term_expected: bool = False) -> Source:
        token = self.token
        if token.kind not in ("name", "quoted") or (
                token.kind == "name" and token.text.upper() in KEYWORDS):
            if term_expected:
                raise self.unexpected()
            raise malformed("Expected identifier for simple path")
        table = self.identifier()
        index = None
        if self.accept_op("."):
            index = self.identifier()
        return Source(table, index)

    def no_alias(self) -> None:
        token = self.token
        if token.is_word("AS") or (token.kind in ("name", "quoted")
                                   and token.text.upper() not in KEYWORDS):
            raise ValidationException(ALIASING)

    def where(self) -> Node | None:
        if not self.accept_word("WHERE"):
            return None
        return self.condition()

    def assignments(self) -> tuple[Assignment, ...]:
        found: list[Assignment] = []
        while True:
            if self.accept_word("SET"):
                found.append(self.assignment())
                while self.accept_op(","):
                    found.append(self.assignment())
            elif self.accept_word("REMOVE"):
                found.append(Assignment(self.path(), None))
                while self.accept_op(","):
                    found.append(Assignment(self.path(), None))
            else:
                break
        if not found:
            raise self.unexpected()
        return tuple(found)

    def assignment(self) -> Assignment:
        path = self.path()
        self.expect_op("=")
        return Assignment(path, self.expression())

    def returning(self) -> str | None:
        if not self.accept_word("RETURNING"):
            return None
        words = []
        for _ in range(2):
            token = self.advance()
            words.append(token.text.upper() if token.kind == "name" else token.text)
        if not self.accept_op("*"):
            raise ValidationException("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in "
                                      "RETURNING clause")
        returning = _RETURNING.get((words[0], words[1]))
        if returning is None:
            raise ValidationException("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in "
                                      "RETURNING clause")
        return returning

    # ------------------------------------------------------------ names and paths

    def identifier(self) -> str:
        token = self.token
        if token.kind == "quoted" or (token.kind == "name"
                                      and token.text.upper() not in KEYWORDS):
            self.pos += 1
            return token.text
        raise self.unexpected()

    def path(self) -> Path:
        start = self.token.start
        elements: list[str | int] = [self.identifier()]
        while True:
            if self.accept_op("."):
                if self.token.kind == "name" and self.token.text.upper() in _JOIN_WORDS:
                    raise malformed("Invalid path dot component")
                elements.append(self.identifier())
            elif self.token.is_op("["):
                self.pos += 1
                token = self.advance()
                if token.kind == "number" and token.text.isdigit():
                    elements.append(int(token.text))
                elif token.kind == "string":
                    elements.append(token.text)
                else:
                    self.pos -= 1
                    raise self.unexpected()
                self.expect_op("]")
            else:
                return Path(tuple(elements), start)

    # ------------------------------------------------------------ conditions

    def condition(self) -> Node:
        return self.or_expr()

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.accept_word("OR"):
            node = Or(node, self.right_hand(self.and_expr))
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.accept_word("AND"):
            node = And(node, self.right_hand(self.not_expr))
        return node

    def right_hand(self, parse) -> Node:
        if self.token.kind == "eof" or self.token.is_op(";"):
            raise malformed("Missing right-hand side expression of infix operator")
        return parse()

    def not_expr(self) -> Node:
        if self.accept_word("NOT"):
            return Not(self.not_expr())
        return self.predicate()

    def predicate(self) -> Node:
        left = self.expression()
        token = self.token
        if token.kind == "op" and token.text in _COMPARATORS:
            self.pos += 1
            return Compare(_COMPARATORS[token.text], left, self.expression())
        negated = False
        if token.is_word("NOT") and self.peek().is_word("BETWEEN", "IN"):
            self.pos += 1
            negated = True
        if self.accept_word("BETWEEN"):
            low = self.expression()
            self.expect_word("AND")
            node: Node = Between(left, low, self.expression())
            return Not(node) if negated else node
        if self.accept_word("IN"):
            node = In(left, self.choices())
            return Not(node) if negated else node
        if self.accept_word("IS"):
            is_not = self.accept_word("NOT")
            return Is(left, self.type_name(), is_not)
        return left

    def choices(self) -> tuple[Node, ...]:
        closing = {"(": ")", "[": "]"}.get(self.token.text) if self.token.kind == "op" else None
        if closing is None:
            if self.token.kind == "param":
                return (self.expression(),)
            raise self.unexpected()
        self.pos += 1
        found = [self.expression()]
        while self.accept_op(","):
            found.append(self.expression())
        self.expect_op(closing)
        return tuple(found)

    def type_name(self) -> str:
        token = self.token
        name = token.text.upper() if token.kind == "name" else ""
        if name not in IS_TYPES and name not in _OTHER_TYPES:
            raise malformed("Expected type name")
        self.pos += 1
        if name == "DOUBLE":
            self.expect_word("PRECISION")
        elif name == "CHARACTER":
            self.accept_word("VARYING")
        return name

    # ------------------------------------------------------------ expressions

    def expression(self) -> Node:
        node = self.term()
        while self.token.is_op("+", "-"):
            op = self.advance().text
            node = Arithmetic(op, node, self.term())
        return node

    def term(self) -> Node:
        token = self.token
        if token.is_op("("):
            self.pos += 1
            inner = self.condition()
            self.expect_op(")")
            return inner
        if token.kind == "param":
            self.pos += 1
            self.params += 1
            return Param(self.params - 1)
        if token.kind == "string":
            self.pos += 1
            return Scalar({"S": token.text}, token.start)
        if token.kind == "number":
            self.pos += 1
            return Scalar({"N": token.text}, token.start)
        if token.is_op("-") and self.peek().kind == "number":
            self.pos += 2
            return Scalar({"N": "-" + self.tokens[self.pos - 1].text}, token.start)
        if token.is_word("TRUE", "FALSE"):
            self.pos += 1
            return Scalar({"BOOL": token.text.upper() == "TRUE"}, token.start)
        if token.is_word("NULL"):
            self.pos += 1
            return Scalar({"NULL": True}, token.start)
        if token.is_word("MISSING"):
            self.pos += 1
            return Missing()
        if token.is_op("<<"):
            self.pos += 1
            return Bag(self.members(">>"))
        if token.is_op("["):
            self.pos += 1
            return List(self.members("]"))
        if token.is_op("{"):
            self.pos += 1
            return self.tuple()
        if token.kind == "name" and self.peek().is_op("(") and (
                token.text.upper() not in KEYWORDS or token.is_word("EXISTS")):
            return self.call()
        if token.kind == "quoted" or (token.kind == "name" and token.text.upper() not in KEYWORDS):
            return self.path()
        raise self.unexpected()

    def members(self, closing: str) -> tuple[Node, ...]:
        found: list[Node] = []
        if self.accept_op(closing):
            return ()
        found.append(self.expression())
        while self.accept_op(","):
            found.append(self.expression())
        self.expect_op(closing)
        return tuple(found)

    def tuple(self) -> Tuple:
        pairs: list[tuple[Node, Node]] = []
        if self.accept_op("}"):
            return Tuple(())
        while True:
            key = self.expression()
            self.expect_op(":")
            pairs.append((key, self.expression()))
            if not self.accept_op(","):
                break
        self.expect_op("}")
        return Tuple(tuple(pairs))

    def call(self) -> Call:
        name = self.advance()
        self.pos += 1                                               # (
        args: tuple[Node, ...] = ()
        if not self.accept_op(")"):
            found = [self.expression()]
            while self.accept_op(","):
                found.append(self.expression())
            self.expect_op(")")
            args = tuple(found)
        return Call(name.text.lower(), args, name.start, len(name.text))
