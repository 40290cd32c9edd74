"""The expression half of the PartiQL parser: operators by precedence, operands, paths.

Precedence, loosest first, as PartiQL defines it: OR; AND; NOT; ``= <> IS IN``;
``< <= > >= BETWEEN LIKE``; ``+ - ||``; ``* / %``; a sign; an operand. Everything is
parsed into one tree; whether a node may stand where it stands (a value where a
condition is wanted, a function DynamoDB does not have) is decided later, in
``conditions.py`` and ``values.py``.
"""

from __future__ import annotations

from typing import NoReturn

from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.partiql.ast import (
    BagExpr,
    Between,
    Binary,
    Call,
    Element,
    Expr,
    In,
    Is,
    ListExpr,
    Literal,
    Param,
    Path,
    TupleExpr,
    Unary,
)
from emulator.services.dynamodb.partiql.errors import malformed, unsupported
from emulator.services.dynamodb.partiql.tokens import Token, tokenize

#: Keywords that PartiQL also accepts as function names.
FUNCTION_KEYWORDS = frozenset(
    (
        "exists",
        "count",
        "avg",
        "max",
        "min",
        "sum",
        "size",
        "substring",
        "char_length",
        "character_length",
        "octet_length",
        "bit_length",
        "upper",
        "lower",
        "list",
        "bag",
        "sexp",
        "coalesce",
        "nullif",
        "cast",
        "extract",
        "trim",
        "date_add",
        "date_diff",
    )
)
_COMPARATORS = ("<", "<=", ">", ">=")
_UNPIVOT = "Unpivot path component like a.*.b are not supported"
_WILDCARD = "Wildcard path component like a[*].b are not supported"
_PATH_COMPONENT = "Unexpected path component"


class ExpressionParser:
    """A cursor over the tokens of one statement, with PartiQL's expression grammar."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.parameters = 0

    # -- cursor ---------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def at(self, *words: str) -> bool:
        return self.peek().is_word(*words)

    def at_punct(self, text: str) -> bool:
        token = self.peek()
        return token.kind == "punct" and token.text == text

    def accept_punct(self, text: str) -> bool:
        if self.at_punct(text):
            self.take()
            return True
        return False

    def expect_punct(self, text: str, name: str) -> Token:
        if not self.at_punct(text):
            self.unexpected(f"Expected {name}")
        return self.take()

    def accept_word(self, word: str) -> bool:
        if self.at(word):
            self.take()
            return True
        return False

    def expect_word(self, word: str, detail: str | None = None) -> Token:
        if not self.at(word):
            self.unexpected(detail or f"Expected {word.upper()}")
        return self.take()

    def unexpected(self, detail: str) -> NoReturn:
        """A syntax error at the next token: a misplaced keyword is named as such."""
        token = self.peek()
        raise malformed("Unexpected keyword" if token.keyword is not None else detail)

    # -- operators ------------------------------------------------------------------------
    def expression(self) -> Expr:
        return self._or()

    def _or(self) -> Expr:
        left = self._and()
        while self.at("or"):
            position = self.take().position
            left = Binary("or", left, self._and(), position)
        return left

    def _and(self) -> Expr:
        left = self._not()
        while self.at("and"):
            position = self.take().position
            left = Binary("and", left, self._not(), position)
        return left

    def _not(self) -> Expr:
        if self.at("not"):
            position = self.take().position
            return Unary("not", self._not(), position)
        return self._equality()

    def _equality(self) -> Expr:
        left = self._comparison()
        while True:
            token = self.peek()
            if token.kind == "op" and token.text in ("=", "<>"):
                self.take()
                left = Binary(token.text, left, self._comparison(), token.position)
            elif token.is_word("is"):
                self.take()
                negated = self.accept_word("not")
                kind = self.peek()
                if kind.kind != "name":
                    self.unexpected("Expected type name")
                self.take()
                left = Is(left, kind.text.upper(), negated, token.position)
            elif token.is_word("in") or (token.is_word("not") and self.peek(1).is_word("in")):
                negated = token.is_word("not")
                self.take()
                if negated:
                    self.take()
                left = In(left, self._comparison(), negated, token.position)
            else:
                return left

    def _comparison(self) -> Expr:
        left = self._additive()
        while True:
            token = self.peek()
            negated = token.is_word("not") and self.peek(1).is_word("between", "like")
            word = self.peek(1) if negated else token
            if token.kind == "op" and token.text in _COMPARATORS:
                self.take()
                left = Binary(token.text, left, self._additive(), token.position)
            elif word.is_word("between"):
                self.take()
                if negated:
                    self.take()
                low = self._additive()
                self.expect_word("and")
                left = Between(left, low, self._additive(), negated, token.position)
            elif word.is_word("like"):
                self.take()
                if negated:
                    self.take()
                pattern = self._additive()
                if self.at("escape"):
                    self.take()
                    self._additive()
                like = Binary("like", left, pattern, word.position)
                left = Unary("not", like, token.position) if negated else like
            else:
                return left

    def _additive(self) -> Expr:
        left = self._multiplicative()
        while self.peek().kind == "op" and self.peek().text in ("+", "-", "||"):
            token = self.take()
            left = Binary(token.text, left, self._multiplicative(), token.position)
        return left

    def _multiplicative(self) -> Expr:
        left = self._unary()
        while self.peek().kind == "op" and self.peek().text in ("*", "/", "%"):
            token = self.take()
            left = Binary(token.text, left, self._unary(), token.position)
        return left

    def _unary(self) -> Expr:
        token = self.peek()
        if token.kind == "op" and token.text in ("-", "+"):
            self.take()
            operand = self._unary()
            if isinstance(operand, Literal) and operand.value is not None and "N" in operand.value:
                number = operand.value["N"]
                if token.text == "-":
                    number = number[1:] if number.startswith("-") else f"-{number}"
                return Literal({"N": av.normalise_number(number)}, token.position)
            return Unary("-" if token.text == "-" else "+", operand, token.position)
        return self._primary()

    # -- operands -------------------------------------------------------------------------
    def _primary(self) -> Expr:
        token = self.peek()
        if token.kind == "string":
            self.take()
            return Literal({"S": token.text}, token.position)
        if token.kind == "number":
            self.take()
            return Literal({"N": av.normalise_number(token.text)}, token.position)
        if token.kind == "param":
            self.take()
            self.parameters += 1
            return Param(self.parameters - 1, token.position)
        if token.kind == "bag_open":
            self.take()
            items = self._items("bag_close")
            return BagExpr(items, token.position)
        if token.kind == "punct" and token.text in "([{":
            return self._group(token)
        if token.kind not in ("name", "quoted"):
            self.unexpected("Unexpected term")
        return self._named(token)

    def _group(self, token: Token) -> Expr:
        self.take()
        if token.text == "[":
            return ListExpr(self._items("]"), token.position)
        if token.text == "{":
            return self._tuple(token)
        if self.at("select"):
            raise unsupported("a nested SELECT")
        first = self.expression()
        if self.at_punct(","):
            # A row constructor: PartiQL reads (a, b) as a list.
            self.take()
            rest = self._items(")")
            return ListExpr((first, *rest), token.position)
        self.expect_punct(")", "RIGHT_PAREN")
        return first

    def _items(self, close: str) -> tuple[Expr, ...]:
        """Comma-separated expressions up to ``close`` (a punctuation mark or ``bag_close``)."""
        items: list[Expr] = []
        while not self._closes(close):
            items.append(self.expression())
            if not self.accept_punct(","):
                break
        if not self._closes(close):
            self.unexpected("Unexpected token")
        self.take()
        return tuple(items)

    def _closes(self, close: str) -> bool:
        token = self.peek()
        return token.kind == close if close == "bag_close" else self.at_punct(close)

    def _tuple(self, token: Token) -> TupleExpr:
        entries: list[tuple[str, Expr]] = []
        while not self.at_punct("}"):
            key = self.peek()
            if key.kind != "string":
                self.unexpected("Unexpected term")
            self.take()
            self.expect_punct(":", "COLON")
            entries.append((key.text, self.expression()))
            if not self.accept_punct(","):
                break
        self.expect_punct("}", "RIGHT_CURLY")
        return TupleExpr(tuple(entries), token.position)

    def _named(self, token: Token) -> Expr:
        keyword = token.keyword
        following = self.peek(1)
        calls = following.kind == "punct" and following.text == "("
        if keyword is not None and not (calls and keyword in FUNCTION_KEYWORDS):
            if keyword in ("true", "false"):
                self.take()
                return Literal({"BOOL": keyword == "true"}, token.position)
            if keyword == "null":
                self.take()
                return Literal({"NULL": True}, token.position)
            if keyword == "missing":
                self.take()
                return Literal(None, token.position)
            self.unexpected("Unexpected keyword")
        if token.kind == "name" and calls:
            return self._call(token)
        return self.path()

    def _call(self, token: Token) -> Call:
        self.take()
        self.take()  # the opening parenthesis
        name = token.text.lower()
        if name == "count" and self.peek().kind == "op" and self.peek().text == "*":
            self.take()
            self.expect_punct(")", "RIGHT_PAREN")
            return Call(name, (), token.position, len(token.text))
        return Call(name, self._items(")"), token.position, len(token.text))

    def path(self) -> Path:
        """A document path: a name, then ``.name`` and ``[index]`` steps."""
        token = self.peek()
        if token.kind not in ("name", "quoted"):
            self.unexpected("Unexpected term")
        if token.keyword is not None:
            self.unexpected("Unexpected keyword")
        self.take()
        elements: list[Element] = [token.text]
        while True:
            if self.at_punct("."):
                self.take()
                step = self.peek()
                if step.kind == "op" and step.text == "*":
                    raise ValidationException(_UNPIVOT)
                if step.kind not in ("name", "quoted") or step.keyword is not None:
                    self.unexpected("Unexpected term")
                elements.append(self.take().text)
            elif self.at_punct("["):
                self.take()
                elements.append(self._index())
                self.expect_punct("]", "RIGHT_BRACKET")
            else:
                return Path(tuple(elements), token.position)

    def _index(self) -> Element:
        step = self.peek()
        if step.kind == "op" and step.text == "*":
            raise ValidationException(_WILDCARD)
        if step.kind == "string":
            return self.take().text
        if step.kind != "number":
            self.unexpected("Unexpected term")
        self.take()
        if not step.text.isdigit():
            raise ValidationException(_PATH_COMPONENT)
        return int(step.text)
