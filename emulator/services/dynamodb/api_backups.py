"""DynamoDB's point-in-time recovery and on-demand backup calls."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.base import require
from emulator.services.dynamodb.api_ttl import accept, table_name
from emulator.services.dynamodb.backend import DynamoDBBackend
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.recovery import (
    PERIOD_MAX,
    PERIOD_MIN,
    Backup,
    PitrDescription,
    RestoreSummary,
    recovery_of,
    restore_summary,
    table_not_found,
)
from emulator.services.dynamodb.requests import timestamp_seconds

_OVERRIDES = {"BillingModeOverride", "ProvisionedThroughputOverride"}
_ACCEPTED: dict[str, set[str]] = {
    "UpdateContinuousBackups": {"TableName", "PointInTimeRecoverySpecification"},
    "DescribeContinuousBackups": {"TableName"},
    "RestoreTableToPointInTime": {
        "SourceTableArn",
        "SourceTableName",
        "TargetTableName",
        "UseLatestRestorableTime",
        "RestoreDateTime",
        *_OVERRIDES,
    },
    "CreateBackup": {"TableName", "BackupName"},
    "DescribeBackup": {"BackupArn"},
    "ListBackups": {
        "TableName",
        "Limit",
        "TimeRangeLowerBound",
        "TimeRangeUpperBound",
        "ExclusiveStartBackupArn",
        "BackupType",
    },
    "DeleteBackup": {"BackupArn"},
    "RestoreTableFromBackup": {"TargetTableName", "BackupArn", *_OVERRIDES},
}
#: Overrides of indexes, encryption and on-demand maximums: the emulator has none of those.
_UNSUPPORTED = {
    "GlobalSecondaryIndexOverride",
    "LocalSecondaryIndexOverride",
    "OnDemandThroughputOverride",
    "SSESpecificationOverride",
    "VectorIndexOverride",
}
_BACKUP_NAME = re.compile(r"^[a-zA-Z0-9_.-]+$")
_BACKUP_TYPES = ("USER", "SYSTEM", "AWS_BACKUP", "ALL")


def _timestamp(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _source(backend: DynamoDBBackend, name: Any) -> Table:
    table = backend.tables.get(table_name(name))
    if table is None:
        raise table_not_found(table_name(name))
    return table


def _invalid_value(value: Any, member: str, constraint: str) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: {constraint}"
    )


# -- point-in-time recovery -----------------------------------------------------------
def _pitr_answer(description: PitrDescription) -> dict[str, Any]:
    pitr: dict[str, Any] = {
        "PointInTimeRecoveryStatus": "ENABLED" if description.enabled else "DISABLED"
    }
    if description.earliest is not None and description.latest is not None:  # enabled
        pitr["RecoveryPeriodInDays"] = description.period_days
        pitr["EarliestRestorableDateTime"] = _timestamp(description.earliest)
        pitr["LatestRestorableDateTime"] = _timestamp(description.latest)
    # "Continuous backups are ENABLED on all tables at table creation."
    return {
        "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": pitr,
        }
    }


def update_continuous_backups(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("UpdateContinuousBackups", params, _ACCEPTED["UpdateContinuousBackups"])
    require(params, "TableName", "PointInTimeRecoverySpecification")
    spec = params["PointInTimeRecoverySpecification"]
    enabled = spec.get("PointInTimeRecoveryEnabled") if isinstance(spec, dict) else None
    if not isinstance(enabled, bool):
        raise ValidationException(
            "1 validation error detected: Value null at "
            "'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled' failed to satisfy "
            "constraint: Member must not be null"
        )
    period = spec.get("RecoveryPeriodInDays")
    member = "pointInTimeRecoverySpecification.recoveryPeriodInDays"
    if period is not None:
        if not isinstance(period, int) or isinstance(period, bool) or period < PERIOD_MIN:
            raise _invalid_value(
                period, member, f"Member must have value greater than or equal to {PERIOD_MIN}"
            )
        if period > PERIOD_MAX:
            raise _invalid_value(
                period, member, f"Member must have value less than or equal to {PERIOD_MAX}"
            )
        if not enabled:
            # UNVERIFIED wording: a recovery period only applies while PITR is on.
            raise ValidationException(
                "RecoveryPeriodInDays can only be set when PointInTimeRecoveryEnabled is true"
            )
    table = _source(backend, params["TableName"])
    described = recovery_of(backend).update_continuous_backups(
        table, enabled=enabled, period_days=period
    )
    return _pitr_answer(described)


def describe_continuous_backups(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("DescribeContinuousBackups", params, _ACCEPTED["DescribeContinuousBackups"])
    require(params, "TableName")
    table = _source(backend, params["TableName"])
    return _pitr_answer(recovery_of(backend).describe_continuous_backups(table))


def _refuse_overrides(operation: str, params: dict[str, Any]) -> None:
    unsupported = sorted(set(params) & _UNSUPPORTED)
    if unsupported:
        raise NotSupportedByEmulator(f"{operation} with {unsupported[0]}")


def _overrides(params: dict[str, Any], source: Table | Backup) -> dict[str, Any]:
    """BillingModeOverride and ProvisionedThroughputOverride as the restore's arguments."""
    mode = params.get("BillingModeOverride")
    if mode is not None and mode not in ("PROVISIONED", "PAY_PER_REQUEST"):
        raise _invalid_value(
            mode,
            "billingModeOverride",
            "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
        )
    throughput = params.get("ProvisionedThroughputOverride")
    read, write = source.read_capacity, source.write_capacity
    if throughput is not None:
        read, write = throughput.get("ReadCapacityUnits"), throughput.get("WriteCapacityUnits")
        if not all(isinstance(v, int) and v >= 1 for v in (read, write)):
            raise ValidationException(
                "One or more parameter values were invalid: ReadCapacityUnits and "
                "WriteCapacityUnits must both be at least 1"
            )
    if (mode or source.billing_mode) == "PROVISIONED" and (read < 1 or write < 1):
        # UNVERIFIED wording: an on-demand source has no capacity to carry over.
        raise ValidationException(
            "One or more parameter values were invalid: ProvisionedThroughputOverride is "
            "required to restore an on-demand table as PROVISIONED"
        )
    return {"billing_mode": mode, "read_capacity": read, "write_capacity": write}


def _restored(backend: DynamoDBBackend, table: Table) -> dict[str, Any]:
    # Imported here: api.py merges this module's OPERATIONS, so it imports this module first.
    from emulator.services.dynamodb.api import describe

    description = describe(table, backend, "CREATING")
    summary = recovery_of(backend).restore_summary(table)
    if summary is not None:
        description["RestoreSummary"] = _summary(summary, in_progress=True)
    return {"TableDescription": description}


def _summary(summary: RestoreSummary, *, in_progress: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {"SourceTableArn": summary.source_table_arn}
    if summary.source_backup_arn is not None:
        answer["SourceBackupArn"] = summary.source_backup_arn
    answer["RestoreDateTime"] = _timestamp(summary.restore_time)
    answer["RestoreInProgress"] = in_progress
    return answer


def describe_fields(backend: DynamoDBBackend, table: Table) -> dict[str, Any]:
    """What DescribeTable adds for a restored table: ``RestoreSummary``, else nothing."""
    summary = restore_summary(backend, table)
    return {} if summary is None else {"RestoreSummary": _summary(summary, in_progress=False)}


def restore_table_to_point_in_time(
    backend: DynamoDBBackend, params: dict[str, Any]
) -> dict[str, Any]:
    _refuse_overrides("RestoreTableToPointInTime", params)
    accept("RestoreTableToPointInTime", params, _ACCEPTED["RestoreTableToPointInTime"])
    require(params, "TargetTableName")
    source_name = params.get("SourceTableName") or params.get("SourceTableArn")
    if source_name is None:
        # UNVERIFIED wording: AWS requires one of the two.
        raise ValidationException("Either SourceTableName or SourceTableArn must be specified")
    latest = params.get("UseLatestRestorableTime") is True
    if latest == ("RestoreDateTime" in params):
        # UNVERIFIED wording: AWS takes exactly one of the two.
        raise ValidationException(
            "Specify exactly one of RestoreDateTime and UseLatestRestorableTime"
        )
    when = None if latest else timestamp_seconds(params["RestoreDateTime"], "RestoreDateTime")
    source = _source(backend, source_name)
    overrides = _overrides(params, source)
    target = recovery_of(backend).restore_to_point_in_time(
        source, params["TargetTableName"], when=when, **overrides
    )
    return _restored(backend, target)


# -- on-demand backups ----------------------------------------------------------------
def _details(backup: Backup, status: str) -> dict[str, Any]:
    details: dict[str, Any] = {
        "BackupArn": backup.arn,
        "BackupName": backup.name,
        "BackupSizeBytes": backup.size_bytes,
        "BackupStatus": status,
        "BackupType": backup.kind,
        "BackupCreationDateTime": _timestamp(backup.created),
    }
    if backup.expires is not None:
        details["BackupExpiryDateTime"] = _timestamp(backup.expires)
    return details


def _description(backup: Backup, status: str) -> dict[str, Any]:
    key_schema = [{"AttributeName": backup.hash_key, "KeyType": "HASH"}]
    if backup.range_key is not None:
        key_schema.append({"AttributeName": backup.range_key, "KeyType": "RANGE"})
    return {
        "BackupDescription": {
            "BackupDetails": _details(backup, status),
            "SourceTableDetails": {
                "TableName": backup.table_name,
                "TableId": backup.table_id,
                "TableArn": backup.table_arn,
                "TableSizeBytes": backup.size_bytes,
                "KeySchema": key_schema,
                "TableCreationDateTime": _timestamp(backup.table_created),
                "ProvisionedThroughput": {
                    "ReadCapacityUnits": backup.read_capacity,
                    "WriteCapacityUnits": backup.write_capacity,
                },
                "ItemCount": backup.item_count,
                "BillingMode": backup.billing_mode,
            },
        }
    }


def _backup_name(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationException("BackupName must be a string")
    if len(value) < 3:
        raise _invalid_value(
            value, "backupName", "Member must have length greater than or equal to 3"
        )
    if len(value) > 255:
        raise _invalid_value(
            value, "backupName", "Member must have length less than or equal to 255"
        )
    if not _BACKUP_NAME.match(value):
        raise _invalid_value(
            value,
            "backupName",
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        )
    return value


def create_backup(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("CreateBackup", params, _ACCEPTED["CreateBackup"])
    require(params, "TableName", "BackupName")
    name = _backup_name(params["BackupName"])
    table = _source(backend, params["TableName"])
    backup = recovery_of(backend).create_backup(table, name)
    # AWS answers CREATING and finishes in the background, as CreateTable does.
    return {"BackupDetails": _details(backup, "CREATING")}


def describe_backup(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("DescribeBackup", params, _ACCEPTED["DescribeBackup"])
    require(params, "BackupArn")
    recovery = recovery_of(backend)
    backup = recovery.backup(params["BackupArn"])
    return _description(backup, backup.status(backend.cloud.clock.now()))


def list_backups(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("ListBackups", params, _ACCEPTED["ListBackups"])
    limit = params.get("Limit", 100)
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise _invalid_value(limit, "limit", "Member must have value between 1 and 100")
    kind = params.get("BackupType", "USER")
    if kind not in _BACKUP_TYPES:
        raise _invalid_value(
            kind,
            "backupType",
            "Member must satisfy enum value set: [USER, SYSTEM, AWS_BACKUP, ALL]",
        )
    lower, upper = params.get("TimeRangeLowerBound"), params.get("TimeRangeUpperBound")
    backups = recovery_of(backend).backups(
        table_name=None if params.get("TableName") is None else table_name(params["TableName"]),
        since=None if lower is None else timestamp_seconds(lower, "TimeRangeLowerBound"),
        before=None if upper is None else timestamp_seconds(upper, "TimeRangeUpperBound"),
        kind=kind,
    )
    start = params.get("ExclusiveStartBackupArn")
    if start is not None:
        arns = [b.arn for b in backups]
        if start not in arns:
            # UNVERIFIED wording: AWS's answer for an unknown start ARN is not published.
            raise ValidationException(f"Invalid ExclusiveStartBackupArn: {start}")
        backups = backups[arns.index(start) + 1 :]
    now = backend.cloud.clock.now()
    summaries = [
        {
            "TableName": b.table_name,
            "TableId": b.table_id,
            "TableArn": b.table_arn,
            **_details(b, b.status(now)),
        }
        for b in backups[:limit]
    ]
    answer: dict[str, Any] = {"BackupSummaries": summaries}
    if len(backups) > limit:
        answer["LastEvaluatedBackupArn"] = backups[limit - 1].arn
    return answer


def delete_backup(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("DeleteBackup", params, _ACCEPTED["DeleteBackup"])
    require(params, "BackupArn")
    backup = recovery_of(backend).delete_backup(params["BackupArn"])
    return _description(backup, "DELETED")


def restore_table_from_backup(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    _refuse_overrides("RestoreTableFromBackup", params)
    accept("RestoreTableFromBackup", params, _ACCEPTED["RestoreTableFromBackup"])
    require(params, "TargetTableName", "BackupArn")
    recovery = recovery_of(backend)
    backup = recovery.backup(params["BackupArn"])
    overrides = _overrides(params, backup)
    target = recovery.restore_from_backup(backup.arn, params["TargetTableName"], **overrides)
    return _restored(backend, target)


OPERATIONS = {
    "UpdateContinuousBackups": update_continuous_backups,
    "DescribeContinuousBackups": describe_continuous_backups,
    "RestoreTableToPointInTime": restore_table_to_point_in_time,
    "CreateBackup": create_backup,
    "DescribeBackup": describe_backup,
    "ListBackups": list_backups,
    "DeleteBackup": delete_backup,
    "RestoreTableFromBackup": restore_table_from_backup,
}
