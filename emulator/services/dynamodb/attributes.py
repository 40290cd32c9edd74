"""AttributeValues: validation, number normalisation, sizes, sort keys and copies."""

from __future__ import annotations

import decimal
from typing import Any

from emulator import limits
from emulator.services.dynamodb.errors import ValidationException, invalid

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

TYPES = ("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")
_CONTEXT = decimal.Context(prec=80, Emax=999, Emin=-999)
_MAX = decimal.Decimal("9.9999999999999999999999999999999999999E+125")
_MIN = decimal.Decimal("1E-130")
_SET_NAMES = {"SS": "string set", "NS": "number set", "BS": "binary set"}


def normalise_number(text: Any) -> str:
    """A DynamoDB number as AWS stores and returns it ("1.50" -> "1.5", "1e3" -> "1000")."""
    if not isinstance(text, str):
        raise ValidationException(
            "NUMBER_VALUE cannot be converted to String"
            if not isinstance(text, int | float)
            else 'Numbers must be sent as strings in the N attribute, e.g. {"N": "42"}'
        )
    try:
        value = _CONTEXT.create_decimal(text.strip())
    except decimal.InvalidOperation:
        raise ValidationException(
            f"The parameter cannot be converted to a numeric value: {text}"
        ) from None
    if not value.is_finite() or text.strip() == "":
        raise ValidationException(f"The parameter cannot be converted to a numeric value: {text}")
    if value.is_zero():
        return "0"
    digits = value.normalize(_CONTEXT).as_tuple().digits
    if len(digits) > limits.value("dynamodb", "NumberPrecision"):
        raise ValidationException("Attempting to store more than 38 significant digits in a Number")
    magnitude = abs(value)
    if magnitude > _MAX:
        raise ValidationException(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        )
    if magnitude < _MIN:
        raise ValidationException(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        )
    return format(value.normalize(_CONTEXT), "f")


def validate(value: Any, depth: int = 0) -> AttributeValue:
    """Check one AttributeValue and return it normalised (a new dict)."""
    if not isinstance(value, dict) or len(value) != 1:
        raise ValidationException(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
            if not value
            else "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
        )
    if depth > limits.value("dynamodb", "NestingDepth"):
        raise ValidationException("Nesting Levels have exceeded supported limits")
    ((kind, inner),) = value.items()
    if kind not in TYPES:
        raise ValidationException(
            f"Supplied AttributeValue has an unknown datatype {kind!r}; use one of {', '.join(TYPES)}"
        )
    if kind == "S":
        if not isinstance(inner, str):
            raise ValidationException("The S datatype takes a string")
        return {"S": inner}
    if kind == "N":
        return {"N": normalise_number(inner)}
    if kind == "B":
        return {"B": _bytes(inner)}
    if kind == "BOOL":
        if not isinstance(inner, bool):
            raise ValidationException("The BOOL datatype takes true or false")
        return {"BOOL": inner}
    if kind == "NULL":
        if inner is not True:
            raise ValidationException(
                "One or more parameter values were invalid: Null attribute value types must have the value of true"
            )
        return {"NULL": True}
    if kind == "M":
        if not isinstance(inner, dict):
            raise ValidationException(
                "The M datatype takes a map of attribute names to AttributeValues"
            )
        return {"M": {str(k): validate(v, depth + 1) for k, v in inner.items()}}
    if kind == "L":
        if not isinstance(inner, list):
            raise ValidationException("The L datatype takes a list of AttributeValues")
        return {"L": [validate(v, depth + 1) for v in inner]}
    return {kind: _set(kind, inner)}


def _bytes(inner: Any) -> bytes:
    if isinstance(inner, bytes | bytearray):
        return bytes(inner)
    if isinstance(inner, str):
        return inner.encode()
    raise ValidationException("The B datatype takes binary data")


def _set(kind: str, inner: Any) -> list[Any]:
    if not isinstance(inner, list | tuple | set):
        raise ValidationException(f"The {kind} datatype takes a list of values")
    if not inner:
        raise invalid(f"An {_SET_NAMES[kind]}  may not be empty")
    if kind == "SS":
        members: list[Any] = [v if isinstance(v, str) else _bad_member(kind) for v in inner]
    elif kind == "NS":
        members = [normalise_number(v) for v in inner]
    else:
        members = [_bytes(v) for v in inner]
    keys = [_set_key(kind, m) for m in members]
    if len(set(keys)) != len(keys):
        raise invalid(f"Input collection {list(inner)!r} contains duplicates.")
    return members


def _bad_member(kind: str) -> Any:
    raise ValidationException(f"Every member of an {kind} must be a string")


def _set_key(kind: str, member: Any) -> Any:
    return decimal.Decimal(member) if kind == "NS" else member


def validate_item(item: Any) -> Item:
    if not isinstance(item, dict):
        raise ValidationException("Item must be a map of attribute names to AttributeValues")
    return {str(name): validate(value) for name, value in item.items()}


def value_size(value: AttributeValue) -> int:
    """Bytes a value counts toward the 400 KB item size, by AWS's documented rules."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return _number_size(inner)
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in inner)
    if kind == "NS":
        return sum(_number_size(n) for n in inner)
    if kind == "BS":
        return sum(len(b) for b in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in inner.items())
    return 3 + sum(value_size(v) + 1 for v in inner)


def _number_size(text: str) -> int:
    digits = len(text.lstrip("-").replace(".", "").strip("0")) or 1
    return (digits + 1) // 2 + 1


def item_size(item: Item) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def sort_key(value: AttributeValue) -> Any:
    """How DynamoDB orders key values: numbers numerically, strings and binary by bytes."""
    ((kind, inner),) = value.items()
    if kind == "N":
        return decimal.Decimal(inner)
    return inner  # str order by code point equals UTF-8 byte order; bytes compare unsigned


def copy_value(value: AttributeValue) -> AttributeValue:
    ((kind, inner),) = value.items()
    if kind == "M":
        return {"M": {k: copy_value(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [copy_value(v) for v in inner]}
    if kind in ("SS", "NS", "BS"):
        return {kind: list(inner)}
    return {kind: inner}


def copy_item(item: Item) -> Item:
    return {name: copy_value(value) for name, value in item.items()}


def to_json(value: AttributeValue) -> Any:
    """A stored value as JSON data (binary as base64) for snapshots."""
    import base64

    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode() for b in inner]}
    if kind == "M":
        return {"M": {k: to_json(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [to_json(v) for v in inner]}
    return {kind: inner}


def from_json(value: Any) -> AttributeValue:
    import base64

    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(b) for b in inner]}
    if kind == "M":
        return {"M": {k: from_json(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [from_json(v) for v in inner]}
    return {kind: inner}
