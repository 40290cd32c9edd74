"""Point-in-time recovery and on-demand backups: the change journal, restores and backups.

What AWS documents (API reference for UpdateContinuousBackups, RestoreTableToPointInTime,
CreateBackup, RestoreTableFromBackup; developer guide "Point-in-time recovery: How it
works"), and how it is modelled:

* PITR keeps a table restorable "to any point in time within EarliestRestorableDateTime
  and LatestRestorableDateTime"; "LatestRestorableDateTime is typically 5 minutes before
  the current time"; the recovery period is 1 to 35 days, 35 by default. Disabling and
  re-enabling "reset[s] the start time for which you can recover that table". Here the
  earliest time is the latest of: when PITR was enabled, now minus the period, and the
  time up to which the journal was pruned (a longer period brings no changes back).
* A restore rebuilds the table "to the state based on the selected date and time
  (day:hour:minute:second)": the requested time is cut to its second, and the table is
  the current items with every later change undone from the journal's old images. The
  journal holds the changes of the recovery period only.
* A restore always makes a new table with the source's key schema and current billing
  and capacity settings; auto scaling, streams, TTL, tags and PITR are not carried over.
* On-demand backups copy the whole table with its capacity settings at the time of the
  request; a backup survives its table. Deleting a table with PITR on leaves a SYSTEM
  backup named ``<table>$DeletedTableBackup`` that expires after 35 days.

The journal and backups hold items marshalled, as the table stores them: compact, and safe
from anyone changing an item dict after it was written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.attributes import Item
from emulator.services.dynamodb.changes import Change
from emulator.services.dynamodb.errors import (
    BackupInUseException,
    BackupNotFoundException,
    InvalidRestoreTimeException,
    PointInTimeRecoveryUnavailableException,
    TableAlreadyExistsException,
    TableNotFoundException,
)
from emulator.services.dynamodb.index_specs import IndexSpec
from emulator.services.dynamodb.models import Table

if TYPE_CHECKING:
    from emulator.services.dynamodb.backend import DynamoDBBackend

DAY = 86400.0
#: RecoveryPeriodInDays: min 1, max 35, "If no value is provided, the value will default
#: to 35" (API reference, PointInTimeRecoverySpecification).
PERIOD_MIN, PERIOD_MAX, PERIOD_DEFAULT = 1, 35, 35
#: "LatestRestorableDateTime is typically 5 minutes before the current time."
LATEST_LAG = 300.0
#: "This SYSTEM on-demand backup expires automatically 35 days after its creation."
SYSTEM_BACKUP_RETENTION = 35 * DAY

BackupKind = Literal["USER", "SYSTEM"]
BackupStatus = Literal["CREATING", "AVAILABLE"]


def table_not_found(name: str) -> TableNotFoundException:
    """AWS's answer for a missing table in the backup operations."""
    return TableNotFoundException(f"Table not found: {name}")


class _Entry(NamedTuple):
    """One journaled change: when, the item's key attributes, the item before (marshalled)."""

    when: float
    keys: Item
    old: bytes | None


@dataclass
class _Journal:
    """One table's PITR state: every change since ``complete_since``, oldest first."""

    table_id: str
    enabled_at: float
    period_days: int
    complete_since: float
    entries: deque[_Entry] = field(default_factory=deque)


@dataclass(frozen=True)
class PitrDescription:
    """DescribeContinuousBackups' point-in-time part; the times are None when disabled."""

    enabled: bool
    period_days: int | None = None
    earliest: float | None = None
    latest: float | None = None


@dataclass(frozen=True)
class RestoreSummary:
    """Where a restored table came from (TableDescription.RestoreSummary)."""

    source_table_arn: str
    restore_time: float
    source_backup_arn: str | None = None


@dataclass
class Backup:
    """One on-demand backup: the table's definition and items at the time of the request."""

    arn: str
    name: str
    kind: BackupKind
    created: float
    available_at: float
    expires: float | None
    table_name: str
    table_id: str
    table_arn: str
    table_created: float
    hash_key: str
    range_key: str | None
    attribute_types: dict[str, str]
    billing_mode: str
    read_capacity: int
    write_capacity: int
    size_bytes: int
    #: The items, marshalled.
    items: list[bytes]
    #: The table's secondary indexes (``IndexSpec.to_json()``), restored with it.
    index_specs: list[dict[str, Any]] = field(default_factory=list)

    def status(self, now: float) -> BackupStatus:
        return "AVAILABLE" if now >= self.available_at else "CREATING"

    @property
    def item_count(self) -> int:
        return len(self.items)


class Recovery:
    """Point-in-time recovery journals and the backup catalogue of one region.

    Args:
        backend: the region's DynamoDB backend; its change feed fills the journals.
        latest_lag: seconds LatestRestorableDateTime stays behind now.
        backup_delay: seconds a backup stays CREATING (0: available at once). AWS: backups
            "become available for restore within minutes"; how many is not published.
    """

    def __init__(
        self,
        backend: DynamoDBBackend,
        *,
        latest_lag: float = LATEST_LAG,
        backup_delay: float = 0.0,
    ) -> None:
        self._backend = backend
        self._clock = backend.cloud.clock
        self.latest_lag = float(latest_lag)
        self.backup_delay = float(backup_delay)
        self._journals: dict[str, _Journal] = {}
        self._backups: dict[str, Backup] = {}
        self._restores: dict[str, RestoreSummary] = {}
        self._subscribed = False

    # -- point-in-time recovery -------------------------------------------------------
    def update_continuous_backups(
        self, table: Table, *, enabled: bool, period_days: int | None = None
    ) -> PitrDescription:
        """Turn PITR on (with a recovery period) or off; answers the new description."""
        journal = self._journal(table)
        if not enabled:
            self._journals.pop(table.name, None)
            return self.describe_continuous_backups(table)
        period = PERIOD_DEFAULT if period_days is None else period_days
        if not PERIOD_MIN <= period <= PERIOD_MAX:
            raise ValueError(f"recovery period must be {PERIOD_MIN} to {PERIOD_MAX} days")
        if journal is None:
            now = self._clock.now()
            self._journals[table.name] = _Journal(table.table_id, now, period, now)
            if not self._subscribed:
                self._backend.changes.subscribe(self._on_change)
                self._subscribed = True
        else:
            journal.period_days = period
        return self.describe_continuous_backups(table)

    def describe_continuous_backups(self, table: Table) -> PitrDescription:
        journal = self._journal(table)
        if journal is None:
            return PitrDescription(False)
        self._prune(journal)
        earliest, latest = self._window(journal)
        return PitrDescription(True, journal.period_days, earliest, latest)

    def restore_to_point_in_time(
        self,
        source: Table,
        target_name: str,
        *,
        when: float | None = None,
        billing_mode: str | None = None,
        read_capacity: int | None = None,
        write_capacity: int | None = None,
    ) -> Table:
        """A new table holding ``source``'s items as they were at ``when`` (None: latest).

        Raises:
            TableAlreadyExistsException: ``target_name`` names an existing table.
            PointInTimeRecoveryUnavailableException: PITR is off for ``source``.
            InvalidRestoreTimeException: ``when`` is outside the restorable window.
        """
        self._check_target(target_name)
        journal = self._journal(source)
        if journal is None:
            raise PointInTimeRecoveryUnavailableException(
                f"Point in time recovery is not enabled for table '{source.name}'"
            )
        self._prune(journal)
        earliest, latest = self._window(journal)
        moment = latest if when is None else when
        if not earliest <= moment <= latest:
            # UNVERIFIED wording: the error shape's documentation, AWS's text unpublished.
            raise InvalidRestoreTimeException(
                "An invalid restore time was specified. RestoreDateTime must be between "
                "EarliestRestorableDateTime and LatestRestorableDateTime."
            )
        # AWS restores to the second; the journal holds nothing from before ``earliest``.
        moment = max(float(math.floor(moment)), earliest)
        items = self.items_at(source, moment)
        target = self._create(
            target_name,
            source,
            billing_mode or source.billing_mode,
            source.read_capacity if read_capacity is None else read_capacity,
            source.write_capacity if write_capacity is None else write_capacity,
            items,
        )
        self._restores[target.table_id] = RestoreSummary(self._arn(source.name), moment)
        return target

    def items_at(self, table: Table, when: float) -> list[Item]:
        """The table's items as they were at ``when`` (within the window), in scan order."""
        journal = self._journal(table)
        if journal is None:
            raise PointInTimeRecoveryUnavailableException(
                f"Point in time recovery is not enabled for table '{table.name}'"
            )
        state = {key: stored[0] for key, stored in table.scan_stored()}
        undone: dict[Any, bytes | None] = {}
        for entry in reversed(journal.entries):
            if entry.when <= when:
                break
            undone[table.key_of(entry.keys)] = entry.old
        for key, old in undone.items():
            if old is None:
                state.pop(key, None)
            else:
                state[key] = old
        return [marshal.loads(raw) for raw in state.values()]

    def journaled(self, table: Table) -> int:
        """How many changes of ``table`` the journal holds (0 with PITR off)."""
        journal = self._journal(table)
        if journal is None:
            return 0
        self._prune(journal)
        return len(journal.entries)

    def _window(self, journal: _Journal) -> tuple[float, float]:
        now = self._clock.now()
        earliest = max(journal.enabled_at, journal.complete_since, now - journal.period_days * DAY)
        return earliest, max(earliest, now - self.latest_lag)

    def _journal(self, table: Table) -> _Journal | None:
        journal = self._journals.get(table.name)
        if journal is None or journal.table_id != table.table_id:
            return None
        return journal

    def _on_change(self, change: Change) -> None:
        journal = self._journals.get(change.table)
        if journal is None:
            return
        table = self._backend.tables.get(change.table)
        if table is None or table.table_id != journal.table_id:
            return
        old = None if change.old is None else marshal.dumps(change.old)
        journal.entries.append(_Entry(change.when, change.keys, old))
        self._prune(journal)

    def _prune(self, journal: _Journal) -> None:
        """Drop changes older than the recovery period: nothing can be restored to them."""
        cutoff = self._clock.now() - journal.period_days * DAY
        entries = journal.entries
        while entries and entries[0].when < cutoff:
            entries.popleft()
        journal.complete_since = max(journal.complete_since, cutoff)

    # -- on-demand backups ------------------------------------------------------------
    def create_backup(self, table: Table, name: str) -> Backup:
        """Back up the whole table now.

        Raises:
            BackupInUseException: another backup of the table is still being created.
        """
        now = self._clock.now()
        for other in self._backups.values():
            if other.table_id == table.table_id and other.status(now) == "CREATING":
                # UNVERIFIED wording: AWS's message for this case is not published.
                raise BackupInUseException(
                    f"Backup is in progress for table {table.name}: {other.arn}"
                )
        return self._add_backup(table, name, "USER", now, None)

    def _add_backup(
        self, table: Table, name: str, kind: BackupKind, now: float, expires: float | None
    ) -> Backup:
        seed = f"{table.table_id}|{name}|{self._backend.cloud.next_id()}"
        suffix = hashlib.blake2b(seed.encode(), digest_size=4).hexdigest()
        arn = self._arn(f"{table.name}/backup/{int(now * 1000):014d}-{suffix}")
        backup = Backup(
            arn=arn,
            name=name,
            kind=kind,
            created=now,
            available_at=now + self.backup_delay,
            expires=expires,
            table_name=table.name,
            table_id=table.table_id,
            table_arn=self._arn(table.name),
            table_created=table.created,
            hash_key=table.hash_key,
            range_key=table.range_key,
            attribute_types=dict(table.attribute_types),
            billing_mode=table.billing_mode,
            read_capacity=table.read_capacity,
            write_capacity=table.write_capacity,
            size_bytes=table.size_bytes,
            items=[stored[0] for _, stored in table.scan_stored()],
            index_specs=[spec.to_json() for spec in table.indexes.specs] if table.indexes else [],
        )
        self._backups[arn] = backup
        return backup

    def backup(self, arn: str) -> Backup:
        """The backup with ``arn``.

        Raises:
            BackupNotFoundException: there is none (or it expired).
        """
        self._expire()
        backup = self._backups.get(arn)
        if backup is None:
            # UNVERIFIED wording beyond the code: moto answers the same.
            raise BackupNotFoundException(f"Backup not found: {arn}")
        return backup

    def backups(
        self,
        *,
        table_name: str | None = None,
        since: float | None = None,
        before: float | None = None,
        kind: str = "USER",
    ) -> list[Backup]:
        """ListBackups' selection, oldest first: ``since`` inclusive, ``before`` exclusive."""
        self._expire()
        return [
            b
            for b in sorted(self._backups.values(), key=lambda b: (b.created, b.arn))
            if (table_name is None or b.table_name == table_name)
            and (since is None or b.created >= since)
            and (before is None or b.created < before)
            and (kind == "ALL" or b.kind == kind)
        ]

    def delete_backup(self, arn: str) -> Backup:
        backup = self.backup(arn)
        self._ready(backup)
        del self._backups[arn]
        return backup

    def restore_from_backup(
        self,
        arn: str,
        target_name: str,
        *,
        billing_mode: str | None = None,
        read_capacity: int | None = None,
        write_capacity: int | None = None,
    ) -> Table:
        """A new table from a backup, with the backup's capacity settings unless overridden."""
        backup = self.backup(arn)
        self._check_target(target_name)
        self._ready(backup)
        target = self._create(
            target_name,
            backup,
            billing_mode or backup.billing_mode,
            backup.read_capacity if read_capacity is None else read_capacity,
            backup.write_capacity if write_capacity is None else write_capacity,
            [marshal.loads(raw) for raw in backup.items],
        )
        self._restores[target.table_id] = RestoreSummary(backup.table_arn, backup.created, arn)
        return target

    def restore_summary(self, table: Table) -> RestoreSummary | None:
        """Where ``table`` was restored from, or None if it was created."""
        return self._restores.get(table.table_id)

    def table_deleted(self, table: Table) -> Backup | None:
        """Call before a table is deleted: with PITR on, AWS keeps a SYSTEM backup of it."""
        self._restores.pop(table.table_id, None)
        journal = self._journals.pop(table.name, None)
        if journal is None or journal.table_id != table.table_id:
            return None
        now = self._clock.now()
        backup = self._add_backup(
            table,
            f"{table.name}$DeletedTableBackup",
            "SYSTEM",
            now,
            now + SYSTEM_BACKUP_RETENTION,
        )
        backup.available_at = now  # a copy of what is already held
        return backup

    def _ready(self, backup: Backup) -> None:
        if backup.status(self._clock.now()) == "CREATING":
            # UNVERIFIED wording: AWS's message for this case is not published.
            raise BackupInUseException(f"Backup is being created: {backup.arn}")

    def _expire(self) -> None:
        now = self._clock.now()
        for arn in [
            a for a, b in self._backups.items() if b.expires is not None and b.expires <= now
        ]:
            del self._backups[arn]

    # -- shared -----------------------------------------------------------------------
    def _arn(self, table_part: str) -> str:
        return self._backend.arn(f"table/{table_part}")

    def _check_target(self, name: str) -> None:
        if name in self._backend.tables:
            # UNVERIFIED wording beyond the code: moto answers the same.
            raise TableAlreadyExistsException(f"Table already exists: {name}")

    def _create(
        self,
        name: str,
        source: Table | Backup,
        billing_mode: str,
        read_capacity: int,
        write_capacity: int,
        items: list[Item],
    ) -> Table:
        key_schema = [(source.hash_key, "HASH")]
        if source.range_key is not None:
            key_schema.append((source.range_key, "RANGE"))
        if billing_mode == "PAY_PER_REQUEST":
            read_capacity = write_capacity = 0
        backend = self._backend
        # A restore keeps the source's secondary indexes (API reference,
        # RestoreTableToPointInTime and RestoreTableFromBackup).
        if isinstance(source, Backup):
            specs = [IndexSpec.from_json(data) for data in source.index_specs]
        else:
            specs = list(source.indexes.specs) if source.indexes else []
        target = backend.create_table(
            name,
            key_schema,
            dict(source.attribute_types),
            billing_mode,
            read_capacity,
            write_capacity,
            indexes=specs,
        )
        for item in items:
            backend.write(target, item)
        return target

    # -- state ------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Journals, backups and restore summaries as JSON data."""
        for journal in self._journals.values():
            self._prune(journal)
        return {
            "latest_lag": self.latest_lag,
            "backup_delay": self.backup_delay,
            "journals": [
                {
                    "name": name,
                    "table_id": j.table_id,
                    "enabled_at": j.enabled_at,
                    "period_days": j.period_days,
                    "complete_since": j.complete_since,
                    "entries": [
                        [e.when, _item_json(e.keys), None if e.old is None else _raw_json(e.old)]
                        for e in j.entries
                    ],
                }
                for name, j in sorted(self._journals.items())
            ],
            "backups": [
                {**_fields(b), "items": [_raw_json(raw) for raw in b.items]}
                for b in self._backups.values()
            ],
            "restores": [
                {"table_id": table_id, **_fields(r)}
                for table_id, r in sorted(self._restores.items())
            ],
        }

    def load(self, state: dict[str, Any]) -> None:
        """Take ``snapshot()``'s data (the tables may be loaded before or after)."""
        self.latest_lag = float(state.get("latest_lag", self.latest_lag))
        self.backup_delay = float(state.get("backup_delay", self.backup_delay))
        for data in state.get("journals", []):
            self._journals[data["name"]] = _Journal(
                table_id=data["table_id"],
                enabled_at=data["enabled_at"],
                period_days=data["period_days"],
                complete_since=data["complete_since"],
                entries=deque(
                    _Entry(when, _item(keys), None if old is None else _raw(old))
                    for when, keys, old in data["entries"]
                ),
            )
        if self._journals and not self._subscribed:
            self._backend.changes.subscribe(self._on_change)
            self._subscribed = True
        for data in state.get("backups", []):
            fields = dict(data)
            fields["items"] = [_raw(raw) for raw in data["items"]]
            self._backups[data["arn"]] = Backup(**fields)
        for data in state.get("restores", []):
            fields = dict(data)
            table_id = fields.pop("table_id")
            self._restores[table_id] = RestoreSummary(**fields)


def _fields(record: Backup | RestoreSummary) -> dict[str, Any]:
    """A dataclass's fields as they are, but a backup's items (the caller converts those)."""
    return {
        f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name != "items"
    }


def _item_json(item: Item) -> dict[str, Any]:
    return {name: av.to_json(value) for name, value in item.items()}


def _item(raw: dict[str, Any]) -> Item:
    return {name: av.from_json(value) for name, value in raw.items()}


def _raw_json(raw: bytes) -> dict[str, Any]:
    return _item_json(marshal.loads(raw))


def _raw(data: dict[str, Any]) -> bytes:
    return marshal.dumps(_item(data))


def recovery_of(backend: DynamoDBBackend) -> Recovery:
    """The recovery engine of a DynamoDB backend, made on first use and kept on the backend."""
    engine: Recovery | None = getattr(backend, "recovery", None)
    if engine is None:
        engine = Recovery(backend)
        backend.recovery = engine  # type: ignore[attr-defined]
    return engine


def _existing(backend: DynamoDBBackend) -> Recovery | None:
    return getattr(backend, "recovery", None)


def table_deleted(backend: DynamoDBBackend, table: Table) -> Backup | None:
    """For DeleteTable, before the table goes: keep AWS's SYSTEM backup when PITR is on."""
    engine = _existing(backend)
    return None if engine is None else engine.table_deleted(table)


def restore_summary(backend: DynamoDBBackend, table: Table) -> RestoreSummary | None:
    """Where ``table`` was restored from, without making an engine."""
    engine = _existing(backend)
    return None if engine is None else engine.restore_summary(table)


def snapshot(backend: DynamoDBBackend) -> dict[str, Any] | None:
    """For the backend's snapshot: the engine's state, None when it never had one."""
    engine = _existing(backend)
    return None if engine is None else engine.snapshot()


def load(backend: DynamoDBBackend, state: dict[str, Any] | None) -> None:
    """For the backend's load: restore ``snapshot``'s state."""
    if state is not None:
        recovery_of(backend).load(state)
