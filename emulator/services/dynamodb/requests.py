"""What DynamoDB's item operations share: parameters accepted, expressions, return options.

Only the API modules use this; it speaks AWS's request shapes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from emulator.errors import NotSupportedByEmulator
from emulator.services.dynamodb import expressions
from emulator.services.dynamodb.attributes import AttributeValue, Item
from emulator.services.dynamodb.capacity import Consumption
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import Condition, Projection, Update

#: The older parameters that expressions replaced. The emulator teaches expressions only.
LEGACY = {
    "Expected",
    "AttributesToGet",
    "ConditionalOperator",
    "KeyConditions",
    "QueryFilter",
    "ScanFilter",
    "AttributeUpdates",
}


def accept(operation: str, params: dict[str, Any], accepted: set[str]) -> None:
    """Refuse any parameter the emulator does not implement, never ignoring it."""
    extra = sorted(set(params) - accepted)
    if not extra:
        return
    if extra[0] in LEGACY:
        raise NotSupportedByEmulator(
            f"{operation} with {extra[0]} (a legacy parameter; use the expression form)"
        )
    raise NotSupportedByEmulator(f"{operation} with {extra[0]}")


class Expressions:
    """The expressions of one request and their shared placeholder maps.

    Parse each expression through this object, then call ``finish()``: AWS refuses a
    request with placeholders that none of its expressions used.
    """

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self.names = expressions.validate_names(params.get("ExpressionAttributeNames"))
        self.values: dict[str, AttributeValue] = expressions.validate_values(
            params.get("ExpressionAttributeValues")
        )
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()
        #: Whether the request carried any expression at all.
        self.parsed = False

    def condition(
        self,
        member: str = "ConditionExpression",
        kind: Literal["ConditionExpression", "FilterExpression"] = "ConditionExpression",
    ) -> Condition | None:
        text = self.params.get(member)
        if text is None:
            return None
        expressions.check_expression(kind, text)
        self.parsed = True
        condition = expressions.parse_condition(text, self.names, self.values, kind=kind)
        self.used_names |= condition.used_names
        self.used_values |= condition.used_values
        return condition

    def projection(self) -> Projection | None:
        text = self.params.get("ProjectionExpression")
        if text is None:
            return None
        expressions.check_expression("ProjectionExpression", text)
        self.parsed = True
        projection = expressions.parse_projection(text, self.names)
        self.used_names |= projection.used_names
        return projection

    def update(self) -> Update | None:
        text = self.params.get("UpdateExpression")
        if text is None:
            return None
        expressions.check_expression("UpdateExpression", text)
        self.parsed = True
        update = expressions.parse_update(text, self.names, self.values)
        self.used_names |= update.used_names
        self.used_values |= update.used_values
        return update

    def mark(self, names: set[str] | frozenset[str], values: set[str] | frozenset[str]) -> None:
        """Count placeholders used by an expression parsed elsewhere (key conditions)."""
        self.parsed = True
        self.used_names |= names
        self.used_values |= values

    def finish(self) -> None:
        given_names = self.params.get("ExpressionAttributeNames") is not None
        if not self.parsed:
            if given_names:
                raise ValidationException(
                    "ExpressionAttributeNames can only be specified when using expressions"
                )
            if self.values:
                raise ValidationException(
                    "ExpressionAttributeValues can only be specified when using expressions"
                )
        if given_names or self.values:
            expressions.check_unused(self.names, self.values, self.used_names, self.used_values)


def return_values(params: dict[str, Any], allowed: tuple[str, ...]) -> str:
    choice = params.get("ReturnValues", "NONE")
    if choice not in allowed:
        raise ValidationException("Return values set to invalid value")
    return str(choice)


def on_condition_failure(params: dict[str, Any]) -> str:
    choice = params.get("ReturnValuesOnConditionCheckFailure", "NONE")
    if choice not in ("NONE", "ALL_OLD"):
        raise ValidationException(
            f"1 validation error detected: Value '{choice}' at "
            "'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must "
            "satisfy enum value set: [ALL_OLD, NONE]"
        )
    return str(choice)


def capacity_mode(params: dict[str, Any]) -> str:
    mode = params.get("ReturnConsumedCapacity", "NONE")
    if mode not in ("NONE", "TOTAL", "INDEXES"):
        raise ValidationException(
            f"1 validation error detected: Value '{mode}' at 'returnConsumedCapacity' failed "
            "to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
        )
    return str(mode)


def with_capacity(
    answer: dict[str, Any], mode: str, consumption: Consumption, *, many: bool = False
) -> dict[str, Any]:
    """Add ``ConsumedCapacity`` to an answer when the request asked for it."""
    shape = consumption.response(mode)
    if shape is not None:
        answer["ConsumedCapacity"] = [shape] if many else shape
    return answer


def with_capacities(
    answer: dict[str, Any],
    mode: str,
    consumed: dict[str, Consumption],
    *,
    split: bool = False,
    always: bool = False,
) -> dict[str, Any]:
    """Add a ``ConsumedCapacity`` list (one entry per table) when the request asked.

    ``split`` reports read and write units apart (transactions); ``always`` answers an
    empty list when nothing was consumed (batches), instead of leaving the member out.
    """
    if mode != "NONE" and (consumed or always):
        answer["ConsumedCapacity"] = [
            shape for c in consumed.values() if (shape := c.response(mode, split=split)) is not None
        ]
    return answer


def timestamp_seconds(value: Any, member: str) -> float:
    """A timestamp parameter as epoch seconds: a datetime, a number, or ISO 8601 text.

    Without a time zone, UTC (as botocore's ``parse_to_aware_datetime`` assumes).
    """
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                raise ValidationException(f"{member} must be a timestamp") from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValidationException(f"{member} must be a timestamp")


def projected(item: Item, projection: Projection | None) -> Item:
    return item if projection is None else projection.apply(item)
