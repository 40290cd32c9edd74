"""UpdateExpression: parse once, bind values, then apply to an item without touching it.

``Update.apply`` first checks everything that can fail (key attributes, document paths,
operand types), computing every new value from the item as it was, and only then builds
the new item. An update therefore never half-applies, and the input item is never
changed: the result shares untouched attribute values with it, and copies the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache

from emulator.services.dynamodb.attributes import AttributeValue, Item, copy_value
from emulator.services.dynamodb.errors import ValidationException, invalid
from emulator.services.dynamodb.expressions import compare
from emulator.services.dynamodb.expressions.ast import Action, Arith, Call, Operand, Path, Value
from emulator.services.dynamodb.expressions.issues import UPDATE
from emulator.services.dynamodb.expressions.paths import (
    Elements,
    Tree,
    build_tree,
    get,
    parent_accepts,
    project,
)
from emulator.services.dynamodb.expressions.placeholders import check_expression
from emulator.services.dynamodb.expressions.update_parser import UpdateParser
from emulator.services.dynamodb.expressions.update_rules import UpdateChecker
from emulator.services.dynamodb.expressions.validate import Template, Values

LABEL = "UpdateExpression"
Reader = Callable[[Item, Values], AttributeValue]


@dataclass(frozen=True, slots=True)
class _Step:
    kind: str
    elements: Elements
    compute: Reader | None  # SET
    value: str | None  # ADD and DELETE: the placeholder of their operand


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """The item after an update, with what ReturnValues needs."""

    item: Item
    """The new item."""
    previous: Item | None
    """The item before the update (None when there was none); never modified."""
    paths: tuple[Elements, ...]
    """Every document path the update wrote or removed, in expression order."""
    tree: Tree

    @property
    def attributes(self) -> frozenset[str]:
        """Top-level names of the attributes the update touched."""
        return frozenset(str(path[0]) for path in self.paths)

    def updated_old(self) -> Item:
        """ReturnValues=UPDATED_OLD: the updated paths as they were, nested like a
        projection of those paths (a nested SET returns its enclosing maps, not the
        whole top-level attribute)."""
        return project(self.previous or {}, self.tree)

    def updated_new(self) -> Item:
        """ReturnValues=UPDATED_NEW: the updated paths as they are now."""
        return project(self.item, self.tree)


@dataclass(frozen=True, slots=True)
class Update:
    """An update with its values bound, ready to apply."""

    steps: tuple[_Step, ...]
    values: Values
    paths: tuple[Elements, ...]
    tree: Tree
    used_names: frozenset[str]
    """The ExpressionAttributeNames placeholders this expression used."""
    used_values: frozenset[str]
    """The ExpressionAttributeValues placeholders this expression used."""

    def apply(self, item: Item | None, key_names: Collection[str] = ()) -> UpdateResult:
        """The item this update makes of ``item`` (None: no item yet).

        Args:
            item: the current item, left unchanged.
            key_names: the table's key attributes, which no action may touch.

        Raises:
            ValidationException: worded as DynamoDB words it; nothing was applied.
        """
        for step in self.steps:
            if step.elements[0] in key_names:
                raise invalid(
                    f"Cannot update attribute {step.elements[0]}. This attribute is part of the key"
                )
        old = item if item is not None else {}
        for step in self.steps:
            if not parent_accepts(old, step.elements):
                raise ValidationException(
                    "The document path provided in the update expression is invalid for update"
                )
        writes: list[tuple[Elements, AttributeValue | None]] = []
        for step in self.steps:
            if step.compute is not None:
                writes.append((step.elements, copy_value(step.compute(old, self.values))))
            elif step.kind == "REMOVE":
                writes.append((step.elements, None))
            elif step.kind == "ADD":
                operand = self.values[step.value]  # type: ignore[index]
                writes.append((step.elements, _add(get(old, step.elements), operand)))
            else:
                current = get(old, step.elements)
                if current is not None:
                    removed = self.values[step.value]  # type: ignore[index]
                    writes.append((step.elements, _delete(current, removed)))
        return UpdateResult(_write(old, writes), item, self.paths, self.tree)


def parse_update(
    expression: str,
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
) -> Update:
    """Parse, validate and bind an UpdateExpression, raising AWS's ValidationException.

    Args:
        expression: the UpdateExpression text.
        names: ExpressionAttributeNames, already checked by ``validate_names``.
        values: ExpressionAttributeValues, already checked by ``validate_values``.
    """
    template, steps, paths, tree = _template(expression, tuple(names.items()) if names else ())
    bound = values if values is not None else {}
    template.check(bound)
    return Update(steps, bound, paths, tree, template.used_names, template.value_names)


@lru_cache(maxsize=1024)
def _template(
    expression: str, names: tuple[tuple[str, str], ...]
) -> tuple[Template, tuple[_Step, ...], tuple[Elements, ...], Tree]:
    check_expression(LABEL, expression)
    parser = UpdateParser(LABEL, expression, dict(names))
    actions = parser.parse()
    checker = UpdateChecker(parser.issues, UPDATE)
    checker.actions(actions)
    checker.finish()
    template = Template.of(LABEL, parser, checker)
    if template.issues:
        return template, (), (), {}
    paths = tuple(action.path.elements for action in actions)
    return template, tuple(_step(action) for action in actions), paths, build_tree(paths)


def _step(action: Action) -> _Step:
    if action.kind == "SET":
        assert action.value is not None
        return _Step("SET", action.path.elements, _reader(action.value), None)
    name = action.value.name if isinstance(action.value, Value) else None
    return _Step(action.kind, action.path.elements, None, name)


def _missing() -> ValidationException:
    return ValidationException(
        "The provided expression refers to an attribute that does not exist in the item"
    )


def _wrong_type() -> ValidationException:
    return ValidationException("An operand in the update expression has an incorrect data type")


def _reader(operand: Operand) -> Reader:
    """A SET value as a function of the old item; a missing path is an error."""
    if isinstance(operand, Value):
        name = operand.name
        return lambda item, values: values[name]
    if isinstance(operand, Path):
        elements = operand.elements

        def read(item: Item, values: Values) -> AttributeValue:
            value = get(item, elements)
            if value is None:
                raise _missing()
            return value

        return read
    if isinstance(operand, Arith):
        left, right, op = _reader(operand.left), _reader(operand.right), operand.op

        def arithmetic(item: Item, values: Values) -> AttributeValue:
            one, two = left(item, values), right(item, values)
            if "N" not in one or "N" not in two:
                raise _wrong_type()
            return compare.arithmetic(op, one["N"], two["N"])

        return arithmetic
    return _function(operand)


def _function(call: Call) -> Reader:
    if call.name == "if_not_exists":
        path = call.args[0]
        assert isinstance(path, Path)
        elements, fallback = path.elements, _reader(call.args[1])

        def if_not_exists(item: Item, values: Values) -> AttributeValue:
            value = get(item, elements)
            return fallback(item, values) if value is None else value

        return if_not_exists
    first, second = _reader(call.args[0]), _reader(call.args[1])

    def list_append(item: Item, values: Values) -> AttributeValue:
        one, two = first(item, values), second(item, values)
        if "L" not in one or "L" not in two:
            raise _wrong_type()
        return {"L": [*one["L"], *two["L"]]}

    return list_append


def _add(current: AttributeValue | None, operand: AttributeValue) -> AttributeValue:
    if current is None:
        return copy_value(operand)
    kind = compare.type_of(operand)
    if kind != compare.type_of(current):
        raise _wrong_type()
    if kind == "N":
        return compare.arithmetic("+", current["N"], operand["N"])
    return {kind: compare.union(kind, current[kind], operand[kind])}


def _delete(current: AttributeValue, operand: AttributeValue) -> AttributeValue | None:
    kind = compare.type_of(operand)
    if kind != compare.type_of(current):
        raise _wrong_type()
    remaining = compare.difference(kind, current[kind], operand[kind])
    return {kind: remaining} if remaining else None  # DynamoDB never keeps an empty set


def _write(old: Item, writes: list[tuple[Elements, AttributeValue | None]]) -> Item:
    """Build the new item from computed writes (None removes the path)."""
    new = dict(old)
    copied: set[str] = set()
    for elements, _ in writes:
        top = str(elements[0])
        if len(elements) > 1 and top not in copied:
            copied.add(top)
            new[top] = copy_value(new[top])  # nested writes change only this copy
    appends: dict[int, tuple[list[AttributeValue], list[tuple[int, AttributeValue]]]] = {}
    removals: list[tuple[int, int, int, list[AttributeValue]]] = []
    for elements, value in writes:
        last = elements[-1]
        if len(elements) == 1:
            if value is None:
                new.pop(str(last), None)
            else:
                new[str(last)] = value
            continue
        parent = get(new, elements[:-1])
        assert parent is not None  # checked by parent_accepts before any write
        if isinstance(last, int):
            items = parent["L"]
            if value is None:
                removals.append((len(elements), last, len(items), items))
            elif last < len(items):
                items[last] = value
            else:
                appends.setdefault(id(items), (items, []))[1].append((last, value))
        elif value is None:
            parent["M"].pop(last, None)
        else:
            parent["M"][last] = value
    # Indexes past the end append, in index order; removals use the original indexes,
    # so they run last, deepest and highest first, and nothing shifts under them.
    for items, pending in appends.values():
        items.extend(value for _, value in sorted(pending, key=lambda entry: entry[0]))
    for _, index, length, items in sorted(removals, key=lambda r: (-r[0], -r[1])):
        if index < length:
            del items[index]
    return new
