"""What a SELECT reads from: a table, or one of its secondary indexes.

Resolving a source checks the index the way ExecuteStatement does (its messages differ
from Query's: no index name, and its own wording for consistent reads of a GSI), and
knows which attributes an index holds, which decides what a SELECT may name.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.services.dynamodb.attributes import AttributeValue, Item, copy_item, copy_value
from emulator.services.dynamodb.backend import DynamoDBBackend
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions.paths import get
from emulator.services.dynamodb.indexes import SecondaryIndex
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.partiql.ast import Path, Source
from emulator.services.dynamodb.partiql.errors import CONSISTENT_READ_ON_GSI, NO_SUCH_INDEX


@dataclass(frozen=True)
class Target:
    """A table, or a table and the index a SELECT names after it."""

    table: Table
    index: SecondaryIndex | None = None

    @property
    def hash_name(self) -> str:
        return self.table.hash_key if self.index is None else self.index.spec.hash_key

    @property
    def range_name(self) -> str | None:
        return self.table.range_key if self.index is None else self.index.spec.range_key

    @property
    def key_names(self) -> tuple[str, ...]:
        if self.range_name is None:
            return (self.hash_name,)
        return (self.hash_name, self.range_name)

    def key_type(self, name: str) -> str:
        if self.index is not None and name in self.index.spec.types:
            return self.index.spec.types[name]
        return self.table.attribute_types[name]

    @property
    def projected(self) -> frozenset[str] | None:
        """The attributes every entry of the index holds; None when it holds them all."""
        if self.index is None or self.index.spec.projection == "ALL":
            return None
        spec = self.index.spec
        return frozenset((*self.table.key_names, *spec.keys, *spec.non_key))


def resolve(backend: DynamoDBBackend, source: Source, *, consistent: bool) -> Target:
    """The table (and index) a statement names, ready to read."""
    table = backend.table(source.table)
    if source.index is None:
        return Target(table)
    index = table.indexes.get(source.index) if table.indexes else None
    if index is None:
        raise ValidationException(NO_SUCH_INDEX)
    if index.spec.is_global and consistent:
        raise ValidationException(CONSISTENT_READ_ON_GSI)
    index.check_readable()
    table.indexes.settle(backend.cloud.clock.now())
    return Target(table, index)


def project(item: Item, projection: tuple[Path, ...] | None) -> Item:
    """A SELECT's answer for one item: every attribute for ``*``, else each path that
    exists, under its label (``SELECT a.b`` answers ``{"b": ...}``)."""
    if projection is None:
        return copy_item(item)
    shaped: Item = {}
    for path in projection:
        value: AttributeValue | None = get(item, path.elements)
        if value is not None:
            shaped[path.label] = copy_value(value)
    return shaped
