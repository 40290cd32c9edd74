"""Recursive-descent parsers for condition and projection expressions.

Syntax errors stop the parse at once, the way DynamoDB reports them. Everything else
(reserved words, undefined placeholders, redundant parentheses) is noted in ``issues``
so that validation can report the problem DynamoDB would report first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, NoReturn

from emulator import limits
from emulator.errors import NotSupportedByEmulator
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions.ast import (
    Between,
    Call,
    Compare,
    Element,
    In,
    Logic,
    Node,
    Not,
    Operand,
    Path,
    Test,
    Value,
)
from emulator.services.dynamodb.expressions.issues import CONDITION, PROJECTION, Issues, Rank, Ranks
from emulator.services.dynamodb.expressions.tokens import (
    ATTR,
    COMPARATORS,
    END,
    NAME,
    NUMBER,
    OP,
    VALUE,
    Mode,
    Token,
    syntax_error,
    tokenize,
)
from emulator.services.dynamodb.reserved import RESERVED_WORDS

Mark = tuple[int, tuple[int, int], int, int]

# Not an AWS limit (AWS documents none): it keeps recursion far from Python's own limit.
# A real expression this deep would also break the 300-operator quota.
MAX_NESTING = 100


class Parser:
    """Token handling, document paths and placeholders, shared by every grammar."""

    keywords: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self, label: str, expression: str, names: Mapping[str, str], mode: Mode, ranks: Ranks
    ) -> None:
        self.label = label
        self.text = expression
        self.tokens = tokenize(expression, mode)
        self.index = 0
        self.names = names
        self.ranks = ranks
        self.issues = Issues()
        self.used_names: set[str] = set()
        self.value_refs: list[tuple[Rank, str]] = []
        self.leaf = 0
        self.depth = 0
        # Nodes already wrapped in one pair of parentheses, kept alive so ids stay unique.
        self.wrapped: dict[int, object] = {}

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self) -> NoReturn:
        raise syntax_error(self.label, self.text, self.tokens, self.index)

    def expect(self, text: str) -> Token:
        if self.peek().text != text:
            self.fail()
        return self.take()

    def finish(self) -> None:
        if self.peek().kind != END:
            self.fail()

    def mark(self) -> Mark:
        return self.index, self.issues.mark(), len(self.value_refs), self.depth

    def restore(self, mark: Mark) -> None:
        self.index = mark[0]
        self.issues.restore(mark[1])
        del self.value_refs[mark[2] :]
        self.depth = mark[3]

    def nest(self) -> None:
        """Enter parentheses, NOT or a function's arguments; undone by ``unnest``."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise NotSupportedByEmulator(
                f"An expression nested more than {MAX_NESTING} levels deep"
            )

    def unnest(self) -> None:
        self.depth -= 1

    def note_wrapped(self, node: object) -> None:
        """A node inside two pairs of parentheses is redundant, as DynamoDB sees it."""
        if id(node) in self.wrapped:
            self.issues.add(self.ranks.parens, "The expression has redundant parentheses;")
        self.wrapped[id(node)] = node

    def path(self) -> Path:
        elements: list[Element] = [self.element()]
        while True:
            token = self.peek()
            if token.text == ".":
                self.take()
                elements.append(self.element())
            elif token.text == "[":
                self.take()
                if self.peek().kind != NUMBER:
                    self.fail()
                elements.append(int(self.take().text))
                self.expect("]")
            else:
                if len(elements) > limits.value("dynamodb", "NestingDepth"):
                    self.issues.add(
                        self.ranks.at(self.ranks.name, self.leaf),
                        "The document path has too many nesting levels; "
                        f"nesting levels: {len(elements)}",
                    )
                return Path(tuple(elements))

    def element(self) -> str:
        token = self.peek()
        if token.kind == ATTR:
            self.take()
            name = self.names.get(token.text)
            if name is None:
                self.issues.add(
                    self.ranks.at(self.ranks.name, self.leaf),
                    "An expression attribute name used in the document path is not defined; "
                    f"attribute name: {token.text}",
                )
                return token.text
            self.used_names.add(token.text)
            return name
        if token.kind != NAME or token.text.upper() in self.keywords:
            self.fail()
        self.take()
        if token.text.upper() in RESERVED_WORDS:
            self.issues.add(
                self.ranks.at(self.ranks.reserved, self.leaf),
                f"Attribute name is a reserved keyword; reserved keyword: {token.text}",
            )
        return token.text

    def value(self) -> Value:
        token = self.take()
        rank = (*self.ranks.at(self.ranks.value, self.leaf), self.issues.next())
        self.value_refs.append((rank, token.text))
        return Value(token.text)

    def operand(self) -> Operand:
        """A path, a value or a function call, optionally in parentheses."""
        if self.peek().text == "(":
            self.take()
            self.nest()
            inner = self.operand()
            self.unnest()
            self.expect(")")
            self.note_wrapped(inner)
            return inner
        return self.bare_operand()

    def bare_operand(self) -> Operand:
        token = self.peek()
        if token.kind == VALUE:
            return self.value()
        if (
            token.kind == NAME
            and self.peek(1).text == "("
            and token.text.upper() not in self.keywords
        ):
            return self.call()
        return self.path()

    def call(self) -> Call:
        name = self.take().text
        self.take()  # the "(" that made this a call
        self.nest()
        args = [self.operand()]
        while self.peek().text == ",":
            self.take()
            args.append(self.operand())
        self.unnest()
        self.expect(")")
        return Call(name, tuple(args))


class ConditionParser(Parser):
    """ConditionExpression and FilterExpression: see README.md for the grammar."""

    keywords: ClassVar[frozenset[str]] = frozenset(("AND", "OR", "NOT", "BETWEEN", "IN"))

    def __init__(self, label: str, expression: str, names: Mapping[str, str]) -> None:
        super().__init__(label, expression, names, "condition", CONDITION)

    def parse(self) -> Node:
        node = self.disjunction()
        self.finish()
        return node

    def disjunction(self) -> Node:
        items = [self.conjunction()]
        while self.peek().is_word("OR"):
            self.take()
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Logic("OR", tuple(items))

    def conjunction(self) -> Node:
        items = [self.negation()]
        while self.peek().is_word("AND"):
            self.take()
            items.append(self.negation())
        return items[0] if len(items) == 1 else Logic("AND", tuple(items))

    def negation(self) -> Node:
        if self.peek().is_word("NOT"):
            self.take()
            self.nest()
            inner = self.negation()
            self.unnest()
            return Not(inner)
        return self.primary()

    def primary(self) -> Node:
        start = self.leaf = self.index
        if self.peek().text == "(":
            # "(" opens either an operand, as in "(a) = :v", or a nested condition.
            mark = self.mark()
            try:
                operand: Operand | None = self.operand()
            except ValidationException:
                operand = None
            if operand is not None and self.at_comparison():
                return self.comparison(operand, start)
            self.restore(mark)
            self.take()
            self.nest()
            inner = self.disjunction()
            self.unnest()
            self.expect(")")
            self.note_wrapped(inner)
            return inner
        operand = self.operand()
        if self.at_comparison():
            return self.comparison(operand, start)
        if isinstance(operand, Call):
            return Test(operand, start)
        return self.fail()

    def at_comparison(self) -> bool:
        token = self.peek()
        return (
            (token.kind == OP and token.text in COMPARATORS)
            or token.is_word("BETWEEN")
            or token.is_word("IN")
        )

    def comparison(self, left: Operand, start: int) -> Node:
        token = self.take()
        if token.kind == OP:
            return Compare(token.text, left, self.operand(), start)
        if token.is_word("BETWEEN"):
            low = self.operand()
            if not self.peek().is_word("AND"):
                self.fail()
            self.take()
            return Between(left, low, self.operand(), start)
        self.expect("(")
        options = [self.operand()]
        while self.peek().text == ",":
            self.take()
            options.append(self.operand())
        self.expect(")")
        return In(left, tuple(options), start)


class ProjectionParser(Parser):
    """ProjectionExpression: document paths separated by commas."""

    def __init__(self, label: str, expression: str, names: Mapping[str, str]) -> None:
        super().__init__(label, expression, names, "projection", PROJECTION)

    def parse(self) -> list[Path]:
        paths = [self.path()]
        while self.peek().text == ",":
            self.take()
            paths.append(self.path())
        self.finish()
        return paths
