"""DynamoDB Streams: each table's change log, in shards, kept 24 hours on the virtual clock.

A ``StreamLog`` belongs to one region's DynamoDB backend (``log_of(backend)``). It follows
the backend's change feed and, for every table with an enabled stream, appends one record
per applied change to the stream's open shard. Nothing here runs on a timer: records are
trimmed, shards rolled over and old streams dropped lazily, whenever the log is written
or read, by comparing their times with the clock.

Facts this follows, from AWS's "Change data capture for DynamoDB Streams" page unless
said otherwise: records live 24 hours; a PutItem or UpdateItem that changes nothing writes
no record; disabling a stream closes its open shard and leaves it readable for 24 hours;
re-enabling mints a new stream with a new label while DescribeTable keeps naming the
latest one; a table's old streams stay listed as DISABLED, even after DeleteTable.
Shards close about every 4 hours and a child shard takes over: AWS documents only that
shards are "ephemeral", the 4 hours come from AWS support answers, so
``models.SHARD_LIFETIME`` is the one place to change it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.attributes import Item
from emulator.services.dynamodb.changes import Change
from emulator.services.dynamodb.errors import ValidationException, invalid
from emulator.services.dynamodbstreams.models import (
    RETENTION,
    SHARD_LIFETIME,
    VIEW_TYPES,
    Record,
    Shard,
    Stream,
    stream_from,
    stream_json,
)

if TYPE_CHECKING:
    from emulator.services.dynamodb.backend import DynamoDBBackend


class StreamLog:
    """The streams of one region's DynamoDB tables.

    Args:
        backend: the region's DynamoDB backend; the log follows its change feed.
    """

    def __init__(self, backend: DynamoDBBackend) -> None:
        self.backend = backend
        self.clock = backend.cloud.clock
        #: Every stream still readable, by ARN, in the order they were enabled.
        self.streams: dict[str, Stream] = {}
        #: Table name -> its enabled stream; the change subscriber looks here first.
        self._live: dict[str, Stream] = {}
        #: Table name -> its latest stream, enabled or not (DescribeTable's LatestStreamArn).
        self._latest: dict[str, Stream] = {}
        self._sequence = 0
        self._subscribed = False

    # -- the control plane (CreateTable, UpdateTable, DeleteTable, DescribeTable) ---------
    def enable(self, table_name: str, view_type: str) -> Stream:
        """Start a new stream on a table; raises ValidationException if it has one."""
        table = self.backend.table(table_name)
        self._check_tables()
        if table_name in self._live:
            raise ValidationException(
                f"Table already has an enabled stream: TableName: {table_name}"
            )
        check_view_type(view_type)
        now = self.clock.now()
        label = _label(now)
        while self.backend.arn(f"table/{table_name}/stream/{label}") in self.streams:
            now += 0.001  # two streams of one table enabled within a millisecond
            label = _label(now)
        keys = [(table.hash_key, "HASH")] + (
            [(table.range_key, "RANGE")] if table.range_key else []
        )
        stream = Stream(
            arn=self.backend.arn(f"table/{table_name}/stream/{label}"),
            label=label,
            table_name=table_name,
            table_id=table.table_id,
            view_type=view_type,
            key_schema=keys,
            created=now,
        )
        self._open_shard(stream, now, None)
        self.streams[stream.arn] = stream
        self._live[table_name] = self._latest[table_name] = stream
        self._follow()
        return stream

    def disable(self, table_name: str) -> Stream:
        """Close a table's stream: readable for 24 hours, then gone."""
        self.backend.table(table_name)
        self._check_tables()
        stream = self._live.get(table_name)
        if stream is None:
            raise ValidationException(f"Table has no stream to disable: TableName: {table_name}")
        self._close(stream, self.clock.now())
        return stream

    def table_deleted(self, table_name: str) -> None:
        """The table is gone: its stream closes (``describe`` tells the new table apart)."""
        stream = self._live.get(table_name)
        if stream is not None:
            self._close(stream, self.clock.now())

    def describe(self, table_name: str) -> dict[str, Any]:
        """DescribeTable's stream members of a table, to merge into its description.

        ``LatestStreamArn`` and ``LatestStreamLabel`` stay after the stream is disabled;
        ``StreamSpecification`` is there only while it is enabled. For a table already
        removed from the backend (DeleteTable's answer) the last stream is described as is.
        """
        self._check_tables()
        stream = self._latest.get(table_name)
        table = self.backend.tables.get(table_name)
        if stream is None or (table is not None and table.table_id != stream.table_id):
            return {}
        answer: dict[str, Any] = {"LatestStreamArn": stream.arn, "LatestStreamLabel": stream.label}
        if stream.disabled is None:
            answer["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": stream.view_type,
            }
        return answer

    # -- reading --------------------------------------------------------------------------
    def current(self) -> list[Stream]:
        """Every readable stream, brought up to the present (trimmed, rolled, expired)."""
        self._check_tables()
        now = self.clock.now()
        for stream in list(self.streams.values()):
            self.refresh(stream, now)
        return list(self.streams.values())

    def get(self, arn: str) -> Stream | None:
        """A readable stream by ARN, brought up to the present, or None."""
        self._check_tables()
        stream = self.streams.get(arn)
        if stream is not None:
            self.refresh(stream, self.clock.now())
        return self.streams.get(arn)

    def refresh(self, stream: Stream, now: float) -> None:
        """Apply what time did to a stream: roll its shard, trim, drop what expired."""
        if stream.disabled is None:
            self._roll(stream, now)
        before = now - RETENTION
        stream.shards = [s for s in stream.shards if s.closed is None or s.closed > before]
        for shard in stream.shards:
            shard.trim(before)
        if stream.disabled is not None and stream.disabled <= before:
            del self.streams[stream.arn]

    @property
    def sequence(self) -> int:
        """The last sequence number handed out in this region."""
        return self._sequence

    # -- writing --------------------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        """The change-feed subscriber: one record per change of a table with a stream."""
        stream = self._live.get(change.table)
        if stream is None:
            return
        table = self.backend.tables.get(change.table)
        if table is None or table.table_id != stream.table_id:
            # The table was deleted and made again without telling the log.
            self._close(stream, change.when)
            return
        old, new = change.old, change.new
        if old is not None and new is not None and same_item(old, new):
            return  # AWS writes no record for a write that changed nothing
        view = stream.view_type
        # Images are copied because a later in-place update must not rewrite history.
        kept_new = (
            av.copy_item(new)
            if new is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
            else None
        )
        kept_old = (
            av.copy_item(old)
            if old is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")
            else None
        )
        size = av.item_size(change.keys)
        if kept_new is not None:
            size += av.item_size(kept_new)
        if kept_old is not None:
            size += av.item_size(kept_old)
        shard = stream.shards[-1]
        if change.when >= shard.created + SHARD_LIFETIME:
            self._roll(stream, change.when)
            shard = stream.shards[-1]
        shard.trim(change.when - RETENTION)
        shard.records.append(
            Record(
                self._next(),
                change.when,
                change.event_name,
                change.keys,
                kept_new,
                kept_old,
                size,
                change.principal,
            )
        )

    # -- internals ------------------------------------------------------------------------
    def _next(self) -> int:
        self._sequence += 1
        return self._sequence

    def _follow(self) -> None:
        # Subscribed only while a stream is enabled: with no subscriber the backend does
        # not even build the change, so tables without streams pay nothing.
        if self._live and not self._subscribed:
            self.backend.changes.subscribe(self.on_change)
            self._subscribed = True
        elif not self._live and self._subscribed:
            self.backend.changes.unsubscribe(self.on_change)
            self._subscribed = False

    def _open_shard(self, stream: Stream, created: float, parent: str | None) -> Shard:
        start = self._next()
        digest = hashlib.md5(f"{stream.arn}/{start}".encode(), usedforsecurity=False).hexdigest()
        shard = Shard(f"shardId-{round(created * 1000):020d}-{digest[:8]}", created, start, parent)
        stream.shards.append(shard)
        return shard

    def _close_shard(self, shard: Shard, when: float) -> None:
        shard.end = shard.records[-1].sequence if shard.head < len(shard.records) else shard.start
        if shard.trimmed is not None and shard.end < shard.trimmed:
            shard.end = shard.trimmed
        shard.closed = when

    def _roll(self, stream: Stream, now: float) -> None:
        shard = stream.shards[-1]
        while shard.end is None and now >= shard.created + SHARD_LIFETIME:
            closing = shard.created + SHARD_LIFETIME
            self._close_shard(shard, closing)
            shard = self._open_shard(stream, closing, shard.shard_id)

    def _close(self, stream: Stream, when: float) -> None:
        self._roll(stream, when)
        shard = stream.shards[-1]
        if shard.end is None:
            self._close_shard(shard, when)
        stream.disabled = when
        if self._live.get(stream.table_name) is stream:
            del self._live[stream.table_name]
        self._follow()

    def _check_tables(self) -> None:
        """Close the streams of tables deleted without ``table_deleted`` being called."""
        tables = self.backend.tables
        for name, stream in list(self._live.items()):
            table = tables.get(name)
            if table is None or table.table_id != stream.table_id:
                self._close(stream, self.clock.now())

    # -- state ----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The log as JSON data; ``load`` on a fresh log restores it."""
        return {
            "sequence": self._sequence,
            "streams": [stream_json(s) for s in self.streams.values()],
            "latest": {
                # A stream past its 24 hours is only a name DescribeTable still gives.
                name: s.arn if s.arn in self.streams else {**stream_json(s), "shards": []}
                for name, s in self._latest.items()
            },
        }

    def load(self, state: dict[str, Any]) -> None:
        self._sequence = int(state.get("sequence", 0))
        for data in state.get("streams", []):
            stream = stream_from(data)
            self.streams[stream.arn] = stream
            if stream.disabled is None:
                self._live[stream.table_name] = stream
        for name, data in state.get("latest", {}).items():
            self._latest[name] = self.streams[data] if isinstance(data, str) else stream_from(data)
        self._follow()


def log_of(backend: DynamoDBBackend) -> StreamLog:
    """The stream log of a DynamoDB backend, made on first use and kept on the backend."""
    log: StreamLog | None = getattr(backend, "stream_log", None)
    if log is None:
        log = StreamLog(backend)
        backend.stream_log = log  # type: ignore[attr-defined]
    return log


def _existing(backend: DynamoDBBackend) -> StreamLog | None:
    return getattr(backend, "stream_log", None)


def table_deleted(backend: DynamoDBBackend, table_name: str) -> None:
    """For DeleteTable: close the table's stream, if the backend has a log at all."""
    log = _existing(backend)
    if log is not None:
        log.table_deleted(table_name)


def describe(backend: DynamoDBBackend, table_name: str) -> dict[str, Any]:
    """For DescribeTable: ``StreamLog.describe``, or {} without making a log."""
    log = _existing(backend)
    return {} if log is None else log.describe(table_name)


def snapshot(backend: DynamoDBBackend) -> dict[str, Any] | None:
    """For the backend's snapshot: the log's state, None when it never had a log."""
    log = _existing(backend)
    return None if log is None else log.snapshot()


def load(backend: DynamoDBBackend, state: dict[str, Any] | None) -> None:
    """For the backend's load, after its tables: restore ``snapshot``'s state."""
    if state is not None:
        log_of(backend).load(state)


def specification(spec: Any, *, creating: bool) -> tuple[bool, str | None]:
    """Check a CreateTable or UpdateTable StreamSpecification: (enabled, view type)."""
    enabled = spec.get("StreamEnabled") if isinstance(spec, dict) else None
    if enabled is None:
        raise ValidationException(
            "1 validation error detected: Value null at 'streamSpecification.streamEnabled' "
            "failed to satisfy constraint: Member must not be null"
        )
    if not isinstance(enabled, bool):
        raise ValidationException("StreamSpecification.StreamEnabled must be true or false")
    view_type = spec.get("StreamViewType")
    if view_type is not None:
        check_view_type(view_type)
    if enabled and view_type is None:
        raise invalid(
            "Table is being created with a stream enabled, UpdateViewType is required"
            if creating
            else "If stream is being enabled then UpdateViewType is required"
        )
    if not enabled and view_type is not None:
        raise invalid(
            "Table is being created with a stream disabled, UpdateViewType should not be specified"
            if creating
            else "If stream is being disabled, then UpdateViewType must not be specified"
        )
    return enabled, view_type


def check_view_type(view_type: Any) -> None:
    if view_type not in VIEW_TYPES:
        raise ValidationException(
            f"1 validation error detected: Value '{view_type}' at 'streamSpecification.streamViewType' "
            f"failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(VIEW_TYPES)}]"
        )


def same_item(a: Item, b: Item) -> bool:
    """Whether two items hold the same data (sets compare without regard to order)."""
    if a == b:
        return True
    return a.keys() == b.keys() and all(_same_value(a[name], b[name]) for name in a)


def _same_value(a: av.AttributeValue, b: av.AttributeValue) -> bool:
    ((kind, inner),) = a.items()
    ((other_kind, other),) = b.items()
    if kind != other_kind:
        return False
    if kind in ("SS", "BS"):
        return set(inner) == set(other)
    if kind == "NS":
        return {av.sort_key({"N": n}) for n in inner} == {av.sort_key({"N": n}) for n in other}
    if kind == "M":
        return inner.keys() == other.keys() and all(_same_value(inner[k], other[k]) for k in inner)
    if kind == "L":
        return len(inner) == len(other) and all(map(_same_value, inner, other))
    return bool(inner == other)


def _label(when: float) -> str:
    """A stream label: the enable time in UTC to the millisecond, as AWS writes it."""
    moment = dt.datetime.fromtimestamp(round(when, 3), dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
