"""Request-level checks on expressions and their placeholder maps.

A request may carry several expressions (an UpdateItem has an UpdateExpression and a
ConditionExpression) sharing one ExpressionAttributeNames and one
ExpressionAttributeValues map, so these checks run once per request, not per expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from emulator import limits
from emulator.services.dynamodb.attributes import AttributeValue, validate
from emulator.services.dynamodb.errors import ValidationException

_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")


def check_expression(label: str, expression: Any) -> str:
    """The expression itself: a string, not empty, at most 4 KB of UTF-8."""
    if not isinstance(expression, str):
        raise ValidationException(f"Invalid {label}: the expression must be a string")
    size = len(expression.encode())
    if size > limits.value("dynamodb", "ExpressionSize"):
        raise ValidationException(
            f"Invalid {label}: Expression size has exceeded the maximum allowed size; "
            f"expression size: {size}"
        )
    if not expression.strip():
        raise ValidationException(f"Invalid {label}: The expression can not be empty;")
    return expression


def validate_names(names: Any) -> dict[str, str]:
    """ExpressionAttributeNames as sent: None for absent, else a non-empty map of
    ``#placeholder`` to attribute name."""
    if names is None:
        return {}
    if not isinstance(names, Mapping):
        raise ValidationException("ExpressionAttributeNames must be a map of strings")
    if not names:
        raise ValidationException("ExpressionAttributeNames must not be empty")
    for key, name in names.items():
        if not isinstance(key, str) or not _NAME_KEY.fullmatch(key):
            raise ValidationException(
                f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"'
            )
        if not isinstance(name, str):
            raise ValidationException("ExpressionAttributeNames must be a map of strings")
    return dict(names)


def validate_values(values: Any) -> dict[str, AttributeValue]:
    """ExpressionAttributeValues as sent: None for absent, else a non-empty map of
    ``:placeholder`` to AttributeValue, each checked and normalised."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ValidationException("ExpressionAttributeValues must be a map of AttributeValues")
    if not values:
        raise ValidationException("ExpressionAttributeValues must not be empty")
    checked: dict[str, AttributeValue] = {}
    for key, value in values.items():
        if not isinstance(key, str) or not _VALUE_KEY.fullmatch(key):
            raise ValidationException(
                f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
            )
        try:
            checked[key] = validate(value)
        except ValidationException as error:
            raise ValidationException(
                f"ExpressionAttributeValues contains invalid value: {error.message} for key {key}"
            ) from None
    return checked


def check_unused(
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
    used_names: Iterable[str],
    used_values: Iterable[str],
) -> None:
    """Refuse placeholders that no expression of the request used, names first."""
    unused_names = sorted(set(names or ()) - set(used_names))
    if unused_names:
        raise ValidationException(
            "Value provided in ExpressionAttributeNames unused in expressions: "
            f"keys: {{{', '.join(unused_names)}}}"
        )
    unused_values = sorted(set(values or ()) - set(used_values))
    if unused_values:
        raise ValidationException(
            "Value provided in ExpressionAttributeValues unused in expressions: "
            f"keys: {{{', '.join(unused_values)}}}"
        )
