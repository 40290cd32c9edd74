"""ConditionExpression and FilterExpression: parse once, bind values, evaluate items.

A parsed condition is compiled into nested closures, so evaluating it against an item
is a few function calls with no tree walking and no per-call allocation beyond what
``size()`` returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias

from emulator.services.dynamodb.attributes import AttributeValue, Item
from emulator.services.dynamodb.expressions import compare
from emulator.services.dynamodb.expressions.ast import (
    Between,
    Call,
    Compare,
    In,
    Logic,
    Node,
    Not,
    Operand,
    Path,
    Test,
    Value,
)
from emulator.services.dynamodb.expressions.condition_rules import ConditionChecker
from emulator.services.dynamodb.expressions.issues import CONDITION
from emulator.services.dynamodb.expressions.parser import ConditionParser
from emulator.services.dynamodb.expressions.paths import get
from emulator.services.dynamodb.expressions.placeholders import check_expression
from emulator.services.dynamodb.expressions.validate import Template, Values

ConditionKind: TypeAlias = Literal["ConditionExpression", "FilterExpression"]
Evaluator: TypeAlias = Callable[[Item, Values], bool]
Reader: TypeAlias = Callable[[Item, Values], AttributeValue | None]

_NO_ITEM: Item = {}


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition with its values bound, ready to test items."""

    test: Evaluator
    values: Values
    used_names: frozenset[str]
    """The ExpressionAttributeNames placeholders this expression used."""
    used_values: frozenset[str]
    """The ExpressionAttributeValues placeholders this expression used."""

    def evaluate(self, item: Item | None) -> bool:
        """Whether ``item`` satisfies the condition; None stands for "no such item"."""
        return self.test(_NO_ITEM if item is None else item, self.values)


def parse_condition(
    expression: str,
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
    *,
    kind: ConditionKind = "ConditionExpression",
) -> Condition:
    """Parse, validate and bind a condition, raising AWS's ValidationException.

    Args:
        expression: the ConditionExpression or FilterExpression text.
        names: ExpressionAttributeNames, already checked by ``validate_names``.
        values: ExpressionAttributeValues, already checked by ``validate_values``.
        kind: which parameter this is, for the "Invalid ...:" prefix of errors.
    """
    template, test = _template(kind, expression, tuple(names.items()) if names else ())
    bound = values if values is not None else {}
    template.check(bound)
    assert test is not None  # a template without problems always compiles
    return Condition(test, bound, template.used_names, template.value_names)


@lru_cache(maxsize=1024)
def _template(
    kind: str, expression: str, names: tuple[tuple[str, str], ...]
) -> tuple[Template, Evaluator | None]:
    check_expression(kind, expression)
    parser = ConditionParser(kind, expression, dict(names))
    node = parser.parse()
    checker = ConditionChecker(parser.issues, CONDITION)
    checker.node(node)
    checker.finish()
    template = Template.of(kind, parser, checker)
    return template, (None if template.issues else _compile(node))


def _compile(node: Node) -> Evaluator:
    if isinstance(node, Logic):
        parts = tuple(_compile(item) for item in node.items)
        if len(parts) == 2:
            first, second = parts
            if node.op == "AND":
                return lambda item, values: first(item, values) and second(item, values)
            return lambda item, values: first(item, values) or second(item, values)
        if node.op == "AND":
            return lambda item, values: all(part(item, values) for part in parts)
        return lambda item, values: any(part(item, values) for part in parts)
    if isinstance(node, Not):
        inner = _compile(node.inner)
        return lambda item, values: not inner(item, values)
    if isinstance(node, Compare):
        return _comparison(node.op, _reader(node.left), _reader(node.right))
    if isinstance(node, Between):
        return _between(_reader(node.subject), _reader(node.low), _reader(node.high))
    if isinstance(node, In):
        return _membership(_reader(node.subject), tuple(_reader(o) for o in node.options))
    return _function(node)


def _reader(operand: Operand) -> Reader:
    if isinstance(operand, Value):
        name = operand.name
        return lambda item, values: values[name]
    if isinstance(operand, Path):
        elements = operand.elements
        if len(elements) == 1:
            top = str(elements[0])
            return lambda item, values: item.get(top)
        return lambda item, values: get(item, elements)
    if not isinstance(operand, Call):
        raise TypeError(f"conditions have no {type(operand).__name__} operands")
    inner = _reader(operand.args[0])  # size(), the one function usable as a value

    def size_of(item: Item, values: Values) -> AttributeValue | None:
        value = inner(item, values)
        count = None if value is None else compare.size(value)
        return None if count is None else {"N": str(count)}

    return size_of


_ORDERINGS: dict[str, Callable[[int], bool]] = {
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}


def _comparison(op: str, left: Reader, right: Reader) -> Evaluator:
    if op == "=":

        def equal(item: Item, values: Values) -> bool:
            one, two = left(item, values), right(item, values)
            return one is not None and two is not None and compare.equal(one, two)

        return equal
    if op == "<>":

        def different(item: Item, values: Values) -> bool:
            # A missing attribute differs from everything, even from another missing one.
            one, two = left(item, values), right(item, values)
            return one is None or two is None or not compare.equal(one, two)

        return different
    accept = _ORDERINGS[op]

    def ordered(item: Item, values: Values) -> bool:
        one, two = left(item, values), right(item, values)
        if one is None or two is None:
            return False
        result = compare.order(one, two)
        return result is not None and accept(result)

    return ordered


def _between(subject: Reader, low: Reader, high: Reader) -> Evaluator:
    def between(item: Item, values: Values) -> bool:
        value, lower, upper = subject(item, values), low(item, values), high(item, values)
        if value is None or lower is None or upper is None:
            return False
        above, below = compare.order(value, lower), compare.order(value, upper)
        return above is not None and below is not None and above >= 0 and below <= 0

    return between


def _membership(subject: Reader, options: tuple[Reader, ...]) -> Evaluator:
    def member(item: Item, values: Values) -> bool:
        value = subject(item, values)
        if value is None:
            return False
        for option in options:
            candidate = option(item, values)
            if candidate is not None and compare.equal(value, candidate):
                return True
        return False

    return member


def _function(node: Test) -> Evaluator:
    call = node.call
    name = call.name
    if name in ("attribute_exists", "attribute_not_exists"):
        path = call.args[0]
        assert isinstance(path, Path)
        elements = path.elements
        exists = name == "attribute_exists"
        if len(elements) == 1:
            top = elements[0]
            return lambda item, values: (top in item) is exists
        return lambda item, values: (get(item, elements) is not None) is exists
    if name == "attribute_type":
        subject = _reader(call.args[0])
        wanted = call.args[1]
        assert isinstance(wanted, Value)
        type_name = wanted.name

        def has_type(item: Item, values: Values) -> bool:
            value = subject(item, values)
            return value is not None and compare.type_of(value) == values[type_name]["S"]

        return has_type
    first, second = _reader(call.args[0]), _reader(call.args[1])
    test = compare.begins_with if name == "begins_with" else compare.contains

    def check(item: Item, values: Values) -> bool:
        one, two = first(item, values), second(item, values)
        return one is not None and two is not None and test(one, two)

    return check
