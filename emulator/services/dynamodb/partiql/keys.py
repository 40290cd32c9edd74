"""What a WHERE clause says about the primary key.

A write (UPDATE, DELETE, EXISTS) must fix every key attribute with ``=`` in the
top-level AND of its WHERE; the rest of the clause becomes the write's condition. A
SELECT whose WHERE fixes the partition key with ``=``, ``IN`` or an OR of those reads
only those partitions (a Query each); any other SELECT reads the whole table (a Scan).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from emulator.services.dynamodb import keycondition
from emulator.services.dynamodb.attributes import AttributeValue, Item, sort_key
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import compare
from emulator.services.dynamodb.partiql.ast import Between, Binary, Call, Expr, In, ListExpr, Path
from emulator.services.dynamodb.partiql.errors import INCOMPLETE_KEY
from emulator.services.dynamodb.partiql.values import constant, is_constant

_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def conjuncts(expr: Expr | None) -> list[Expr]:
    """The parts of a clause joined by AND at the top level (parentheses flattened)."""
    if expr is None:
        return []
    if isinstance(expr, Binary) and expr.op == "and":
        return conjuncts(expr.left) + conjuncts(expr.right)
    return [expr]


def _disjuncts(expr: Expr) -> list[Expr]:
    if isinstance(expr, Binary) and expr.op == "or":
        return _disjuncts(expr.left) + _disjuncts(expr.right)
    return [expr]


def _name(expr: Expr) -> str | None:
    return expr.top if isinstance(expr, Path) and len(expr.elements) == 1 else None


def equality(expr: Expr, parameters: Sequence[AttributeValue]) -> tuple[str, AttributeValue] | None:
    """``name = constant`` (either way round) as (name, value), else None."""
    if not isinstance(expr, Binary) or expr.op != "=":
        return None
    for side, other in ((expr.left, expr.right), (expr.right, expr.left)):
        name = _name(side)
        if name is not None and is_constant(other):
            value = constant(other, parameters)
            if value is not None:
                return name, value
    return None


@dataclass(frozen=True)
class KeyedWhere:
    """A write's WHERE split into the key it names and the condition that remains."""

    key: Item
    rest: list[Expr]


def key_of(
    where: Expr | None,
    key_names: Sequence[str],
    types: dict[str, str],
    parameters: Sequence[AttributeValue],
) -> KeyedWhere:
    """The item a write addresses: one ``=`` per key attribute in the top-level AND.

    Raises:
        ValidationException: a key attribute is not fixed, fixed twice, or fixed to a value
            of the wrong type.
    """
    parts = conjuncts(where)
    key: Item = {}
    used: set[int] = set()
    for name in key_names:
        found = [
            (index, pair[1])
            for index, part in enumerate(parts)
            if (pair := equality(part, parameters)) is not None and pair[0] == name
        ]
        if not found:
            raise ValidationException(INCOMPLETE_KEY)
        if len(found) > 1:
            raise ValidationException(
                f"Multiple conditions on same key {name}. "
                "Only single item Update/Insert/Delete are supported"
            )
        index, value = found[0]
        if compare.type_of(value) != types[name]:
            raise ValidationException(
                "Key attribute's data type should match its data type in table's schema: "
                f"Key {name}"
            )
        key[name] = value
        used.add(index)
    return KeyedWhere(key, [part for index, part in enumerate(parts) if index not in used])


def partitions(
    where: Expr | None, hash_name: str, parameters: Sequence[AttributeValue]
) -> list[AttributeValue] | None:
    """The partition key values a SELECT is limited to, in statement order; None means
    the clause does not fix the partition key, so the read is a Scan."""
    chosen: list[AttributeValue] | None = None
    for part in conjuncts(where):
        values = _fixed(part, hash_name, parameters)
        if values is None:
            continue
        if chosen is None:
            chosen = values
        else:
            chosen = [v for v in chosen if any(compare.equal(v, w) for w in values)]
    if chosen is None:
        return None
    unique: list[AttributeValue] = []
    for value in chosen:
        if not any(compare.equal(value, seen) for seen in unique):
            unique.append(value)
    return unique


def _fixed(
    part: Expr, hash_name: str, parameters: Sequence[AttributeValue]
) -> list[AttributeValue] | None:
    pair = equality(part, parameters)
    if pair is not None:
        return [pair[1]] if pair[0] == hash_name else None
    if isinstance(part, In) and not part.negated and _name(part.subject) == hash_name:
        options = part.options
        if isinstance(options, ListExpr) and all(is_constant(o) for o in options.items):
            bound = [constant(option, parameters) for option in options.items]
            return [value for value in bound if value is not None]
        return None
    if isinstance(part, Binary) and part.op == "or":
        found: list[AttributeValue] = []
        for branch in _disjuncts(part):
            fixed = _fixed(branch, hash_name, parameters)
            if fixed is None:
                return None
            found.extend(fixed)
        return found
    return None


def sort_condition(
    where: Expr | None, range_name: str, range_type: str, parameters: Sequence[AttributeValue]
) -> keycondition.Condition | None:
    """The first top-level condition on the sort key a Query can use to narrow its read.

    The whole WHERE is still applied to every item read, so choosing a narrower read is
    an optimisation only; conditions of the wrong type are left to the filter.
    """
    for part in conjuncts(where):
        found = _sort_part(part, range_name, parameters)
        if found is not None and all(compare.type_of(v) == range_type for v in found.values):
            if found.op == "BETWEEN" and sort_key(found.values[0]) > sort_key(found.values[1]):
                continue
            if found.op == "begins_with" and range_type == "N":
                continue
            return found
    return None


def _sort_part(
    part: Expr, range_name: str, parameters: Sequence[AttributeValue]
) -> keycondition.Condition | None:
    if isinstance(part, Binary) and part.op in _FLIPPED:
        for side, other, op in (
            (part.left, part.right, part.op),
            (part.right, part.left, _FLIPPED[part.op]),
        ):
            if _name(side) == range_name and is_constant(other):
                value = constant(other, parameters)
                if value is not None:
                    return keycondition.Condition(range_name, op, (value,))
        return None
    if isinstance(part, Between) and not part.negated and _name(part.subject) == range_name:
        if is_constant(part.low) and is_constant(part.high):
            low, high = constant(part.low, parameters), constant(part.high, parameters)
            if low is not None and high is not None:
                return keycondition.Condition(range_name, "BETWEEN", (low, high))
        return None
    if isinstance(part, Call) and part.name == "begins_with" and len(part.args) == 2:
        subject, prefix = part.args
        if _name(subject) == range_name and is_constant(prefix):
            value = constant(prefix, parameters)
            if value is not None:
                return keycondition.Condition(range_name, "begins_with", (value,))
    return None
