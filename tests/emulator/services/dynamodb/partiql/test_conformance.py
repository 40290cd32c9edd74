"""PartiQL statements as data: each case gives a statement and DynamoDB's answer or error.

selects.json, writes.json and errors.json run against the tables and items of
given.json, each case on a fresh cloud. A case has ``items`` (what ExecuteStatement
answers) or ``error`` (AWS's code and exact message); a write case may also ``check``
items afterwards. ``source`` notes where the expected behaviour was recorded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator import ClientError, Cloud
from emulator.services.dynamodb.attributes import from_json, to_json

HERE = Path(__file__).parent
GIVEN = json.loads((HERE / "given.json").read_text())


def _cases(name: str) -> list[Any]:
    cases = json.loads((HERE / name).read_text())["cases"]
    return [
        pytest.param(case, id=f"{name}:{index}:{case['statement'][:60]}")
        for index, case in enumerate(cases)
    ]


def _client(cloud: Cloud) -> Any:
    ddb = cloud.client("dynamodb")
    for table in GIVEN["tables"]:
        ddb.create_table(**table)
    for table, items in GIVEN["items"].items():
        for item in items:
            ddb.put_item(TableName=table, Item={k: from_json(v) for k, v in item.items()})
    return ddb


def _json(item: dict[str, Any]) -> dict[str, Any]:
    return {name: to_json(value) for name, value in item.items()}


def _canonical(item: dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True)


def _run(cloud: Cloud, case: dict[str, Any]) -> None:
    ddb = _client(cloud)
    params: dict[str, Any] = {"Statement": case["statement"], **case.get("request", {})}
    if "parameters" in case:
        # Malformed AttributeValues go as written: the error is the point of the case.
        params["Parameters"] = [from_json(p) if len(p) == 1 else p for p in case["parameters"]]
    if "error" in case:
        with pytest.raises(ClientError) as caught:
            ddb.execute_statement(**params)
        error = caught.value.response["Error"]
        assert [error["Code"], error["Message"]] == case["error"]
        return
    answer = ddb.execute_statement(**params)
    items = [_json(item) for item in answer["Items"]]
    if case.get("any_order"):
        assert sorted(map(_canonical, items)) == sorted(map(_canonical, case["items"]))
    else:
        assert items == case["items"]
    for check in case.get("check", []):
        key = {k: from_json(v) for k, v in check["key"].items()}
        found = ddb.get_item(TableName=check["table"], Key=key).get("Item")
        if "attribute" in check:
            assert found is not None
            value = found.get(check["attribute"])
            assert (None if value is None else to_json(value)) == check["value"]
        else:
            assert (None if found is None else _json(found)) == check["item"]


@pytest.mark.parametrize("case", _cases("selects.json"))
def test_select(cloud: Cloud, case: dict[str, Any]) -> None:
    _run(cloud, case)


@pytest.mark.parametrize("case", _cases("writes.json"))
def test_write(cloud: Cloud, case: dict[str, Any]) -> None:
    _run(cloud, case)


@pytest.mark.parametrize("case", _cases("errors.json"))
def test_error(cloud: Cloud, case: dict[str, Any]) -> None:
    _run(cloud, case)
