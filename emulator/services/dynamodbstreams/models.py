"""The data of DynamoDB Streams: streams, shards and records, their limits and snapshots.

Plain data shared by the stream engine (``emulator.services.dynamodb.streams``, which
writes it) and the DynamoDB Streams API (which reads it).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Literal

from emulator import limits
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.attributes import Item

ViewType = Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]
#: In the order botocore's StreamViewType enum lists them (AWS's messages use that order).
VIEW_TYPES: tuple[str, ...] = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")

#: The limits of DynamoDB Streams (rows of ``emulator.limits``).
LIMITS = {
    name: limits.value("dynamodb", name)
    for name in (
        "StreamRetention",
        "StreamRecordsPerGetRecords",
        "StreamBytesPerGetRecords",
        "ShardIteratorLifetime",
        "StreamsPerListStreams",
    )
}
RETENTION = float(LIMITS["StreamRetention"])
#: How long a shard takes records before it closes and a child shard opens.
SHARD_LIFETIME = 4 * 3600.0


@dataclass(slots=True)
class Record:
    """One change as the stream keeps it: only the images its view type asks for.

    Attributes:
        sequence: its sequence number, unique and increasing across the region's streams.
        when: virtual time of the write, in seconds.
        event_name: INSERT, MODIFY or REMOVE.
        keys: the item's key attributes.
        new: the item after the write, when the view type keeps it.
        old: the item before the write, when the view type keeps it.
        size: SizeBytes: the keys and the kept images, by DynamoDB's item-size rules.
        principal: the service that made the change (TTL deletions), else None.
    """

    sequence: int
    when: float
    event_name: str
    keys: Item
    new: Item | None
    old: Item | None
    size: int
    principal: str | None = None


@dataclass
class Shard:
    """A run of records. ``start`` is reserved for the shard, so no record carries it.

    Positions (in iterators) are sequence numbers: "the first record at or after".
    """

    shard_id: str
    created: float
    start: int
    parent: str | None = None
    #: The last sequence number of a closed shard (``start`` when it closed empty).
    end: int | None = None
    #: When it closed (rolled over, or its stream was disabled), None while open.
    closed: float | None = None
    records: list[Record] = field(default_factory=list)
    #: Records before ``head`` were trimmed; they are dropped from the list in batches.
    head: int = 0
    #: The highest trimmed sequence number, None while nothing was trimmed.
    trimmed: int | None = None

    def live(self) -> list[Record]:
        return self.records[self.head :]

    def horizon(self) -> int:
        """The first position not trimmed away (where TRIM_HORIZON reads from)."""
        return self.start if self.trimmed is None else self.trimmed + 1

    def latest(self) -> int:
        """The position after the newest record (where LATEST reads from)."""
        if self.end is not None:
            return self.end + 1
        return self.records[-1].sequence + 1 if self.head < len(self.records) else self.horizon()

    def index(self, position: int) -> int:
        """Index in ``records`` of the first record at or after ``position``."""
        return bisect.bisect_left(self.records, position, lo=self.head, key=_sequence)

    def trim(self, before: float) -> None:
        records, head = self.records, self.head
        while head < len(records) and records[head].when <= before:
            self.trimmed = records[head].sequence
            head += 1
        # Dropping the trimmed prefix in batches keeps trimming O(1) per record.
        if head > 1024 and head * 2 > len(records):
            del records[:head]
            head = 0
        self.head = head


def _sequence(record: Record) -> int:
    return record.sequence


@dataclass
class Stream:
    """One stream of one table: from the moment it was enabled, in shards.

    Attributes:
        arn: ``arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL``.
        label: the time it was enabled, ``2026-01-01T00:00:00.000``.
        table_name: the table it belongs to (which may since have been deleted).
        table_id: that table's TableId, to tell a re-created table of the same name apart.
        view_type: KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES.
        key_schema: (attribute name, HASH or RANGE) of the table.
        created: virtual time it was enabled.
        disabled: virtual time it was disabled, None while enabled.
        shards: oldest first; the last is open while the stream is enabled.
    """

    arn: str
    label: str
    table_name: str
    table_id: str
    view_type: str
    key_schema: list[tuple[str, str]]
    created: float
    disabled: float | None = None
    shards: list[Shard] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "ENABLED" if self.disabled is None else "DISABLED"

    def shard(self, shard_id: str) -> Shard | None:
        return next((s for s in self.shards if s.shard_id == shard_id), None)


# -- snapshots ------------------------------------------------------------------------------
def _item_json(item: Item | None) -> Any:
    return None if item is None else {name: av.to_json(value) for name, value in item.items()}


def _item_from(data: Any) -> Item | None:
    return None if data is None else {name: av.from_json(value) for name, value in data.items()}


def stream_json(stream: Stream) -> dict[str, Any]:
    return {
        "arn": stream.arn,
        "label": stream.label,
        "table_name": stream.table_name,
        "table_id": stream.table_id,
        "view_type": stream.view_type,
        "key_schema": [list(pair) for pair in stream.key_schema],
        "created": stream.created,
        "disabled": stream.disabled,
        "shards": [
            {
                "id": s.shard_id,
                "created": s.created,
                "start": s.start,
                "parent": s.parent,
                "end": s.end,
                "closed": s.closed,
                "trimmed": s.trimmed,
                "records": [
                    [
                        r.sequence,
                        r.when,
                        r.event_name,
                        _item_json(r.keys),
                        _item_json(r.new),
                        _item_json(r.old),
                        r.size,
                        r.principal,
                    ]
                    for r in s.live()
                ],
            }
            for s in stream.shards
        ],
    }


def stream_from(data: dict[str, Any]) -> Stream:
    stream = Stream(
        arn=data["arn"],
        label=data["label"],
        table_name=data["table_name"],
        table_id=data["table_id"],
        view_type=data["view_type"],
        key_schema=[(name, kind) for name, kind in data["key_schema"]],
        created=data["created"],
        disabled=data["disabled"],
    )
    for raw in data["shards"]:
        shard = Shard(
            raw["id"], raw["created"], raw["start"], raw["parent"], raw["end"], raw["closed"]
        )
        shard.trimmed = raw["trimmed"]
        shard.records = [
            Record(
                seq,
                when,
                name,
                _item_from(keys) or {},
                _item_from(new),
                _item_from(old),
                size,
                principal,
            )
            for seq, when, name, keys, new, old, size, principal in raw["records"]
        ]
        stream.shards.append(shard)
    return stream
