"""Expressions as data: each case gives an expression and DynamoDB's outcome or error.

conditions.json, updates.json and projections.json share one shape: ``given`` holds the
item the cases run against, and each case has ``result`` or ``error`` (AWS's exact
message). A case may replace the item with its own, or with null for "no item".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.services.dynamodb.attributes import AttributeValue, Item, from_json
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import (
    parse_condition,
    parse_projection,
    parse_update,
    validate_names,
    validate_values,
)

HERE = Path(__file__).parent


def _load(name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = json.loads((HERE / name).read_text())
    return data["given"], data["cases"]


def _item(raw: dict[str, Any] | None) -> Item | None:
    return None if raw is None else {name: from_json(value) for name, value in raw.items()}


def _case_item(given: dict[str, Any], case: dict[str, Any]) -> Item | None:
    return _item(case["item"] if "item" in case else given["item"])


def _values(case: dict[str, Any]) -> dict[str, AttributeValue]:
    raw = case.get("values")
    return validate_values({k: from_json(v) for k, v in raw.items()} if raw else None)


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [f"{index}:{case['expression'] or '<empty>'}" for index, case in enumerate(cases)]


def _sorted_sets(value: Any) -> Any:
    """Sets compare without order; everything else as is."""
    if isinstance(value, dict):
        return {
            key: sorted(inner) if key in ("SS", "NS", "BS") else _sorted_sets(inner)
            for key, inner in value.items()
        }
    if isinstance(value, list):
        return [_sorted_sets(inner) for inner in value]
    return value


CONDITION_GIVEN, CONDITION_CASES = _load("conditions.json")
UPDATE_GIVEN, UPDATE_CASES = _load("updates.json")
PROJECTION_GIVEN, PROJECTION_CASES = _load("projections.json")


@pytest.mark.parametrize("case", CONDITION_CASES, ids=_ids(CONDITION_CASES))
def test_condition(case: dict[str, Any]) -> None:
    item = _case_item(CONDITION_GIVEN, case)
    kind = case.get("kind", "ConditionExpression")
    names = validate_names(case.get("names"))
    if "error" in case:
        with pytest.raises(ValidationException) as caught:
            parse_condition(case["expression"], names, _values(case), kind=kind).evaluate(item)
        assert caught.value.message == case["error"]
    else:
        condition = parse_condition(case["expression"], names, _values(case), kind=kind)
        assert condition.evaluate(item) is case["result"]


@pytest.mark.parametrize("case", UPDATE_CASES, ids=_ids(UPDATE_CASES))
def test_update(case: dict[str, Any]) -> None:
    item = _case_item(UPDATE_GIVEN, case)
    key = case.get("key", UPDATE_GIVEN["key"])
    names = validate_names(case.get("names"))
    if "error" in case:
        with pytest.raises(ValidationException) as caught:
            parse_update(case["expression"], names, _values(case)).apply(item, key)
        assert caught.value.message == case["error"]
        return
    result = parse_update(case["expression"], names, _values(case)).apply(item, key)
    if "result" in case:
        expected = _item(case["result"])
    else:
        expected = dict(item or {})
        expected.update(_item(case.get("set", {})) or {})
        for name in case.get("removed", []):
            del expected[name]
    assert _sorted_sets(result.item) == _sorted_sets(expected)
    if "updated_old" in case:
        assert _sorted_sets(result.updated_old()) == _sorted_sets(_item(case["updated_old"]))
    if "updated_new" in case:
        assert _sorted_sets(result.updated_new()) == _sorted_sets(_item(case["updated_new"]))
    assert item == _case_item(UPDATE_GIVEN, case)  # the input item is unchanged


@pytest.mark.parametrize("case", PROJECTION_CASES, ids=_ids(PROJECTION_CASES))
def test_projection(case: dict[str, Any]) -> None:
    item = _case_item(PROJECTION_GIVEN, case)
    assert item is not None
    names = validate_names(case.get("names"))
    if "error" in case:
        with pytest.raises(ValidationException) as caught:
            parse_projection(case["expression"], names)
        assert caught.value.message == case["error"]
    else:
        assert parse_projection(case["expression"], names).apply(item) == _item(case["result"])
