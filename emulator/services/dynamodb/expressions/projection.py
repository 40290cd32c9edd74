"""ProjectionExpression: which attributes, or parts of them, a read returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from emulator.services.dynamodb.attributes import Item
from emulator.services.dynamodb.expressions.issues import raise_first
from emulator.services.dynamodb.expressions.parser import ProjectionParser
from emulator.services.dynamodb.expressions.paths import (
    Elements,
    Tree,
    build_tree,
    clash_message,
    clashes,
    project,
)
from emulator.services.dynamodb.expressions.placeholders import check_expression

LABEL = "ProjectionExpression"


@dataclass(frozen=True, slots=True)
class Projection:
    """A parsed projection; it needs no values, so one object serves every request."""

    paths: tuple[Elements, ...]
    tree: Tree
    used_names: frozenset[str]
    """The ExpressionAttributeNames placeholders this expression used."""

    @property
    def attributes(self) -> frozenset[str]:
        """The top-level attribute names the projection reads."""
        return frozenset(str(path[0]) for path in self.paths)

    def apply(self, item: Item) -> Item:
        """A new item holding only the projected parts, nested as DynamoDB returns them."""
        return project(item, self.tree)


def parse_projection(expression: str, names: Mapping[str, str] | None) -> Projection:
    """Parse and validate a ProjectionExpression, raising AWS's ValidationException.

    Args:
        expression: the ProjectionExpression text.
        names: ExpressionAttributeNames, already checked by ``validate_names``.
    """
    return _projection(expression, tuple(names.items()) if names else ())


@lru_cache(maxsize=1024)
def _projection(expression: str, names: tuple[tuple[str, str], ...]) -> Projection:
    check_expression(LABEL, expression)
    parser = ProjectionParser(LABEL, expression, dict(names))
    paths = [path.elements for path in parser.parse()]
    overlap, conflict = clashes(paths)
    if overlap is not None:
        parser.issues.add(parser.ranks.overlap, clash_message("overlap", overlap))
    if conflict is not None:
        parser.issues.add(parser.ranks.conflict, clash_message("conflict", conflict))
    raise_first(LABEL, parser.issues.found)
    return Projection(tuple(paths), build_tree(paths), frozenset(parser.used_names))
