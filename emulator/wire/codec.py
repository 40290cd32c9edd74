"""Shape-driven conversion between wire values and the Python values api.py takes."""

from __future__ import annotations

import base64
import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import Shape

_UTC = dt.UTC


def decode(shape: Shape | None, value: Any) -> Any:
    """A JSON wire value -> the value boto3 would have been given (bytes, datetime, ...)."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return value
        members = shape.members
        return {k: decode(members.get(k), v) for k, v in value.items()}
    if kind == "list":
        if not isinstance(value, list):
            return value
        return [decode(shape.member, v) for v in value]
    if kind == "map":
        if not isinstance(value, dict):
            return value
        return {k: decode(shape.value, v) for k, v in value.items()}
    if kind == "blob":
        return base64.b64decode(value) if isinstance(value, str) else value
    if kind == "timestamp":
        return parse_timestamp(value)
    return value


def encode(shape: Shape | None, value: Any) -> Any:
    """A Python response value -> its JSON wire form (base64 blobs, epoch timestamps)."""
    if value is None:
        return None
    if shape is None:
        return _plain(value)
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: encode(members.get(k), v) for k, v in value.items() if v is not None}
    if kind == "list" and isinstance(value, list | tuple):
        return [encode(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: encode(shape.value, v) for k, v in value.items()}
    if kind == "blob":
        data = value.read() if hasattr(value, "read") else value
        if isinstance(data, str):
            data = data.encode()
        return base64.b64encode(data).decode("ascii")
    if kind == "timestamp":
        return timestamp_epoch(value)
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dt.datetime):
        return timestamp_epoch(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def parse_timestamp(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, _UTC)
    text = str(value)
    try:
        return dt.datetime.fromtimestamp(float(text), _UTC)
    except ValueError:
        pass
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_UTC)


def timestamp_epoch(value: Any) -> float:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_UTC)
        return value.timestamp()
    return float(value)


def scalar(shape: Shape, text: str) -> Any:
    """A header, query-string or URI value -> the member's Python type."""
    kind = shape.type_name
    if kind in ("integer", "long"):
        return int(text)
    if kind in ("float", "double"):
        return float(text)
    if kind == "boolean":
        return text.lower() == "true"
    if kind == "timestamp":
        return parse_timestamp(text)
    if kind == "blob":
        return base64.b64decode(text)
    return text


def header_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        from email.utils import format_datetime

        return format_datetime(value.astimezone(_UTC), usegmt=True)
    return str(value)
