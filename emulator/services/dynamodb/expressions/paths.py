"""Document paths: reading values, spotting overlaps and projecting items.

A path is a tuple of elements: the first is a top-level attribute name, the rest are
map keys (str) or list indexes (int). ``("a", "b", 2)`` is ``a.b[2]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from emulator.services.dynamodb.attributes import AttributeValue, Item, copy_value
from emulator.services.dynamodb.expressions.ast import Element

Elements: TypeAlias = tuple[Element, ...]
Tree: TypeAlias = dict[Element, Any]
"""A projection tree: each key maps to a subtree, or to None to take the whole value."""

Pair: TypeAlias = tuple[Elements, Elements]


def display(elements: Elements) -> str:
    """A path as AWS prints it in messages: ``[a, b, [2]]``."""
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in elements) + "]"


def get(item: Item, elements: Elements) -> AttributeValue | None:
    """The value at a path, or None when any step is missing or of the wrong type."""
    value = item.get(elements[0])  # type: ignore[arg-type]
    for index in range(1, len(elements)):
        if value is None:
            return None
        element = elements[index]
        if isinstance(element, int):
            inner = value.get("L")
            if inner is None or element >= len(inner):
                return None
            value = inner[element]
        else:
            inner = value.get("M")
            if inner is None:
                return None
            value = inner.get(element)
    return value


def parent_accepts(item: Item, elements: Elements) -> bool:
    """Whether an update may write at this path: its parent exists and is a map (for a
    key) or a list (for an index). Top-level attributes can always be written."""
    if len(elements) == 1:
        return True
    parent = get(item, elements[:-1])
    if parent is None:
        return False
    return ("L" if isinstance(elements[-1], int) else "M") in parent


def clashes(paths: Sequence[Elements]) -> tuple[Pair | None, Pair | None]:
    """The first pair of paths that overlap (one contains the other) and the first pair
    that conflict (one indexes a list where the other names a map key), earlier first."""
    overlap: Pair | None = None
    conflict: Pair | None = None
    for later_index, later in enumerate(paths):
        for earlier in paths[:later_index]:
            kind = _clash(earlier, later)
            if kind == "overlap" and overlap is None:
                overlap = (earlier, later)
            elif kind == "conflict" and conflict is None:
                conflict = (earlier, later)
    return overlap, conflict


def _clash(one: Elements, two: Elements) -> str | None:
    for first, second in zip(one, two, strict=False):
        if isinstance(first, int) is not isinstance(second, int):
            return "conflict"
        if first != second:
            return None
    return "overlap"


def clash_message(kind: str, pair: Pair) -> str:
    return (
        f"Two document paths {kind} with each other; must remove or rewrite one of these "
        f"paths; path one: {display(pair[0])}, path two: {display(pair[1])}"
    )


def build_tree(paths: Sequence[Elements]) -> Tree:
    """A projection tree from paths known not to overlap or conflict."""
    root: Tree = {}
    for elements in paths:
        node = root
        for element in elements[:-1]:
            node = node.setdefault(element, {})
        node[elements[-1]] = None
    return root


def project(item: Item, tree: Tree) -> Item:
    """The parts of ``item`` that ``tree`` names, nested the way DynamoDB returns them:
    maps keep their keys, lists keep the chosen elements in index order."""
    result: Item = {}
    for name, subtree in tree.items():
        value = item.get(name)  # type: ignore[arg-type]
        if value is None:
            continue
        picked = copy_value(value) if subtree is None else _project(value, subtree)
        if picked is not None:
            result[name] = picked  # type: ignore[index]
    return result


def _project(value: AttributeValue, tree: Tree) -> AttributeValue | None:
    if isinstance(next(iter(tree)), int):
        items = value.get("L")
        if items is None:
            return None
        chosen = []
        for index in sorted(key for key in tree if isinstance(key, int)):
            if index < len(items):
                subtree = tree[index]
                picked = (
                    copy_value(items[index]) if subtree is None else _project(items[index], subtree)
                )
                if picked is not None:
                    chosen.append(picked)
        return {"L": chosen} if chosen else None
    entries = value.get("M")
    if entries is None:
        return None
    kept = {}
    for key, subtree in tree.items():
        inner = entries.get(key)
        if inner is None:
            continue
        picked = copy_value(inner) if subtree is None else _project(inner, subtree)
        if picked is not None:
            kept[key] = picked
    return {"M": kept} if kept else None
