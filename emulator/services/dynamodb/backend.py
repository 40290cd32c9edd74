"""DynamoDB behaviour: tables and items in one region."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from emulator import limits
from emulator.services.base import Backend
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb import exports, imports, recovery, replication, streams, ttl
from emulator.services.dynamodb.attributes import Item
from emulator.services.dynamodb.changes import Change, Feed
from emulator.services.dynamodb.errors import (
    ResourceInUseException,
    ResourceNotFoundException,
    TransactionConflictException,
    ValidationException,
    invalid,
)
from emulator.services.dynamodb.index_specs import IndexSpec
from emulator.services.dynamodb.keycondition import KeyQuery
from emulator.services.dynamodb.models import Table, unpack
from emulator.services.dynamodb.table_indexes import TableIndexes
from emulator.services.dynamodb.throughput import TableCapacity

#: ``write()`` was not told the item it replaces, so it reads it.
UNREAD: Any = object()
_TABLE_NAME = re.compile(r"^[a-zA-Z0-9_.-]+$")


@dataclass(frozen=True)
class Page:
    """One page of a Query or Scan."""

    items: list[Item]
    scanned: int
    last_key: Item | None
    #: Bytes of every item read (before any filter): what the page costs.
    read_bytes: int = 0


class DynamoDBBackend(Backend):
    service = "dynamodb"

    def __init__(self, cloud: Any, region: str) -> None:
        super().__init__(cloud, region)
        self.tables: dict[str, Table] = {}
        #: Every applied write, for streams, indexes, point-in-time recovery and TTL.
        self.changes = Feed()
        #: TransactWriteItems client tokens: token -> (virtual time, request fingerprint).
        self.transaction_tokens: dict[str, tuple[float, str]] = {}
        #: Items a transaction is committing right now: (table name, key position).
        self.in_flight: set[tuple[str, Any]] = set()

    # -- tables -------------------------------------------------------------------------
    def create_table(
        self,
        name: str,
        key_schema: list[tuple[str, str]],
        attribute_types: dict[str, str],
        billing_mode: str,
        read_capacity: int,
        write_capacity: int,
        indexes: Sequence[IndexSpec] = (),
    ) -> Table:
        check_table_name(name)
        if name in self.tables:
            raise ResourceInUseException(f"Table already exists: {name}")
        quota = self.cloud.quota("dynamodb", "TablesPerRegion")
        if len(self.tables) >= quota:
            raise ValidationException(
                f"The table limit of {quota} tables in this Region has been reached"
            )
        hash_key = next(n for n, kind in key_schema if kind == "HASH")
        range_key = next((n for n, kind in key_schema if kind == "RANGE"), None)
        table = Table(
            name=name,
            hash_key=hash_key,
            range_key=range_key,
            attribute_types=attribute_types,
            billing_mode=billing_mode,
            read_capacity=read_capacity,
            write_capacity=write_capacity,
            created=self.cloud.clock.now(),
            table_id=str(uuid.UUID(int=self.cloud.next_id())),
        )
        if indexes:
            table.indexes = TableIndexes.for_table(table, indexes, lag=self.gsi_lag())
        self._throughput(table)
        self.tables[name] = table
        return table

    def gsi_lag(self) -> float:
        """Virtual seconds before a write reaches the global secondary indexes."""
        return float(self.cloud.quota("dynamodb", "GsiPropagationSeconds"))

    def _throughput(self, table: Table) -> None:
        table.capacity = TableCapacity(
            table.name,
            clock=self.cloud.clock,
            billing_mode="PAY_PER_REQUEST"
            if table.billing_mode == "PAY_PER_REQUEST"
            else "PROVISIONED",
            read=table.read_capacity,
            write=table.write_capacity,
            arn=self.arn(f"table/{table.name}"),
        )
        for index in table.indexes.global_indexes if table.indexes else ():
            spec = index.spec
            table.capacity.add_global_index(
                spec.name, read=spec.read_capacity, write=spec.write_capacity
            )

    def table(self, name: str) -> Table:
        table = self.tables.get(name)
        if table is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Table: {name} not found"
            )
        return table

    def delete_table(self, name: str) -> Table:
        table = self.table(name)
        imports.table_deleting(self, table)
        recovery.table_deleted(self, table)
        ttl.table_deleted(self, table)
        del self.tables[name]
        streams.table_deleted(self, name)
        replication.table_deleted(self, table)
        return table

    # -- items --------------------------------------------------------------------------
    def write(self, table: Table, item: Item, old: Any = UNREAD) -> Item | None:
        """Store a validated item, telling the change feed; returns the item it replaced.

        A caller that has just read the item it replaces passes it as ``old``, sparing a
        second read. The table keeps its own copy: ``item`` stays the caller's.
        """
        key = table.key_of(item)
        if old is UNREAD:
            old = table.get(key)
        table.store(key, item)
        if table.indexes:
            table.indexes.apply(old, item, self.cloud.clock.now())
        if self.changes.subscribers:
            self._publish(table, key_only(table, item), old, item, None)
        return old

    def remove(self, table: Table, key: Item, principal: str | None = None) -> Item | None:
        """Delete the item with a checked ``key``, telling the change feed; returns it.

        ``principal`` names the service deleting it (TTL), None for a request.
        """
        old = table.delete(table.key_of(key))
        if old is not None and table.indexes:
            table.indexes.apply(old, None, self.cloud.clock.now())
        if old is not None and self.changes.subscribers:
            self._publish(table, key_only(table, old), old, None, principal)
        return old

    def remove_many(
        self,
        table: Table,
        entries: Sequence[tuple[Any, Item]],
        principal: str | None = None,
        quiet: Any = None,
    ) -> list[Item]:
        """Delete many items (a TTL sweep) at once; returns the keys that were there.

        ``entries`` are (``table.key_of`` position, key attributes) pairs. The change feed
        and the indexes hear about each item, as with ``remove``, except the subscriber
        ``quiet`` (the sweep itself, which knows already).
        """
        emptied: list[Any] = []
        removed: list[Item] = []
        listeners = [s for s in self.changes.subscribers if s != quiet]
        follow = bool(listeners) or bool(table.indexes)
        now = self.cloud.clock.now()
        changes = self.changes
        for position, key in entries:
            found = table.discard(position, emptied)
            if found is None:
                continue
            removed.append(key)
            if follow:
                old = unpack(found)
                if table.indexes:
                    table.indexes.apply(old, None, now)
                if listeners:
                    change = Change(
                        table.name,
                        now,
                        changes.next_sequence(),
                        key_only(table, old),
                        old,
                        None,
                        principal,
                    )
                    for listener in listeners:
                        listener(change)
        if emptied:
            table.forget_partitions(emptied)
        return removed

    def _publish(
        self, table: Table, keys: Item, old: Item | None, new: Item | None, principal: str | None
    ) -> None:
        changes = self.changes
        changes.publish(
            Change(
                table.name,
                self.cloud.clock.now(),
                changes.next_sequence(),
                keys,
                old,
                new,
                principal,
            )
        )

    def query(
        self,
        table: Table,
        condition: KeyQuery,
        *,
        forward: bool,
        limit: int | None,
        start_key: Item | None,
    ) -> Page:
        if table.range_key is None:
            found = table.stored(table.key_of({table.hash_key: condition.partition}))
            pairs = [] if found is None else [(0, found)]
            return self._page(table, pairs, None, limit)
        partition = table.sort_range(condition.partition)
        if partition is None:
            return Page([], 0, None)
        low, high = condition.bounds()
        after = None
        if start_key:
            start = start_position(table, start_key, "The provided starting key is invalid")
            partition_value = condition.partition
            if start[0] != (next(iter(partition_value)), av.sort_key(partition_value)):
                raise ValidationException(
                    "The provided starting key is outside query boundaries based on provided "
                    "condition"
                )
            if not condition.matches_sort(start_key[table.range_key]):  # type: ignore[index]
                raise ValidationException(
                    "The provided starting key does not match the range key predicate"
                )
            after = start[1]
        if forward:
            if after is not None and (low is None or after >= low):
                low, low_inclusive = after, False
            else:
                low_inclusive = True
            keys = partition.irange(low, high, (low_inclusive, True))
        else:
            if after is not None and (high is None or after <= high):
                high, high_inclusive = after, False
            else:
                high_inclusive = True
            keys = partition.irange(low, high, (True, high_inclusive), reverse=True)
        return self._page(table, ((k, partition[k]) for k in keys), condition, limit)

    def scan(
        self,
        table: Table,
        *,
        limit: int | None,
        start_key: Item | None,
        segment: tuple[int, int] | None = None,
    ) -> Page:
        after = None
        if start_key:
            after = start_position(
                table,
                start_key,
                "The provided starting key is invalid: The provided key element does not match "
                "the schema",
            )
        pairs = ((key[1], found) for key, found in table.scan_stored(after, segment))
        return self._page(table, pairs, None, limit)

    def _page(
        self, table: Table, pairs: Any, condition: KeyQuery | None, limit: int | None
    ) -> Page:
        items: list[Item] = []
        budget = limits.value("dynamodb", "PageSize")
        read = 0
        last: Item | None = None
        # The key range read is exact for =, <=, >= and BETWEEN; < and > (whose bounds
        # are read inclusive) and begins_with are checked item by item as well.
        sort_checked = (
            condition is not None
            and table.range_key is not None
            and condition.sort is not None
            and condition.sort.op in ("<", ">", "begins_with")
        )
        for _, found in pairs:
            item = unpack(found)
            if sort_checked and not condition.matches_sort(item[table.range_key]):  # type: ignore[union-attr, index]
                continue
            items.append(item)
            read += found[1]
            if (limit is not None and len(items) >= limit) or read >= budget:
                last = key_only(table, item)
                break
        return Page(items, len(items), last, read)

    # -- state --------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "sequence": self.changes.sequence,
            "streams": streams.snapshot(self),
            "ttl": ttl.snapshot(self),
            "recovery": recovery.snapshot(self),
            "exports": exports.snapshot(self),
            "imports": imports.snapshot(self),
            "replication": replication.snapshot(self),
            "tables": [
                {
                    "name": t.name,
                    "hash_key": t.hash_key,
                    "range_key": t.range_key,
                    "attribute_types": t.attribute_types,
                    "billing_mode": t.billing_mode,
                    "read_capacity": t.read_capacity,
                    "write_capacity": t.write_capacity,
                    "created": t.created,
                    "table_id": t.table_id,
                    "indexes": t.indexes.snapshot() if t.indexes else None,
                    "capacity": t.capacity.state(),
                    "ledgers": {
                        "decreases": t.decrease_ledger.state(),
                        "billing": t.billing_ledger.state(),
                        "increased": t.last_increase,
                    },
                    "items": [
                        {name: av.to_json(value) for name, value in item.items()}
                        for _, item in t.scan()
                    ],
                }
                for t in self.tables.values()
            ],
        }

    def load(self, state: dict[str, Any]) -> None:
        self.changes.resume(state.get("sequence", 0))
        for data in state.get("tables", []):
            table = Table(
                name=data["name"],
                hash_key=data["hash_key"],
                range_key=data["range_key"],
                attribute_types=data["attribute_types"],
                billing_mode=data["billing_mode"],
                read_capacity=data["read_capacity"],
                write_capacity=data["write_capacity"],
                created=data["created"],
                table_id=data["table_id"],
            )
            for raw in data["items"]:
                item = {name: av.from_json(value) for name, value in raw.items()}
                table.store(table.key_of(item), item)
            if data.get("indexes"):
                table.indexes = TableIndexes.load(data["indexes"], table)
            self._throughput(table)
            if data.get("capacity"):
                table.capacity.resume(data["capacity"])
            ledgers = data.get("ledgers") or {}
            table.decrease_ledger.resume(ledgers.get("decreases"))
            table.billing_ledger.resume(ledgers.get("billing"))
            table.last_increase = ledgers.get("increased")
            self.tables[table.name] = table
        streams.load(self, state.get("streams"))
        ttl.load(self, state.get("ttl"))
        recovery.load(self, state.get("recovery"))
        exports.load(self, state.get("exports"))
        imports.load(self, state.get("imports"))
        replication.load(self, state.get("replication"))


def check_table_name(name: Any) -> None:
    if not isinstance(name, str):
        raise ValidationException("TableName must be a string")
    low, high = limits.value("dynamodb", "TableNameMin"), limits.value("dynamodb", "TableNameMax")
    if len(name) < low:
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
            f"constraint: Member must have length greater than or equal to {low}"
        )
    if len(name) > high:
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
            f"constraint: Member must have length less than or equal to {high}"
        )
    if not _TABLE_NAME.match(name):
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        )


def check_key_values(table: Table, item: Item, *, item_mode: bool) -> None:
    """The key attributes are present, of the declared type, non-empty and not too long."""
    for name, limit_name in (
        (table.hash_key, "PartitionKeySize"),
        (table.range_key, "SortKeySize"),
    ):
        if name is None:
            continue
        value = item.get(name)
        if value is None:
            if item_mode:
                raise invalid(f"Missing the key {name} in the item")
            raise ValidationException("The provided key element does not match the schema")
        ((kind, inner),) = value.items()
        wanted = table.attribute_types[name]
        if kind != wanted:
            if item_mode:
                raise invalid(f"Type mismatch for key {name} expected: {wanted} actual: {kind}")
            raise ValidationException("The provided key element does not match the schema")
        if kind in ("S", "B") and len(inner) == 0:
            raise ValidationException(
                "One or more parameter values are not valid. The AttributeValue for a key "
                f"attribute cannot contain an empty {'string' if kind == 'S' else 'binary'} value. Key: {name}"
            )
        size = av.value_size(value)
        limit = limits.value("dynamodb", limit_name)
        if size > limit:
            which = (
                "Hash primary key"
                if name == table.hash_key
                else "Aggregated size of all range keys"
            )
            raise invalid(f"Size of {which} has exceeded the size limit of {limit} bytes")


def checked_key(table: Table, key: Any) -> Item:
    """A Key parameter: exactly the key attributes, of the right types."""
    key = av.validate_item(key)
    wanted = {table.hash_key} | ({table.range_key} if table.range_key else set())
    if set(key) != wanted:
        raise ValidationException("The provided key element does not match the schema")
    check_key_values(table, key, item_mode=False)
    return key


ONGOING = "Transaction is ongoing for the item"


def check_not_in_flight(backend: DynamoDBBackend, table: Table, key: Item) -> None:
    """Refuse a write to an item a transaction is committing, as DynamoDB does."""
    if backend.in_flight and (table.name, table.key_of(key)) in backend.in_flight:
        raise TransactionConflictException(ONGOING)


def start_position(table: Table, start_key: Any, invalid_message: str) -> tuple[Any, Any]:
    """An ExclusiveStartKey's position; exactly the table's key attributes, or AWS's error."""
    try:
        key = checked_key(table, start_key)
    except ValidationException as error:
        if error.message == "The provided key element does not match the schema":
            raise ValidationException(invalid_message) from None
        raise
    return table.key_of(key)


def key_only(table: Table, item: Item) -> Item:
    names = [table.hash_key] + ([table.range_key] if table.range_key else [])
    return {name: av.copy_value(item[name]) for name in names}


def project(item: Item, names: list[str] | None) -> Item:
    if names is None:
        return av.copy_item(item)
    return {name: av.copy_value(item[name]) for name in names if name in item}


BACKEND = DynamoDBBackend
