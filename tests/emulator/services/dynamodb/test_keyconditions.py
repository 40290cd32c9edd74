"""Key conditions as data: each case gives an expression and the sort keys or the error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator import ClientError, Cloud

DATA = json.loads((Path(__file__).parent / "keyconditions.json").read_text())


@pytest.fixture(scope="module")
def cloud() -> Cloud:
    cloud = Cloud()
    given = DATA["given"]
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Cases",
        KeySchema=[
            {"AttributeName": given["hash"], "KeyType": "HASH"},
            {"AttributeName": given["range"], "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind} for name, kind in given["types"].items()
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for n in given["items"]:
        ddb.put_item(TableName="Cases", Item={"pk": {"S": "a"}, "sk": {"N": str(n)}})
        ddb.put_item(TableName="Cases", Item={"pk": {"S": "b"}, "sk": {"N": str(n)}})
    return cloud


@pytest.mark.parametrize("case", DATA["cases"], ids=lambda c: c["expression"] or "<empty>")
def test_key_condition(cloud: Cloud, case: dict[str, Any]) -> None:
    params: dict[str, Any] = {
        "TableName": "Cases",
        "KeyConditionExpression": case["expression"],
    }
    if case["values"]:  # an empty map is an error of its own
        params["ExpressionAttributeValues"] = case["values"]
    if "names" in case:
        params["ExpressionAttributeNames"] = case["names"]
    ddb = cloud.client("dynamodb")
    if "error" in case:
        with pytest.raises(ClientError) as caught:
            ddb.query(**params)
        assert caught.value.response["Error"]["Code"] == "ValidationException"
        assert case["error"] in caught.value.response["Error"]["Message"]
    else:
        items = ddb.query(**params)["Items"]
        assert [int(i["sk"]["N"]) for i in items] == case["result"]
        reverse = ddb.query(**params, ScanIndexForward=False)["Items"]
        assert [int(i["sk"]["N"]) for i in reverse] == case["result"][::-1]


def test_begins_with_on_string_sort_keys() -> None:
    cloud = Cloud()
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Events",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for sk in ["2025-12-31", "2026-01-01", "2026-01-15", "2026-02-01", "2026-01"]:
        ddb.put_item(TableName="Events", Item={"pk": {"S": "u"}, "sk": {"S": sk}})
    answer = ddb.query(
        TableName="Events",
        KeyConditionExpression="pk = :u AND begins_with(sk, :m)",
        ExpressionAttributeValues={":u": {"S": "u"}, ":m": {"S": "2026-01"}},
        ScanIndexForward=False,
    )
    assert [i["sk"]["S"] for i in answer["Items"]] == ["2026-01-15", "2026-01-01", "2026-01"]


def test_reserved_word_needs_a_placeholder() -> None:
    cloud = Cloud()
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Dates",
        KeySchema=[{"AttributeName": "date", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "date", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    with pytest.raises(ClientError, match="reserved keyword: date"):
        ddb.query(
            TableName="Dates",
            KeyConditionExpression="date = :d",
            ExpressionAttributeValues={":d": {"S": "x"}},
        )
    ok = ddb.query(
        TableName="Dates",
        KeyConditionExpression="#d = :d",
        ExpressionAttributeNames={"#d": "date"},
        ExpressionAttributeValues={":d": {"S": "x"}},
    )
    assert ok["Count"] == 0
