"""WHERE clauses: validated against the bound parameters, then compiled into tests.

The meaning is DynamoDB's condition-expression meaning (the same comparison functions
serve both), so a PartiQL ``WHERE`` and the equivalent ``ConditionExpression`` always
agree: a missing attribute equals nothing and differs from everything, values of two
types are never equal and never ordered, sets ignore member order.

Everything that can be checked without an item is checked in ``compile_condition``,
before any item is read or written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

from emulator.services.dynamodb.attributes import AttributeValue, Item
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import compare
from emulator.services.dynamodb.expressions.paths import get
from emulator.services.dynamodb.partiql.ast import (
    Between,
    Binary,
    Call,
    Expr,
    In,
    Is,
    ListExpr,
    Path,
    Unary,
)
from emulator.services.dynamodb.partiql.values import MISSING_COMPARED, constant, is_constant

Test: TypeAlias = Callable[[Item], bool]
Reader: TypeAlias = Callable[[Item], AttributeValue | None]

COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
WHERE_NOT_BOOLEAN = "WHERE clause must contain an expression that resolves to a boolean"
_AND_OR = "The arguments to AND/OR must be Expressions"
_NOT = "The argument to NOT must be a Type or Expression"
_IN = (
    "IN operator must have a left hand argument of type Variable Reference and right hand "
    "argument of type Seq with at least one member"
)
_IS_OPERAND = "The left hand side argument to IS must be a Variable Reference, Literal, or Path"
_IS_TYPES = {
    "MISSING": None,
    "NULL": "NULL",
    "BOOLEAN": "BOOL",
    "BOOL": "BOOL",
    "BLOB": "B",
    "STRING": "S",
    "NUMERIC": "N",
    "STRUCT": "M",
    "TUPLE": "M",
    "LIST": "L",
}
# The order AWS lists the types in for PartiQL's attribute_type (recorded against AWS).
_TYPE_NAMES = "{N,BS,L,B,NULL,M,S,SS,NS,BOOL}"
_BOOLEAN_FUNCTIONS = {
    "begins_with": 2,
    "contains": 2,
    "attribute_type": 2,
    "attribute_exists": 1,
    "attribute_not_exists": 1,
}


def operand_type(function: str, kind: str) -> ValidationException:
    return ValidationException(
        "Incorrect operand type for operator or function; "
        f"operator or function: {function}, operand type: {kind}"
    )


def unrecognized(name: str) -> ValidationException:
    return ValidationException(f"Unrecognized function: {name}")


def compile_condition(expr: Expr, parameters: Sequence[AttributeValue]) -> Test:
    """Check a WHERE clause and turn it into a test of one item.

    Raises:
        ValidationException: the clause is not a condition, or a constant has a type its
            operator refuses, in DynamoDB's words.
    """
    return _Compiler(parameters).condition(expr, WHERE_NOT_BOOLEAN)


def names(expr: Expr | None) -> set[str]:
    """The top-level attribute names a clause reads."""
    if expr is None:
        return set()
    if isinstance(expr, Path):
        return {expr.top}
    found: set[str] = set()
    for child in _children(expr):
        found |= names(child)
    return found


def _children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Binary):
        return (expr.left, expr.right)
    if isinstance(expr, Unary):
        return (expr.operand,)
    if isinstance(expr, Between):
        return (expr.subject, expr.low, expr.high)
    if isinstance(expr, In):
        return (expr.subject, expr.options)
    if isinstance(expr, Is):
        return (expr.subject,)
    if isinstance(expr, Call | ListExpr):
        return expr.args if isinstance(expr, Call) else expr.items
    return ()


class _Compiler:
    def __init__(self, parameters: Sequence[AttributeValue]) -> None:
        self.parameters = parameters

    # -- conditions -----------------------------------------------------------------------
    def condition(self, expr: Expr, refusal: str) -> Test:
        if isinstance(expr, Binary) and expr.op in ("and", "or"):
            left = self.condition(expr.left, _AND_OR)
            right = self.condition(expr.right, _AND_OR)
            if expr.op == "and":
                return lambda item: left(item) and right(item)
            return lambda item: left(item) or right(item)
        if isinstance(expr, Unary) and expr.op == "not":
            inner = self.condition(expr.operand, _NOT)
            return lambda item: not inner(item)
        if isinstance(expr, Binary) and expr.op in COMPARATORS:
            return self._comparison(expr)
        if isinstance(expr, Binary) and expr.op == "like":
            raise ValidationException(
                "Unsupported operator in Condition Expression. Operator: LIKE"
            )
        if isinstance(expr, Between):
            return self._between(expr)
        if isinstance(expr, In):
            return self._membership(expr)
        if isinstance(expr, Is):
            return self._is(expr)
        if isinstance(expr, Call) and expr.name in _BOOLEAN_FUNCTIONS:
            return self._function(expr)
        if isinstance(expr, Call) and expr.name != "size":
            raise unrecognized(expr.name)
        raise ValidationException(refusal)

    def _comparison(self, expr: Binary) -> Test:
        op = expr.op
        left, right = self.value(expr.left, op), self.value(expr.right, op)
        if op == "=":
            return lambda item: _equal(left(item), right(item))
        if op == "<>":
            return lambda item: not _equal(left(item), right(item))
        accept: Callable[[int], bool] = {
            "<": lambda c: c < 0,
            "<=": lambda c: c <= 0,
            ">": lambda c: c > 0,
            ">=": lambda c: c >= 0,
        }[op]

        def ordered(item: Item) -> bool:
            result = _order(left(item), right(item))
            return result is not None and accept(result)

        return ordered

    def _between(self, expr: Between) -> Test:
        subject = self.value(expr.subject, "BETWEEN")
        low, high = self.value(expr.low, "BETWEEN"), self.value(expr.high, "BETWEEN")

        def between(item: Item) -> bool:
            value = subject(item)
            above, below = _order(value, low(item)), _order(value, high(item))
            return above is not None and below is not None and above >= 0 and below <= 0

        if expr.negated:
            return lambda item: not between(item)
        return between

    def _membership(self, expr: In) -> Test:
        options = expr.options
        if not isinstance(expr.subject, Path) or not isinstance(options, ListExpr):
            raise ValidationException(_IN)
        if not options.items:
            raise ValidationException(_IN)
        subject = self.value(expr.subject, "IN")
        readers = [self.value(option, "IN") for option in options.items]

        def member(item: Item) -> bool:
            value = subject(item)
            return any(_equal(value, reader(item)) for reader in readers)

        if expr.negated:
            return lambda item: not member(item)
        return member

    def _is(self, expr: Is) -> Test:
        if not (isinstance(expr.subject, Path) or is_constant(expr.subject)):
            raise ValidationException(_IS_OPERAND)
        if expr.kind not in _IS_TYPES:
            raise ValidationException(
                f"Unsupported data type for IS operator: {expr.kind}. Supported data types are "
                "[MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
            )
        wanted = _IS_TYPES[expr.kind]
        subject = self._reader(expr.subject)

        def test(item: Item) -> bool:
            value = subject(item)
            if wanted is None:
                return value is None
            return value is not None and compare.type_of(value) == wanted

        if expr.negated:
            return lambda item: not test(item)
        return test

    def _function(self, call: Call) -> Test:
        name = call.name
        if len(call.args) != _BOOLEAN_FUNCTIONS[name]:
            raise ValidationException(
                "Incorrect number of operands for operator or function; "
                f"operator or function: {name}, number of operands: {len(call.args)}"
            )
        if name in ("attribute_exists", "attribute_not_exists"):
            target = call.args[0]
            if not isinstance(target, Path):
                raise ValidationException(
                    f"Operator or function requires a document path; operator or function: {name}"
                )
            read = self._reader(target)
            exists = name == "attribute_exists"
            return lambda item: (read(item) is not None) is exists
        if name == "attribute_type":
            return self._attribute_type(call)
        first = self.value(call.args[0], name)
        second = self.value(call.args[1], name)
        test: Callable[[AttributeValue, AttributeValue], bool] = compare.contains
        if name == "begins_with":
            for arg in call.args:
                self._typed(arg, ("S", "B"), name)
            test = compare.begins_with

        def check(item: Item) -> bool:
            one, two = first(item), second(item)
            return one is not None and two is not None and test(one, two)

        return check

    def _attribute_type(self, call: Call) -> Test:
        subject = self.value(call.args[0], "attribute_type")
        wanted = call.args[1]
        if not is_constant(wanted):
            raise operand_type("attribute_type", _TYPE_NAMES)
        value = constant(wanted, self.parameters)
        if value is None or compare.type_of(value) != "S":
            raise operand_type("attribute_type", "MISSING" if value is None else _kind(value))
        type_name = value["S"]
        if type_name not in compare.ALL_TYPES:
            raise ValidationException(
                f"Invalid attribute type name found; type: {type_name}, valid types: {_TYPE_NAMES}"
            )

        def has_type(item: Item) -> bool:
            found = subject(item)
            return found is not None and compare.type_of(found) == type_name

        return has_type

    # -- values ---------------------------------------------------------------------------
    def value(self, expr: Expr, operator: str) -> Reader:
        """An operand of ``operator``; ordering operators refuse unordered constants."""
        if is_constant(expr) and constant(expr, self.parameters) is None:
            raise ValidationException(MISSING_COMPARED)
        if operator in ("<", "<=", ">", ">=", "BETWEEN"):
            self._typed(expr, compare.ORDERED, operator)
        return self._reader(expr)

    def _typed(self, expr: Expr, allowed: Sequence[str] | frozenset[str], operator: str) -> None:
        """Constants must have a type the operator accepts; item values are not checked
        (a wrong type there simply makes the condition false)."""
        if is_constant(expr):
            value = constant(expr, self.parameters)
            if value is not None and compare.type_of(value) not in allowed:
                raise operand_type(operator, _kind(value))
        elif isinstance(expr, Call) and expr.name == "size" and "N" not in allowed:
            raise operand_type(operator, "N")

    def _reader(self, expr: Expr) -> Reader:
        if is_constant(expr):
            fixed = constant(expr, self.parameters)
            return lambda item: fixed
        if isinstance(expr, Path):
            elements = expr.elements
            return lambda item: get(item, elements)
        if isinstance(expr, Call):
            return self._size(expr)
        if isinstance(expr, Binary | Unary) and expr.op not in ("and", "or", "not"):
            raise ValidationException(
                f"Unsupported operator in Condition Expression. Operator: {expr.op.upper()}"
            )
        raise ValidationException(_AND_OR if isinstance(expr, Binary) else WHERE_NOT_BOOLEAN)

    def _size(self, call: Call) -> Reader:
        if call.name != "size":
            if call.name in _BOOLEAN_FUNCTIONS:
                raise ValidationException(
                    "The function is not allowed to be used this way in an expression; "
                    f"function: {call.name}"
                )
            raise unrecognized(call.name)
        if len(call.args) != 1:
            raise ValidationException(
                "Incorrect number of operands for operator or function; "
                f"operator or function: size, number of operands: {len(call.args)}"
            )
        self._typed(call.args[0], compare.SIZED, "size")
        inner = self._reader(call.args[0])

        def size_of(item: Item) -> AttributeValue | None:
            value = inner(item)
            count = None if value is None else compare.size(value)
            return None if count is None else {"N": str(count)}

        return size_of


def _equal(one: AttributeValue | None, two: AttributeValue | None) -> bool:
    return one is not None and two is not None and compare.equal(one, two)


def _order(one: AttributeValue | None, two: AttributeValue | None) -> int | None:
    if one is None or two is None:
        return None
    return compare.order(one, two)


def _kind(value: AttributeValue) -> str:
    return compare.type_of(value)
