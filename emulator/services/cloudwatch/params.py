"""Checking CloudWatch request parameters: presence, types, enums, names and timestamps."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.cloudwatch import quotas
from emulator.services.cloudwatch.backend import UNITS
from emulator.services.cloudwatch.errors import (
    InvalidParameterValueException,
    ValidationError,
    invalid_value,
    missing,
)
from emulator.services.cloudwatch.models import DimensionKey

_MAGNITUDE = float(quotas.value("ValueMagnitude"))


def accept(
    operation: str, params: dict[str, Any], supported: Collection[str], known: Collection[str]
) -> None:
    """Refuse parameters the API does not have, and say which ones the emulator lacks."""
    for name in params:
        if name not in known:
            raise ValidationError(
                f'Unknown parameter in input: "{name}", must be one of: {", ".join(known)}'
            )
        if name not in supported and params[name] is not None:
            raise NotSupportedByEmulator(f"{operation} with {name}")


def required(params: dict[str, Any], name: str, path: str | None = None) -> Any:
    value = params.get(name)
    if value is None:
        raise missing(path or name)
    return value


def string(value: Any, path: str, *, maximum: int | None = None) -> str:
    """A non-empty string of at most ``maximum`` characters (255 by default)."""
    if not isinstance(value, str):
        raise ValidationError(f"Invalid type for parameter {path}, value: {value!r}, must be str")
    limit = maximum or int(quotas.value("NameLength"))
    if not value:
        raise ValidationError(
            f"1 validation error detected: Value '' at '{_member(path)}' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1"
        )
    if len(value) > limit:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at '{_member(path)}' failed to "
            f"satisfy constraint: Member must have length less than or equal to {limit}"
        )
    return value


def namespace(value: Any, path: str = "Namespace", *, publishing: bool = False) -> str:
    """A namespace: ASCII without control characters, not starting with a colon.

    Publishing into a namespace that starts with ``AWS/`` is refused: those belong to
    AWS's own services.
    """
    text = string(value, path)
    if text.startswith(":") or not _printable_ascii(text) or not text.strip():
        raise invalid_value(text, path)
    if publishing and text.startswith("AWS/"):
        raise invalid_value(text, path)
    return text


def integer(value: Any, path: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"Invalid type for parameter {path}, value: {value!r}, must be int")
    if minimum is not None and value < minimum:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at '{_member(path)}' failed to "
            f"satisfy constraint: Member must have value greater than or equal to {minimum}"
        )
    return value


def number(value: Any, path: str) -> float:
    """A data point value: finite, within ±2^360."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            f"Invalid type for parameter {path}, value: {value!r}, must be float or int"
        )
    if not -_MAGNITUDE <= value <= _MAGNITUDE:
        raise invalid_value(java_number(value), path)
    return float(value)


def java_number(value: float) -> str:
    """How CloudWatch's messages print a double: NaN, Infinity, 12.5, 1.0E7, 2.5E-4."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    number = float(value)
    if number == 0 or 1e-3 <= abs(number) < 1e7:
        return repr(number)
    sign, digits, exponent = Decimal(repr(number)).normalize().as_tuple()
    text = "".join(map(str, digits))
    power = len(text) - 1 + int(exponent)
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{power}"


def enum(value: Any, path: str, allowed: Collection[str]) -> str:
    if value not in allowed:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at '{_member(path)}' failed to "
            f"satisfy constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
        )
    return str(value)


def unit(value: Any, path: str) -> str:
    return enum(value, path, sorted(UNITS))


def listing(value: Any, path: str, *, maximum: int | None = None) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise ValidationError(f"Invalid type for parameter {path}, value: {value!r}, must be list")
    if maximum is not None and len(value) > maximum:
        raise InvalidParameterValueException(
            f"The collection {path} must not have a size greater than {maximum}."
        )
    return list(value)


def dimensions(value: Any, path: str) -> DimensionKey:
    """A metric's Dimensions list -> its identity key (sorted pairs)."""
    if value is None:
        return ()
    items = listing(value, path, maximum=int(quotas.value("Dimensions")))
    pairs: dict[str, str] = {}
    for n, item in enumerate(items, 1):
        where = f"{path}.member.{n}"
        if not isinstance(item, dict):
            raise ValidationError(f"Invalid type for parameter {where}, must be dict")
        name = _dimension_text(required(item, "Name", f"{where}.Name"), f"{where}.Name", 255)
        if name.startswith(":"):
            raise invalid_value(name, f"{where}.Name")
        text = _dimension_text(
            required(item, "Value", f"{where}.Value"),
            f"{where}.Value",
            int(quotas.value("DimensionValueLength")),
        )
        if name in pairs:
            raise InvalidParameterValueException(
                f"The parameter {where}.Name has a value that is already used by another "
                f"dimension of the same metric: {name}"
            )
        pairs[name] = text
    return tuple(sorted(pairs.items()))


def timestamp(value: Any, path: str) -> float:
    """A timestamp as boto3 takes it (datetime, epoch seconds, ISO 8601) -> epoch seconds."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            # botocore reads a naive datetime as UTC.
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    if isinstance(value, bool):
        raise ValidationError(f"Invalid type for parameter {path}, value: {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValidationError(f"Invalid timestamp for parameter {path}, value: {value!r}")
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(
                f"Invalid timestamp for parameter {path}, value: {value!r}"
            ) from None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).timestamp()
    raise ValidationError(f"Invalid type for parameter {path}, value: {value!r}")


def as_datetime(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _dimension_text(value: Any, path: str, limit: int) -> str:
    text = string(value, path, maximum=limit)
    if not _printable_ascii(text) or not text.strip():
        raise invalid_value(text, path)
    return text


def _printable_ascii(text: str) -> bool:
    return all(32 <= ord(ch) < 127 for ch in text)


def _member(path: str) -> str:
    """``MetricData.member.1.Unit`` -> ``metricData.1.unit``: how AWS names a member."""
    parts = [p for p in path.split(".") if p != "member"]
    return ".".join(p if p.isdigit() else p[0].lower() + p[1:] for p in parts)
