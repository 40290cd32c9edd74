"""SELECT for ExecuteStatement: a Query per partition when the WHERE fixes the partition
key, a full Scan otherwise, with Limit, NextToken, ORDER BY and capacity.

As on DynamoDB, ``Limit`` counts items read, not items that match: the WHERE filters a
page after it is read, so a page may come back short, or empty with a NextToken, and a
Scan costs the whole table however few items match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from emulator import limits
from emulator.services.dynamodb import capacity
from emulator.services.dynamodb.attributes import AttributeValue, Item, item_size, sort_key
from emulator.services.dynamodb.backend import DynamoDBBackend, key_only
from emulator.services.dynamodb.capacity import Consumption
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import compare
from emulator.services.dynamodb.keycondition import Condition as SortCondition
from emulator.services.dynamodb.keycondition import KeyQuery
from emulator.services.dynamodb.partiql import keys
from emulator.services.dynamodb.partiql.ast import Path, Select
from emulator.services.dynamodb.partiql.conditions import Test, compile_condition, names
from emulator.services.dynamodb.partiql.paging import Cursor
from emulator.services.dynamodb.partiql.targets import Target, project, resolve

_NO_WHERE = "Must have WHERE clause in the statement when using ORDER BY clause."
_NO_HASH = (
    "Must have at least one non-optional hash key condition in WHERE clause when using "
    "ORDER BY clause."
)
_HASH_NOT_ORDERED = (
    "Must have hash key in ORDER BY clause when more than one hash key condition specified "
    "in WHERE clause."
)


@dataclass(frozen=True)
class SelectPlan:
    """A validated SELECT: where to read, how to narrow the read, how to shape items."""

    target: Target
    projection: tuple[Path, ...] | None
    test: Test | None
    partitions: list[AttributeValue] | None
    """The partition key values to Query, in reading order; None for a Scan."""
    sort: SortCondition | None
    forward: bool
    fetch: bool
    """A local index reaches back to the table for attributes it does not project."""
    consistent: bool


@dataclass
class PageResult:
    """One page of a SELECT."""

    items: list[Item]
    next: Cursor | None
    last_key: Item | None
    consumption: Consumption
    scanned: int = 0


def plan_select(
    backend: DynamoDBBackend,
    select: Select,
    parameters: Sequence[AttributeValue],
    *,
    consistent: bool,
) -> SelectPlan:
    """Check a SELECT against its table and decide between Query and Scan."""
    target = resolve(backend, select.source, consistent=consistent)
    where = select.where
    test = None if where is None else compile_condition(where, parameters)
    hash_type = target.key_type(target.hash_name)
    found = keys.partitions(where, target.hash_name, parameters)
    partitions = None if found is None else [v for v in found if compare.type_of(v) == hash_type]
    sort = None
    if partitions is not None and target.range_name is not None:
        range_type = target.key_type(target.range_name)
        sort = keys.sort_condition(where, target.range_name, range_type, parameters)
    forward = True
    if select.order:
        forward, partitions = _ordered(select, target, found, partitions)
    fetch = _check_index(target, select, where is not None and found is not None)
    return SelectPlan(target, select.projection, test, partitions, sort, forward, fetch, consistent)


def _ordered(
    select: Select,
    target: Target,
    found: list[AttributeValue] | None,
    partitions: list[AttributeValue] | None,
) -> tuple[bool, list[AttributeValue] | None]:
    """ORDER BY: the direction along the sort key, and the partitions in key order."""
    if select.where is None:
        raise ValidationException(_NO_WHERE)
    directions = {}
    for key in select.order:
        if key.name not in target.key_names:
            raise ValidationException(
                f"Attribute {key.name} in ORDER BY clause must be part of the primary key"
            )
        directions[key.name] = key.descending
    if found is None or partitions is None:
        raise ValidationException(_NO_HASH)
    if len(found) > 1 and target.hash_name not in directions:
        raise ValidationException(_HASH_NOT_ORDERED)
    if target.hash_name in directions:
        partitions = sorted(partitions, key=sort_key, reverse=directions[target.hash_name])
    # Ordering by the partition key alone reads each partition backwards on DynamoDB.
    descending = directions.get(target.range_name or "", True)
    return not descending, partitions


def _check_index(target: Target, select: Select, keyed: bool) -> bool:
    """Refuse what an index cannot serve; True when a local index must reach back."""
    projected = target.projected
    index = target.index
    if index is None or projected is None:
        return False
    wanted = {path.top for path in select.projection or ()}
    missing = sorted(wanted - projected)
    fetch = False
    if missing and index.spec.is_global:
        raise ValidationException(
            "One or more parameter values were invalid: Global secondary index "
            f"{index.spec.name} does not project [{', '.join(missing)}]"
        )
    if missing:
        fetch = True
    unprojected = sorted(names(select.where) - projected)
    if keyed and unprojected:
        raise ValidationException(
            f"One or more parameter values were invalid: Secondary index {index.spec.name} "
            f"does not project one or more filter attributes: [{', '.join(unprojected)}]"
        )
    return fetch


def read_page(
    backend: DynamoDBBackend, plan: SelectPlan, *, limit: int | None, cursor: Cursor
) -> PageResult:
    """Read one page from ``cursor``; the result says where the next page starts."""
    table = plan.target.table
    result = PageResult([], None, None, Consumption(table.name))
    parts: list[AttributeValue | None] = (
        [None] if plan.partitions is None else list(plan.partitions)
    )
    position, start = cursor.partition, cursor.start_key
    while position < len(parts):
        remaining = None if limit is None else limit - result.scanned
        read, last = _read(backend, plan, parts[position], start, remaining, result)
        result.scanned += len(read)
        result.items.extend(
            project(item, plan.projection) for item in read if plan.test is None or plan.test(item)
        )
        if last is not None:
            result.next, result.last_key = Cursor(position, last), last
            break
        position, start = position + 1, None
        if limit is not None and result.scanned >= limit and position < len(parts) and read:
            result.last_key = _key(plan.target, read[-1])
            result.next = Cursor(position, None)
            break
    return result


def _read(
    backend: DynamoDBBackend,
    plan: SelectPlan,
    partition: AttributeValue | None,
    start: Item | None,
    limit: int | None,
    result: PageResult,
) -> tuple[list[Item], Item | None]:
    """One Query (or the Scan): the items read, before the WHERE, and where it stopped."""
    target, consistent = plan.target, plan.consistent
    table, index = target.table, target.index
    query = None if partition is None else KeyQuery(partition, plan.sort, frozenset(), frozenset())
    if index is None:
        if query is None:
            page = backend.scan(table, limit=limit, start_key=start)
        else:
            page = backend.query(table, query, forward=plan.forward, limit=limit, start_key=start)
        units = capacity.query_units((page.read_bytes,), consistent=consistent)
        table.capacity.consume_read(units)
        result.consumption.add(read=units)
        return page.items, page.last_key
    entries = (
        index.scan(start)
        if query is None
        else index.query(query, forward=plan.forward, start_key=start)
    )
    read, last, size = _collect(entries, limit, target)
    units = capacity.read_units(size, consistent=consistent)
    name = index.spec.name
    if index.spec.is_global:
        table.capacity.consume_read(units, name)
        result.consumption.add_global(name, read=units)
    else:
        table.capacity.consume_read(units)
        result.consumption.add_local(name, read=units)
    if plan.fetch:
        read = _reach_back(plan, read, result)
    return [dict(entry) for entry in read], last


def _collect(
    entries: Iterable[tuple[Any, Item]], limit: int | None, target: Target
) -> tuple[list[Item], Item | None, int]:
    """Index entries up to Limit or 1 MB, as a Query or Scan page reads them."""
    assert target.index is not None
    budget = limits.value("dynamodb", "PageSize")
    read: list[Item] = []
    size = 0
    for _, entry in entries:
        read.append(entry)
        size += item_size(entry)
        if (limit is not None and len(read) >= limit) or size >= budget:
            return read, target.index.last_key(entry), size
    return read, None, size


def _reach_back(plan: SelectPlan, read: list[Item], result: PageResult) -> list[Item]:
    """A local index fetches each entry's item from the table, paid on the table."""
    table = plan.target.table
    full = [table.get(table.key_of(entry)) or entry for entry in read]
    units = sum(capacity.read_units(item_size(item), consistent=plan.consistent) for item in full)
    if units:
        table.capacity.consume_read(units)
        result.consumption.add(read=units)
    return full


def _key(target: Target, item: Item) -> Item:
    if target.index is None:
        return key_only(target.table, item)
    return target.index.last_key(item)
