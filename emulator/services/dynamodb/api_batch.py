"""BatchGetItem and BatchWriteItem: many items in one call, not atomic.

Every request in a batch is validated before any is served. Each item then stands alone:
one that its table's capacity cannot serve comes back in ``UnprocessedItems`` (or
``UnprocessedKeys``) for the caller to send again, and the batch fails as a whole only when
none of its items could be served.
"""

from __future__ import annotations

from typing import Any

from emulator import limits
from emulator.services.base import require
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb import capacity
from emulator.services.dynamodb.api_items import Write, plan_delete, plan_put
from emulator.services.dynamodb.backend import DynamoDBBackend, check_not_in_flight, checked_key
from emulator.services.dynamodb.capacity import Consumption
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import Projection
from emulator.services.dynamodb.requests import (
    Expressions,
    accept,
    capacity_mode,
    projected,
    with_capacities,
)

ACCEPTED = {
    "BatchGetItem": {"RequestItems", "ReturnConsumedCapacity"},
    "BatchWriteItem": {"RequestItems", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics"},
}
_GET_ENTRY = {"Keys", "ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames"}
#: What one BatchGetItem answer may carry before the rest is left unprocessed.
RESPONSE_BYTES = 16 * 1024 * 1024
DUPLICATES = "Provided list of item keys contains duplicates"


def _request_items(params: dict[str, Any]) -> dict[str, Any]:
    items = params["RequestItems"]
    if not isinstance(items, dict) or not items:
        raise ValidationException(
            "1 validation error detected: Value null at 'requestItems' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1"
        )
    return items


def batch_write_item(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("BatchWriteItem", params, ACCEPTED["BatchWriteItem"])
    require(params, "RequestItems")
    mode = capacity_mode(params)
    requests = _request_items(params)
    total = sum(len(entries) for entries in requests.values())
    most = int(limits.value("dynamodb", "BatchWriteItems"))
    if total > most:
        raise ValidationException(
            "1 validation error detected: Value at 'requestItems' failed to satisfy "
            f"constraint: Map value must satisfy constraint: [Member must have length less "
            f"than or equal to {most}, Member must have length greater than or equal to 1]"
        )
    plans: list[tuple[str, dict[str, Any], Write]] = []
    for table_name, entries in requests.items():
        seen: set[Any] = set()
        for entry in entries:
            plan = _plan(backend, table_name, entry)
            position = plan.table.key_of(plan.key)
            if position in seen:
                raise ValidationException(DUPLICATES)
            seen.add(position)
            plans.append((table_name, entry, plan))
    unprocessed: dict[str, list[dict[str, Any]]] = {}
    consumed: dict[str, Consumption] = {}
    first_refusal = None
    for table_name, entry, plan in plans:
        units = plan.units
        refusal = plan.table.capacity.write_throttle(units)
        if refusal is not None:
            first_refusal = first_refusal or refusal
            unprocessed.setdefault(table_name, []).append(entry)
            continue
        check_not_in_flight(backend, plan.table, plan.key)
        plan.apply(backend)
        consumed.setdefault(table_name, Consumption(table_name)).add(write=units)
    if first_refusal is not None and not consumed:
        raise first_refusal  # nothing could be written: the whole call is throttled
    answer: dict[str, Any] = {"UnprocessedItems": unprocessed}
    return with_capacities(answer, mode, consumed, always=True)


def _plan(backend: DynamoDBBackend, table_name: str, entry: Any) -> Write:
    kinds = sorted(entry) if isinstance(entry, dict) else []
    if kinds == ["PutRequest"] and (entry["PutRequest"] or {}).get("Item") is not None:
        return plan_put(backend, {"TableName": table_name, "Item": entry["PutRequest"]["Item"]})
    if kinds == ["DeleteRequest"] and (entry["DeleteRequest"] or {}).get("Key") is not None:
        return plan_delete(backend, {"TableName": table_name, "Key": entry["DeleteRequest"]["Key"]})
    raise ValidationException(
        "Each write request of a BatchWriteItem holds exactly one PutRequest (with an Item) "
        f"or one DeleteRequest (with a Key); this one has {kinds or 'neither'}"
    )


def batch_get_item(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("BatchGetItem", params, ACCEPTED["BatchGetItem"])
    require(params, "RequestItems")
    mode = capacity_mode(params)
    requests = _request_items(params)
    total = sum(len((spec or {}).get("Keys") or []) for spec in requests.values())
    if total > limits.value("dynamodb", "BatchGetItems"):
        raise ValidationException("Too many items requested for the BatchGetItem call")
    prepared = []
    for table_name, spec in requests.items():
        extra = sorted(set(spec) - _GET_ENTRY)
        if extra:
            accept("BatchGetItem", {extra[0]: None}, set())
        table = backend.table(table_name)
        request = Expressions(spec)
        projection = request.projection()
        request.finish()
        keys = [checked_key(table, key) for key in spec.get("Keys") or []]
        positions = [table.key_of(key) for key in keys]
        if len(set(positions)) != len(positions):
            raise ValidationException(DUPLICATES)
        prepared.append((table_name, table, spec, keys, positions, projection))
    responses: dict[str, list[av.Item]] = {}
    unprocessed: dict[str, dict[str, Any]] = {}
    consumed: dict[str, Consumption] = {}
    size = 0
    for table_name, table, spec, keys, positions, projection in prepared:
        found = responses.setdefault(table_name, [])
        consistent = bool(spec.get("ConsistentRead"))
        for key, position in zip(keys, positions, strict=True):
            item = table.get(position)
            units = capacity.get_item_units(item, consistent=consistent)
            if size >= RESPONSE_BYTES or table.capacity.read_throttle(units) is not None:
                left = unprocessed.setdefault(table_name, {**spec, "Keys": []})
                left["Keys"].append(key)
                continue
            consumed.setdefault(table_name, Consumption(table_name)).add(read=units)
            if item is not None:
                shown = _shown(item, projection)
                size += av.item_size(shown)
                found.append(shown)
    if prepared and not consumed and unprocessed:
        # Nothing could be read: the whole call is throttled.
        prepared[0][1].capacity.consume_read(capacity.read_units(0))
    answer: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
    return with_capacities(answer, mode, consumed, always=True)


def _shown(item: av.Item, projection: Projection | None) -> av.Item:
    return projected(item, projection)


OPERATIONS = {"BatchGetItem": batch_get_item, "BatchWriteItem": batch_write_item}
