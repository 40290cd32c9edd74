"""
A pure engine; the backend asks it what a request costs (``throughput.py`` decides
whether the table may serve it). The rules and where AWS states them:

* Units (developer guide, "DynamoDB read and write operations",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html):
  reads round the item size up to a 4 KB multiple; one unit per 4 KB strongly consistent,
  half of that eventually consistent, twice that transactional. Writes round up to 1 KB,
  transactional writes cost twice. PutItem and UpdateItem charge the larger of the item
  before and after; DeleteItem the deleted item; a write whose condition fails still
  consumes, by the larger of the existing and the attempted item. BatchGetItem and
  BatchWriteItem round every item on its own. Query and Scan add up the sizes of every item
  read (Scan: "evaluated", before any filter) and round the sum once. Reading an item that
  does not exist still consumes; a Query or Scan that finds nothing is charged "based on
  read consistency and the number of partitions searched" - the emulator has one partition,
  so the minimum is one unit (half a unit eventually consistent). KB = 1,024 bytes (quotas
  page, "All size measurements in DynamoDB use binary-based units").
* Secondary indexes ("Using Global Secondary Indexes", GSI.html#GSI.ThroughputConsiderations;
  "Local secondary indexes", LSI.html#LSI.ThroughputConsiderations): a write that puts an
  item into an index costs one write of the index entry; changing an indexed key costs two
  (delete the old entry, put the new); an item leaving a sparse index costs one; an item in
  neither the old nor the new index costs nothing; changing only projected attributes costs
  one. Entry size = the table's key attributes, the index's key attributes and the projected
  attributes. GSI queries are eventually consistent and charge the summed entry sizes. An
  LSI query that fetches attributes not projected also pays for every fetched table item,
  each rounded to 4 KB on its own. LSI writes are paid from the table's write capacity;
  GSIs have their own, and "for a table write to succeed, the provisioned throughput
  settings for the table and all of its global secondary indexes must have enough write
  capacity".
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Literal, Protocol

from emulator.services.dynamodb.attributes import Item, item_size

ProjectionType = Literal["ALL", "KEYS_ONLY", "INCLUDE"]

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024

# -- units ------------------------------------------------------------------------------


def read_units(size: int, *, consistent: bool = False, transactional: bool = False) -> float:
    """Read units for ``size`` bytes read at once; at least one 4 KB step is charged."""
    steps = -(-size // READ_UNIT_BYTES) or 1
    if transactional:
        return steps * 2.0
    return float(steps) if consistent else steps * 0.5


def write_units(size: int, *, transactional: bool = False) -> float:
    """Write units for an item of ``size`` bytes; at least one 1 KB step is charged."""
    steps = -(-size // WRITE_UNIT_BYTES) or 1
    return steps * 2.0 if transactional else float(steps)


def _size(item: Item | None) -> int:
    return item_size(item) if item else 0


def get_item_units(
    item: Item | None, *, consistent: bool = False, transactional: bool = False
) -> float:
    """GetItem (or one TransactGetItems / BatchGetItem entry); a missing item costs the minimum."""
    return read_units(_size(item), consistent=consistent, transactional=transactional)


def write_item_units(
    before: Item | None, after: Item | None, *, transactional: bool = False
) -> float:
    """PutItem, UpdateItem or DeleteItem: the larger of the item before and after.

    Also what a write whose condition failed consumes: ``after`` is the item it tried to
    write (None for a delete).
    """
    return write_units(max(_size(before), _size(after)), transactional=transactional)


def query_units(sizes: Collection[int], *, consistent: bool = False) -> float:
    """One Query or Scan page: the sizes of every item read, before filtering, rounded once."""
    return read_units(sum(sizes), consistent=consistent)


def batch_get_units(sizes: Collection[int], *, consistent: bool = False) -> float:
    """BatchGetItem entries of one table, each rounded up on its own; a miss is size 0."""
    return sum(read_units(size, consistent=consistent) for size in sizes)


def batch_write_units(sizes: Collection[int]) -> float:
    """BatchWriteItem entries of one table: each item rounded up on its own."""
    return sum(write_units(size) for size in sizes)


def local_index_query_units(
    entry_sizes: Collection[int], fetched_sizes: Collection[int] = (), *, consistent: bool = False
) -> float:
    """A Query of an LSI: the index entries rounded once, each fetched table item on its own."""
    steps = (-(-sum(entry_sizes) // READ_UNIT_BYTES) or 1) + sum(
        -(-size // READ_UNIT_BYTES) or 1 for size in fetched_sizes
    )
    return float(steps) if consistent else steps * 0.5


def global_index_query_units(entry_sizes: Collection[int]) -> float:
    """A Query or Scan of a GSI: always eventually consistent, charged on the entry sizes."""
    return read_units(sum(entry_sizes))


# -- secondary index entries --------------------------------------------------------------


class IndexSpec(Protocol):
    """What the cost of an index write depends on; the backend's index model fits it."""

    @property
    def keys(self) -> Sequence[str]:
        """The index's key attributes: partition key, then sort key if any."""

    @property
    def projection(self) -> ProjectionType: ...

    @property
    def non_key(self) -> Collection[str]:
        """The attributes an INCLUDE projection adds."""


def index_entry(item: Item | None, table_keys: Sequence[str], spec: IndexSpec) -> Item | None:
    """The entry ``item`` has in the index, or None when an index key is missing (sparse)."""
    if item is None or any(key not in item for key in spec.keys):
        return None
    if spec.projection == "ALL":
        return item
    names = [*table_keys, *spec.keys]
    if spec.projection == "INCLUDE":
        names.extend(spec.non_key)
    return {name: item[name] for name in names if name in item}


def index_write_units(
    before: Item | None,
    after: Item | None,
    table_keys: Sequence[str],
    spec: IndexSpec,
    *,
    transactional: bool = False,
) -> float:
    """What one index pays when a table item changes from ``before`` to ``after``.

    ``transactional`` doubles the index writes as it doubles the table write; AWS does not
    say so for indexes (UNVERIFIED), so the caller decides.
    """
    old = index_entry(before, table_keys, spec)
    new = index_entry(after, table_keys, spec)
    if old is None:
        return 0.0 if new is None else write_units(item_size(new), transactional=transactional)
    if new is None:
        return write_units(item_size(old), transactional=transactional)
    if any(old[key] != new[key] for key in spec.keys):
        return write_units(item_size(old), transactional=transactional) + write_units(
            item_size(new), transactional=transactional
        )
    if old == new:
        return 0.0
    # One write updates the entry in place. AWS gives no size rule for it; like UpdateItem,
    # the larger of the two entries is charged.
    return write_units(max(item_size(old), item_size(new)), transactional=transactional)


# -- ConsumedCapacity -----------------------------------------------------------------------


class Consumption:
    """The units one request consumed on one table, by table and index.

    Args:
        table_name: what the response names the table (its ARN if the request used one).
    """

    __slots__ = ("global_indexes", "local_indexes", "read", "table_name", "write")

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name
        self.read = 0.0
        self.write = 0.0
        self.local_indexes: dict[str, list[float]] = {}
        self.global_indexes: dict[str, list[float]] = {}

    def add(self, read: float = 0.0, write: float = 0.0) -> None:
        self.read += read
        self.write += write

    def add_local(self, index: str, read: float = 0.0, write: float = 0.0) -> None:
        units = self.local_indexes.setdefault(index, [0.0, 0.0])
        units[0] += read
        units[1] += write

    def add_global(self, index: str, read: float = 0.0, write: float = 0.0) -> None:
        units = self.global_indexes.setdefault(index, [0.0, 0.0])
        units[0] += read
        units[1] += write

    @property
    def total(self) -> float:
        indexes = [*self.local_indexes.values(), *self.global_indexes.values()]
        return self.read + self.write + sum(read + write for read, write in indexes)

    def response(self, mode: str | None, *, split: bool = False) -> dict[str, Any] | None:
        """The ``ConsumedCapacity`` member for ReturnConsumedCapacity ``mode``, or None.

        TOTAL gives ``TableName`` and ``CapacityUnits``; INDEXES adds ``Table`` and, for the
        indexes the request touched, ``LocalSecondaryIndexes`` / ``GlobalSecondaryIndexes``
        (botocore's ``ConsumedCapacity`` and ``Capacity`` shapes). AWS answers PutItem,
        GetItem, Query and Scan with ``CapacityUnits`` alone; ``split`` adds the optional
        ``ReadCapacityUnits`` / ``WriteCapacityUnits`` members that are not zero, which is
        how transactions are reported (UNVERIFIED against AWS: taken from moto's tests).
        """
        if mode not in ("TOTAL", "INDEXES"):
            return None
        shape: dict[str, Any] = {"TableName": self.table_name}
        indexes = [*self.local_indexes.values(), *self.global_indexes.values()]
        shape.update(
            _capacity(
                self.read + sum(units[0] for units in indexes),
                self.write + sum(units[1] for units in indexes),
                split,
            )
        )
        if mode == "INDEXES":
            shape["Table"] = _capacity(self.read, self.write, split)
            if self.local_indexes:
                shape["LocalSecondaryIndexes"] = {
                    name: _capacity(read, write, split)
                    for name, (read, write) in self.local_indexes.items()
                }
            if self.global_indexes:
                shape["GlobalSecondaryIndexes"] = {
                    name: _capacity(read, write, split)
                    for name, (read, write) in self.global_indexes.items()
                }
        return shape


def _capacity(read: float, write: float, split: bool) -> dict[str, float]:
    capacity = {"CapacityUnits": read + write}
    if split and read:
        capacity["ReadCapacityUnits"] = read
    if split and write:
        capacity["WriteCapacityUnits"] = write
    return capacity


# -- token buckets ----------------------------------------------------------------------------
