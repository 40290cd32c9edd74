"""Properties over random expressions and items: an answer or a ValidationException,
never another exception, and inputs are never changed."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import (
    parse_condition,
    parse_projection,
    parse_update,
    validate_values,
)

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
NAMES = {"#n": "a", "#m": "b.c"}
KEYS = st.sampled_from(["a", "b", "c", "pk"])

_text = st.text(alphabet="abc😀", max_size=4)
_scalars = st.one_of(
    st.builds(lambda s: {"S": s}, _text),
    st.builds(lambda n: {"N": str(n)}, st.integers(-1000, 1000)),
    st.builds(lambda n: {"N": f"{n}.5"}, st.integers(-10, 10)),
    st.builds(lambda b: {"B": b}, st.binary(max_size=3)),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda s: {"SS": sorted(s)}, st.sets(_text, min_size=1, max_size=3)),
    st.builds(
        lambda s: {"NS": [str(n) for n in sorted(s)]},
        st.sets(st.integers(0, 9), min_size=1, max_size=3),
    ),
    st.builds(
        lambda s: {"BS": sorted(s)},
        st.sets(st.binary(min_size=1, max_size=2), min_size=1, max_size=2),
    ),
)
VALUES = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.builds(lambda items: {"L": items}, st.lists(children, max_size=3)),
        st.builds(lambda entries: {"M": entries}, st.dictionaries(KEYS, children, max_size=3)),
    ),
    max_leaves=8,
)
ITEMS = st.one_of(st.none(), st.dictionaries(KEYS, VALUES, max_size=4))
PLACEHOLDER_VALUES = st.fixed_dictionaries(
    {":v": VALUES, ":w": VALUES, ":n": st.builds(lambda n: {"N": str(n)}, st.integers(-5, 5))}
)

# Token soup: anything the tokenizer can meet, in any order.
SOUP = st.lists(
    st.sampled_from(
        [
            "a",
            "b",
            "c",
            "#n",
            "#m",
            "#zz",
            ":v",
            ":w",
            ":n",
            ":zz",
            "=",
            "<>",
            "<",
            ">=",
            "(",
            ")",
            ",",
            ".",
            "[0]",
            "[1]",
            "AND",
            "OR",
            "NOT",
            "BETWEEN",
            "IN",
            "size",
            "contains",
            "attribute_exists",
            "attribute_type",
            "begins_with",
            "SET",
            "REMOVE",
            "ADD",
            "DELETE",
            "+",
            "-",
            "list_append",
            "if_not_exists",
            "status",
            "1",
            "_x",
            "'",
            "é",
        ]
    ),
    max_size=12,
).map(" ".join)


def _path() -> st.SearchStrategy[str]:
    step = st.one_of(st.sampled_from([".a", ".b", ".#n"]), st.sampled_from(["[0]", "[1]", "[3]"]))
    return st.builds(
        lambda head, tail: head + "".join(tail),
        st.sampled_from(["a", "b", "c", "#n", "#m"]),
        st.lists(step, max_size=2),
    )


PATHS = _path()
OPERANDS = st.one_of(PATHS, st.sampled_from([":v", ":w", ":n"]), PATHS.map(lambda p: f"size({p})"))
COMPARISONS = st.one_of(
    st.builds(
        lambda left, op, right: f"{left} {op} {right}",
        OPERANDS,
        st.sampled_from(["=", "<>", "<", "<=", ">", ">="]),
        OPERANDS,
    ),
    st.builds(lambda s, lo, hi: f"{s} BETWEEN {lo} AND {hi}", OPERANDS, OPERANDS, OPERANDS),
    st.builds(
        lambda s, opts: f"{s} IN ({', '.join(opts)})",
        OPERANDS,
        st.lists(OPERANDS, min_size=1, max_size=3),
    ),
    st.builds(
        lambda f, p: f"{f}({p})",
        st.sampled_from(["attribute_exists", "attribute_not_exists"]),
        PATHS,
    ),
    st.builds(
        lambda f, a, b: f"{f}({a}, {b})",
        st.sampled_from(["begins_with", "contains", "attribute_type"]),
        OPERANDS,
        OPERANDS,
    ),
)
CONDITIONS = st.recursive(
    COMPARISONS,
    lambda inner: st.one_of(
        st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(["AND", "OR"]), inner),
        inner.map(lambda c: f"NOT {c}"),
        inner.map(lambda c: f"({c})"),
    ),
    max_leaves=4,
)
SET_VALUES = st.one_of(
    OPERANDS.filter(lambda o: not o.startswith("size")),
    st.builds(
        lambda a, op, b: f"{a} {op} {b}",
        PATHS,
        st.sampled_from(["+", "-"]),
        st.sampled_from([":n", ":v", "a"]),
    ),
    st.builds(lambda p, v: f"if_not_exists({p}, {v})", PATHS, st.sampled_from([":v", ":n"])),
    st.builds(
        lambda a, b: f"list_append({a}, {b})",
        st.sampled_from([":v", "a", "b"]),
        st.sampled_from([":w", "c"]),
    ),
)
ACTIONS = st.one_of(
    st.builds(lambda p, v: f"SET {p} = {v}", PATHS, SET_VALUES),
    PATHS.map(lambda p: f"REMOVE {p}"),
    st.builds(lambda p, v: f"ADD {p} {v}", PATHS, st.sampled_from([":v", ":w", ":n"])),
    st.builds(lambda p, v: f"DELETE {p} {v}", PATHS, st.sampled_from([":v", ":w"])),
)
UPDATES = st.lists(ACTIONS, min_size=1, max_size=3).map(" ".join)
PROJECTIONS = st.lists(PATHS, min_size=1, max_size=3).map(", ".join)


def _condition_holds_up(expression: str, raw_values: dict[str, Any], item: Any) -> None:
    values = validate_values(raw_values)
    snapshot = copy.deepcopy(item)
    refused: str | None = None
    try:
        condition = parse_condition(expression, NAMES, values, kind="FilterExpression")
    except ValidationException as error:
        refused = error.message
    if refused is not None:
        assert refused.startswith("Invalid FilterExpression: ")
        return
    assert isinstance(condition.evaluate(item), bool)
    assert item == snapshot


def _update_holds_up(expression: str, raw_values: dict[str, Any], item: Any) -> None:
    values = validate_values(raw_values)
    snapshot = copy.deepcopy(item)
    try:
        update = parse_update(expression, NAMES, values)
    except ValidationException:
        return
    try:
        result = update.apply(item, ("pk",))
    except ValidationException:
        assert item == snapshot
        return
    assert item == snapshot
    assert "pk" not in result.attributes
    assert set(result.updated_new()) <= set(result.item)
    assert set(result.updated_old()) <= set(item or {})


@SETTINGS
@given(SOUP, PLACEHOLDER_VALUES, ITEMS)
def test_any_condition_text_parses_or_is_refused(expression: str, values: Any, item: Any) -> None:
    _condition_holds_up(expression, values, item)


@SETTINGS
@given(CONDITIONS, PLACEHOLDER_VALUES, ITEMS)
def test_grammatical_conditions_always_evaluate(expression: str, values: Any, item: Any) -> None:
    _condition_holds_up(expression, values, item)


@SETTINGS
@given(SOUP, PLACEHOLDER_VALUES, ITEMS)
def test_any_update_text_applies_or_is_refused(expression: str, values: Any, item: Any) -> None:
    _update_holds_up(expression, values, item)


@SETTINGS
@given(UPDATES, PLACEHOLDER_VALUES, ITEMS)
def test_grammatical_updates_never_change_their_input(
    expression: str, values: Any, item: Any
) -> None:
    _update_holds_up(expression, values, item)


@SETTINGS
@given(st.one_of(SOUP, PROJECTIONS), st.dictionaries(KEYS, VALUES, max_size=4))
def test_projections_return_part_of_the_item(expression: str, item: Any) -> None:
    snapshot = copy.deepcopy(item)
    try:
        projection = parse_projection(expression, NAMES)
    except ValidationException:
        return
    projected = projection.apply(item)
    assert set(projected) <= set(item)
    assert projected.keys() <= projection.attributes
    assert item == snapshot
