"""Secondary indexes (GSI and LSI) against DynamoDB's documented behaviour and error wording."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from emulator.errors import NotSupportedByEmulator, ServiceError
from emulator.services.dynamodb import capacity, keycondition
from emulator.services.dynamodb.attributes import Item, item_size, validate_item
from emulator.services.dynamodb.changes import Change
from emulator.services.dynamodb.errors import ResourceNotFoundException, ValidationException
from emulator.services.dynamodb.index_requests import (
    ONLINE_INDEX_LIMIT,
    parse_create_table,
    parse_index_updates,
)
from emulator.services.dynamodb.index_specs import CONSISTENT_READ_ON_GSI, IndexSpec
from emulator.services.dynamodb.indexes import INDEX_ITEM_OVERHEAD, SecondaryIndex
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.table_indexes import (
    COLLECTION_LIMIT,
    ItemCollectionSizeLimitExceededException,
    TableIndexes,
)
from emulator.services.dynamodb.throughput import LimitExceededException

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
INVALID = "One or more parameter values were invalid: "


def _table(range_key: str | None = "sk") -> Table:
    types = {"pk": "S", **({range_key: "S"} if range_key else {})}
    return Table(
        name="Orders",
        hash_key="pk",
        range_key=range_key,
        attribute_types=types,
        billing_mode="PAY_PER_REQUEST",
        read_capacity=0,
        write_capacity=0,
        created=0.0,
        table_id="id",
    )


def _gsi(
    name: str = "ByStatus",
    hash_key: str = "stage",
    range_key: str | None = "placed",
    projection: str = "ALL",
    non_key: tuple[str, ...] = (),
    range_type: str = "N",
) -> IndexSpec:
    return IndexSpec(
        name=name,
        is_global=True,
        hash_key=hash_key,
        hash_type="S",
        range_key=range_key,
        range_type=range_type if range_key else None,
        projection=projection,  # type: ignore[arg-type]
        non_key=non_key,
    )


def _lsi(
    name: str = "ByTotal", projection: str = "ALL", non_key: tuple[str, ...] = ()
) -> IndexSpec:
    return IndexSpec(
        name=name,
        is_global=False,
        hash_key="pk",
        hash_type="S",
        range_key="total",
        range_type="N",
        projection=projection,  # type: ignore[arg-type]
        non_key=non_key,
    )


class World:
    """A table and its indexes, written the way the backend writes: check, write, apply."""

    def __init__(self, *specs: IndexSpec, range_key: str | None = "sk", **options: Any) -> None:
        self.table = _table(range_key)
        self.indexes = TableIndexes.for_table(self.table, specs, **options)
        self.now = 0.0

    def put(self, **attributes: Any) -> Item | None:
        item = validate_item({k: _value(v) for k, v in attributes.items()})
        key = self.table.key_of(item)
        old = self.table.get(key)
        self.indexes.check_write(item)
        self.indexes.check_collection(old, item)
        self.table.put(key, item)
        self.indexes.apply(old, item, self.now)
        return old

    def delete(self, **key: Any) -> None:
        item = validate_item({k: _value(v) for k, v in key.items()})
        old = self.table.delete(self.table.key_of(item))
        self.indexes.check_collection(old, None)
        self.indexes.apply(old, None, self.now)

    def index(self, name: str) -> SecondaryIndex:
        index = self.indexes.get(name)
        assert index is not None
        return index


def _value(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float):
        return {"N": str(value)}
    if isinstance(value, bytes):
        return {"B": value}
    return {"S": value}


def _query(
    index: SecondaryIndex,
    expression: str,
    values: dict[str, Any],
    *,
    forward: bool = True,
    start_key: Item | None = None,
) -> list[Item]:
    spec = index.spec
    schema = {"HASH": spec.hash_key, **({"RANGE": spec.range_key} if spec.range_key else {})}
    condition = keycondition.parse(
        expression, schema, spec.types, {}, {k: _value(v) for k, v in values.items()}
    )
    return [entry for _, entry in index.query(condition, forward=forward, start_key=start_key)]


def _ids(entries: list[Item]) -> list[str]:
    return [f"{e['pk']['S']}/{e['sk']['S']}" for e in entries]


def _raises(error: type[ServiceError], message: str, call: Any, *args: Any, **kwargs: Any) -> None:
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert caught.value.message == message
    assert caught.value.code == error.code


# -- sparse indexes and projections ---------------------------------------------------------------


def test_only_items_with_every_index_key_are_in_the_index() -> None:
    world = World(_gsi())
    world.put(pk="o1", sk="a", stage="OPEN", placed=3)
    world.put(pk="o2", sk="a", stage="OPEN")  # no sort key attribute: not indexed
    world.put(pk="o3", sk="a", placed=4)  # no partition key attribute: not indexed
    index = world.index("ByStatus")
    assert index.item_count == 1
    assert _ids(_query(index, "stage = :s", {":s": "OPEN"})) == ["o1/a"]


def test_gaining_and_losing_the_index_key_moves_the_item_in_and_out() -> None:
    world = World(_gsi())
    index = world.index("ByStatus")
    world.put(pk="o1", sk="a", total=5)
    assert index.item_count == 0
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)
    assert _ids(_query(index, "stage = :s", {":s": "OPEN"})) == ["o1/a"]
    world.put(pk="o1", sk="a", placed=1)
    assert index.item_count == 0
    assert index.partitions == {}
    assert index.entry_bytes == 0


def test_a_key_attribute_of_another_type_is_not_indexed() -> None:
    index = SecondaryIndex(_gsi(), table_hash="pk", table_range="sk", table_types={"pk": "S"})
    index.apply(
        None,
        validate_item(
            {"pk": {"S": "o"}, "sk": {"S": "a"}, "stage": {"N": "1"}, "placed": {"N": "1"}}
        ),
    )
    assert index.item_count == 0


def test_deleting_the_item_removes_its_entry() -> None:
    world = World(_gsi())
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)
    world.delete(pk="o1", sk="a")
    assert world.index("ByStatus").item_count == 0


def test_keys_only_projection_holds_table_keys_and_index_keys() -> None:
    world = World(_gsi(projection="KEYS_ONLY"))
    world.put(pk="o1", sk="a", stage="OPEN", placed=1, total=9, note="x")
    (entry,) = _query(world.index("ByStatus"), "stage = :s", {":s": "OPEN"})
    assert entry == {
        "pk": {"S": "o1"},
        "sk": {"S": "a"},
        "stage": {"S": "OPEN"},
        "placed": {"N": "1"},
    }


def test_include_projection_adds_the_named_attributes_that_exist() -> None:
    world = World(_gsi(projection="INCLUDE", non_key=("total", "missing")))
    world.put(pk="o1", sk="a", stage="OPEN", placed=1, total=9, note="x")
    (entry,) = _query(world.index("ByStatus"), "stage = :s", {":s": "OPEN"})
    assert set(entry) == {"pk", "sk", "stage", "placed", "total"}


def test_all_projection_holds_the_whole_item() -> None:
    world = World(_gsi())
    world.put(pk="o1", sk="a", stage="OPEN", placed=1, total=9, note="x")
    (entry,) = _query(world.index("ByStatus"), "stage = :s", {":s": "OPEN"})
    assert entry == world.table.get(world.table.key_of(entry))


def test_changing_a_projected_attribute_updates_the_entry() -> None:
    world = World(_gsi(projection="INCLUDE", non_key=("total",)))
    world.put(pk="o1", sk="a", stage="OPEN", placed=1, total=9)
    world.put(pk="o1", sk="a", stage="OPEN", placed=1, total=10)
    index = world.index("ByStatus")
    (entry,) = _query(index, "stage = :s", {":s": "OPEN"})
    assert entry["total"] == {"N": "10"}
    assert index.item_count == 1


def test_changing_the_index_key_moves_the_entry() -> None:
    world = World(_gsi())
    index = world.index("ByStatus")
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)
    world.put(pk="o1", sk="a", stage="SHIPPED", placed=2)
    assert _query(index, "stage = :s", {":s": "OPEN"}) == []
    assert _ids(_query(index, "stage = :s", {":s": "SHIPPED"})) == ["o1/a"]
    assert index.item_count == 1
    assert "OPEN" not in {hash_part[1] for hash_part in index.partitions}


def test_entries_follow_the_table_write_through_a_change_record() -> None:
    world = World(_gsi())
    item = validate_item(
        {"pk": {"S": "o1"}, "sk": {"S": "a"}, "stage": {"S": "OPEN"}, "placed": {"N": "1"}}
    )
    world.indexes.apply_change(Change("Orders", 0.0, 1, {}, None, item))
    assert world.index("ByStatus").item_count == 1


# -- order, ties, conditions --------------------------------------------------------------------------


def test_items_sharing_an_index_key_are_all_kept_ordered_by_table_key() -> None:
    world = World(_gsi())
    for pk, sk in [("o2", "b"), ("o1", "z"), ("o2", "a"), ("o1", "a")]:
        world.put(pk=pk, sk=sk, stage="OPEN", placed=7)
    index = world.index("ByStatus")
    assert index.item_count == 4
    forward = _ids(_query(index, "stage = :s AND placed = :p", {":s": "OPEN", ":p": 7}))
    assert forward == ["o1/a", "o1/z", "o2/a", "o2/b"]
    backward = _query(index, "stage = :s", {":s": "OPEN"}, forward=False)
    assert _ids(backward) == forward[::-1]


def test_a_gsi_without_sort_key_keeps_every_item_of_one_partition() -> None:
    world = World(_gsi(range_key=None))
    for pk in ["c", "a", "b"]:
        world.put(pk=pk, sk="1", stage="OPEN")
    assert _ids(_query(world.index("ByStatus"), "stage = :s", {":s": "OPEN"})) == [
        "a/1",
        "b/1",
        "c/1",
    ]


def test_numbers_sort_by_value_and_reverse_order_reverses() -> None:
    world = World(_gsi())
    for placed in [10, 9, 100, -1, 2.5]:
        world.put(pk=f"o{placed}", sk="a", stage="OPEN", placed=placed)
    entries = _query(world.index("ByStatus"), "stage = :s", {":s": "OPEN"})
    assert [e["placed"]["N"] for e in entries] == ["-1", "2.5", "9", "10", "100"]
    entries = _query(world.index("ByStatus"), "stage = :s", {":s": "OPEN"}, forward=False)
    assert [e["placed"]["N"] for e in entries] == ["100", "10", "9", "2.5", "-1"]


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("stage = :s AND placed BETWEEN :a AND :b", {":a": 2, ":b": 4}, ["2", "3", "3", "4"]),
        ("stage = :s AND placed < :a", {":a": 3}, ["1", "2"]),
        ("stage = :s AND placed <= :a", {":a": 3}, ["1", "2", "3", "3"]),
        ("stage = :s AND placed > :a", {":a": 3}, ["4", "5"]),
        ("stage = :s AND placed >= :a", {":a": 3}, ["3", "3", "4", "5"]),
        ("stage = :s AND placed = :a", {":a": 3}, ["3", "3"]),
    ],
)
def test_sort_key_conditions_on_the_index_sort_key(
    expression: str, values: dict[str, Any], expected: list[str]
) -> None:
    world = World(_gsi())
    for n, placed in enumerate([1, 2, 3, 3, 4, 5]):
        world.put(pk=f"o{n}", sk="a", stage="OPEN", placed=placed)
    entries = _query(world.index("ByStatus"), expression, {":s": "OPEN", **values})
    assert [e["placed"]["N"] for e in entries] == expected


def test_begins_with_on_a_string_index_sort_key() -> None:
    world = World(_gsi(range_key="shipDay", range_type="S"))
    for n, day in enumerate(["2024-01-02", "2024-02-01", "2024-01-30", "2023-12-31"]):
        world.put(pk=f"o{n}", sk="a", stage="OPEN", shipDay=day)
    entries = _query(
        world.index("ByStatus"),
        "stage = :s AND begins_with(shipDay, :p)",
        {":s": "OPEN", ":p": "2024-01"},
    )
    assert [e["shipDay"]["S"] for e in entries] == ["2024-01-02", "2024-01-30"]


def test_an_lsi_orders_one_partition_by_its_own_sort_key() -> None:
    world = World(_lsi())
    for sk, total in [("a", 30), ("b", 10), ("c", 20)]:
        world.put(pk="cust", sk=sk, total=total)
    world.put(pk="other", sk="a", total=1)
    entries = _query(world.index("ByTotal"), "pk = :p", {":p": "cust"})
    assert _ids(entries) == ["cust/b", "cust/c", "cust/a"]


# -- paging ------------------------------------------------------------------------------------------


def _page(
    index: SecondaryIndex, limit: int, start_key: Item | None, *, forward: bool = True
) -> tuple[list[Item], Item | None]:
    spec = index.spec
    condition = keycondition.parse(
        "stage = :s", {"HASH": spec.hash_key}, spec.types, {}, {":s": {"S": "OPEN"}}
    )
    page = []
    for _, entry in index.query(condition, forward=forward, start_key=start_key):
        page.append(entry)
        if len(page) == limit:
            return page, index.last_key(entry)
    return page, None


def test_last_evaluated_key_of_a_gsi_holds_index_keys_and_table_keys() -> None:
    world = World(_gsi(projection="KEYS_ONLY"))
    world.put(pk="o1", sk="a", stage="OPEN", placed=1, note="x")
    index = world.index("ByStatus")
    _, last = _page(index, 1, None)
    assert last == {
        "stage": {"S": "OPEN"},
        "placed": {"N": "1"},
        "pk": {"S": "o1"},
        "sk": {"S": "a"},
    }


def test_last_evaluated_key_of_an_lsi_holds_the_table_key_and_the_index_sort_key() -> None:
    world = World(_lsi())
    world.put(pk="c", sk="a", total=3)
    (entry,) = _query(world.index("ByTotal"), "pk = :p", {":p": "c"})
    assert world.index("ByTotal").last_key(entry) == {
        "pk": {"S": "c"},
        "total": {"N": "3"},
        "sk": {"S": "a"},
    }


@pytest.mark.parametrize("forward", [True, False])
def test_paging_through_ties_returns_every_item_once(forward: bool) -> None:
    world = World(_gsi())
    for n in range(7):
        world.put(pk=f"o{n}", sk="a", stage="OPEN", placed=n % 2)
    index = world.index("ByStatus")
    seen: list[str] = []
    start = None
    while True:
        page, start = _page(index, 2, start, forward=forward)
        seen += _ids(page)
        if start is None:
            break
    everything = _ids(_query(index, "stage = :s", {":s": "OPEN"}, forward=forward))
    assert seen == everything
    assert len(set(seen)) == 7


def test_a_start_key_after_the_last_entry_gives_an_empty_page() -> None:
    world = World(_gsi())
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)
    index = world.index("ByStatus")
    _, last = _page(index, 1, None)
    assert _page(index, 5, last) == ([], None)


@pytest.mark.parametrize(
    "start_key",
    [
        {"stage": {"S": "OPEN"}, "placed": {"N": "1"}, "pk": {"S": "o1"}},  # no table sort key
        {"stage": {"S": "OPEN"}, "placed": {"N": "1"}},  # the table's key pattern is missing
        {"pk": {"S": "o1"}, "sk": {"S": "a"}},  # a table key only
        {"stage": {"S": "OPEN"}, "placed": {"S": "1"}, "pk": {"S": "o1"}, "sk": {"S": "a"}},
        {
            "stage": {"S": "OPEN"},
            "placed": {"N": "1"},
            "pk": {"S": "o"},
            "sk": {"S": "a"},
            "x": {"S": "1"},
        },
    ],
)
def test_a_start_key_must_hold_exactly_the_index_and_table_keys(start_key: Item) -> None:
    world = World(_gsi())
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)
    index = world.index("ByStatus")
    _raises(ValidationException, "The provided starting key is invalid", _page, index, 1, start_key)


def test_a_start_key_from_another_partition_is_outside_the_query() -> None:
    world = World(_gsi())
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)
    start = {"stage": {"S": "SHIPPED"}, "placed": {"N": "1"}, "pk": {"S": "o1"}, "sk": {"S": "a"}}
    _raises(
        ValidationException,
        "The provided starting key is outside query boundaries based on provided conditions",
        _page,
        world.index("ByStatus"),
        1,
        start,
    )


def test_a_missing_partition_yields_nothing() -> None:
    world = World(_gsi())
    assert _query(world.index("ByStatus"), "stage = :s", {":s": "NOPE"}) == []


# -- scan -------------------------------------------------------------------------------------------


def test_scan_visits_every_entry_in_a_fixed_order_and_pages_with_start_keys() -> None:
    world = World(_gsi())
    for n in range(12):
        world.put(pk=f"o{n}", sk="a", stage=f"S{n % 4}", placed=n)
    index = world.index("ByStatus")
    order = [entry for _, entry in index.scan()]
    assert len(order) == 12
    assert order == [entry for _, entry in index.scan()]
    paged: list[Item] = []
    start = None
    while True:
        page = []
        for _, entry in index.scan(start):
            page.append(entry)
            if len(page) == 5:
                break
        paged += page
        if len(page) < 5:
            break
        start = index.last_key(page[-1])
    assert paged == order


def test_scan_start_key_is_checked() -> None:
    world = World(_gsi())
    _raises(
        ValidationException,
        "The provided starting key is invalid",
        world.index("ByStatus").scan,
        {"pk": {"S": "o1"}, "sk": {"S": "a"}},
    )


# -- counts and sizes -------------------------------------------------------------------------------


def test_item_count_and_size_count_entries_plus_100_bytes_each() -> None:
    world = World(_gsi(projection="KEYS_ONLY"))
    world.put(pk="o1", sk="a", stage="OPEN", placed=1, note="a long note" * 10)
    world.put(pk="o2", sk="a", stage="OPEN", placed=2)
    world.put(pk="o3", sk="a", note="not indexed")
    index = world.index("ByStatus")
    entries = [entry for _, entry in index.scan()]
    assert index.item_count == 2
    assert index.size_bytes == sum(item_size(e) for e in entries) + 2 * INDEX_ITEM_OVERHEAD
    world.delete(pk="o1", sk="a")
    world.delete(pk="o2", sk="a")
    assert (index.item_count, index.size_bytes) == (0, 0)


def test_index_size_follows_writes() -> None:
    world = World(_gsi())
    index = world.index("ByStatus")
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)
    first = index.size_bytes
    world.put(pk="o2", sk="a", stage="OPEN", placed=2, note="more")
    assert index.size_bytes > first
    world.put(pk="o2", sk="a", stage="OPEN", placed=2)
    assert index.size_bytes == 2 * first


def test_index_specs_fit_the_capacity_engine() -> None:
    spec = _gsi(projection="KEYS_ONLY")
    before = validate_item(
        {"pk": {"S": "o"}, "sk": {"S": "a"}, "stage": {"S": "A"}, "placed": {"N": "1"}}
    )
    after = {**before, "stage": {"S": "B"}}
    # changing an index key costs two index writes (delete the old entry, put the new)
    assert capacity.index_write_units(before, after, ["pk", "sk"], spec) == 2.0


# -- writes an index refuses ------------------------------------------------------------------------


def test_a_write_with_an_index_key_of_the_wrong_type_is_refused() -> None:
    world = World(_gsi())
    _raises(
        ValidationException,
        INVALID + "Type mismatch for Index Key stage Expected: S Actual: N IndexName: ByStatus",
        world.put,
        pk="o1",
        sk="a",
        stage=5,
    )
    assert world.table.item_count == 0


@pytest.mark.parametrize(("value", "word"), [("", "string"), (b"", "binary")])
def test_a_write_with_an_empty_index_key_is_refused(value: Any, word: str) -> None:
    spec = IndexSpec("ByNote", True, "note", "S" if word == "string" else "B", None, None, "ALL")
    world = World(spec)
    _raises(
        ValidationException,
        "One or more parameter values are not valid. A value specified for a secondary index "
        "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
        f"{word} value. IndexName: ByNote, IndexKey: note",
        world.put,
        pk="o1",
        sk="a",
        note=value,
    )


@pytest.mark.parametrize(("key", "limit"), [("stage", 2048), ("placed", 1024)])
def test_a_write_with_an_index_key_past_its_size_limit_is_refused(key: str, limit: int) -> None:
    world = World(_gsi(range_type="S"))
    too_long = "é" * (limit // 2 + 1)  # two UTF-8 bytes a character
    attributes = {"stage": "OPEN", "placed": "1", key: too_long}
    _raises(
        ValidationException,
        INVALID + f"Size limit exceeded for Index Key {key} Actual Size: {limit + 2} bytes "
        f"Max Size: {limit} bytes IndexName: ByStatus",
        world.put,
        pk="o1",
        sk="a",
        **attributes,
    )
    world.put(pk="o1", sk="a", stage="x" * 2048, placed="y" * 1024)


def test_an_attribute_keying_two_indexes_is_held_to_the_sort_key_limit() -> None:
    world = World(_gsi("ByDay", "day", None), _gsi("ByStage", range_key="day", range_type="S"))
    _raises(
        ValidationException,
        INVALID + "Size limit exceeded for Index Key day Actual Size: 1025 bytes "
        "Max Size: 1024 bytes IndexName: ByStage",
        world.put,
        pk="o1",
        sk="a",
        day="d" * 1025,
    )


def test_table_key_attributes_used_by_an_index_are_left_to_the_table_checks() -> None:
    world = World(IndexSpec("BySk", True, "sk", "S", None, None, "ALL"))
    world.indexes.check_write({"pk": {"S": "o"}, "sk": {"N": "1"}})


def test_an_lsi_item_and_its_entries_share_the_400_kb() -> None:
    world = World(_lsi())
    item = {"pk": "c", "sk": "a", "total": 1, "blob": "x" * (210 * 1024)}
    _raises(
        ValidationException, "Item size has exceeded the maximum allowed size", world.put, **item
    )
    World(_gsi()).put(**item)  # a GSI entry does not count


# -- item collections -------------------------------------------------------------------------------


def test_item_collection_size_counts_table_items_and_lsi_entries() -> None:
    world = World(_lsi(projection="KEYS_ONLY"), _gsi())
    world.put(pk="c", sk="a", total=1, note="x" * 100)
    world.put(pk="c", sk="b", note="no total")
    world.put(pk="d", sk="a", total=2)
    table_items = [item for _, item in world.table.scan() if item["pk"] == {"S": "c"}]
    entries = [e for _, e in world.index("ByTotal").scan() if e["pk"] == {"S": "c"}]
    expected = sum(map(item_size, table_items)) + sum(map(item_size, entries))
    assert world.indexes.collection_size({"S": "c"}) == expected
    world.delete(pk="c", sk="a")
    world.delete(pk="c", sk="b")
    assert world.indexes.collection_size({"S": "c"}) == 0
    assert COLLECTION_LIMIT == 10 * 1024**3


def test_replacing_an_item_changes_its_collection_by_the_difference() -> None:
    world = World(_lsi(projection="INCLUDE", non_key=("note",)))
    world.put(pk="c", sk="a", total=1, note="x" * 100)
    before = world.indexes.collection_size({"S": "c"})
    world.put(pk="c", sk="a", total=1, note="x" * 150)
    assert world.indexes.collection_size({"S": "c"}) == before + 2 * 50  # item and entry
    world.put(pk="c", sk="a", note="x" * 150)  # leaves the LSI: only the item counts
    (item,) = [item for _, item in world.table.scan()]
    assert world.indexes.collection_size({"S": "c"}) == item_size(item)


def test_collections_follow_writes_applied_without_the_checks() -> None:
    world = World(_lsi())
    world.put(pk="c", sk="a", total=1)
    old = world.table.delete(world.table.key_of({"pk": {"S": "c"}, "sk": {"S": "a"}}))
    world.indexes.apply(old, None)  # a Time to Live deletion has nothing to check
    assert world.indexes.collection_size({"S": "c"}) == 0
    assert world.index("ByTotal").item_count == 0


def test_a_write_past_the_collection_limit_is_refused_before_anything_changes() -> None:
    world = World(_lsi(), collection_limit=600)
    world.put(pk="c", sk="a", total=1, note="x" * 200)
    table_before = copy.deepcopy(world.table.partitions)
    index = world.index("ByTotal")
    entries_before = [entry for _, entry in index.scan()]
    _raises(
        ItemCollectionSizeLimitExceededException,
        "Collection size exceeded.",
        world.put,
        pk="c",
        sk="b",
        total=2,
        note="y" * 200,
    )
    assert world.table.partitions == table_before
    assert [entry for _, entry in index.scan()] == entries_before
    world.put(pk="other", sk="b", total=2, note="y" * 200)  # another collection has room


def test_writes_that_shrink_a_full_collection_are_allowed() -> None:
    world = World(_lsi(), collection_limit=600)
    world.put(pk="c", sk="a", total=1, note="x" * 250)
    world.indexes.collection_limit = 100  # the collection is now over its limit
    world.put(pk="c", sk="a", total=1, note="x")
    world.delete(pk="c", sk="a")
    with pytest.raises(ItemCollectionSizeLimitExceededException):
        world.put(pk="c", sk="a", total=1, note="x" * 250)


def test_tables_without_lsis_have_no_collection_limit() -> None:
    world = World(_gsi(), collection_limit=10)
    world.put(pk="c", sk="a", stage="OPEN", placed=1, note="x" * 500)


# -- backfill and stage --------------------------------------------------------------------------


def test_a_gsi_added_later_is_backfilled_and_reports_violations() -> None:
    world = World()
    assert not world.indexes
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)
    world.put(pk="o2", sk="a", stage="OPEN", placed="not a number")
    world.put(pk="o3", sk="a", note="sparse")
    index = world.indexes.add_global(_gsi(), (item for _, item in world.table.scan()))
    assert index.status == "CREATING"
    assert index.item_count == 1
    assert index.violations == 1
    _raises(
        ValidationException,
        "Cannot read from backfilling global secondary index: ByStatus",
        index.check_readable,
    )
    world.put(pk="o4", sk="a", stage="OPEN", placed=4)  # writes reach a creating index
    index.activate()
    index.check_readable()
    assert _ids(_query(index, "stage = :s", {":s": "OPEN"})) == ["o1/a", "o4/a"]


def test_a_deleting_index_cannot_be_read_and_a_removed_one_is_gone() -> None:
    world = World(_gsi())
    index = world.index("ByStatus")
    index.status = "DELETING"
    _raises(
        ValidationException,
        "The table does not have the specified index: ByStatus",
        index.check_readable,
    )
    world.indexes.remove_global("ByStatus")
    assert world.indexes.get("ByStatus") is None
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)


def test_lsis_cannot_be_added_or_removed_after_creation() -> None:
    world = World(_lsi())
    with pytest.raises(ValueError, match="created with the table"):
        world.indexes.add_global(_lsi("Other"), [])
    with pytest.raises(ValueError, match="as long as the table"):
        world.indexes.remove_global("ByTotal")


def test_describe_gives_botocore_index_descriptions() -> None:
    world = World(_lsi(projection="INCLUDE", non_key=("note",)), _gsi().with_throughput(5, 3))
    world.put(pk="c", sk="a", total=1, stage="OPEN", placed=1)
    creating = world.indexes.add_global(_gsi("ByNote", "note", None, "KEYS_ONLY"), [])
    described = world.indexes.describe(TABLE_ARN)
    (local,) = described["LocalSecondaryIndexes"]
    assert local["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]}
    assert "IndexStatus" not in local
    assert local["IndexArn"] == TABLE_ARN + "/index/ByTotal"
    active, new = described["GlobalSecondaryIndexes"]
    assert active["IndexStatus"] == "ACTIVE"
    assert "Backfilling" not in active
    assert active["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 5,
        "WriteCapacityUnits": 3,
    }
    assert active["KeySchema"] == [
        {"AttributeName": "stage", "KeyType": "HASH"},
        {"AttributeName": "placed", "KeyType": "RANGE"},
    ]
    assert (active["ItemCount"], active["IndexSizeBytes"]) == (
        1,
        world.index("ByStatus").size_bytes,
    )
    assert new["IndexStatus"] == "CREATING"
    assert new["Backfilling"] is True
    assert new["KeySchema"] == [{"AttributeName": "note", "KeyType": "HASH"}]
    assert creating.item_count == 0


def test_state_round_trips_and_rebuilds_entries_from_the_table() -> None:
    world = World(_lsi(), _gsi(projection="KEYS_ONLY"), lag=2.0)
    world.put(pk="c", sk="a", total=1, stage="OPEN", placed=1)
    world.index("ByStatus").status = "UPDATING"
    loaded = TableIndexes.load(world.indexes.snapshot(), world.table)
    assert loaded.specs == world.indexes.specs
    assert loaded.get("ByStatus").status == "UPDATING"  # type: ignore[union-attr]
    assert loaded.lag == 2.0
    assert loaded.get("ByStatus").item_count == 1  # type: ignore[union-attr]
    assert loaded.collection_size({"S": "c"}) == world.indexes.collection_size({"S": "c"}) != 0


# -- eventual consistency ---------------------------------------------------------------------------


def test_a_gsi_with_lag_shows_writes_only_once_settled() -> None:
    world = World(_gsi(), _lsi(), lag=0.5)
    gsi, lsi = world.index("ByStatus"), world.index("ByTotal")
    world.now = 100.0
    world.put(pk="o1", sk="a", stage="OPEN", placed=1, total=1)
    world.now = 100.25
    world.put(pk="o1", sk="a", stage="SHIPPED", placed=1, total=1)
    assert lsi.item_count == 1  # LSIs are updated with the table
    assert (gsi.item_count, gsi.pending) == (0, 2)
    world.indexes.settle(100.4)
    assert gsi.item_count == 0
    world.indexes.settle(100.5)
    assert _ids(_query(gsi, "stage = :s", {":s": "OPEN"})) == ["o1/a"]
    assert gsi.pending == 1
    world.indexes.settle(100.75)
    assert _query(gsi, "stage = :s", {":s": "OPEN"}) == []
    assert _ids(_query(gsi, "stage = :s", {":s": "SHIPPED"})) == ["o1/a"]
    assert gsi.pending == 0


def test_setting_the_lag_to_zero_applies_what_is_queued() -> None:
    world = World(_gsi(), lag=60)
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)
    assert world.index("ByStatus").item_count == 0
    world.indexes.set_lag(0)
    assert world.index("ByStatus").item_count == 1
    world.put(pk="o2", sk="a", stage="OPEN", placed=1)
    assert world.index("ByStatus").item_count == 2


def test_changing_a_positive_lag_keeps_what_is_queued() -> None:
    world = World(_gsi(), lag=60)
    world.put(pk="o1", sk="a", stage="OPEN", placed=1)
    world.indexes.set_lag(1)
    index = world.index("ByStatus")
    assert (index.pending, index.item_count) == (1, 0)
    world.indexes.settle(1.0)
    assert (index.pending, index.item_count) == (0, 1)


def test_lsis_take_no_lag_and_lag_is_never_negative() -> None:
    with pytest.raises(ValueError, match="without lag"):
        SecondaryIndex(_lsi(), table_hash="pk", table_range="sk", table_types={}, lag=1)
    with pytest.raises(ValueError, match="0 or more"):
        SecondaryIndex(_gsi(), table_hash="pk", table_range="sk", table_types={}, lag=-1)


def test_the_consistent_read_refusal_is_aws_wording() -> None:
    assert (
        CONSISTENT_READ_ON_GSI == "Consistent reads are not supported on global secondary indexes"
    )


# -- CreateTable validation -----------------------------------------------------------------------


def _gsi_shape(name: str = "ByStatus", **overrides: Any) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": "stage", "KeyType": "HASH"},
            {"AttributeName": "placed", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }
    shape.update(overrides)
    return shape


def _lsi_shape(name: str = "ByTotal", **overrides: Any) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "total", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
    }
    shape.update(overrides)
    return shape


DEFINITIONS = {"pk": "S", "sk": "S", "stage": "S", "placed": "N", "total": "N"}


def _create(
    gsis: Any = None,
    lsis: Any = None,
    *,
    table_range: str | None = "sk",
    definitions: dict[str, str] | None = None,
    billing_mode: str = "PAY_PER_REQUEST",
    max_global: int = 20,
) -> list[IndexSpec]:
    return parse_create_table(
        gsis,
        lsis,
        table_hash="pk",
        table_range=table_range,
        definitions=DEFINITIONS if definitions is None else definitions,
        billing_mode=billing_mode,
        max_global=max_global,
    )


def test_create_table_indexes_parse_lsis_first() -> None:
    throughput = {"ReadCapacityUnits": 4, "WriteCapacityUnits": 2}
    specs = _create(
        [_gsi_shape(ProvisionedThroughput=throughput)],
        [_lsi_shape(Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]})],
        billing_mode="PROVISIONED",
    )
    assert specs == [
        IndexSpec("ByTotal", False, "pk", "S", "total", "N", "INCLUDE", ("note",)),
        IndexSpec("ByStatus", True, "stage", "S", "placed", "N", "ALL", (), 4, 2),
    ]
    assert specs[0].keys == ("pk", "total")
    assert IndexSpec.from_json(specs[1].to_json()) == specs[1]


def _many(count: int, make: Any) -> list[dict[str, Any]]:
    return [make(f"Index{n}") for n in range(count)]


def _include(name: str, count: int = 20) -> dict[str, Any]:
    attributes = [f"a{n}" for n in range(count)]
    return _gsi_shape(
        name, Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": attributes}
    )


CREATE_ERRORS: list[tuple[str, dict[str, Any], str]] = [
    ("empty LSI list", {"lsis": []}, INVALID + "List of LocalSecondaryIndexes is empty"),
    ("empty GSI list", {"gsis": []}, INVALID + "List of GlobalSecondaryIndexes is empty"),
    (
        "LSI on a table without sort key",
        {"lsis": [_lsi_shape()], "table_range": None, "definitions": {"pk": "S", "total": "N"}},
        INVALID
        + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex",
    ),
    (
        "LSI without sort key",
        {"lsis": [_lsi_shape(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])]},
        INVALID + "Index KeySchema does not have a range key for index: ByTotal",
    ),
    (
        "LSI with another partition key",
        {
            "lsis": [
                _lsi_shape(
                    KeySchema=[
                        {"AttributeName": "stage", "KeyType": "HASH"},
                        {"AttributeName": "total", "KeyType": "RANGE"},
                    ]
                )
            ]
        },
        INVALID
        + "Index KeySchema does not have the same leading hash key as table KeySchema for index: "
        "ByTotal. index hash key: stage, table hash key: pk",
    ),
    (
        "six LSIs",
        {"lsis": _many(6, _lsi_shape)},
        INVALID + "Number of LocalSecondaryIndexes exceeds per-table limit of 5",
    ),
    (
        "GSIs past the quota",
        {"gsis": _many(3, _gsi_shape), "max_global": 2},
        INVALID + "GlobalSecondaryIndex count exceeds the per-table limit of 2",
    ),
    (
        "an LSI and a GSI of one name",
        {"lsis": [_lsi_shape("Same")], "gsis": [_gsi_shape("Same")]},
        INVALID + "Duplicate index name: Same",
    ),
    (
        "index key without definition",
        {"gsis": [_gsi_shape()], "definitions": {"pk": "S", "sk": "S", "stage": "S"}},
        INVALID
        + "Some index key attributes are not defined in AttributeDefinitions. Keys: [stage, placed], "
        "AttributeDefinitions: [pk, sk, stage]",
    ),
    (
        "KEYS_ONLY with NonKeyAttributes",
        {
            "gsis": [
                _gsi_shape(Projection={"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["a"]})
            ]
        },
        INVALID + "ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified",
    ),
    (
        "ALL with NonKeyAttributes",
        {"gsis": [_gsi_shape(Projection={"ProjectionType": "ALL", "NonKeyAttributes": ["a"]})]},
        INVALID + "ProjectionType is ALL, but NonKeyAttributes is specified",
    ),
    (
        "INCLUDE without NonKeyAttributes",
        {"gsis": [_gsi_shape(Projection={"ProjectionType": "INCLUDE"})]},
        INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified",
    ),
    (
        "no ProjectionType",
        {"gsis": [_gsi_shape(Projection={})]},
        INVALID + "Unknown ProjectionType: null",
    ),
    (
        "unknown ProjectionType",
        {"gsis": [_gsi_shape(Projection={"ProjectionType": "SOME"})]},
        "1 validation error detected: Value 'SOME' at 'globalSecondaryIndexes.1.member.projection."
        "projectionType' failed to satisfy constraint: Member must satisfy enum value set: "
        "[ALL, INCLUDE, KEYS_ONLY]",
    ),
    (
        "a NonKeyAttribute twice",
        {
            "gsis": [
                _gsi_shape(Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "a"]})
            ]
        },
        INVALID + "Duplicate element in NonKeyAttributes: a",
    ),
    (
        "21 NonKeyAttributes in one index",
        {"gsis": [_include("Wide", 21)]},
        "1 validation error detected: Value '[" + ", ".join(f"a{n}" for n in range(21)) + "]' at "
        "'globalSecondaryIndexes.1.member.projection.nonKeyAttributes' failed to satisfy "
        "constraint: Member must have length less than or equal to 20",
    ),
    (
        "101 NonKeyAttributes over all indexes",
        {"gsis": [*(_include(f"Wide{n}") for n in range(5)), _include("Last", 1)]},
        INVALID + "Number of projected attributes in all indexes exceeds limit of 100",
    ),
    (
        "sort key first",
        {
            "gsis": [
                _gsi_shape(
                    KeySchema=[
                        {"AttributeName": "placed", "KeyType": "RANGE"},
                        {"AttributeName": "stage", "KeyType": "HASH"},
                    ]
                )
            ]
        },
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
    ),
    (
        "two partition keys",
        {
            "gsis": [
                _gsi_shape(
                    KeySchema=[
                        {"AttributeName": "stage", "KeyType": "HASH"},
                        {"AttributeName": "placed", "KeyType": "HASH"},
                    ]
                )
            ]
        },
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
    ),
    (
        "one attribute as both keys",
        {
            "gsis": [
                _gsi_shape(
                    KeySchema=[
                        {"AttributeName": "stage", "KeyType": "HASH"},
                        {"AttributeName": "stage", "KeyType": "RANGE"},
                    ]
                )
            ]
        },
        "Both the Hash Key and the Range Key element in the KeySchema have the same name",
    ),
    (
        "a short index name",
        {"gsis": [_gsi_shape("ab")]},
        "1 validation error detected: Value 'ab' at 'globalSecondaryIndexes.1.member.indexName' "
        "failed to satisfy constraint: Member must have length greater than or equal to 3",
    ),
    (
        "a bad index name",
        {"lsis": [_lsi_shape("by total")]},
        "1 validation error detected: Value 'by total' at 'localSecondaryIndexes.1.member.indexName' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    ),
    (
        "throughput on demand",
        {
            "gsis": [
                _gsi_shape(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
            ]
        },
        INVALID
        + "ProvisionedThroughput should not be specified for index: ByStatus when BillingMode is PAY_PER_REQUEST",
    ),
    (
        "no throughput when provisioned",
        {"gsis": [_gsi_shape()], "billing_mode": "PROVISIONED"},
        INVALID + "ProvisionedThroughput is not specified for index: ByStatus",
    ),
    (
        "zero units",
        {
            "gsis": [
                _gsi_shape(ProvisionedThroughput={"ReadCapacityUnits": 0, "WriteCapacityUnits": 1})
            ],
            "billing_mode": "PROVISIONED",
        },
        "1 validation error detected: Value '0' at 'globalSecondaryIndexes.1.member."
        "provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have "
        "value greater than or equal to 1",
    ),
    (
        "an unused definition",
        {"gsis": [_gsi_shape()]},
        INVALID
        + "Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, stage, placed, "
        "total], keys used: [pk, placed, sk, stage]",
    ),
]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [case[1:] for case in CREATE_ERRORS],
    ids=[case[0] for case in CREATE_ERRORS],
)
def test_create_table_index_errors(arguments: dict[str, Any], message: str) -> None:
    _raises(ValidationException, message, _create, **arguments)


def test_multi_attribute_index_keys_are_not_emulated() -> None:
    schema = [
        {"AttributeName": "stage", "KeyType": "HASH"},
        {"AttributeName": "total", "KeyType": "HASH"},
        {"AttributeName": "placed", "KeyType": "RANGE"},
    ]
    with pytest.raises(NotSupportedByEmulator):
        _create([_gsi_shape(KeySchema=schema)])


# -- UpdateTable validation -----------------------------------------------------------------------


EXISTING = [_lsi(), _gsi().with_throughput(5, 5)]
KNOWN = {"pk": "S", "sk": "S", "stage": "S", "placed": "N", "total": "N"}


def _update(
    updates: Any,
    *,
    existing: list[IndexSpec] | None = None,
    busy: bool = False,
    definitions: Any = ...,
    billing_mode: str = "PROVISIONED",
    max_global: int = 20,
) -> Any:
    return parse_index_updates(
        updates,
        existing=EXISTING if existing is None else existing,
        busy=busy,
        definitions={"pk": "S", "note": "S"} if definitions is ... else definitions,
        known_types=KNOWN,
        billing_mode=billing_mode,
        max_global=max_global,
    )


THROUGHPUT = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}


def _create_action(name: str = "ByNote", **overrides: Any) -> dict[str, Any]:
    action: dict[str, Any] = {
        "IndexName": name,
        "KeySchema": [{"AttributeName": "note", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
        "ProvisionedThroughput": THROUGHPUT,
    }
    action.update(overrides)
    return {"Create": action}


def test_update_table_creates_deletes_and_updates() -> None:
    plan = _update([_create_action()])
    assert plan.create == IndexSpec("ByNote", True, "note", "S", None, None, "KEYS_ONLY", (), 1, 1)
    plan = _update([{"Delete": {"IndexName": "ByStatus"}}])
    assert (plan.create, plan.delete) == (None, "ByStatus")
    plan = _update(
        [
            {"Update": {"IndexName": "ByStatus", "ProvisionedThroughput": THROUGHPUT}},
            _create_action(),
        ]
    )
    assert plan.throughput == {"ByStatus": (1, 1)}
    assert plan.create is not None


UPDATE_ERRORS: list[tuple[str, dict[str, Any], type[ServiceError], str]] = [
    (
        "empty",
        {"updates": []},
        ValidationException,
        INVALID + "List of GlobalSecondaryIndexUpdates is empty",
    ),
    (
        "no action",
        {"updates": [{}]},
        ValidationException,
        INVALID + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
        "GlobalSecondaryIndexUpdate.Delete must not be null",
    ),
    (
        "two actions in one object",
        {"updates": [{"Delete": {"IndexName": "ByStatus"}, "Create": _create_action()["Create"]}]},
        ValidationException,
        INVALID
        + "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object",
    ),
    (
        "one index twice",
        {"updates": [{"Delete": {"IndexName": "abc"}}, {"Delete": {"IndexName": "abc"}}]},
        ValidationException,
        INVALID
        + "Only one global secondary index update per index is allowed simultaneously. Index: abc",
    ),
    (
        "a create and a delete",
        {"updates": [_create_action(), {"Delete": {"IndexName": "ByStatus"}}]},
        LimitExceededException,
        ONLINE_INDEX_LIMIT,
    ),
    (
        "several deletes, before looking the indexes up",
        {"updates": [{"Delete": {"IndexName": f"gone{n}"}} for n in range(6)]},
        LimitExceededException,
        ONLINE_INDEX_LIMIT,
    ),
    (
        "a create while another index builds",
        {"updates": [_create_action()], "busy": True},
        LimitExceededException,
        ONLINE_INDEX_LIMIT,
    ),
    (
        "a name in use, even by an LSI",
        {"updates": [_create_action("ByTotal", KeySchema=[])]},
        ValidationException,
        "Attempting to create an index which already exists",
    ),
    (
        "no AttributeDefinitions",
        {"updates": [_create_action()], "definitions": None, "existing": []},
        ValidationException,
        INVALID + "AttributeDefinitions is not specified for index: ByNote",
    ),
    (
        "a key the request does not define",
        {"updates": [_create_action()], "definitions": {"pk": "S"}},
        ValidationException,
        INVALID
        + "Some index key attributes are not defined in AttributeDefinitions. Keys: [note], "
        "AttributeDefinitions: [pk]",
    ),
    (
        "a key redefined with another type",
        {
            "updates": [_create_action(KeySchema=[{"AttributeName": "placed", "KeyType": "HASH"}])],
            "definitions": {"placed": "S"},
        },
        ValidationException,
        INVALID
        + "Attributes cannot be redefined. Please check that your attribute has the same type as previously defined.",
    ),
    (
        "no throughput when provisioned",
        {"updates": [_create_action(ProvisionedThroughput=None)]},
        ValidationException,
        INVALID + "ProvisionedThroughput must be specified for index: ByNote",
    ),
    (
        "throughput on demand",
        {"updates": [_create_action()], "billing_mode": "PAY_PER_REQUEST"},
        ValidationException,
        INVALID
        + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: ByNote when BillingMode is PAY_PER_REQUEST",
    ),
    (
        "GSIs past the quota",
        {"updates": [_create_action()], "max_global": 1},
        LimitExceededException,
        "GlobalSecondaryIndex count exceeds the per-table limit of 1",
    ),
    (
        "deleting a missing index",
        {"updates": [{"Delete": {"IndexName": "Gone"}}]},
        ResourceNotFoundException,
        "Requested resource not found: Index: Gone not found",
    ),
    (
        "deleting an LSI",
        {"updates": [{"Delete": {"IndexName": "ByTotal"}}]},
        ValidationException,
        "Cannot delete an index that is not a GlobalSecondaryIndex: ByTotal",
    ),
    (
        "updating an on-demand GSI",
        {
            "updates": [{"Update": {"IndexName": "ByStatus", "ProvisionedThroughput": THROUGHPUT}}],
            "billing_mode": "PAY_PER_REQUEST",
        },
        ValidationException,
        INVALID
        + "The only Updates for index: ByStatus when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput",
    ),
    (
        "an update without throughput",
        {"updates": [{"Update": {"IndexName": "ByStatus"}}]},
        ValidationException,
        INVALID
        + "Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: ByStatus",
    ),
    (
        "an update to the same units",
        {
            "updates": [
                {
                    "Update": {
                        "IndexName": "ByStatus",
                        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                    }
                }
            ]
        },
        ValidationException,
        "The provisioned throughput for the index ByStatus will not change. The requested value "
        "equals the current value. Current ReadCapacityUnits provisioned for the index: 5. "
        "Requested ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the index: 5. "
        "Requested WriteCapacityUnits: 5. Refer to the Amazon DynamoDB Developer Guide for current "
        "limits and how to request higher limits.",
    ),
    (
        "101 projected attributes with the existing indexes",
        {
            "updates": [
                _create_action(
                    Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]},
                )
            ],
            "existing": [
                IndexSpec(
                    f"Wide{n}",
                    True,
                    "a",
                    "S",
                    None,
                    None,
                    "INCLUDE",
                    tuple(f"a{m}" for m in range(20)),
                )
                for n in range(5)
            ],
        },
        ValidationException,
        INVALID + "Number of projected attributes in all indexes exceeds limit of 100",
    ),
]


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [case[1:] for case in UPDATE_ERRORS],
    ids=[case[0] for case in UPDATE_ERRORS],
)
def test_update_table_index_errors(
    arguments: dict[str, Any], error: type[ServiceError], message: str
) -> None:
    arguments = dict(arguments)
    _raises(error, message, _update, arguments.pop("updates"), **arguments)


def test_table_indexes_plan_knows_what_is_building() -> None:
    world = World(_gsi())
    world.indexes.add_global(_gsi("ByNote", "note", None), [])
    _raises(
        LimitExceededException,
        ONLINE_INDEX_LIMIT,
        world.indexes.plan,
        [{"Delete": {"IndexName": "ByStatus"}}],
        definitions=None,
        billing_mode="PAY_PER_REQUEST",
    )
    world.index("ByNote").activate()
    plan = world.indexes.plan(
        [{"Delete": {"IndexName": "ByStatus"}}], definitions=None, billing_mode="PAY_PER_REQUEST"
    )
    assert plan.delete == "ByStatus"
    world.indexes.set_throughput("ByNote", 3, 4)
    assert world.index("ByNote").spec.read_capacity == 3
