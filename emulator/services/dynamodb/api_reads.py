"""Query and Scan: key conditions, filters, projections, Select, pages and parallel scans.

A page is read first (up to ``Limit`` items, or 1 MB) and filtered afterwards, as on
DynamoDB: a filter makes the answer smaller, never the read cheaper, which is why
``Count`` can be less than ``ScannedCount`` and a page can come back empty with a
``LastEvaluatedKey``.
"""

from __future__ import annotations

import re
from typing import Any

from emulator import limits
from emulator.errors import NotSupportedByEmulator
from emulator.services.base import require
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb import capacity, keycondition, scaling_hook
from emulator.services.dynamodb.backend import DynamoDBBackend, Page
from emulator.services.dynamodb.capacity import Consumption
from emulator.services.dynamodb.errors import ValidationException, invalid
from emulator.services.dynamodb.expressions import Condition, Projection
from emulator.services.dynamodb.index_specs import CONSISTENT_READ_ON_GSI
from emulator.services.dynamodb.indexes import SecondaryIndex, no_such_index
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.requests import (
    Expressions,
    accept,
    capacity_mode,
    projected,
    with_capacity,
)

_READ = {
    "TableName",
    "Limit",
    "ExclusiveStartKey",
    "Select",
    "ConsistentRead",
    "ProjectionExpression",
    "FilterExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnConsumedCapacity",
}
ACCEPTED = {
    "Query": _READ | {"KeyConditionExpression", "ScanIndexForward", "IndexName"},
    "Scan": _READ | {"Segment", "TotalSegments", "IndexName"},
}
_SELECT = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")
#: botocore's limit on TotalSegments.
MAX_SEGMENTS = 1_000_000


def _select(
    params: dict[str, Any], projection: Projection | None, index: SecondaryIndex | None = None
) -> str:
    select = params.get("Select")
    if select is None:
        if projection is not None:
            return "SPECIFIC_ATTRIBUTES"
        # An index is read for its projected attributes unless asked otherwise.
        return "ALL_PROJECTED_ATTRIBUTES" if index is not None else "ALL_ATTRIBUTES"
    if select not in _SELECT:
        raise ValidationException(
            f"1 validation error detected: Value '{select}' at 'select' failed to satisfy "
            "constraint: Member must satisfy enum value set: "
            "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"
        )
    if projection is not None and select != "SPECIFIC_ATTRIBUTES":
        raise ValidationException(
            f"Cannot specify the ProjectionExpression when choosing to get {select}"
        )
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is None:
        raise ValidationException(
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        )
    if (
        select == "ALL_ATTRIBUTES"
        and index is not None
        and index.spec.is_global
        and index.spec.projection != "ALL"
    ):
        raise invalid(
            f"Select type ALL_ATTRIBUTES is not supported for global secondary index "
            f"{index.spec.name} because its projection type is not ALL"
        )
    return str(select)


def _limit(params: dict[str, Any]) -> int | None:
    limit = params.get("Limit")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    return limit  # type: ignore[no-any-return]


def _answer(
    page: Page,
    params: dict[str, Any],
    select: str,
    found: list[av.Item],
    projection: Projection | None,
) -> dict[str, Any]:
    answer: dict[str, Any] = {"Count": len(found), "ScannedCount": page.scanned}
    if select != "COUNT":
        answer["Items"] = [projected(item, projection) for item in found]
    if page.last_key is not None:
        answer["LastEvaluatedKey"] = page.last_key
    mode = capacity_mode(params)
    if mode != "NONE":
        consumption = Consumption(params["TableName"])
        consumption.add(read=_units(page, params))
        with_capacity(answer, mode, consumption)
    return answer


def _units(page: Page, params: dict[str, Any]) -> float:
    return capacity.query_units((page.read_bytes,), consistent=bool(params.get("ConsistentRead")))


def _filtered(page: Page, condition: Condition | None) -> list[av.Item]:
    if condition is None:
        return page.items
    return [item for item in page.items if condition.evaluate(item)]


def query(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("Query", params, ACCEPTED["Query"])
    require(params, "TableName")
    table = backend.table(params["TableName"])
    if "KeyConditionExpression" not in params:
        raise ValidationException(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified "
            "in the request."
        )
    request = Expressions(params)
    index = _index(backend, table, params)
    if index is None:
        schema = {"HASH": table.hash_key, **({"RANGE": table.range_key} if table.range_key else {})}
        types = table.attribute_types
        key_attributes = set(table.key_names)
    else:
        spec = index.spec
        schema = {"HASH": spec.hash_key, **({"RANGE": spec.range_key} if spec.range_key else {})}
        types = spec.types
        key_attributes = {spec.hash_key, *([spec.range_key] if spec.range_key else [])}
    key_condition = keycondition.parse(
        params["KeyConditionExpression"],
        schema,
        types,
        request.names,
        request.values,
    )
    request.mark(set(key_condition.used_names), set(key_condition.used_values))
    condition = request.condition("FilterExpression", "FilterExpression")
    if condition is not None:
        _no_keys_in_filter(params["FilterExpression"], request, key_attributes)
    projection = request.projection()
    request.finish()
    select = _select(params, projection, index)
    if index is not None:
        entries = index.query(
            key_condition,
            forward=params.get("ScanIndexForward", True),
            start_key=params.get("ExclusiveStartKey"),
        )
        return _index_answer(table, index, entries, params, select, condition, projection)
    page = backend.query(
        table,
        key_condition,
        forward=params.get("ScanIndexForward", True),
        limit=_limit(params),
        start_key=params.get("ExclusiveStartKey"),
    )
    units = _units(page, params)
    table.capacity.consume_read(units)
    scaling_hook.record(backend, table, units, 0.0)
    return _answer(page, params, select, _filtered(page, condition), projection)


def _index(backend: DynamoDBBackend, table: Table, params: dict[str, Any]) -> SecondaryIndex | None:
    """The index a Query or Scan names, ready to read (or None for the table itself)."""
    name = params.get("IndexName")
    if name is None:
        return None
    index = table.indexes.get(name) if table.indexes else None
    if index is None:
        raise no_such_index(name)
    if index.spec.is_global and params.get("ConsistentRead"):
        raise ValidationException(CONSISTENT_READ_ON_GSI)
    index.check_readable()
    table.indexes.settle(backend.cloud.clock.now())
    return index


def _index_answer(
    table: Table,
    index: SecondaryIndex,
    entries: Any,
    params: dict[str, Any],
    select: str,
    condition: Condition | None,
    projection: Projection | None,
) -> dict[str, Any]:
    """One page of an index: entries read up to Limit or 1 MB, then filtered."""
    limit = _limit(params)
    budget = limits.value("dynamodb", "PageSize")
    read: list[av.Item] = []
    size = 0
    last = None
    for _, entry in entries:
        read.append(entry)
        size += av.item_size(entry)
        if (limit is not None and len(read) >= limit) or size >= budget:
            last = index.last_key(entry)
            break
    fetched: list[int] = []
    if select == "ALL_ATTRIBUTES" and index.spec.projection != "ALL":
        # A local index fetches what it does not project from the table, at a cost.
        full = [table.get(table.key_of(entry)) or entry for entry in read]
        fetched = [av.item_size(item) for item in full]
        read = full
    found = [entry for entry in read if condition is None or condition.evaluate(entry)]
    consistent = bool(params.get("ConsistentRead"))
    units = capacity.read_units(size, consistent=consistent) + sum(
        capacity.read_units(one, consistent=consistent) for one in fetched
    )
    if index.spec.is_global:
        table.capacity.consume_read(units, index.spec.name)
    else:
        table.capacity.consume_read(units)
    answer: dict[str, Any] = {"Count": len(found), "ScannedCount": len(read)}
    if select != "COUNT":
        answer["Items"] = [av.copy_item(projected(entry, projection)) for entry in found]
    if last is not None:
        answer["LastEvaluatedKey"] = last
    mode = capacity_mode(params)
    if mode != "NONE":
        consumption = Consumption(params["TableName"])
        if index.spec.is_global:
            consumption.add_global(index.spec.name, read=units)
        else:
            consumption.add_local(index.spec.name, read=units)
        with_capacity(answer, mode, consumption)
    return answer


_PATH_START = re.compile(r"(?<![.\w#:])(#?[A-Za-z_][A-Za-z0-9_]*)(?!\s*\()")
_OPERATORS = {"AND", "OR", "NOT", "BETWEEN", "IN"}


def _no_keys_in_filter(text: str, request: Expressions, keys: set[str]) -> None:
    """A Query's filter may not name a key attribute (the key condition covers them)."""
    named = {
        request.names.get(word, word)
        for word in _PATH_START.findall(text)
        if word.upper() not in _OPERATORS
    }
    clash = sorted(named & keys)
    if clash:
        raise ValidationException(
            "Filter Expression can only contain non-primary key attributes: "
            f"Primary key attribute: {clash[0]}"
        )


def scan(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("Scan", params, ACCEPTED["Scan"])
    require(params, "TableName")
    table = backend.table(params["TableName"])
    request = Expressions(params)
    condition = request.condition("FilterExpression", "FilterExpression")
    projection = request.projection()
    request.finish()
    index = _index(backend, table, params)
    select = _select(params, projection, index)
    if index is not None:
        if params.get("Segment") is not None or params.get("TotalSegments") is not None:
            raise NotSupportedByEmulator("A parallel Scan of a secondary index")
        entries = index.scan(params.get("ExclusiveStartKey"))
        return _index_answer(table, index, entries, params, select, condition, projection)
    page = backend.scan(
        table,
        limit=_limit(params),
        start_key=params.get("ExclusiveStartKey"),
        segment=_segment(params),
    )
    units = _units(page, params)
    table.capacity.consume_read(units)
    scaling_hook.record(backend, table, units, 0.0)
    return _answer(page, params, select, _filtered(page, condition), projection)


def _segment(params: dict[str, Any]) -> tuple[int, int] | None:
    segment, total = params.get("Segment"), params.get("TotalSegments")
    if segment is None and total is None:
        return None
    if segment is None:
        raise ValidationException(
            "The Segment parameter is required but was not present in the request when "
            "parameter TotalSegments is present"
        )
    if total is None:
        # AWS words the two cases differently.
        raise ValidationException(
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present"
        )
    if not isinstance(total, int) or not 1 <= total <= MAX_SEGMENTS:
        raise ValidationException(
            f"1 validation error detected: Value '{total}' at 'totalSegments' failed to "
            f"satisfy constraint: Member must have value less than or equal to {MAX_SEGMENTS}"
        )
    if not isinstance(segment, int) or not 0 <= segment < total:
        raise ValidationException(
            f"The Segment parameter is zero-based and must be less than parameter "
            f"TotalSegments: Segment: {segment} is not less than TotalSegments: {total}"
        )
    return segment, total


OPERATIONS = {"Query": query, "Scan": scan}
