"""PutItem, GetItem, UpdateItem and DeleteItem: conditions, return values, capacity.

The order of each write follows DynamoDB: the request is validated (expressions,
placeholders, key, item size) before anything else; then the table admits the write or
throttles it; a failed condition still consumes capacity; only then is the item stored.
Nothing is stored half-way: the new item is complete before the table sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator import limits
from emulator.services.base import require
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb import capacity, scaling_hook
from emulator.services.dynamodb.attributes import Item
from emulator.services.dynamodb.backend import (
    DynamoDBBackend,
    check_key_values,
    check_not_in_flight,
    checked_key,
)
from emulator.services.dynamodb.capacity import Consumption
from emulator.services.dynamodb.errors import ConditionalCheckFailedException, ValidationException
from emulator.services.dynamodb.expressions import Condition, UpdateResult
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.requests import (
    Expressions,
    accept,
    capacity_mode,
    on_condition_failure,
    projected,
    return_values,
    with_capacity,
)

_WRITE = {
    "TableName",
    "ConditionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValues",
    "ReturnConsumedCapacity",
    "ReturnItemCollectionMetrics",
    "ReturnValuesOnConditionCheckFailure",
}
ACCEPTED = {
    "PutItem": _WRITE | {"Item"},
    "DeleteItem": _WRITE | {"Key"},
    "UpdateItem": _WRITE | {"Key", "UpdateExpression"},
    "GetItem": {
        "TableName",
        "Key",
        "ConsistentRead",
        "ProjectionExpression",
        "ExpressionAttributeNames",
        "ReturnConsumedCapacity",
    },
}
CONDITION_FAILED = "The conditional request failed"


def check_size(item: Item) -> None:
    if av.item_size(item) > limits.value("dynamodb", "ItemSize"):
        raise ValidationException("Item size has exceeded the maximum allowed size")


def check_condition(condition: Condition | None, old: Item | None, on_failure: str) -> None:
    """Raise ConditionalCheckFailedException (with the item when asked) if the test fails."""
    if condition is None or condition.evaluate(old):
        return
    extra = {"Item": old} if on_failure == "ALL_OLD" and old is not None else {}
    raise ConditionalCheckFailedException(CONDITION_FAILED, **extra)


@dataclass
class Write:
    """One planned write: validated, its condition parsed, the new item built, not applied.

    ``new`` is None for a delete; for a ConditionCheck it is the current item.
    """

    table: Table
    key: Item
    old: Item | None
    new: Item | None
    condition: Condition | None
    on_failure: str
    update: UpdateResult | None = None
    stores: bool = True

    @property
    def units(self) -> float:
        return capacity.write_item_units(self.old, self.new)

    def index_units(self, *, transactional: bool = False) -> tuple[float, dict[str, float]]:
        """Write units on local indexes (paid by the table) and on each global index."""
        indexes = self.table.indexes
        if not indexes or not self.stores:
            return 0.0, {}
        keys = self.table.key_names
        local = 0.0
        global_units: dict[str, float] = {}
        for index in indexes:
            units = capacity.index_write_units(
                self.old, self.new, keys, index.spec, transactional=transactional
            )
            if index.spec.is_global:
                if units:
                    global_units[index.spec.name] = units
            else:
                local += units
        return local, global_units

    def check_indexes(self) -> None:
        """Index keys of the right type and size, and LSI item collections within 10 GB."""
        indexes = self.table.indexes
        if not indexes or not self.stores:
            return
        if self.new is not None:
            indexes.check_write(self.new)
        if indexes.local_indexes:
            indexes.check_collection(self.old, self.new)

    def apply(self, backend: DynamoDBBackend) -> None:
        if not self.stores:
            return
        if self.new is None:
            if self.old is not None:
                backend.remove(self.table, self.key)
        else:
            backend.write(self.table, self.new, self.old)


def _checked(plan: Write) -> Write:
    plan.check_indexes()
    return plan


def plan_put(backend: DynamoDBBackend, spec: dict[str, Any]) -> Write:
    table = backend.table(spec["TableName"])
    request = Expressions(spec)
    condition = request.condition()
    request.finish()
    item = av.validate_item(spec["Item"])
    check_key_values(table, item, item_mode=True)
    check_size(item)
    key = {name: item[name] for name in table.key_names}
    old = table.get(table.key_of(item))
    return _checked(Write(table, key, old, item, condition, on_condition_failure(spec)))


def plan_delete(backend: DynamoDBBackend, spec: dict[str, Any]) -> Write:
    table = backend.table(spec["TableName"])
    request = Expressions(spec)
    condition = request.condition()
    request.finish()
    key = checked_key(table, spec["Key"])
    old = table.get(table.key_of(key))
    return _checked(Write(table, key, old, None, condition, on_condition_failure(spec)))


def plan_update(backend: DynamoDBBackend, spec: dict[str, Any]) -> Write:
    table = backend.table(spec["TableName"])
    request = Expressions(spec)
    update = request.update()
    condition = request.condition()
    request.finish()
    key = checked_key(table, spec["Key"])
    old = table.get(table.key_of(key))
    result = None
    if update is None:
        # An UpdateItem without an expression creates the item from its key alone.
        new = old if old is not None else dict(key)
    else:
        result = update.apply(old if old is not None else dict(key), table.key_names)
        new = result.item
    check_size(new)
    return _checked(Write(table, key, old, new, condition, on_condition_failure(spec), result))


def plan_check(backend: DynamoDBBackend, spec: dict[str, Any]) -> Write:
    """A transaction's ConditionCheck: a condition on an item, nothing written."""
    table = backend.table(spec["TableName"])
    request = Expressions(spec)
    condition = request.condition()
    request.finish()
    key = checked_key(table, spec["Key"])
    old = table.get(table.key_of(key))
    return Write(table, key, old, old, condition, on_condition_failure(spec), stores=False)


def _write(
    backend: DynamoDBBackend, params: dict[str, Any], plan: Write, choice: str
) -> dict[str, Any]:
    mode = capacity_mode(params)
    units = plan.units
    local, global_units = plan.index_units()
    check_not_in_flight(backend, plan.table, plan.key)
    plan.table.capacity.consume_write(units + local, global_units)
    scaling_hook.record(backend, plan.table, 0.0, units + local)
    check_condition(plan.condition, plan.old, plan.on_failure)
    plan.apply(backend)
    answer: dict[str, Any] = {}
    attributes = _returned(plan, choice)
    if attributes:
        answer["Attributes"] = attributes
    if mode == "NONE":
        return answer
    consumption = Consumption(params["TableName"])
    consumption.add(write=units)
    for index in plan.table.indexes or ():
        name = index.spec.name
        if index.spec.is_global and name in global_units:
            consumption.add_global(name, write=global_units[name])
        elif not index.spec.is_global and local:
            consumption.add_local(
                name,
                write=capacity.index_write_units(
                    plan.old, plan.new, plan.table.key_names, index.spec
                ),
            )
    return with_capacity(answer, mode, consumption)


def _returned(plan: Write, choice: str) -> Item | None:
    if choice == "ALL_OLD":
        return plan.old
    if choice == "ALL_NEW":
        return plan.new
    result = plan.update
    if choice == "UPDATED_OLD" and result is not None and plan.old is not None:
        return _only_old(result.updated_old(), plan.old)
    if choice == "UPDATED_NEW" and result is not None:
        return result.updated_new()
    return None


def put_item(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("PutItem", params, ACCEPTED["PutItem"])
    require(params, "TableName", "Item")
    choice = return_values(params, ("NONE", "ALL_OLD"))
    return _write(backend, params, plan_put(backend, params), choice)


def delete_item(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("DeleteItem", params, ACCEPTED["DeleteItem"])
    require(params, "TableName", "Key")
    choice = return_values(params, ("NONE", "ALL_OLD"))
    return _write(backend, params, plan_delete(backend, params), choice)


def update_item(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("UpdateItem", params, ACCEPTED["UpdateItem"])
    require(params, "TableName", "Key")
    choice = return_values(params, ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"))
    return _write(backend, params, plan_update(backend, params), choice)


def _only_old(updated: Item, old: Item) -> Item:
    """UPDATED_OLD names only attributes the item had before the update."""
    return {name: value for name, value in updated.items() if name in old}


def get_item(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("GetItem", params, ACCEPTED["GetItem"])
    require(params, "TableName", "Key")
    mode = capacity_mode(params)
    consistent = bool(params.get("ConsistentRead", False))
    table = backend.table(params["TableName"])
    request = Expressions(params)
    projection = request.projection()
    request.finish()
    key = checked_key(table, params["Key"])
    item = table.get(table.key_of(key))
    units = capacity.get_item_units(item, consistent=consistent)
    table.capacity.consume_read(units)
    scaling_hook.record(backend, table, units, 0.0)
    answer: dict[str, Any] = {}
    if item is not None:
        answer["Item"] = projected(item, projection)
    return _consumed(answer, mode, params["TableName"], read=units)


def _consumed(
    answer: dict[str, Any], mode: str, table_name: str, *, read: float = 0.0, write: float = 0.0
) -> dict[str, Any]:
    if mode == "NONE":
        return answer
    consumption = Consumption(table_name)
    consumption.add(read, write)
    return with_capacity(answer, mode, consumption)


OPERATIONS = {
    "PutItem": put_item,
    "GetItem": get_item,
    "UpdateItem": update_item,
    "DeleteItem": delete_item,
}
