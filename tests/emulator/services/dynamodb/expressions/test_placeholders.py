"""Request-level checks: placeholder maps, unused placeholders and expression size."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import (
    check_expression,
    check_unused,
    parse_condition,
    parse_projection,
    parse_update,
    validate_names,
    validate_values,
)


def _message(call: Any, *args: Any) -> str:
    with pytest.raises(ValidationException) as caught:
        call(*args)
    return caught.value.message


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ({}, "ExpressionAttributeNames must not be empty"),
        ({"a": "a"}, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'),
        ({"#": "a"}, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"'),
        ({"#a-b": "a"}, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'),
    ],
)
def test_bad_names(names: dict[str, str], message: str) -> None:
    assert _message(validate_names, names) == message


def test_absent_maps_are_empty() -> None:
    assert validate_names(None) == {}
    assert validate_values(None) == {}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "ExpressionAttributeValues must not be empty"),
        (
            {"b": {"S": "x"}},
            'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"',
        ),
        (
            {":b": {"SS": []}},
            "ExpressionAttributeValues contains invalid value: One or more parameter values were "
            "invalid: An string set  may not be empty for key :b",
        ),
        (
            {":b": {"S": "a", "N": "1"}},
            "ExpressionAttributeValues contains invalid value: Supplied AttributeValue has more "
            "than one datatypes set, must contain exactly one of the supported datatypes for key :b",
        ),
        (
            {":n": {"N": "1e126"}},
            "ExpressionAttributeValues contains invalid value: Number overflow. Attempting to "
            "store a number with magnitude larger than supported range for key :n",
        ),
    ],
)
def test_bad_values(values: dict[str, Any], message: str) -> None:
    assert _message(validate_values, values) == message


def test_values_come_back_normalised() -> None:
    assert validate_values({":n": {"N": "1.50"}, ":s": {"S": "x"}}) == {
        ":n": {"N": "1.5"},
        ":s": {"S": "x"},
    }


def test_unused_names_are_refused_before_unused_values() -> None:
    message = _message(
        check_unused, {"#a": "a", "#c": "c", "#b": "b"}, {":x": {"S": "1"}}, ["#a"], []
    )
    assert (
        message
        == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #c}"
    )
    message = _message(
        check_unused, {"#a": "a"}, {":x": {"S": "1"}, ":y": {"S": "1"}}, ["#a"], [":y"]
    )
    assert (
        message == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"
    )
    check_unused(None, None, [], [])


def test_placeholders_used_across_the_expressions_of_one_request() -> None:
    names = validate_names({"#s": "status", "#c": "count", "#p": "price"})
    values = validate_values({":new": {"S": "done"}, ":old": {"S": "open"}, ":one": {"N": "1"}})
    update = parse_update("SET #s = :new ADD #c :one", names, values)
    condition = parse_condition("#s = :old", names, values)
    projection = parse_projection("#p", names)
    assert update.used_names == {"#s", "#c"}
    assert update.used_values == {":new", ":one"}
    assert condition.used_names == {"#s"}
    assert condition.used_values == {":old"}
    assert projection.used_names == {"#p"}
    used_names = update.used_names | condition.used_names | projection.used_names
    check_unused(names, values, used_names, update.used_values | condition.used_values)
    message = _message(check_unused, names, values, used_names, update.used_values)
    assert (
        message == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:old}"
    )


def test_expression_size_counts_utf8_bytes_up_to_4_kb() -> None:
    fits = "a = :v" + " " * (4096 - 6)
    assert check_expression("FilterExpression", fits) == fits
    assert parse_condition(fits, None, {":v": {"S": "x"}}).evaluate({"a": {"S": "x"}})
    message = _message(check_expression, "FilterExpression", fits + " ")
    assert message == (
        "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; "
        "expression size: 4097"
    )
    wide = "#é = :v" + " " * (4096 - 7)  # 4,096 characters, but "é" takes two bytes
    assert _message(parse_condition, wide, None, None).endswith("expression size: 4097")
    too_long = "SET " + ", ".join(f"attribute_{i} = :v" for i in range(300))
    assert "Invalid UpdateExpression: Expression size has exceeded" in _message(
        parse_update, too_long, None, {":v": {"S": "x"}}
    )
