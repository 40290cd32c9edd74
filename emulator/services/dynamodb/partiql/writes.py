"""INSERT, UPDATE, DELETE and EXISTS become the emulator's own planned writes.

Each statement is planned into an ``api_items.Write``: validated, its new item built,
its condition attached, nothing stored. ExecuteStatement, BatchExecuteStatement and
ExecuteTransaction then apply plans the way PutItem, BatchWriteItem and
TransactWriteItems do. The conditions are PartiQL's own:

- INSERT: no item with that key may exist (else DuplicateItem, not a condition failure);
- UPDATE: the item must exist, and the rest of the WHERE must hold;
- DELETE: the rest of the WHERE must hold (deleting a missing item succeeds);
- EXISTS: the item must exist and the rest of the WHERE, which must not be empty, hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.api_items import Write, check_size
from emulator.services.dynamodb.attributes import AttributeValue, Item
from emulator.services.dynamodb.backend import DynamoDBBackend, check_key_values, checked_key
from emulator.services.dynamodb.errors import ValidationException, invalid
from emulator.services.dynamodb.expressions import Condition, UpdateResult
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.partiql import keys, updates, values
from emulator.services.dynamodb.partiql.ast import (
    Delete,
    Exists,
    Expr,
    Insert,
    ReturnChoice,
    Update,
)
from emulator.services.dynamodb.partiql.conditions import Test, compile_condition
from emulator.services.dynamodb.partiql.errors import INCOMPLETE_KEY, NOT_ON_INDEX

Failure = Literal["duplicate", "condition"]
EXISTS_KEY = "EXISTS() must contain a single item read with additional condition"
EXISTS_INDEX = "Operations on indices are not supported in transactions"


@dataclass(frozen=True)
class WritePlan:
    """A planned write, how its failure is reported, and what it returns."""

    write: Write
    failure: Failure
    returning: ReturnChoice | None = None

    @property
    def holds(self) -> bool:
        condition = self.write.condition
        return condition is None or condition.evaluate(self.write.old)

    def returned(self) -> Item | None:
        """The item RETURNING asks for (None when there is nothing to return)."""
        write, choice = self.write, self.returning
        if choice == "ALL OLD":
            return write.old
        if choice == "ALL NEW":
            return write.new
        result = write.update
        if result is None:
            return None
        if choice == "MODIFIED OLD":
            old = write.old or {}
            return {k: v for k, v in result.updated_old().items() if k in old} or None
        if choice == "MODIFIED NEW":
            return result.updated_new() or None
        return None


def _condition(test: Test) -> Condition:
    """A PartiQL test in the shape the write paths evaluate (None is "no item")."""
    return Condition(lambda item, _: test(item), {}, frozenset(), frozenset())


def _rest(parts: Sequence[Expr], parameters: Sequence[AttributeValue]) -> list[Test]:
    return [compile_condition(part, parameters) for part in parts]


def plan_insert(
    backend: DynamoDBBackend,
    statement: Insert,
    parameters: Sequence[AttributeValue],
    on_failure: str,
) -> WritePlan:
    table = backend.table(statement.source.table)
    item = av.validate_item(values.item(statement.item, parameters))
    for name in table.key_names:
        if name not in item:
            raise ValidationException(f"Key attribute should be present in the item: Key {name}")
        if next(iter(item[name])) != table.attribute_types[name]:
            raise ValidationException(
                "Key attribute's data type should match its data type in table's schema: "
                f"Key {name}"
            )
    check_key_values(table, item, item_mode=True)
    check_size(item)
    key = {name: item[name] for name in table.key_names}
    old = table.get(table.key_of(item))
    write = Write(table, key, old, item, _condition(lambda found: not found), on_failure)
    write.check_indexes()
    return WritePlan(write, "duplicate")


def _keyed(
    table: Table, statement: Update | Delete | Exists, parameters: Sequence[AttributeValue]
) -> tuple[Item, list[Test]]:
    where = statement.select.where if isinstance(statement, Exists) else statement.where
    if where is not None:
        compile_condition(where, parameters)  # every part is checked, the key's too
    found = keys.key_of(where, table.key_names, table.attribute_types, parameters)
    return checked_key(table, found.key), _rest(found.rest, parameters)


def plan_update(
    backend: DynamoDBBackend,
    statement: Update,
    parameters: Sequence[AttributeValue],
    on_failure: str,
    text: str,
) -> WritePlan:
    if statement.source.index is not None:
        raise ValidationException(NOT_ON_INDEX)
    table = backend.table(statement.source.table)
    key, rest = _keyed(table, statement, parameters)
    update = updates.translate(text, statement.actions, parameters)
    for path in update.paths:
        if path[0] in table.key_names:
            raise invalid(f"Cannot update attribute {path[0]}. This attribute is part of the key")

    def holds(item: Item) -> bool:
        return bool(item) and all(test(item) for test in rest)

    condition = _condition(holds)
    old = table.get(table.key_of(key))
    if old is None or not holds(old):
        # The condition fails before the update is worked out, as on DynamoDB: an update
        # of a missing item is a condition failure, not an error about its attributes.
        write = Write(table, key, old, old or dict(key), condition, on_failure)
        return WritePlan(write, "condition", statement.returning)
    result: UpdateResult = update.apply(old, table.key_names)
    check_size(result.item)
    write = Write(table, key, old, result.item, condition, on_failure, result)
    write.check_indexes()
    return WritePlan(write, "condition", statement.returning)


def plan_delete(
    backend: DynamoDBBackend,
    statement: Delete,
    parameters: Sequence[AttributeValue],
    on_failure: str,
) -> WritePlan:
    if statement.returning not in (None, "ALL OLD"):
        raise ValidationException(
            f"Invalid returning clause: RETURNING {statement.returning} *. "
            "Only RETURNING ALL OLD * is allowed in DELETE statements."
        )
    if statement.source.index is not None:
        raise ValidationException(NOT_ON_INDEX)
    table = backend.table(statement.source.table)
    key, rest = _keyed(table, statement, parameters)
    condition = _condition(lambda item: all(test(item) for test in rest)) if rest else None
    old = table.get(table.key_of(key))
    write = Write(table, key, old, None, condition, on_failure)
    write.check_indexes()
    return WritePlan(write, "condition", statement.returning)


def plan_exists(
    backend: DynamoDBBackend,
    statement: Exists,
    parameters: Sequence[AttributeValue],
    on_failure: str,
) -> WritePlan:
    """A transaction's condition check: nothing is written."""
    if statement.select.source.index is not None:
        raise ValidationException(EXISTS_INDEX)
    table = backend.table(statement.select.source.table)
    try:
        key, rest = _keyed(table, statement, parameters)
    except ValidationException as error:
        if error.message != INCOMPLETE_KEY:
            raise
        raise ValidationException(EXISTS_KEY) from None
    if not rest:
        raise ValidationException(EXISTS_KEY)
    old = table.get(table.key_of(key))
    condition = _condition(lambda item: bool(item) and all(test(item) for test in rest))
    write = Write(table, key, old, old, condition, on_failure, stores=False)
    return WritePlan(write, "condition")
