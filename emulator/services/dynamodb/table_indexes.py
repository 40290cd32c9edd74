"""A table's secondary indexes together: the checks before a write, the update after it, GSI changes.

The write path, for a table that has indexes (``if indexes:``; a table without any skips all
of this):

1. ``check_write(new)``: index key values (type, empty, size) and, with LSIs, the 400 KB that
   covers an item plus its LSI entries.
2. ``check_collection(old, new)``: with LSIs, an item collection may not pass 10 GB. A write
   that grows a full collection is refused; one that shrinks it always passes
   (LSI.ItemCollections: "Read and write operations that shrink the size of the item
   collection are still allowed").
3. the table write, then ``apply(old, new, when)``.

Both checks raise before anything changes, so a refused write leaves table and indexes alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from emulator import limits
from emulator.errors import ServiceError
from emulator.services.dynamodb.attributes import AttributeValue, Item, item_size, sort_key
from emulator.services.dynamodb.changes import Change
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.index_requests import IndexUpdates, parse_index_updates
from emulator.services.dynamodb.index_specs import (
    DEFAULT_MAX_GLOBAL_INDEXES,
    IndexSpec,
    IndexStatus,
    describe_index,
    key_violation,
)
from emulator.services.dynamodb.indexes import SecondaryIndex

if TYPE_CHECKING:
    from emulator.services.dynamodb.models import Table

#: An LSI table's item collection limit: "There is a 10 GB size limit per partition key value"
#: (botocore CreateTable ``LocalSecondaryIndexes``; aws-facts, secondary indexes row).
COLLECTION_LIMIT = 10 * 1024**3
#: ItemCollectionSizeLimitExceededException's message (Developer Guide, "Error handling").
COLLECTION_SIZE_EXCEEDED = "Collection size exceeded."


class ItemCollectionSizeLimitExceededException(ServiceError):
    """An LSI table's item collection would pass its size limit."""

    code = "ItemCollectionSizeLimitExceededException"
    status = 400
    sender_fault = True


def _size(item: Item | None) -> int:
    return 0 if item is None else item_size(item)


def _part(value: AttributeValue) -> tuple[str, Any]:
    return next(iter(value)), sort_key(value)


class TableIndexes:
    """The LSIs and GSIs of one table, in definition order.

    Args:
        specs: the indexes the table is created with (all ACTIVE).
        table_hash / table_range / table_types: the table's key (see ``for_table``).
        lag: virtual seconds before a GSI sees a write (0 = at once).
        collection_limit: bytes an LSI table's item collection may hold.
    """

    __slots__ = (
        "_all",
        "_checks",
        "_collections",
        "_globals",
        "_last",
        "_locals",
        "_shares",
        "collection_limit",
        "indexes",
        "lag",
        "table_hash",
        "table_range",
        "table_types",
    )

    def __init__(
        self,
        specs: Iterable[IndexSpec] = (),
        *,
        table_hash: str,
        table_range: str | None,
        table_types: Mapping[str, str],
        lag: float = 0.0,
        collection_limit: int = COLLECTION_LIMIT,
    ) -> None:
        self.table_hash, self.table_range = table_hash, table_range
        self.table_types = dict(table_types)
        self.lag = lag
        self.collection_limit = collection_limit
        self.indexes: dict[str, SecondaryIndex] = {}
        for spec in specs:
            self.indexes[spec.name] = self._new(spec, "ACTIVE")
        has_local = any(not index.spec.is_global for index in self.indexes.values())
        #: LSI tables only: bytes per item collection (partition key, in models.Table's form)
        self._collections: dict[Any, int] | None = {} if has_local else None
        #: LSI tables only: each stored item's share of its collection (the item plus its LSI
        #: entries), by identity, so a write measures the new item once and the old not again
        self._shares: dict[int, tuple[Item, int]] = {}
        self._last: tuple[Item | None, int] = (None, 0)
        self._refresh()

    @classmethod
    def for_table(
        cls, table: Table, specs: Iterable[IndexSpec] = (), **options: Any
    ) -> TableIndexes:
        return cls(
            specs,
            table_hash=table.hash_key,
            table_range=table.range_key,
            table_types=table.attribute_types,
            **options,
        )

    def _new(self, spec: IndexSpec, status: IndexStatus) -> SecondaryIndex:
        return SecondaryIndex(
            spec,
            table_hash=self.table_hash,
            table_range=self.table_range,
            table_types=self.table_types,
            status=status,
            lag=self.lag if spec.is_global else 0.0,
        )

    def _refresh(self) -> None:
        indexes = tuple(self.indexes.values())
        self._all = indexes
        self._globals = tuple(i for i in indexes if i.spec.is_global)
        self._locals = tuple(i for i in indexes if not i.spec.is_global)
        # one check per index key attribute that is not a table key (the backend checks those)
        checks: dict[str, tuple[str, str, str]] = {}
        for index in indexes:
            spec = index.spec
            for name, declared, limit in (
                (spec.hash_key, spec.hash_type, "PartitionKeySize"),
                (spec.range_key, spec.range_type, "SortKeySize"),
            ):
                if name is None or declared is None or name in (self.table_hash, self.table_range):
                    continue
                # an attribute keying two indexes is held to the tighter (sort key) limit
                if name not in checks or limit == "SortKeySize":
                    checks[name] = (declared, limit, spec.name)
        self._checks = tuple((name, *check) for name, check in checks.items())

    def __len__(self) -> int:
        return len(self._all)

    def __iter__(self) -> Iterator[SecondaryIndex]:
        return iter(self._all)

    def get(self, name: str) -> SecondaryIndex | None:
        return self.indexes.get(name)

    @property
    def specs(self) -> list[IndexSpec]:
        return [index.spec for index in self._all]

    @property
    def global_indexes(self) -> tuple[SecondaryIndex, ...]:
        return self._globals

    @property
    def local_indexes(self) -> tuple[SecondaryIndex, ...]:
        return self._locals

    # -- the write path ---------------------------------------------------------------------------
    def check_write(self, new: Item) -> None:
        """Refuse an item an index cannot hold, with AWS's ValidationException."""
        for name, declared, limit, index in self._checks:
            value = new.get(name)
            if value is not None:
                error = key_violation(index, name, declared, value, limit)
                if error is not None:
                    raise error
        if self._locals and self._share(new) > limits.value("dynamodb", "ItemSize"):
            # ServiceQuotas: the 400 KB covers "the size of an item's data in the table" and
            # "the size of corresponding entries ... in all of the local secondary indexes".
            # UNVERIFIED: the message is the one AWS gives for an item alone.
            raise ValidationException("Item size has exceeded the maximum allowed size")

    def check_collection(self, old: Item | None, new: Item | None) -> None:
        """Refuse a write that would grow an item collection past the limit (LSI tables)."""
        if self._collections is None or new is None:
            return
        grow = self._share(new) - self._share(old)
        if grow > 0:
            current = self._collections.get(_part(new[self.table_hash]), 0)
            if current + grow > self.collection_limit:
                raise ItemCollectionSizeLimitExceededException(COLLECTION_SIZE_EXCEEDED)

    def apply(self, old: Item | None, new: Item | None, when: float = 0.0) -> None:
        """Follow one applied write (``old`` -> ``new``) made at virtual time ``when``."""
        for index in self._all:
            index.apply(old, new, when)
        if self._collections is not None:
            self._track(old, new)

    def apply_change(self, change: Change) -> None:
        """``apply`` for a change-feed subscriber (filter on ``change.table`` first)."""
        self.apply(change.old, change.new, change.when)

    def settle(self, now: float) -> None:
        """Let every GSI catch up with the writes at least ``lag`` old; call before reading."""
        for index in self._globals:
            index.settle(now)

    def build(self, items: Iterable[Item]) -> int:
        """Fill every index from the table's items (state loaded from a snapshot).

        Returns the items skipped as index key violations.
        """
        items = list(items)
        skipped = sum(index.build(items) for index in self._all)
        for item in items:
            self._track(None, item)
        return skipped

    # -- item collections (LSI tables) ------------------------------------------------------------
    def collection_size(self, hash_value: AttributeValue) -> int:
        """Bytes of one item collection: its table items plus their LSI entries."""
        return 0 if self._collections is None else self._collections.get(_part(hash_value), 0)

    def _share(self, item: Item | None) -> int:
        """Bytes ``item`` adds to its collection: the item plus its LSI entries."""
        if item is None:
            return 0
        last, size = self._last
        if item is last:
            return size
        known = self._shares.get(id(item))
        if known is not None and known[0] is item:
            return known[1]
        size = item_size(item) + sum(_size(index.entry(item)) for index in self._locals)
        self._last = (item, size)
        return size

    def _track(self, old: Item | None, new: Item | None) -> None:
        collections = self._collections
        item = new if new is not None else old
        if collections is None or item is None:
            return
        grow = self._share(new) - self._share(old)
        if old is not None:
            self._shares.pop(id(old), None)
        if new is not None:
            self._shares[id(new)] = (new, self._share(new))
        self._last = (None, 0)
        hash_part = _part(item[self.table_hash])
        left = collections.get(hash_part, 0) + grow
        if left:
            collections[hash_part] = left
        else:
            collections.pop(hash_part, None)

    # -- GSI changes (UpdateTable) ----------------------------------------------------------------
    def plan(
        self,
        updates: Any,
        *,
        definitions: Mapping[str, str] | None,
        billing_mode: str,
        max_global: int = DEFAULT_MAX_GLOBAL_INDEXES,
    ) -> IndexUpdates:
        """Check ``GlobalSecondaryIndexUpdates`` against this table; changes nothing."""
        known = dict(self.table_types)
        for spec in self.specs:
            known.update(spec.types)
        return parse_index_updates(
            updates,
            existing=self.specs,
            busy=any(index.status in ("CREATING", "DELETING") for index in self._globals),
            definitions=definitions,
            known_types=known,
            billing_mode=billing_mode,
            max_global=max_global,
        )

    def add_global(
        self, spec: IndexSpec, items: Iterable[Item], *, status: IndexStatus = "CREATING"
    ) -> SecondaryIndex:
        """Add a GSI and backfill it from ``items``; the backend makes it ACTIVE in time."""
        if not spec.is_global:
            raise ValueError("local secondary indexes are created with the table")
        index = self._new(spec, status)
        index.build(items)
        self.indexes[spec.name] = index
        self._refresh()
        return index

    def remove_global(self, name: str) -> SecondaryIndex:
        """Drop a GSI (after its DELETING time); its queued changes go with it."""
        index = self.indexes[name]
        if not index.spec.is_global:
            raise ValueError("local secondary indexes live as long as the table")
        del self.indexes[name]
        self._refresh()
        return index

    def set_throughput(self, name: str, read: int, write: int) -> None:
        index = self.indexes[name]
        index.spec = index.spec.with_throughput(read, write)

    def set_lag(self, lag: float) -> None:
        """Change the GSIs' propagation lag; 0 applies everything queued at once."""
        self.lag = lag
        for index in self._globals:
            index.lag = lag

    # -- DescribeTable and saved state --------------------------------------------------------------
    def describe(self, table_arn: str) -> dict[str, list[dict[str, Any]]]:
        """DescribeTable's ``LocalSecondaryIndexes`` / ``GlobalSecondaryIndexes`` members."""
        description: dict[str, list[dict[str, Any]]] = {}
        for member, group in (
            ("LocalSecondaryIndexes", self._locals),
            ("GlobalSecondaryIndexes", self._globals),
        ):
            if group:
                description[member] = [
                    describe_index(
                        index.spec,
                        table_arn=table_arn,
                        status=index.status,
                        item_count=index.item_count,
                        size_bytes=index.size_bytes,
                    )
                    for index in group
                ]
        return description

    def snapshot(self) -> dict[str, Any]:
        """Definitions, statuses and lag; the entries are rebuilt from the table on load."""
        return {
            "lag": self.lag,
            "indexes": [
                {"spec": index.spec.to_json(), "status": index.status} for index in self._all
            ],
        }

    @classmethod
    def load(cls, state: Mapping[str, Any], table: Table, **options: Any) -> TableIndexes:
        """Indexes from ``snapshot()`` data, filled from ``table``'s items (fully settled)."""
        indexes = cls.for_table(
            table,
            [IndexSpec.from_json(entry["spec"]) for entry in state.get("indexes", [])],
            lag=state.get("lag", 0.0),
            **options,
        )
        for entry in state.get("indexes", []):
            indexes.indexes[entry["spec"]["name"]].status = entry["status"]
        indexes.build(item for _, item in table.scan())
        return indexes
