"""One secondary index kept in step with its table: sparse, projected, ordered, paged and sized.

A pure engine: ``table_indexes.TableIndexes`` drives a table's indexes around every write;
the clock, the statuses' timing and the request shapes stay with the backend and the API.

Behaviour and where AWS states it (Developer Guide, "Global secondary indexes" GSI.html and
"Local secondary indexes" LSI.html):

* Sparse: an item is in an index only if it has every index key attribute, of the declared
  type. Writes with a bad index key are refused before they apply (``TableIndexes.check_write``);
  a backfill skips such items and counts them as violations (GSI.OnlineOps.ViolationDetection).
* Projection: every entry holds the table's key and the index's key; KEYS_ONLY stops there,
  INCLUDE adds the NonKeyAttributes, ALL is the whole item.
* Order: entries of one index partition are ordered by the index sort key. Index keys need
  not be unique; AWS returns items sharing a sort key value "not in any particular order", so
  ties are ordered by the table's primary key, which keeps every item and is deterministic.
* Paging: a LastEvaluatedKey of an index holds the index keys and the table keys, and an
  ExclusiveStartKey must hold exactly those.
* Size: IndexSizeBytes counts each entry plus 100 bytes of overhead per index item
  ("Storage considerations").
* Consistency: GSIs are updated asynchronously. With a ``lag`` (virtual seconds) a GSI queues
  each change and ``settle(now)`` applies those at least ``lag`` old; LSIs are always in step.

Entries share value objects with the table's items, which the write path replaces and never
mutates; readers copy what they return, as the API does with every item.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, TypeAlias

from sortedcontainers import SortedDict, SortedList

from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.attributes import AttributeValue, Item, item_size, sort_key
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.index_specs import IndexSpec, IndexStatus, key_violation
from emulator.services.dynamodb.keycondition import KeyQuery
from emulator.services.dynamodb.models import scan_position

#: Bytes of overhead per index item in IndexSizeBytes (GSI.html / LSI.html, storage).
INDEX_ITEM_OVERHEAD = 100
INVALID_START_KEY = "The provided starting key is invalid"
OUTSIDE_QUERY = "The provided starting key is outside query boundaries based on provided conditions"
#: Lets a clock advanced by exactly the lag see a change despite float rounding.
_EPSILON = 1e-9


def no_such_index(name: str) -> ValidationException:
    """Query or Scan naming an index the table lacks (dynalite, from the live service)."""
    return ValidationException(f"The table does not have the specified index: {name}")


class _Top:
    """Sorts after everything: the upper bound of all entries sharing one index sort key."""

    __slots__ = ()

    def __lt__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return other is not self

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return 0


_TOP = _Top()
#: where an entry sits: (index partition, position within it)
Where: TypeAlias = tuple[Any, Any]


def _part(value: AttributeValue) -> tuple[str, Any]:
    """A key value as models.Table keys partitions: (type, order value)."""
    return next(iter(value)), sort_key(value)


class SecondaryIndex:
    """One index's entries: partition -> SortedDict ordered by (index sort key, table key).

    Args:
        spec: the index definition.
        table_hash / table_range: the table's key attribute names (range None if none).
        table_types: the table's key attribute types, for ExclusiveStartKey checks.
        status: IndexStatus; a GSI added by UpdateTable starts CREATING.
        lag: virtual seconds before a GSI sees a write (0 = at once); LSIs take none.
    """

    __slots__ = (
        "_bytes",
        "_hash",
        "_hash_type",
        "_lag",
        "_names",
        "_queue",
        "_range",
        "_range_type",
        "_start_names",
        "_table_hash",
        "_table_range",
        "item_count",
        "order",
        "partitions",
        "spec",
        "status",
        "table_types",
        "violations",
    )

    def __init__(
        self,
        spec: IndexSpec,
        *,
        table_hash: str,
        table_range: str | None,
        table_types: Mapping[str, str],
        status: IndexStatus = "ACTIVE",
        lag: float = 0.0,
    ) -> None:
        self.spec = spec
        self.status: IndexStatus = status
        self.table_types = dict(table_types)
        self._hash, self._hash_type = spec.hash_key, spec.hash_type
        self._range, self._range_type = spec.range_key, spec.range_type
        self._table_hash, self._table_range = table_hash, table_range
        table_keys = [table_hash] if table_range is None else [table_hash, table_range]
        #: entry attributes (None = the whole item) and the attributes of a LastEvaluatedKey
        self._names: tuple[str, ...] | None = (
            None
            if spec.projection == "ALL"
            else tuple(dict.fromkeys([*table_keys, *spec.keys, *spec.non_key]))
        )
        self._start_names = tuple(dict.fromkeys([*spec.keys, *table_keys]))
        self.partitions: dict[Any, SortedDict] = {}
        #: partitions in scan order, by a hash of the key as models.Table does
        self.order = SortedList()
        self.item_count = 0
        self.violations = 0
        #: the entries' bytes, None once a write changed them: summed again only when asked,
        #: as AWS itself refreshes IndexSizeBytes about every six hours, not on each write
        self._bytes: int | None = 0
        self._lag = 0.0
        self._queue: deque[tuple[float, Item | None, Item | None]] | None = None
        self.lag = lag

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def entry_bytes(self) -> int:
        """The entries' bytes (item sizes of what the index holds)."""
        if self._bytes is None:
            self._bytes = sum(
                item_size(entry)
                for partition in self.partitions.values()
                for entry in partition.values()
            )
        return self._bytes

    @property
    def size_bytes(self) -> int:
        """IndexSizeBytes: the entries plus AWS's 100 bytes per index item."""
        return self.entry_bytes + INDEX_ITEM_OVERHEAD * self.item_count

    @property
    def lag(self) -> float:
        return self._lag

    @lag.setter
    def lag(self, lag: float) -> None:
        if lag < 0:
            raise ValueError("lag must be 0 or more seconds")
        if lag and not self.spec.is_global:
            raise ValueError("local secondary indexes are updated with the table, without lag")
        if not lag:
            self.flush()
            self._queue = None
        elif self._queue is None:
            self._queue = deque()
        self._lag = float(lag)

    @property
    def pending(self) -> int:
        """Changes queued and not yet visible in the index."""
        return len(self._queue) if self._queue else 0

    # -- writes ---------------------------------------------------------------------------------
    def apply(self, old: Item | None, new: Item | None, when: float = 0.0) -> None:
        """Follow one table write (``old`` -> ``new``) made at virtual time ``when``."""
        if self._queue is None:
            self._apply(old, new)
        else:
            self._queue.append((when, old, new))

    def settle(self, now: float) -> int:
        """Apply the queued changes at least ``lag`` seconds old; returns how many."""
        queue = self._queue
        if not queue:
            return 0
        count = 0
        horizon = now - self._lag + _EPSILON
        while queue and queue[0][0] <= horizon:
            _, old, new = queue.popleft()
            self._apply(old, new)
            count += 1
        return count

    def flush(self) -> None:
        """Apply every queued change now (the index is caught up)."""
        queue = self._queue
        while queue:
            _, old, new = queue.popleft()
            self._apply(old, new)

    def build(self, items: Iterable[Item]) -> int:
        """Backfill from the table's items; returns the items skipped as key violations."""
        skipped = 0
        for item in items:
            where = self._locate(item)
            if where is None:
                skipped += self.violation(item) is not None
            elif self.violation(item) is not None:
                skipped += 1
            else:
                self._put(where, item if self._names is None else self._project(item))
        self.violations += skipped
        return skipped

    def activate(self) -> None:
        """The backfill is over (CREATING -> ACTIVE), or an update is (UPDATING -> ACTIVE)."""
        self.status = "ACTIVE"

    def _apply(self, old: Item | None, new: Item | None) -> None:
        old_at = None if old is None else self._locate(old)
        new_at = None if new is None else self._locate(new)
        if old_at is not None and old_at != new_at:
            self._remove(old_at)
        if new_at is not None and new is not None:
            self._put(new_at, new if self._names is None else self._project(new))

    def _locate(self, item: Item) -> Where | None:
        """Where ``item``'s entry goes, or None if the item is not in the index (sparse)."""
        value = item.get(self._hash)
        if value is None:
            return None
        inner = value.get(self._hash_type)
        if inner is None:
            return None
        partition = (self._hash_type, Decimal(inner) if self._hash_type == "N" else inner)
        if self._range is None:
            first: Any = 0
        else:
            value = item.get(self._range)
            if value is None:
                return None
            inner = value.get(self._range_type or "")
            if inner is None:
                return None
            first = Decimal(inner) if self._range_type == "N" else inner
        table_hash = item[self._table_hash]
        kind = next(iter(table_hash))
        inner = table_hash[kind]
        table_range = 0 if self._table_range is None else sort_key(item[self._table_range])
        return partition, (first, (kind, Decimal(inner) if kind == "N" else inner), table_range)

    def _project(self, item: Item) -> Item:
        return {name: item[name] for name in self._names or () if name in item}

    def entry(self, item: Item | None) -> Item | None:
        """The entry ``item`` has in this index, or None (no item, or sparse)."""
        if item is None or self._locate(item) is None:
            return None
        return item if self._names is None else self._project(item)

    def _put(self, where: Where, entry: Item) -> None:
        hash_part, position = where
        partition = self.partitions.get(hash_part)
        if partition is None:
            partition = self.partitions[hash_part] = SortedDict()
            self.order.add(scan_position(hash_part))
        count = len(partition)
        partition[position] = entry
        self.item_count += len(partition) - count
        self._bytes = None

    def _remove(self, where: Where) -> None:
        hash_part, position = where
        partition = self.partitions.get(hash_part)
        entry = None if partition is None else partition.pop(position, None)
        if partition is None or entry is None:
            return
        if not partition:
            del self.partitions[hash_part]
            self.order.remove(scan_position(hash_part))
        self.item_count -= 1
        self._bytes = None

    def violation(self, item: Item) -> ValidationException | None:
        """AWS's error for an index key of ``item`` that cannot be indexed, or None.

        Table key attributes are the backend's to check and are skipped here.
        """
        for name, declared, limit in (
            (self._hash, self._hash_type, "PartitionKeySize"),
            (self._range, self._range_type, "SortKeySize"),
        ):
            if name is None or declared is None or name in (self._table_hash, self._table_range):
                continue
            value = item.get(name)
            if value is not None:
                error = key_violation(self.name, name, declared, value, limit)
                if error is not None:
                    return error
        return None

    # -- reads ----------------------------------------------------------------------------------
    def check_readable(self) -> None:
        """Refuse reads of a GSI still backfilling, or going away, in AWS's words."""
        if self.status == "CREATING":
            raise ValidationException(
                f"Cannot read from backfilling global secondary index: {self.name}"
            )
        if self.status == "DELETING":
            raise no_such_index(self.name)

    def start_position(self, start_key: Any) -> Where:
        """Check an ExclusiveStartKey (index keys + table keys, nothing else) and place it."""
        key = av.validate_item(start_key)
        if len(key) != len(self._start_names) or any(n not in key for n in self._start_names):
            raise ValidationException(INVALID_START_KEY)
        types = {**self.table_types, **self.spec.types}
        for name in self._start_names:
            if next(iter(key[name])) != types.get(name, next(iter(key[name]))):
                raise ValidationException(INVALID_START_KEY)
        where = self._locate(key)
        if where is None:
            raise ValidationException(INVALID_START_KEY)
        return where

    def last_key(self, entry: Item) -> Item:
        """The LastEvaluatedKey for a page ending at ``entry``: index keys, then table keys."""
        return {name: av.copy_value(entry[name]) for name in self._start_names}

    def query(
        self, condition: KeyQuery, *, forward: bool = True, start_key: Any = None
    ) -> Iterator[tuple[Any, Item]]:
        """(position, entry) pairs matching ``condition``, in index order or reversed.

        ``condition`` comes from ``keycondition.parse`` against this index's key schema;
        the sort condition is applied here, so the caller's pager must not apply the
        table's. ``start_key`` is checked now, before any entry is read.
        """
        after = None if start_key is None else self.start_position(start_key)
        hash_part = _part(condition.partition)
        if after is not None and after[0] != hash_part:
            raise ValidationException(OUTSIDE_QUERY)
        partition = self.partitions.get(hash_part)
        if partition is None:
            return iter(())
        return self._walk(partition, condition, forward, None if after is None else after[1])

    def _walk(
        self, partition: SortedDict, condition: KeyQuery, forward: bool, after: Any
    ) -> Iterator[tuple[Any, Item]]:
        low, high = condition.bounds()
        lowest = None if low is None else (low,)
        highest = None if high is None else (high, _TOP)
        if forward:
            inclusive = after is None or (lowest is not None and after < lowest)
            if not inclusive:
                lowest = after
            keys = partition.irange(lowest, highest, (inclusive, True))
        else:
            inclusive = after is None or (highest is not None and after > highest)
            if not inclusive:
                highest = after
            keys = partition.irange(lowest, highest, (True, inclusive), reverse=True)
        sort, range_key = condition.sort, self._range
        for key in keys:
            entry = partition[key]
            if (
                sort is not None
                and range_key is not None
                and not condition.matches_sort(entry[range_key])
            ):
                continue
            yield key, entry

    def scan(self, start_key: Any = None) -> Iterator[tuple[Any, Item]]:
        """Every (position, entry) in scan order: partitions by hash, then index order."""
        after = None if start_key is None else self.start_position(start_key)
        return self._scan(after)

    def _scan(self, after: Where | None) -> Iterator[tuple[Any, Item]]:
        if after is None:
            positions: Iterable[Any] = iter(self.order)
        else:
            positions = self.order.irange(minimum=scan_position(after[0]))
        for position in positions:
            hash_part = position[1]
            partition = self.partitions.get(hash_part)
            if partition is None:
                continue
            if after is not None and hash_part == after[0]:
                keys: Iterable[Any] = partition.irange(minimum=after[1], inclusive=(False, True))
            else:
                keys = partition.keys()
            for key in keys:
                yield (hash_part, key), partition[key]
