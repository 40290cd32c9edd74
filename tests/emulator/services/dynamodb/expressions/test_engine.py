"""Engine behaviour the data files cannot show: limits, caching, bookkeeping, immutability."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from emulator.errors import NotSupportedByEmulator
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import (
    parse_condition,
    parse_projection,
    parse_update,
)


def _message(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ValidationException) as caught:
        call(*args, **kwargs)
    return caught.value.message


def _numbers(count: int) -> dict[str, dict[str, str]]:
    return {f":v{i}": {"N": str(i)} for i in range(count)}


def test_in_takes_up_to_one_hundred_values() -> None:
    """AWS Developer Guide, comparison operator reference: the IN list holds up to 100."""
    values = _numbers(100)
    condition = parse_condition(f"a IN ({', '.join(values)})", None, values)
    assert condition.evaluate({"a": {"N": "74"}})
    assert not condition.evaluate({"a": {"N": "174"}})
    values = _numbers(101)
    message = _message(parse_condition, f"a IN ({', '.join(values)})", None, values)
    assert message == (
        "Invalid ConditionExpression: The IN operator is provided with too many operands; "
        "number of operands: 101"
    )


def test_at_most_three_hundred_operators() -> None:
    values = {":v": {"N": "1"}}
    fits = " AND ".join(["a = :v"] * 150)  # 150 comparisons and 149 ANDs
    assert parse_condition(fits, None, values, kind="FilterExpression").evaluate({"a": {"N": "1"}})
    too_many = " AND ".join(["a = :v"] * 151)
    assert _message(parse_condition, too_many, None, values, kind="FilterExpression") == (
        "Invalid FilterExpression: The expression contains too many operators; operator count: 301"
    )


def test_one_parse_serves_many_values() -> None:
    item = {"a": {"N": "5"}}
    assert parse_condition("a > :v", None, {":v": {"N": "1"}}).evaluate(item)
    assert not parse_condition("a > :v", None, {":v": {"N": "9"}}).evaluate(item)
    assert _message(parse_condition, "a > :v", None, {":w": {"N": "1"}}).endswith(
        "attribute value: :v"
    )
    # The same text with other names resolves to other attributes.
    item = {"x": {"N": "1"}, "y": {"N": "2"}}
    values = {":v": {"N": "2"}}
    assert not parse_condition("#n = :v", {"#n": "x"}, values).evaluate(item)
    assert parse_condition("#n = :v", {"#n": "y"}, values).evaluate(item)


def test_errors_repeat_on_every_call() -> None:
    for _ in range(2):
        assert _message(parse_update, "SET status = :v", None, {":v": {"S": "x"}}).endswith(
            "reserved keyword: status"
        )


def test_update_never_changes_its_input() -> None:
    item = {
        "pk": {"S": "k"},
        "info": {"M": {"a": {"N": "1"}, "list": {"L": [{"N": "1"}, {"N": "2"}]}}},
        "tags": {"SS": ["a", "b"]},
        "more": {"NS": ["1", "2"]},
        "n": {"N": "1"},
    }
    snapshot = copy.deepcopy(item)
    update = parse_update(
        "SET info.a = info.a + :one, info.#l[5] = :one, info.b = :one "
        "REMOVE info.#l[0] ADD tags :t, n :one DELETE more :d",
        {"#l": "list"},
        {":one": {"N": "1"}, ":t": {"SS": ["c"]}, ":d": {"NS": ["1"]}},
    )
    result = update.apply(item, ("pk",))
    assert item == snapshot
    assert result.previous is item
    assert result.item["info"] == {
        "M": {"a": {"N": "2"}, "list": {"L": [{"N": "2"}, {"N": "1"}]}, "b": {"N": "1"}}
    }
    assert sorted(result.item["tags"]["SS"]) == ["a", "b", "c"]
    assert result.item["more"] == {"NS": ["2"]}
    assert result.attributes == {"info", "tags", "n", "more"}
    # Changing the new item later must not reach the old one either.
    result.item["info"]["M"]["a"]["N"] = "99"
    assert item == snapshot


def test_a_failing_update_leaves_nothing_half_done() -> None:
    item = {"a": {"N": "1"}, "b": {"S": "x"}}
    snapshot = copy.deepcopy(item)
    update = parse_update("SET a = :two, c = b + :two", None, {":two": {"N": "2"}})
    message = _message(update.apply, item)
    assert message == "An operand in the update expression has an incorrect data type"
    assert item == snapshot


def test_values_set_into_an_item_are_copies() -> None:
    values = {":m": {"M": {"x": {"N": "1"}}}}
    result = parse_update("SET a = :m, b = :m", None, values).apply({})
    result.item["a"]["M"]["x"]["N"] = "2"
    assert result.item["b"] == {"M": {"x": {"N": "1"}}}
    assert values == {":m": {"M": {"x": {"N": "1"}}}}


def test_projection_reports_its_attributes_and_copies() -> None:
    projection = parse_projection("a.b, c[0], #d", {"#d": "d"})
    assert projection.attributes == {"a", "c", "d"}
    item = {"d": {"M": {"x": {"N": "1"}}}}
    projected = projection.apply(item)
    projected["d"]["M"]["x"]["N"] = "2"
    assert item == {"d": {"M": {"x": {"N": "1"}}}}


def test_key_names_may_be_any_collection() -> None:
    update = parse_update("REMOVE sk", None, None)
    for keys in (["pk", "sk"], {"pk", "sk"}, ("sk",), frozenset({"sk"})):
        assert _message(update.apply, {"sk": {"S": "1"}}, keys).endswith("part of the key")
    assert update.apply({"sk": {"S": "1"}}, ()).item == {}


def test_document_paths_nest_at_most_32_levels() -> None:
    deepest = "a" + ".a" * 31
    assert parse_projection(deepest, None).paths == (("a",) * 32,)
    assert _message(parse_projection, deepest + ".a", None) == (
        "Invalid ProjectionExpression: The document path has too many nesting levels; "
        "nesting levels: 33"
    )
    assert _message(parse_update, "REMOVE " + deepest + "[0]", None, None).endswith(
        "nesting levels: 33"
    )


def test_nesting_is_bounded_by_the_emulator() -> None:
    values = {":v": {"N": "1"}}
    deep = "NOT " * 100 + "a = :v"
    assert parse_condition(deep, None, values).evaluate({"a": {"N": "1"}})
    with pytest.raises(NotSupportedByEmulator):
        parse_condition("NOT " + deep, None, values)
    with pytest.raises(NotSupportedByEmulator):
        parse_condition("(a = :v AND " * 101 + "a = :v" + ")" * 101, None, values)
    nested = "if_not_exists(a, " * 101 + ":v" + ")" * 101
    with pytest.raises(NotSupportedByEmulator):
        parse_update(f"SET a = {nested}", None, values)
