"""SELECT inside BatchExecuteStatement and ExecuteTransaction: one item by its full key.

Those operations read items the way BatchGetItem and TransactGetItems do, so a SELECT
there must name the whole primary key with ``=`` and nothing else, and may not read an
index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from emulator.services.dynamodb.attributes import AttributeValue, Item
from emulator.services.dynamodb.backend import DynamoDBBackend, checked_key
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import compare
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.partiql import keys
from emulator.services.dynamodb.partiql.ast import Path, Select
from emulator.services.dynamodb.partiql.conditions import compile_condition
from emulator.services.dynamodb.partiql.targets import project

Surface = Literal["BatchExecuteStatement", "ExecuteTransaction"]
INDEX_IN_TRANSACTION = "Reads on indices are not supported within transactions."


@dataclass(frozen=True)
class GetPlan:
    """One item to read, and how to shape it."""

    table: Table
    key: Item
    projection: tuple[Path, ...] | None

    def shaped(self, item: Item | None) -> Item | None:
        return None if item is None else project(item, self.projection)


def plan_get(
    backend: DynamoDBBackend,
    select: Select,
    parameters: Sequence[AttributeValue],
    surface: Surface,
) -> GetPlan:
    """Check that a SELECT names exactly one item.

    Raises:
        ValidationException: in the words ``surface`` uses for a SELECT it cannot serve.
    """
    refusal = ValidationException(
        f"Select statements within {surface} must specify the primary key in the where clause."
    )
    if select.source.index is not None:
        if surface == "ExecuteTransaction":
            raise ValidationException(INDEX_IN_TRANSACTION)
        raise refusal
    table = backend.table(select.source.table)
    if select.where is not None:
        compile_condition(select.where, parameters)
    key: Item = {}
    for part in keys.conjuncts(select.where):
        pair = keys.equality(part, parameters)
        if pair is None or pair[0] not in table.key_names or pair[0] in key:
            raise refusal
        key[pair[0]] = pair[1]
    if set(key) != set(table.key_names) or select.order:
        raise refusal
    for name, value in key.items():
        if compare.type_of(value) != table.attribute_types[name]:
            raise ValidationException(
                "Key attribute's data type should match its data type in table's schema: "
                f"Key {name}"
            )
    return GetPlan(table, checked_key(table, key), select.projection)
