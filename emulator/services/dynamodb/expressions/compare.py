"""How DynamoDB compares, measures and combines AttributeValues inside expressions."""

from __future__ import annotations

import decimal
from decimal import Decimal

from emulator.services.dynamodb.attributes import AttributeValue, normalise_number

ORDERED = frozenset(("N", "S", "B"))
SETS = frozenset(("SS", "NS", "BS"))
SIZED = frozenset(("S", "B", "SS", "NS", "BS", "L", "M"))
ALL_TYPES = ("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")
LONG_NAMES = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "BOOL": "BOOLEAN",
    "NULL": "NULL",
    "M": "MAP",
    "L": "LIST",
    "SS": "STRING_SET",
    "NS": "NUMBER_SET",
    "BS": "BINARY_SET",
}
# Arithmetic runs wider than DynamoDB's 38 digits so that normalise_number, not a
# silent rounding, decides whether the result can be stored.
_ARITHMETIC = decimal.Context(prec=80, Emax=999, Emin=-999)


def type_of(value: AttributeValue) -> str:
    for kind in value:
        return kind
    return ""


def equal(one: AttributeValue, two: AttributeValue) -> bool:
    """Equality as ``=`` sees it: same type and same value; sets ignore order."""
    kind = type_of(one)
    if kind != type_of(two):
        return False
    first, second = one[kind], two[kind]
    if kind == "N":
        return bool(first == second or Decimal(first) == Decimal(second))
    if kind in ("SS", "BS"):
        return len(first) == len(second) and set(first) == set(second)
    if kind == "NS":
        return len(first) == len(second) and {Decimal(n) for n in first} == {
            Decimal(n) for n in second
        }
    if kind == "L":
        return len(first) == len(second) and all(map(equal, first, second))
    if kind == "M":
        return first.keys() == second.keys() and all(equal(first[k], second[k]) for k in first)
    return bool(first == second)


def order(one: AttributeValue, two: AttributeValue) -> int | None:
    """-1, 0 or 1 for two numbers, strings or binaries of the same type; None otherwise
    (DynamoDB treats an ordering across types as simply false)."""
    kind = type_of(one)
    if kind not in ORDERED or kind != type_of(two):
        return None
    first, second = one[kind], two[kind]
    if kind == "N":
        first, second = Decimal(first), Decimal(second)
    return -1 if first < second else (1 if first > second else 0)


def size(value: AttributeValue) -> int | None:
    """What ``size()`` returns; None for numbers, booleans and nulls."""
    kind = type_of(value)
    inner = value[kind]
    if kind == "S":
        # DynamoDB counts UTF-16 code units, so characters beyond U+FFFF count twice.
        return len(inner) if inner.isascii() else len(inner.encode("utf-16-le")) // 2
    if kind in SIZED:
        return len(inner)
    return None


def contains(container: AttributeValue, item: AttributeValue) -> bool:
    """``contains()``: a substring of S or B, a member of a set, an element of a list."""
    kind = type_of(container)
    inner = container[kind]
    wanted = type_of(item)
    if kind == "L":
        return any(equal(element, item) for element in inner)
    if kind in ("S", "B"):
        return wanted == kind and item[wanted] in inner
    if kind == "SS":
        return wanted == "S" and item["S"] in inner
    if kind == "BS":
        return wanted == "B" and item["B"] in inner
    if kind == "NS":
        return wanted == "N" and Decimal(item["N"]) in {Decimal(n) for n in inner}
    return False


def begins_with(value: AttributeValue, prefix: AttributeValue) -> bool:
    kind = type_of(value)
    if kind not in ("S", "B") or kind != type_of(prefix):
        return False
    return bool(value[kind].startswith(prefix[kind]))


def arithmetic(op: str, one: str, two: str) -> AttributeValue:
    """``one + two`` or ``one - two`` on DynamoDB numbers, checked like a stored number."""
    first, second = Decimal(one), Decimal(two)
    result = _ARITHMETIC.add(first, second) if op == "+" else _ARITHMETIC.subtract(first, second)
    return {"N": normalise_number(str(result))}


def _member_key(kind: str, member: object) -> object:
    return Decimal(member) if kind == "NS" else member  # type: ignore[arg-type]


def union(kind: str, existing: list[object], added: list[object]) -> list[object]:
    """Set ADD: the existing members, then the new ones not already there."""
    seen = {_member_key(kind, m) for m in existing}
    result = list(existing)
    for member in added:
        key = _member_key(kind, member)
        if key not in seen:
            seen.add(key)
            result.append(member)
    return result


def difference(kind: str, existing: list[object], removed: list[object]) -> list[object]:
    """Set DELETE: the existing members not named in ``removed``."""
    gone = {_member_key(kind, m) for m in removed}
    return [m for m in existing if _member_key(kind, m) not in gone]
