"""A table's definition and its items, kept sorted by key."""

from __future__ import annotations

import hashlib
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
    #: partition sort-key -> {range sort-key -> item}; a hash-only table uses None as range.
    partitions: dict[Any, SortedDict] = field(default_factory=dict)
    #: partitions in scan order: by a hash of the key, as DynamoDB spreads them.
    order: SortedList = field(default_factory=SortedList)
    item_count: int = 0
    size_bytes: int = 0
    #: The table's throughput (a ``throughput.TableCapacity``), made by the backend.
    capacity: Any = None
    #: Provisioned decreases today, and switches to on-demand (quota ledgers).
    decrease_ledger: DecreaseLedger = field(default_factory=DecreaseLedger)
    billing_ledger: BillingModeLedger = field(default_factory=BillingModeLedger)

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash_key, self.range_key) if self.range_key else (self.hash_key,)

    def key_of(self, item: Item) -> tuple[Any, Any]:
        hash_part = sort_key(item[self.hash_key])
        range_part = (
            sort_key(item[self.range_key]) if self.range_key else 0
        )  # one item per partition
        return (next(iter(item[self.hash_key])), hash_part), range_part

    def get(self, key: tuple[Any, Any]) -> Item | None:
        partition = self.partitions.get(key[0])
        return None if partition is None else partition.get(key[1])

    def put(self, key: tuple[Any, Any], item: Item) -> Item | None:
        partition = self.partitions.get(key[0])
        if partition is None:
            partition = self.partitions[key[0]] = SortedDict()
            self.order.add(scan_position(key[0]))
        old = partition.get(key[1])
        partition[key[1]] = item
        if old is None:
            self.item_count += 1
        else:
            self.size_bytes -= item_size(old)
        self.size_bytes += item_size(item)
        return old

    def delete(self, key: tuple[Any, Any]) -> Item | None:
        partition = self.partitions.get(key[0])
        if partition is None or key[1] not in partition:
            return None
        old: Item = partition.pop(key[1])
        if not partition:
            del self.partitions[key[0]]
            self.order.remove(scan_position(key[0]))
        self.item_count -= 1
        self.size_bytes -= item_size(old)
        return old

    def partition(self, hash_value: AttributeValue) -> SortedDict | None:
        return self.partitions.get((next(iter(hash_value)), sort_key(hash_value)))

    def scan(
        self, after: tuple[Any, Any] | None = None, segment: tuple[int, int] | None = None
    ) -> Iterator[tuple[tuple[Any, Any], Item]]:
        """Items in scan order, starting after the key ``after`` (an ExclusiveStartKey).

        ``segment`` (number, total) keeps one part of a parallel scan: the partitions
        whose hash falls in that share of the hash range, as DynamoDB divides a table.
        """
        low: Any = None
        high: Any = None
        if segment is not None:
            number, total = segment
            low = (format(number * 2**32 // total, "08x"),)
            if number + 1 < total:
                high = (format((number + 1) * 2**32 // total, "08x"),)
        if after is not None:
            start = scan_position(after[0])
            low = start if low is None or start > low else low
        if low is None and high is None:
            positions: Any = iter(self.order)
        else:
            positions = self.order.irange(minimum=low, maximum=high, inclusive=(True, False))
        for position in positions:
            hash_part = position[1]
            partition = self.partitions[hash_part]
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


def scan_position(hash_part: tuple[str, Any]) -> tuple[str, tuple[str, Any]]:
    kind, value = hash_part
    raw = value if isinstance(value, bytes) else str(value).encode()
    return hashlib.md5(kind.encode() + b":" + raw, usedforsecurity=False).hexdigest(), hash_part
