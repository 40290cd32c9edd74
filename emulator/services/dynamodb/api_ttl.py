"""DynamoDB's Time to Live calls: UpdateTimeToLive and DescribeTimeToLive."""

from __future__ import annotations

from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.base import require
from emulator.services.dynamodb.backend import DynamoDBBackend
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.ttl import ttl_of

_ACCEPTED: dict[str, set[str]] = {
    "UpdateTimeToLive": {"TableName", "TimeToLiveSpecification"},
    "DescribeTimeToLive": {"TableName"},
}
_NAME_MAX = 255


def accept(operation: str, params: dict[str, Any], accepted: set[str]) -> None:
    """Refuse parameters the emulator does not implement, never ignoring one."""
    extra = sorted(set(params) - accepted)
    if extra:
        raise NotSupportedByEmulator(f"{operation} with {extra[0]}")


def table_name(value: Any) -> Any:
    """A TableName parameter, which may also be the table's ARN."""
    if isinstance(value, str) and value.startswith("arn:") and ":table/" in value:
        return value.split(":table/", 1)[1].split("/", 1)[0]
    return value


def _table(backend: DynamoDBBackend, params: dict[str, Any]) -> Table:
    require(params, "TableName")
    return backend.table(table_name(params["TableName"]))


def _missing(member: str) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value null at 'timeToLiveSpecification.{member}' "
        "failed to satisfy constraint: Member must not be null"
    )


def update_time_to_live(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("UpdateTimeToLive", params, _ACCEPTED["UpdateTimeToLive"])
    require(params, "TableName", "TimeToLiveSpecification")
    spec = params["TimeToLiveSpecification"]
    if not isinstance(spec, dict):
        raise ValidationException("TimeToLiveSpecification must be a structure")
    enabled, attribute = spec.get("Enabled"), spec.get("AttributeName")
    if enabled is None:
        raise _missing("enabled")
    if attribute is None:
        raise _missing("attributeName")
    if not isinstance(enabled, bool):
        raise ValidationException("TimeToLiveSpecification.Enabled must be true or false")
    if not isinstance(attribute, str) or not 1 <= len(attribute) <= _NAME_MAX:
        bound = (
            "greater than or equal to 1"
            if isinstance(attribute, str) and not attribute
            else f"less than or equal to {_NAME_MAX}"
        )
        raise ValidationException(
            f"1 validation error detected: Value '{attribute}' at "
            "'timeToLiveSpecification.attributeName' failed to satisfy constraint: "
            f"Member must have length {bound}"
        )
    table = _table(backend, params)
    ttl_of(backend).update(table, enabled=enabled, attribute=attribute)
    return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}


def describe_time_to_live(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("DescribeTimeToLive", params, _ACCEPTED["DescribeTimeToLive"])
    described = ttl_of(backend).describe(_table(backend, params))
    answer: dict[str, Any] = {"TimeToLiveStatus": described.status}
    if described.attribute is not None:
        answer["AttributeName"] = described.attribute
    return {"TimeToLiveDescription": answer}


OPERATIONS = {
    "UpdateTimeToLive": update_time_to_live,
    "DescribeTimeToLive": describe_time_to_live,
}
