"""Global tables' request shapes: UpdateTable's ReplicaUpdates, and the legacy operations refused.

Version 2019.11.21 manages replicas through UpdateTable (``ReplicaUpdates``) and shows them
in DescribeTable (``Replicas``, ``GlobalTableVersion``); ``replication.py`` does the work.
The operations of version 2017.11.29 (Legacy) answer NotSupportedByEmulator with the way
to do the same thing in the current version; so does multi-Region strong consistency.
"""

from __future__ import annotations

from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.base import require
from emulator.services.dynamodb import replication
from emulator.services.dynamodb.backend import DynamoDBBackend
from emulator.services.dynamodb.errors import ValidationException

#: The UpdateTable members that make it a replica update.
MEMBERS = ("ReplicaUpdates", "MultiRegionConsistency", "GlobalTableWitnessUpdates")
_ACCEPTED = {"TableName", *MEMBERS}
_NOTHING_TO_DO = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
    "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"
)
_CURRENT = (
    "global tables version 2017.11.29 (Legacy); version 2019.11.21 adds a replica with "
    "UpdateTable ReplicaUpdates=[{'Create': {'RegionName': ...}}] and shows replicas in "
    "DescribeTable"
)


def handles(params: dict[str, Any]) -> bool:
    """Whether an UpdateTable request is a replica update (``update_table`` answers it)."""
    return any(params.get(name) is not None for name in MEMBERS)


def update_table(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    """UpdateTable with ReplicaUpdates: add or delete one replica of the table.

    Every action is checked before any is applied, so a request never half-applies.
    """
    require(params, "TableName")
    consistency = params.get("MultiRegionConsistency")
    if consistency == "STRONG":
        raise NotSupportedByEmulator(
            "MultiRegionConsistency=STRONG (multi-Region strong consistency, MRSC)"
        )
    if consistency not in (None, "EVENTUAL"):
        raise ValidationException(
            f"1 validation error detected: Value '{consistency}' at 'multiRegionConsistency' "
            "failed to satisfy constraint: Member must satisfy enum value set: [EVENTUAL, STRONG]"
        )
    if params.get("GlobalTableWitnessUpdates") is not None:
        raise NotSupportedByEmulator(
            "GlobalTableWitnessUpdates (witnesses belong to multi-Region strong consistency)"
        )
    extra = sorted(name for name in set(params) - _ACCEPTED if params[name] is not None)
    if extra:
        raise NotSupportedByEmulator(f"UpdateTable with ReplicaUpdates and {extra[0]} together")
    updates = params.get("ReplicaUpdates")
    if updates is None:
        raise ValidationException(_NOTHING_TO_DO)
    kind, region = _action(updates)
    table_name = params["TableName"]
    table = backend.table(table_name)
    if kind == "Create":
        replication.add_replica(backend, table_name, region)
    else:
        replication.remove_replica(backend, table_name, region)
    from emulator.services.dynamodb import api  # api.py merges this module's OPERATIONS

    description = api.describe(table, backend, "UPDATING")
    description.update(replication.describe(backend, table_name))
    return {"TableDescription": description}


def _action(updates: Any) -> tuple[str, str]:
    """The one Create or Delete action of ReplicaUpdates: (kind, RegionName)."""
    if not isinstance(updates, list) or not updates:
        raise ValidationException(
            "1 validation error detected: Value '[]' at 'replicaUpdates' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1"
        )
    if len(updates) > 1:
        raise NotSupportedByEmulator(
            "UpdateTable with more than one ReplicaUpdates action (send one per request)"
        )
    action = updates[0]
    if not isinstance(action, dict) or len(action) != 1:
        raise ValidationException(
            "Each ReplicaUpdates entry holds exactly one of Create, Update, Delete or Disassociate"
        )
    ((kind, spec),) = action.items()
    if kind in ("Update", "Disassociate"):
        raise NotSupportedByEmulator(f"ReplicaUpdates {kind}")
    if kind not in ("Create", "Delete"):
        raise ValidationException(
            f"Each ReplicaUpdates entry holds exactly one of Create, Update, Delete or "
            f"Disassociate, not {kind}"
        )
    spec = spec or {}
    if not isinstance(spec, dict):
        raise ValidationException(f"ReplicaUpdates {kind} must be a structure")
    extra = sorted(set(spec) - {"RegionName"})
    if extra:
        raise NotSupportedByEmulator(f"ReplicaUpdates {kind} with {extra[0]}")
    region = spec.get("RegionName")
    if region is None:
        raise ValidationException(
            "1 validation error detected: Value null at "
            f"'replicaUpdates.1.member.{kind.lower()}.regionName' failed to satisfy "
            "constraint: Member must not be null"
        )
    return kind, region


def _legacy(operation: str) -> Any:
    def refuse(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
        raise NotSupportedByEmulator(f"{operation} ({_CURRENT})")

    refuse.__name__ = operation
    return refuse


OPERATIONS = {
    name: _legacy(name)
    for name in (
        "CreateGlobalTable",
        "UpdateGlobalTable",
        "DescribeGlobalTable",
        "ListGlobalTables",
        "DescribeGlobalTableSettings",
        "UpdateGlobalTableSettings",
    )
}
