"""Global tables (version 2019.11.21): a table's replicas in other Regions, kept in step.

A ``Replication`` belongs to one Region's DynamoDB backend (``replication_of(backend)``). It
knows the replication group of each of its global tables (the same name in every member
Region, each member a real table of that Region's backend) and follows the backend's
change feed: every change a request or TTL makes to a member table is delivered to every
other member ``lag`` virtual seconds later, through that Region's ``write`` / ``remove``,
so the receiving Region's streams, indexes and TTL see it as any other write. A delivery
applied by the engine is not delivered again: no echo.

What AWS documents, and how it is modelled:

* "Item changes in an MREC global table replica are typically replicated to all other
  replicas within one second or less" (developer guide, "How DynamoDB global tables
  work", multi-Region eventual consistency): ``lag`` is one second, constant and
  adjustable, and every delivery publishes its latency as the ``ReplicationLatency``
  metric (``AWS/DynamoDB``, dimensions ``TableName`` and ``ReceivingRegion``) in the
  Region the write came from.
* "If the same item is modified in multiple Regions at the same time, DynamoDB resolves
  the conflict by using the modification with the latest internal timestamp on a per-item
  basis, referred to as a last writer wins" (same page). Each write is stamped with its
  virtual time; on equal times the write from the Region whose name sorts last wins, then
  the later write of that Region. A delivery older than the receiving item's stamp is
  dropped: it is counted in ``lost_writes`` and logged as a ``replication_conflict``
  event, because a lost update is the thing a learner has to see. Deletions keep their
  stamp, so an older write cannot bring a deleted item back.
* "Items are replicated individually. Items updated in a single transaction might not be
  replicated together" (developer guide, global table design): each change of a
  transaction is its own delivery; a transaction is ACID only in the Region that ran it.
* TTL deletions are deletions like any other; replicas receive them as replicated deletes
  (developer guide, global tables throughput planning), still named as the TTL service's.
* Adding a replica enables the table's stream with ``NEW_AND_OLD_IMAGES`` when it has none
  (Terraform AWS provider issue 43625; Scylla Alternator's global-table tests); disabling
  it afterwards fails with "Disabling Stream is not allowed for a Global Table replica."
  (AWS's answer quoted in Terraform AWS provider issue 34450).
* A replica needs on-demand write capacity or auto scaling: "Table write capacity should
  either be Pay-Per-Request or AutoScaled." (AWS's answer quoted in Terraform AWS provider
  issue 13097). The emulator has no Application Auto Scaling service, so only
  ``PAY_PER_REQUEST`` tables can get replicas.
* A new replica is a copy of the table at once, with the same key schema, attribute
  definitions and indexes; it reads ``CREATING`` for ``creation`` seconds (UNVERIFIED:
  AWS says "a few minutes for an empty table" in the CloudFormation GlobalTable
  reference), while the table that seeded it reads ``UPDATING``.
* A Region that seeded a new replica cannot lose its own replica for 24 hours (AWS's
  global tables "common tasks"; the error's wording here is UNVERIFIED). DeleteTable on a
  replica removes that replica only: the other Regions go on (boto3 DeleteTable notes the
  operation "only applies to Version 2019.11.21 (Current) of global tables").
* DescribeTable names the *other* Regions in ``Replicas`` (the AWS guide's example for
  ``describe-table --region us-east-2`` lists ``us-west-2`` only).

Not modelled: replicated write capacity, settings synchronisation (TTL, GSI changes and
throughput made after a replica exists stay in their Region), writes being refused while a
new replica is ``CREATING``, and Region isolation.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from emulator.events import Kind
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb import streams
from emulator.services.dynamodb.attributes import Item
from emulator.services.dynamodb.changes import Change
from emulator.services.dynamodb.errors import (
    ResourceInUseException,
    ValidationException,
    invalid,
)

if TYPE_CHECKING:
    from emulator.services.dynamodb.backend import DynamoDBBackend

VERSION = "2019.11.21"
#: "typically ... within one second or less" (developer guide).
REPLICATION_LAG = 1.0
#: How long a new replica reads CREATING. UNVERIFIED: "a few minutes for an empty table".
REPLICA_CREATION = 300.0
#: A Region that seeded a new replica keeps its own replica this long.
SOURCE_LOCK = 24 * 3600.0
#: How many lost writes each Region keeps for the learner to read.
LOST_KEPT = 1000
VIEW = "NEW_AND_OLD_IMAGES"
WRITE_CAPACITY = "Table write capacity should either be Pay-Per-Request or AutoScaled."
CONFLICT: Kind = cast("Kind", "replication_conflict")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")

#: A write's stamp: (virtual time, Region, sequence in that Region). Later stamps win.
Stamp = tuple[float, str, int]


@dataclass
class Member:
    """One Region's replica of a global table.

    Attributes:
        region: the Region.
        table_id: the TableId of the replica in that Region.
        ready: when its status turns from CREATING to ACTIVE.
        source_until: until when it cannot be removed (it seeded a new replica).
    """

    region: str
    table_id: str
    ready: float
    source_until: float = 0.0


@dataclass(frozen=True)
class Delivery:
    """One change on its way to one other Region."""

    ident: int
    due: float
    table: str
    target: str
    keys: Item
    new: Item | None
    stamp: Stamp
    principal: str | None


@dataclass(frozen=True)
class LostWrite:
    """A replicated write dropped because the receiving Region held a newer version.

    Attributes:
        table: the table's name.
        region: the Region that dropped it.
        source: the Region the write was made in.
        keys: the item's key attributes.
        written: virtual time of the dropped write.
        kept: the stamp of the version that stayed.
        dropped: virtual time the write arrived and was dropped.
    """

    table: str
    region: str
    source: str
    keys: Item
    written: float
    kept: Stamp
    dropped: float


class Replication:
    """The global tables of one Region, and the deliveries it owes the other Regions.

    Args:
        backend: the Region's DynamoDB backend; the engine follows its change feed.
        lag: seconds between a write and its arrival in the other Regions.
        creation: seconds a new replica reads CREATING.
    """

    def __init__(
        self,
        backend: DynamoDBBackend,
        *,
        lag: float = REPLICATION_LAG,
        creation: float = REPLICA_CREATION,
    ) -> None:
        if lag < 0 or creation < 0:
            raise ValueError("replication lag and creation time must be 0 or more seconds")
        self.backend = backend
        self.region = backend.region
        self.clock = backend.cloud.clock
        self.lag = float(lag)
        self.creation = float(creation)
        #: Table name -> Region -> member, this Region included; the same in every member.
        self.groups: dict[str, dict[str, Member]] = {}
        #: Table name -> item position -> (key attributes, stamp of the item's version).
        self._stamps: dict[str, dict[Any, tuple[Item, Stamp]]] = {}
        self._pending: dict[int, Delivery] = {}
        self._ids = itertools.count(1)
        self._applying = False
        self._subscribed = False
        #: The most recent lost writes, oldest first.
        self.lost: deque[LostWrite] = deque(maxlen=LOST_KEPT)
        #: Every write ever dropped here by last-writer-wins.
        self.lost_writes = 0
        #: Replicated writes applied here.
        self.applied = 0

    # -- membership ---------------------------------------------------------------------
    def status(self, table_name: str, region: str) -> str:
        """A member's ReplicaStatus: CREATING until it is ready, then ACTIVE."""
        member = self.groups[table_name][region]
        return "CREATING" if self.clock.now() < member.ready else "ACTIVE"

    def busy(self, table_name: str) -> bool:
        """Whether a replica of the table is still being created."""
        now = self.clock.now()
        return any(now < m.ready for m in self.groups.get(table_name, {}).values())

    def member(self, table_name: str) -> Member | None:
        """This Region's member of the table's group, if the table is global."""
        self._prune(table_name)
        group = self.groups.get(table_name)
        return None if group is None else group.get(self.region)

    def _prune(self, table_name: str) -> None:
        """Forget members whose table was deleted without telling the engine."""
        group = self.groups.get(table_name)
        if group is None:
            return
        cloud = self.backend.cloud
        for region, member in list(group.items()):
            table = cloud.backend("dynamodb", region).tables.get(table_name)  # type: ignore[attr-defined]
            if table is None or table.table_id != member.table_id:
                leave(cloud, table_name, region, group)

    def _follow(self) -> None:
        # Subscribed only while the Region has a global table: other tables pay nothing.
        if self.groups and not self._subscribed:
            self.backend.changes.subscribe(self.on_change)
            self._subscribed = True
        elif not self.groups and self._subscribed:
            self.backend.changes.unsubscribe(self.on_change)
            self._subscribed = False

    # -- sending ------------------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        """The change-feed subscriber: stamp a member table's change and send it on."""
        if self._applying:
            return  # a delivery being applied: sending it back would echo
        group = self.groups.get(change.table)
        if group is None:
            return
        table = self.backend.tables.get(change.table)
        me = group.get(self.region)
        if table is None or me is None or table.table_id != me.table_id:
            return
        stamp: Stamp = (change.when, self.region, change.sequence)
        self._stamp(change.table, table.key_of(change.keys), change.keys, stamp)
        new = None if change.new is None else av.copy_item(change.new)
        for region in sorted(group):
            if region != self.region:
                self._send(
                    Delivery(
                        next(self._ids),
                        change.when + self.lag,
                        change.table,
                        region,
                        av.copy_item(change.keys),
                        new,
                        stamp,
                        change.principal,
                    )
                )

    def _send(self, delivery: Delivery) -> None:
        self._pending[delivery.ident] = delivery
        self.clock.schedule(delivery.due, self._deliver, delivery.ident)

    def _deliver(self, ident: int) -> None:
        delivery = self._pending.pop(ident, None)
        if delivery is None:
            return
        group = self.groups.get(delivery.table)
        if group is None or delivery.target not in group:
            return  # the target left the group meanwhile
        cloud = self.backend.cloud
        target = replication_of(cloud.backend("dynamodb", delivery.target))  # type: ignore[arg-type]
        target.receive(delivery, self.region)
        cw: Any = cloud.backend("cloudwatch", self.region)
        cw.record(
            "AWS/DynamoDB",
            "ReplicationLatency",
            (("TableName", delivery.table), ("ReceivingRegion", delivery.target)),
            (self.clock.now() - delivery.stamp[0]) * 1000.0,
            "Milliseconds",
        )

    # -- receiving ----------------------------------------------------------------------
    def receive(self, delivery: Delivery, source: str) -> None:
        """Apply a change from another Region unless this Region holds a newer version."""
        group = self.groups.get(delivery.table)
        me = None if group is None else group.get(self.region)
        table = self.backend.tables.get(delivery.table)
        if me is None or table is None or table.table_id != me.table_id:
            return
        position = table.key_of(delivery.keys)
        held = self._stamps.get(delivery.table, {}).get(position)
        if held is not None and held[1] >= delivery.stamp:
            if held[1] > delivery.stamp:
                self._lose(delivery, source, held[1])
            return
        self._stamp(delivery.table, position, delivery.keys, delivery.stamp)
        self._applying = True
        try:
            if delivery.new is None:
                self.backend.remove(table, delivery.keys, delivery.principal)
            else:
                self.backend.write(table, av.copy_item(delivery.new))
        finally:
            self._applying = False
        self.applied += 1

    def _lose(self, delivery: Delivery, source: str, kept: Stamp) -> None:
        lost = LostWrite(
            delivery.table,
            self.region,
            source,
            delivery.keys,
            delivery.stamp[0],
            kept,
            self.clock.now(),
        )
        self.lost.append(lost)
        self.lost_writes += 1
        self.backend.cloud.events.emit(
            "dynamodb",
            CONFLICT,
            delivery.table,
            region=self.region,
            source=source,
            keys=delivery.keys,
            written=lost.written,
            kept_from=kept[1],
            kept_written=kept[0],
        )

    def _stamp(self, table_name: str, position: Any, keys: Item, stamp: Stamp) -> None:
        self._stamps.setdefault(table_name, {})[position] = (keys, stamp)

    def stamp_of(self, table_name: str, keys: Item) -> Stamp | None:
        """The stamp of the version this Region holds of an item, None if never written."""
        table = self.backend.table(table_name)
        found = self._stamps.get(table_name, {}).get(table.key_of(keys))
        return None if found is None else found[1]

    @property
    def in_flight(self) -> int:
        """How many deliveries from this Region have not arrived yet."""
        return len(self._pending)

    # -- state --------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The engine as JSON data; ``load`` on a fresh engine restores it."""
        return {
            "lag": self.lag,
            "creation": self.creation,
            "groups": {
                name: [vars(m).copy() for _, m in sorted(group.items())]
                for name, group in sorted(self.groups.items())
            },
            "stamps": {
                name: [[_keys_json(keys), *stamp] for keys, stamp in entries.values()]
                for name, entries in sorted(self._stamps.items())
            },
            "pending": [
                {
                    "ident": d.ident,
                    "due": d.due,
                    "table": d.table,
                    "target": d.target,
                    "keys": _keys_json(d.keys),
                    "new": None if d.new is None else _keys_json(d.new),
                    "stamp": list(d.stamp),
                    "principal": d.principal,
                }
                for d in self._pending.values()
            ],
            "lost_writes": self.lost_writes,
            "applied": self.applied,
            "lost": [
                {**vars(w), "keys": _keys_json(w.keys), "kept": list(w.kept)} for w in self.lost
            ],
        }

    def load(self, state: dict[str, Any]) -> None:
        """Take ``snapshot()``'s data; call after the backend's tables are loaded."""
        self.lag = float(state.get("lag", self.lag))
        self.creation = float(state.get("creation", self.creation))
        for name, members in state.get("groups", {}).items():
            self.groups[name] = {m["region"]: Member(**m) for m in members}
        for name, entries in state.get("stamps", {}).items():
            table = self.backend.tables.get(name)
            if table is None:
                continue
            for raw, when, region, sequence in entries:
                keys = _keys_from(raw)
                self._stamp(name, table.key_of(keys), keys, (when, region, sequence))
        last = 0
        for d in state.get("pending", []):
            delivery = Delivery(
                d["ident"],
                d["due"],
                d["table"],
                d["target"],
                _keys_from(d["keys"]),
                None if d["new"] is None else _keys_from(d["new"]),
                cast("Stamp", tuple(d["stamp"])),
                d["principal"],
            )
            self._send(delivery)
            last = max(last, delivery.ident)
        self._ids = itertools.count(last + 1)
        self.lost_writes = int(state.get("lost_writes", 0))
        self.applied = int(state.get("applied", 0))
        for w in state.get("lost", []):
            self.lost.append(
                LostWrite(**{**w, "keys": _keys_from(w["keys"]), "kept": tuple(w["kept"])})
            )
        self._follow()


def _keys_json(item: Item) -> dict[str, Any]:
    return {name: av.to_json(value) for name, value in item.items()}


def _keys_from(raw: dict[str, Any]) -> Item:
    return {name: av.from_json(value) for name, value in raw.items()}


# -- group changes (UpdateTable ReplicaUpdates, DeleteTable) ---------------------------------
def replication_of(backend: DynamoDBBackend) -> Replication:
    """The global-tables engine of a DynamoDB backend, made on first use and kept on it."""
    engine: Replication | None = getattr(backend, "replication", None)
    if engine is None:
        engine = Replication(backend)
        backend.replication = engine  # type: ignore[attr-defined]
    return engine


def _existing(backend: DynamoDBBackend) -> Replication | None:
    return getattr(backend, "replication", None)


def _engine(cloud: Any, region: str) -> Replication:
    return replication_of(cloud.backend("dynamodb", region))


def _spread(cloud: Any, table_name: str, group: dict[str, Member]) -> None:
    """Give every member its own copy of the group (each Region snapshots its own)."""
    for region in group:
        engine = _engine(cloud, region)
        engine.groups[table_name] = {r: replace(m) for r, m in group.items()}
        engine._follow()


def in_use(table_name: str) -> ResourceInUseException:
    return ResourceInUseException(
        f"Attempt to change a resource which is still in use: Table is being updated: {table_name}"
    )


def _check_removable(engine: Replication, table_name: str, region: str) -> None:
    if engine.busy(table_name):
        raise in_use(table_name)
    member = engine.groups[table_name][region]
    if engine.clock.now() < member.source_until:
        raise ValidationException(
            "Replica cannot be deleted because it has acted as a source region for new "
            "replica(s) being added to the table in the last 24 hours."
        )


def add_replica(backend: DynamoDBBackend, table_name: str, region: str) -> None:
    """Create a replica of a table in ``region``, filled with the table's items.

    Raises:
        ValidationException: the Region is this one or not a Region name, the table has
            provisioned write capacity, a table of that name is already there, or the
            table's stream keeps other images than NEW_AND_OLD_IMAGES.
        ResourceInUseException: another replica of the table is still being created.
    """
    table = backend.table(table_name)
    cloud = backend.cloud
    if not isinstance(region, str) or not _REGION.match(region):
        raise invalid(f"Invalid RegionName: {region}")
    if region == backend.region:
        raise invalid(
            f"Cannot add a replica of table {table_name} in {region}: the table is in that "
            "Region already"
        )
    engine = replication_of(backend)
    engine._prune(table_name)
    if engine.busy(table_name):
        raise in_use(table_name)
    now = engine.clock.now()
    group = engine.groups.get(table_name) or {
        backend.region: Member(backend.region, table.table_id, now)
    }
    target: Any = cloud.backend("dynamodb", region)
    if region in group or table_name in target.tables:
        raise ValidationException(
            f"Failed to create a the new replica of table with name: '{table_name}' because "
            "one or more replicas already existed as tables."
        )
    if table.billing_mode != "PAY_PER_REQUEST":
        raise ValidationException(WRITE_CAPACITY)
    log = streams.log_of(backend)
    stream = log.describe(table_name).get("StreamSpecification")
    if stream is None:
        log.enable(table_name, VIEW)
    elif stream["StreamViewType"] != VIEW:
        raise invalid(
            f"A global table replica needs a stream with StreamViewType {VIEW}; table "
            f"{table_name} has {stream['StreamViewType']}"
        )
    key_schema = [(table.hash_key, "HASH")] + (
        [(table.range_key, "RANGE")] if table.range_key else []
    )
    copy = target.create_table(
        table_name,
        key_schema,
        dict(table.attribute_types),
        "PAY_PER_REQUEST",
        0,
        0,
        indexes=table.indexes.specs if table.indexes else (),
    )
    receiver = replication_of(target)
    receiver._applying = True
    try:
        for _, item in table.scan():
            target.write(copy, item)
    finally:
        receiver._applying = False
    receiver._stamps[table_name] = dict(engine._stamps.get(table_name, {}))
    streams.log_of(target).enable(table_name, VIEW)
    group[region] = Member(region, copy.table_id, now + engine.creation)
    group[backend.region].source_until = now + SOURCE_LOCK
    # Writes from other members still on their way to the seed were made before the new
    # replica existed; it gets them too, so it converges with everyone else.
    for other in group:
        if other in (region, backend.region):
            continue
        sender = _engine(cloud, other)
        for delivery in list(sender._pending.values()):
            if delivery.table == table_name and delivery.target == backend.region:
                sender._send(replace(delivery, ident=next(sender._ids), target=region))
    _spread(cloud, table_name, group)


def remove_replica(backend: DynamoDBBackend, table_name: str, region: str) -> None:
    """Delete the replica of a table in another Region (UpdateTable ReplicaUpdates Delete).

    Raises:
        ValidationException: the Region has no replica of the table, is this Region, or
            seeded a new replica less than 24 hours ago.
        ResourceInUseException: a replica of the table is still being created.
    """
    backend.table(table_name)
    engine = replication_of(backend)
    engine._prune(table_name)
    group = engine.groups.get(table_name)
    if group is None or region not in group:
        raise invalid(f"Table {table_name} has no replica in Region {region}")
    if region == backend.region:
        raise invalid(
            f"Cannot delete the replica in {region} through its own Region's UpdateTable; "
            "call DeleteTable there, or ReplicaUpdates from another replica's Region"
        )
    _check_removable(engine, table_name, region)
    member = group[region]
    cloud = backend.cloud
    leave(cloud, table_name, region)
    target: Any = cloud.backend("dynamodb", region)
    found = target.tables.get(table_name)
    if found is not None and found.table_id == member.table_id:
        target.delete_table(table_name)


def leave(cloud: Any, table_name: str, region: str, known: dict[str, Member] | None = None) -> None:
    """Take ``region`` out of the table's group everywhere; a group of one dissolves.

    ``known`` is the group as the caller sees it, for when ``region`` has lost its own copy.
    """
    engine = _engine(cloud, region)
    group = engine.groups.pop(table_name, None) or known
    engine._stamps.pop(table_name, None)
    engine._follow()
    if group is None:
        return
    rest = {r: m for r, m in group.items() if r != region}
    if len(rest) >= 2:
        _spread(cloud, table_name, rest)
        return
    for other in rest:
        alone = _engine(cloud, other)
        alone.groups.pop(table_name, None)
        alone._stamps.pop(table_name, None)
        alone._follow()


# -- hooks for the rest of DynamoDB ------------------------------------------------------------
def check_delete(backend: DynamoDBBackend, table_name: str) -> None:
    """For DeleteTable, before deleting: refuse while the group is busy or this Region is locked."""
    engine = _existing(backend)
    if engine is None or engine.member(table_name) is None:
        return
    _check_removable(engine, table_name, backend.region)


def table_deleted(backend: DynamoDBBackend, table: Any) -> None:
    """For DeleteTable, after deleting: the other replicas go on without this Region."""
    engine = _existing(backend)
    if engine is None:
        return
    member = engine.groups.get(table.name, {}).get(backend.region)
    if member is not None and member.table_id == table.table_id:
        leave(backend.cloud, table.name, backend.region)


def check_stream_update(backend: DynamoDBBackend, table_name: str, enabled: bool) -> None:
    """For UpdateTable StreamSpecification: a replica's stream cannot be disabled."""
    engine = _existing(backend)
    if not enabled and engine is not None and engine.member(table_name) is not None:
        raise invalid("Disabling Stream is not allowed for a Global Table replica.")


def check_billing_update(backend: DynamoDBBackend, table_name: str, mode: str) -> None:
    """For UpdateTable BillingMode: a replica keeps on-demand write capacity.

    The emulator has no auto scaling to keep a provisioned replica's writes scaled, so the
    answer AWS gives a replica without it applies (its use on this path is UNVERIFIED).
    """
    engine = _existing(backend)
    if mode != "PAY_PER_REQUEST" and engine is not None and engine.member(table_name) is not None:
        raise ValidationException(WRITE_CAPACITY)


def describe(backend: DynamoDBBackend, table_name: str) -> dict[str, Any]:
    """DescribeTable's ``GlobalTableVersion`` and ``Replicas``, or {} for a regional table."""
    engine = _existing(backend)
    if engine is None or engine.member(table_name) is None:
        return {}
    group = engine.groups[table_name]
    return {
        "GlobalTableVersion": VERSION,
        "Replicas": [
            {"RegionName": region, "ReplicaStatus": engine.status(table_name, region)}
            for region in sorted(group)
            if region != backend.region
        ],
    }


def table_status(backend: DynamoDBBackend, table_name: str) -> str | None:
    """The TableStatus a replica change implies (CREATING, UPDATING), or None."""
    engine = _existing(backend)
    if engine is None or engine.member(table_name) is None:
        return None
    if engine.status(table_name, backend.region) == "CREATING":
        return "CREATING"
    return "UPDATING" if engine.busy(table_name) else None


def snapshot(backend: DynamoDBBackend) -> dict[str, Any] | None:
    """For the backend's snapshot: the engine's state, None when it never had one."""
    engine = _existing(backend)
    return None if engine is None else engine.snapshot()


def load(backend: DynamoDBBackend, state: dict[str, Any] | None) -> None:
    """For the backend's load, after its tables and streams: restore ``snapshot``'s state."""
    if state is not None:
        replication_of(backend).load(state)
