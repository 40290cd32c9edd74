"""A table's definition and its items, kept sorted by key."""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedDict, SortedList

from emulator.services.dynamodb.attributes import AttributeValue, Item, item_size, sort_key
from emulator.services.dynamodb.throughput import BillingModeLedger, DecreaseLedger


@dataclass
class Table:
    """One table: key schema, settings and items in key order within each partition."""

    name: str
    hash_key: str
    range_key: str | None
    attribute_types: dict[str, str]
    billing_mode: str
    read_capacity: int
    write_capacity: int
    created: float
    table_id: str
    #: Hash sort-key -> {range sort-key -> stored item}, or for a table without a sort
    #: key hash sort-key -> stored item (a sorted map per item would cost a kilobyte).
    partitions: dict[Any, Any] = field(default_factory=dict)
    #: partitions in scan order: by a hash of the key, as DynamoDB spreads them. A
    #: partition that empties stays listed (a tombstone, skipped by scans) until they make
    #: up half of the list: deleting stays a dictionary operation.
    order: SortedList = field(default_factory=SortedList)
    tombstones: set[Any] = field(default_factory=set)
    item_count: int = 0
    size_bytes: int = 0
    #: The table's throughput (a ``throughput.TableCapacity``), made by the backend.
    capacity: Any = None
    #: Provisioned decreases today, and switches to on-demand (quota ledgers).
    decrease_ledger: DecreaseLedger = field(default_factory=DecreaseLedger)
    billing_ledger: BillingModeLedger = field(default_factory=BillingModeLedger)
    #: When provisioned throughput last went up (LastIncreaseDateTime).
    last_increase: float | None = None
    #: The secondary indexes (a ``table_indexes.TableIndexes``), None without any.
    indexes: Any = None

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash_key, self.range_key) if self.range_key else (self.hash_key,)

    def key_of(self, item: Item) -> tuple[Any, Any]:
        hash_part = sort_key(item[self.hash_key])
        range_part = (
            sort_key(item[self.range_key]) if self.range_key else 0
        )  # one item per partition
        return (next(iter(item[self.hash_key])), hash_part), range_part

    # -- stored items: (marshalled item, its size) -------------------------------------
    def stored(self, key: tuple[Any, Any]) -> Stored | None:
        partition = self.partitions.get(key[0])
        if partition is None or self.range_key is None:
            return partition
        return partition.get(key[1])  # type: ignore[no-any-return]

    def get(self, key: tuple[Any, Any]) -> Item | None:
        """The item at ``key``, a fresh copy the caller may keep or change."""
        found = self.stored(key)
        return None if found is None else unpack(found)

    def store(self, key: tuple[Any, Any], item: Item) -> None:
        """Store ``item`` at ``key`` (replacing any item there)."""
        entry = (marshal.dumps(item), item_size(item))
        if self.range_key is None:
            old = self.partitions.get(key[0])
            if old is None:
                self._list(key[0])
            self.partitions[key[0]] = entry
        else:
            partition = self.partitions.get(key[0])
            if partition is None:
                partition = self.partitions[key[0]] = SortedDict()
                self._list(key[0])
            old = partition.get(key[1])
            partition[key[1]] = entry
        if old is None:
            self.item_count += 1
        else:
            self.size_bytes -= old[1]
        self.size_bytes += entry[1]

    def put(self, key: tuple[Any, Any], item: Item) -> Item | None:
        """Store ``item``; returns the item it replaced."""
        old = self.get(key)
        self.store(key, item)
        return old

    def _list(self, hash_part: Any) -> None:
        """Put a new partition in the scan order (it may still be there as a tombstone)."""
        if hash_part in self.tombstones:
            self.tombstones.discard(hash_part)
        else:
            self.order.add(scan_position(hash_part))

    def delete(self, key: tuple[Any, Any]) -> Item | None:
        emptied: list[Any] = []
        found = self.discard(key, emptied)
        if emptied:
            self.forget_partitions(emptied)
        return None if found is None else unpack(found)

    def discard(self, key: tuple[Any, Any], emptied: list[Any]) -> Stored | None:
        """Remove the item at ``key``, returning what was stored.

        A partition left empty is appended to ``emptied``, for ``forget_partitions``.
        """
        if self.range_key is None:
            found = self.partitions.pop(key[0], None)
            if found is None:
                return None
            emptied.append(key[0])
            self.item_count -= 1
            self.size_bytes -= found[1]
            return found  # type: ignore[no-any-return]
        partition = self.partitions.get(key[0])
        found = None if partition is None else partition.pop(key[1], None)
        if found is None:
            return None
        if not partition:
            del self.partitions[key[0]]
            emptied.append(key[0])
        self.item_count -= 1
        self.size_bytes -= found[1]
        return found

    def forget_partitions(self, emptied: list[Any]) -> None:
        """Mark emptied partitions as tombstones (a scan compacts the order when it reads)."""
        tombstones = self.tombstones
        tombstones.update(emptied)
        if not self.partitions:
            self.order = SortedList()
            tombstones.clear()

    def _compact(self) -> None:
        """Drop tombstones from the scan order once they make up most of it."""
        tombstones = self.tombstones
        if len(tombstones) * 4 > len(self.order) * 3 + 256:
            self.order = SortedList(p for p in self.order if p[1] not in tombstones)
            tombstones.clear()

    def sort_range(self, hash_value: AttributeValue) -> SortedDict | None:
        """The stored items of one partition, by sort key (a table with a sort key)."""
        return self.partitions.get((next(iter(hash_value)), sort_key(hash_value)))

    def scan(
        self, after: tuple[Any, Any] | None = None, segment: tuple[int, int] | None = None
    ) -> Iterator[tuple[tuple[Any, Any], Item]]:
        """Items in scan order (fresh copies), after the key ``after``; see ``scan_stored``."""
        for key, found in self.scan_stored(after, segment):
            yield key, unpack(found)

    def scan_stored(
        self, after: tuple[Any, Any] | None = None, segment: tuple[int, int] | None = None
    ) -> Iterator[tuple[tuple[Any, Any], Stored]]:
        """Stored items in scan order, starting after the key ``after`` (ExclusiveStartKey).

        ``segment`` (number, total) keeps one part of a parallel scan: the partitions
        whose hash falls in that share of the hash range, as DynamoDB divides a table.
        """
        self._compact()
        low: Any = None
        high: Any = None
        if segment is not None:
            number, total = segment
            low = (number * POSITIONS // total,)
            if number + 1 < total:
                high = ((number + 1) * POSITIONS // total,)
        if after is not None:
            start = scan_position(after[0])
            low = start if low is None or start > low else low
        if low is None and high is None:
            positions: Any = iter(self.order)
        else:
            positions = self.order.irange(minimum=low, maximum=high, inclusive=(True, False))
        hash_only = self.range_key is None
        partitions = self.partitions
        for position in positions:
            hash_part = position[1]
            partition = partitions.get(hash_part)
            if partition is None:
                continue  # a tombstone
            if hash_only:
                if after is None or hash_part != after[0]:
                    yield (hash_part, 0), partition
                continue
            if after is not None and hash_part == after[0]:
                ranges = (
                    partition.irange(minimum=after[1], inclusive=(False, True))
                    if after[1] is not None
                    else ()
                )
            else:
                ranges = partition.keys()
            for range_part in ranges:
                yield (hash_part, range_part), partition[range_part]


#: A stored item: the marshalled attribute values and the item's size in bytes.
Stored = tuple[bytes, int]
#: Scan positions are the first 64 bits of a hash of the partition key.
POSITIONS = 2**64


def unpack(found: Stored) -> Item:
    return marshal.loads(found[0])  # type: ignore[no-any-return]


def scan_position(hash_part: tuple[str, Any]) -> tuple[int, tuple[str, Any]]:
    kind, value = hash_part
    raw = value if isinstance(value, bytes) else str(value).encode()
    digest = hashlib.md5(kind.encode() + b":" + raw, usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big"), hash_part
