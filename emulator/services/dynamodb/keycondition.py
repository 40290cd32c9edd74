"""KeyConditionExpression: tokens -> parser -> AST -> validate against the key -> evaluate.

Grammar (what Query accepts)::

    condition  := part [AND part]
    part       := "(" condition ")" | operand comparator operand
                | operand BETWEEN operand AND operand
                | begins_with "(" operand "," operand ")"
    comparator := "=" | "<" | "<=" | ">" | ">="
    operand    := name | #placeholder | :value

The partition key must be compared with ``=``; the sort key may take any one condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from emulator.services.dynamodb.attributes import AttributeValue, sort_key
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.reserved import RESERVED_WORDS

_TOKEN = re.compile(
    r"\s*(?:(?P<op><=|>=|<>|=|<|>)|(?P<punct>[(),])|(?P<value>:[A-Za-z0-9_]+)"
    r"|(?P<name>#[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass(frozen=True)
class Token:
    kind: str  # op, punct, value, name, end
    text: str
    position: int


@dataclass(frozen=True)
class Condition:
    """One key condition: ``attribute op values`` (BETWEEN has two values)."""

    attribute: str
    op: str  # "=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"
    values: tuple[AttributeValue, ...]


def tokenize(expression: str) -> list[Token]:
    tokens = []
    position = 0
    while position < len(expression):
        if expression[position:].strip() == "":
            break
        match = _TOKEN.match(expression, position)
        if match is None or match.end() == position:
            bad = expression[position:].strip()[:1]
            raise _syntax(bad, expression, position)
        kind = match.lastgroup or "name"
        tokens.append(Token(kind, match.group(kind), match.start(kind)))
        position = match.end()
    tokens.append(Token("end", "<EOF>", len(expression)))
    return tokens


def _syntax(token: str, expression: str, position: int) -> ValidationException:
    near = expression[max(0, position - 10) : position + 10].strip()
    return ValidationException(
        f'Invalid KeyConditionExpression: Syntax error; token: "{token}", near: "{near}"'
    )


class _Parser:
    def __init__(self, expression: str, names: dict[str, str], values: dict[str, Any]) -> None:
        self.expression = expression
        self.tokens = tokenize(expression)
        self.index = 0
        self.names = names
        self.values = values
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text.lower() != text.lower():
            raise _syntax(token.text, self.expression, token.position)

    def parse(self) -> list[Condition]:
        if self.peek().kind == "end":
            raise ValidationException(
                "Invalid KeyConditionExpression: The expression can not be empty;"
            )
        parts = self.condition()
        token = self.peek()
        if token.kind != "end":
            raise _syntax(token.text, self.expression, token.position)
        return parts

    def condition(self) -> list[Condition]:
        parts = self.part()
        while self.peek().kind == "name" and self.peek().text.upper() == "AND":
            self.take()
            parts += self.part()
        if self.peek().kind == "name" and self.peek().text.upper() in ("OR", "NOT"):
            token = self.peek()
            raise ValidationException(
                f"Invalid operator used in KeyConditionExpression: {token.text.upper()}"
            )
        return parts

    def part(self) -> list[Condition]:
        token = self.peek()
        if token.text == "(":
            self.take()
            inner = self.condition()
            self.expect(")")
            return inner
        if token.kind == "name" and token.text == "begins_with":
            self.take()
            self.expect("(")
            attribute = self.attribute()
            self.expect(",")
            value = self.value()
            self.expect(")")
            return [Condition(attribute, "begins_with", (value,))]
        attribute = self.attribute()
        token = self.take()
        if token.kind == "name" and token.text.upper() == "BETWEEN":
            low = self.value()
            self.expect("AND")
            high = self.value()
            return [Condition(attribute, "BETWEEN", (low, high))]
        if token.kind != "op":
            raise _syntax(token.text, self.expression, token.position)
        if token.text == "<>":
            raise ValidationException("Invalid operator used in KeyConditionExpression: <>")
        return [Condition(attribute, token.text, (self.value(),))]

    def attribute(self) -> str:
        token = self.take()
        if token.kind != "name" or token.text.upper() in ("AND", "BETWEEN"):
            raise _syntax(token.text, self.expression, token.position)
        if token.text.startswith("#"):
            if token.text not in self.names:
                raise ValidationException(
                    "Invalid KeyConditionExpression: An expression attribute name used in the "
                    f"document path is not defined; attribute name: {token.text}"
                )
            self.used_names.add(token.text)
            return self.names[token.text]
        if token.text.upper() in RESERVED_WORDS:
            raise ValidationException(
                "Invalid KeyConditionExpression: Attribute name is a reserved keyword; "
                f"reserved keyword: {token.text}"
            )
        return token.text

    def value(self) -> AttributeValue:
        token = self.take()
        if token.kind != "value":
            raise _syntax(token.text, self.expression, token.position)
        if token.text not in self.values:
            raise ValidationException(
                "Invalid KeyConditionExpression: An expression attribute value used in "
                f"expression is not defined; attribute value: {token.text}"
            )
        self.used_values.add(token.text)
        return self.values[token.text]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class KeyQuery:
    """A validated key condition: the partition value and an optional sort-key test."""

    partition: AttributeValue
    sort: Condition | None
    used_names: frozenset[str]
    used_values: frozenset[str]

    def matches_sort(self, value: AttributeValue) -> bool:
        """Whether a sort key value satisfies the sort condition (none = all do)."""
        if self.sort is None:
            return True
        return evaluate(self.sort, value)

    def bounds(self) -> tuple[Any, Any]:
        """Lowest and highest sort-key order values that can match (None = open)."""
        if self.sort is None:
            return None, None
        op, values = self.sort.op, self.sort.values
        if op == "BETWEEN":
            return sort_key(values[0]), sort_key(values[1])
        if op in (">", ">="):
            return sort_key(values[0]), None
        if op in ("<", "<="):
            return None, sort_key(values[0])
        if op == "=":
            return sort_key(values[0]), sort_key(values[0])
        prefix = sort_key(values[0])  # begins_with: keys are at most 1,024 bytes long
        return prefix, prefix + (b"\xff" if isinstance(prefix, bytes) else "\U0010ffff") * 1025


def evaluate(condition: Condition, value: AttributeValue) -> bool:
    ((kind, _),) = value.items()
    if condition.op == "begins_with":
        ((prefix_kind, prefix),) = condition.values[0].items()
        inner = value[kind]
        return prefix_kind == kind and inner[: len(prefix)] == prefix
    left = sort_key(value)
    rights = [sort_key(v) for v in condition.values]
    op = condition.op
    if op == "=":
        return bool(left == rights[0])
    if op == "<":
        return bool(left < rights[0])
    if op == "<=":
        return bool(left <= rights[0])
    if op == ">":
        return bool(left > rights[0])
    if op == ">=":
        return bool(left >= rights[0])
    return bool(rights[0] <= left <= rights[1])


def parse(
    expression: str,
    key_schema: dict[str, str],
    attribute_types: dict[str, str],
    names: dict[str, str],
    values: dict[str, Any],
) -> KeyQuery:
    """Parse and validate against the table's key.

    Args:
        expression: the KeyConditionExpression.
        key_schema: {"HASH": name, "RANGE": name (optional)}.
        attribute_types: key attribute name -> "S" | "N" | "B".
        names: ExpressionAttributeNames; values: ExpressionAttributeValues (validated).
    """
    parser = _Parser(expression, names, values)
    parts = parser.parse()
    hash_name, range_name = key_schema["HASH"], key_schema.get("RANGE")
    partition: AttributeValue | None = None
    sort: Condition | None = None
    for part in parts:
        if part.attribute == hash_name:
            if part.op != "=" or partition is not None:
                raise ValidationException("Query key condition not supported")
            partition = part.values[0]
        elif part.attribute == range_name:
            if sort is not None:
                raise ValidationException(
                    "KeyConditionExpressions must only contain one condition per key"
                )
            sort = part
        else:
            raise ValidationException(
                f"Query condition missed key schema element: {hash_name if partition is None else range_name}"
                if range_name is None or part.attribute not in (hash_name, range_name)
                else "Query key condition not supported"
            )
    if partition is None:
        raise ValidationException(f"Query condition missed key schema element: {hash_name}")
    for part_name, part_value in [(hash_name, partition)] + (
        [(range_name, v) for v in sort.values] if sort and range_name else []
    ):
        ((kind, _),) = part_value.items()
        wanted = attribute_types[part_name]
        if (
            sort is not None
            and sort.op == "begins_with"
            and part_name == range_name
            and wanted == "N"
        ):
            raise ValidationException(
                "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                "operator or function: begins_with, operand type: N"
            )
        if kind != wanted:
            raise ValidationException(
                "One or more parameter values were invalid: Condition parameter type does not "
                "match schema type"
            )
    if sort is not None and sort.op == "BETWEEN":
        low, high = sort.values
        if sort_key(low) > sort_key(high):
            raise ValidationException(
                "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
                f"greater than or equal to lower bound; lower bound operand: AttributeValue: "
                f"{_shown(low)}, upper bound operand: AttributeValue: {_shown(high)}"
            )
    return KeyQuery(partition, sort, frozenset(parser.used_names), frozenset(parser.used_values))


def _shown(value: AttributeValue) -> str:
    """A value as AWS prints it in key condition errors: ``{N:6}``."""
    ((kind, inner),) = value.items()
    return f"{{{kind}:{inner}}}"
