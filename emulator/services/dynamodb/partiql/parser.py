"""The statement half of the PartiQL parser: SELECT, INSERT, UPDATE, DELETE and EXISTS.

``parse`` turns text into a ``Parsed`` tree or raises AWS's ValidationException. Clauses
PartiQL has but DynamoDB refuses (LIMIT, GROUP BY, aliases, joins, several items in one
INSERT) are recognised here and refused in DynamoDB's words, so a learner sees why.
"""

from __future__ import annotations

import re

from emulator.errors import NotSupportedByEmulator
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.partiql.ast import (
    Call,
    Delete,
    Exists,
    Expr,
    Insert,
    Literal,
    OrderKey,
    Parsed,
    Path,
    RemoveAction,
    ReturnChoice,
    Select,
    SetAction,
    Source,
    Statement,
    TupleExpr,
    Update,
)
from emulator.services.dynamodb.partiql.errors import malformed, unsupported
from emulator.services.dynamodb.partiql.exprs import ExpressionParser

_TABLE_NAME = re.compile(r"^[a-zA-Z0-9_.-]{3,255}$")
_JOINS = ("join", "inner", "left", "right", "cross", "full", "outer")
_CLAUSES = {"group": "GROUP BY", "having": "HAVING", "limit": "LIMIT", "offset": "OFFSET"}
SELECT_MULTIPLE_FROM = "Only select from a single table or index is supported."
ALIAS = "Aliasing is not supported"
STAR_AND_OTHERS = "Other attributes should not be present in the projection when '*' is used."
DML_INVALID_FROM = (
    "FROM clause may only contain a single table name in data manipulation statements"
)


def parse(text: str) -> Parsed:
    """Parse one statement.

    Raises:
        ValidationException: a syntax error or a form DynamoDB refuses, in AWS's words.
        NotSupportedByEmulator: a form DynamoDB runs that the emulator does not.
    """
    parser = StatementParser(text)
    statement = parser.statement()
    return Parsed(statement, parser.parameters)


class StatementParser(ExpressionParser):
    """The statement grammar, on top of the expression grammar."""

    def statement(self) -> Statement:
        if self.at("select"):
            statement: Statement = self.select()
        elif self.at("insert"):
            statement = self.insert()
        elif self.at("update"):
            statement = self.update()
        elif self.at("delete"):
            statement = self.delete()
        elif self.at("exists"):
            statement = self.exists()
        else:
            raise malformed("Expected data manipulation")
        self.accept_punct(";")
        if self.peek().kind != "end":
            self.unexpected("Unexpected token")
        return statement

    # -- SELECT ---------------------------------------------------------------------------
    def select(self) -> Select:
        self.take()
        if self.at("distinct"):
            raise ValidationException("Unsupported clause: DISTINCT")
        if self.at("all"):
            self.take()
        if self.at("value", "pivot"):
            raise ValidationException("Select projection doesn't support value or pivot keywords")
        projection = self._projection()
        if not self.at("from"):
            self.unexpected("Expected FROM after SELECT list")
        self.take()
        source = self.source()
        if self.at_punct(",") or self.at(*_JOINS):
            raise ValidationException(SELECT_MULTIPLE_FROM)
        self._no_alias()
        where = self._where()
        order: tuple[OrderKey, ...] = ()
        while self.peek().kind == "name" and self.peek().text.lower() in (*_CLAUSES, "order"):
            word = self.take().text.lower()
            if word != "order":
                raise ValidationException(f"Unsupported clause: {_CLAUSES[word]}")
            self.expect_word("by")
            order = self._order()
        return Select(projection, source, where, order)

    def _projection(self) -> tuple[Path, ...] | None:
        token = self.peek()
        if token.kind == "op" and token.text == "*":
            self.take()
            if self.at_punct(","):
                raise ValidationException(STAR_AND_OTHERS)
            return None
        paths: list[Path] = []
        while True:
            token = self.peek()
            if token.kind == "op" and token.text == "*":
                raise ValidationException(STAR_AND_OTHERS)
            item = self.expression()
            self._no_alias()
            paths.append(_projected(item))
            if not self.accept_punct(","):
                break
        labels = [path.label for path in paths]
        for label in labels:
            if labels.count(label) > 1:
                raise ValidationException(f"Duplicate identifiers in select clause: {label}")
        return tuple(paths)

    def _no_alias(self) -> None:
        """Refuse ``AS x`` (or an alias written without AS) after an item or a source."""
        token = self.peek()
        named = token.kind in ("name", "quoted") and token.keyword is None
        if named or token.is_word("as", "at", "by"):
            raise ValidationException(ALIAS)

    def _where(self) -> Expr | None:
        if not self.at("where"):
            return None
        self.take()
        return self.expression()

    def _order(self) -> tuple[OrderKey, ...]:
        keys: list[OrderKey] = []
        while True:
            item = self.expression()
            if not isinstance(item, Path) or len(item.elements) != 1:
                kind = "Path" if isinstance(item, Path) else type(item).__name__
                raise ValidationException(
                    f"Argument to ORDER BY must be of type VariableReference. Type: {kind}"
                )
            descending = False
            if self.at("asc", "desc"):
                descending = self.take().text.lower() == "desc"
            keys.append(OrderKey(item.top, descending))
            if not self.accept_punct(","):
                return tuple(keys)

    def source(self) -> Source:
        """A table, or a table and an index, after FROM, INTO or UPDATE."""
        first = self.peek()
        components: list[str] = []
        while True:
            token = self.peek()
            if token.kind not in ("name", "quoted"):
                self.unexpected("Unexpected term")
            if token.keyword is not None:
                self.unexpected("Unexpected keyword")
            components.append(self.take().text)
            if not self.accept_punct("."):
                break
        if any(component == "" for component in components):
            raise ValidationException("Path component cannot be an empty string")
        if len(components) > 2:
            raise ValidationException("A path may contain at most 2 components in the FROM clause")
        if not _TABLE_NAME.match(components[0]):
            raise ValidationException(
                "Table name should be within the length [3, 255] and only contain "
                "'a-z', 'A-Z', '0-9', '-', '_', '.'."
            )
        index = components[1] if len(components) > 1 else None
        return Source(components[0], index, first.position)

    # -- writes ---------------------------------------------------------------------------
    def insert(self) -> Insert:
        self.take()
        self.expect_word("into", "Unexpected keyword")
        source = self.source()
        if source.index is not None:
            raise ValidationException(DML_INVALID_FROM)
        if self.at("value"):
            self.take()
            item = self.expression()
            if not isinstance(item, TupleExpr):
                raise ValidationException(
                    "Unsupported format in item expression. Please use struct format {...} "
                    "to express item values for insert statement."
                )
        elif self.at("values") or self.at_punct("(") or self.peek().kind == "bag_open":
            if not self.at("values"):
                self.expression()
            raise ValidationException(
                "Unsupported operation: Inserting multiple items in a single statement is not "
                'supported, use "INSERT INTO tableName VALUE item" instead'
            )
        else:
            self.unexpected("Unexpected token")
        if self.at("at"):
            raise ValidationException("AT is not supported in insert statements.")
        if self.at("on") and self.peek(1).is_word("conflict"):
            raise NotSupportedByEmulator("INSERT ... ON CONFLICT")
        if self.at("returning"):
            raise ValidationException("RETURNING is not supported in INSERT")
        return Insert(source, item)

    def update(self) -> Update:
        self.take()
        source = self.source()
        actions: list[SetAction | RemoveAction] = []
        while self.at("set", "remove"):
            if self.take().text.lower() == "remove":
                actions.append(RemoveAction(self.path()))
                continue
            while True:
                target = self.path()
                token = self.peek()
                if token.kind != "op" or token.text != "=":
                    self.unexpected("Expected EQ")
                self.take()
                actions.append(SetAction(target, self.expression()))
                if not self.accept_punct(","):
                    break
        if not actions:
            if self.at("insert", "delete", "add"):
                raise ValidationException(
                    "Only SET and REMOVE are supported in update expressions at this time"
                )
            raise malformed("Expected data manipulation")
        where = self._where()
        return Update(source, tuple(actions), where, self._returning())

    def delete(self) -> Delete:
        self.take()
        self.expect_word("from", "Expected FROM after DELETE")
        source = self.source()
        where = self._where()
        return Delete(source, where, self._returning())

    def _returning(self) -> ReturnChoice | None:
        if not self.at("returning"):
            return None
        self.take()
        first, second = self.take(), self.take()
        if not (first.is_word("all", "modified") and second.is_word("old", "new")):
            raise malformed("Unexpected token")
        star = self.peek()
        if star.kind == "op" and star.text == "*":
            self.take()
            if self.at_punct(","):
                raise ValidationException(
                    "Invalid syntax with multiple returning elements in RETURNING clause"
                )
        else:
            self.expression()
            if self.at_punct(","):
                raise ValidationException(
                    "Invalid syntax with multiple returning elements in RETURNING clause"
                )
            raise ValidationException(
                "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"
            )
        choice: ReturnChoice = f"{first.text.upper()} {second.text.upper()}"  # type: ignore[assignment]
        return choice

    def exists(self) -> Exists:
        self.take()
        self.expect_punct("(", "LEFT_PAREN")
        if not self.at("select"):
            self.unexpected("Unexpected term")
        select = self.select()
        self.expect_punct(")", "RIGHT_PAREN")
        return Exists(select)


def _projected(item: Expr) -> Path:
    """A projection item must be a document path: DynamoDB computes nothing in SELECT."""
    if isinstance(item, Path):
        return item
    if isinstance(item, Call):
        raise unsupported(f"function {item.name.upper()} in the select list")
    if isinstance(item, Literal):
        raise unsupported("a literal in the select list")
    raise unsupported("an expression in the select list")
