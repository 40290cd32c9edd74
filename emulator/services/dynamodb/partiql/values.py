"""Constants: literals and bound parameters become DynamoDB AttributeValues.

PartiQL literals map onto DynamoDB types: ``'x'`` is S, ``1.5`` is N, ``TRUE`` is BOOL,
``NULL`` is NULL, ``[...]`` is L, ``{'k': v}`` is M and ``<<...>>`` is SS or NS (a bag
of strings or of numbers; a binary set can only come in as a parameter). ``MISSING`` is
no value at all, which only ``IS [NOT] MISSING`` can test.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from emulator.services.dynamodb.attributes import AttributeValue, Item
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.partiql.ast import (
    CONSTANTS,
    BagExpr,
    Expr,
    ListExpr,
    Literal,
    Param,
    TupleExpr,
)

EMPTY_BAG = "Empty bags are not supported"
BAG_TYPES = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
MISSING_COMPARED = "MISSING must be compared using IS operator"


def is_constant(expr: Expr) -> bool:
    """Whether ``expr`` has one value whatever the item (literals, ``?``, collections of them)."""
    if isinstance(expr, ListExpr | BagExpr):
        return all(is_constant(item) for item in expr.items)
    if isinstance(expr, TupleExpr):
        return all(is_constant(value) for _, value in expr.entries)
    return isinstance(expr, CONSTANTS)


def constant(
    expr: Expr, parameters: Sequence[AttributeValue], where: str = "item"
) -> AttributeValue | None:
    """The value of a constant expression; None stands for ``MISSING``.

    Args:
        expr: a node for which ``is_constant`` holds.
        parameters: the request's Parameters, already validated.
        where: the attribute path the value sits under, for messages.
    """
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Param):
        return parameters[expr.index]
    if isinstance(expr, ListExpr):
        return {"L": [_present(item, parameters, where) for item in expr.items]}
    if isinstance(expr, TupleExpr):
        return {"M": _entries(expr, parameters, where)}
    if isinstance(expr, BagExpr):
        return _bag(expr)
    raise TypeError(f"{type(expr).__name__} is not a constant")


def item(expr: TupleExpr, parameters: Sequence[AttributeValue]) -> Item:
    """The item an INSERT's ``VALUE {...}`` describes."""
    return _entries(expr, parameters, "item")


def _entries(expr: TupleExpr, parameters: Sequence[AttributeValue], where: str) -> Item:
    entries: Item = {}
    for key, value in expr.entries:
        if key in entries:
            raise ValidationException(f"Duplicate keys in tuple. Key: {key} under {where}")
        entries[key] = _present(value, parameters, key)
    return entries


def _present(expr: Expr, parameters: Sequence[AttributeValue], key: str) -> AttributeValue:
    value = constant(expr, parameters, key)
    if value is None:
        raise ValidationException(f"Unsupported data type: MISSING under key {key}")
    return value


def _bag(expr: BagExpr) -> AttributeValue:
    if not expr.items:
        raise ValidationException(EMPTY_BAG)
    kinds: set[str] = set()
    members: list[str] = []
    for member in expr.items:
        value = member.value if isinstance(member, Literal) else None
        kind = next(iter(value)) if value else None
        if value is None or kind not in ("S", "N"):
            raise ValidationException(BAG_TYPES)
        kinds.add(kind)
        members.append(value[kind])
    if len(kinds) > 1:
        raise ValidationException(BAG_TYPES)
    kind = kinds.pop()
    seen = [Decimal(m) for m in members] if kind == "N" else members
    if len(set(seen)) != len(seen):
        raise ValidationException(
            "One or more parameter values were invalid: Input collection "
            f"[{', '.join(members)}] contains duplicates."
        )
    return {f"{kind}S": members}
