"""Tables and items through the in-process client, checked against AWS's documented answers."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import ClientError, Cloud


def _table(ddb: Any, name: str = "Tab", sort: str | None = None, kind: str = "S") -> None:
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    defs = [{"AttributeName": "pk", "AttributeType": kind}]
    if sort:
        schema.append({"AttributeName": sort, "KeyType": "RANGE"})
        defs.append({"AttributeName": sort, "AttributeType": "N"})
    ddb.create_table(
        TableName=name, KeySchema=schema, AttributeDefinitions=defs, BillingMode="PAY_PER_REQUEST"
    )


@pytest.fixture
def ddb() -> Any:
    client = Cloud().client("dynamodb")
    _table(client)
    return client


def _error(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_describe_list_delete() -> None:
    cloud = Cloud()
    ddb = cloud.client("dynamodb")
    created = ddb.create_table(
        TableName="Orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 2},
    )["TableDescription"]
    assert created["TableStatus"] == "CREATING"
    assert created["TableArn"] == "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
    table = ddb.describe_table(TableName="Orders")["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert table["CreationDateTime"].timestamp() == cloud.clock.now()
    assert "BillingModeSummary" not in table
    for name in ["b-table", "a-table", "c-table"]:
        _table(ddb, name)
    first = ddb.list_tables(Limit=2)
    assert first["TableNames"] == ["Orders", "a-table"]
    assert first["LastEvaluatedTableName"] == "a-table"
    assert ddb.list_tables(ExclusiveStartTableName="a-table")["TableNames"] == [
        "b-table",
        "c-table",
    ]
    assert ddb.delete_table(TableName="Orders")["TableDescription"]["TableStatus"] == "DELETING"
    assert _error(ddb.describe_table, TableName="Orders") == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: Orders not found",
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"TableName": "ab"}, "Member must have length greater than or equal to 3"),
        ({"TableName": "bad name!"}, "regular expression pattern: [a-zA-Z0-9_.-]+"),
        ({"BillingMode": "PROVISIONED"}, "No provisioned throughput specified for the table"),
        (
            {"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}},
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified",
        ),
        (
            {"AttributeDefinitions": [{"AttributeName": "other", "AttributeType": "S"}]},
            "Some index key attributes are not defined in AttributeDefinitions",
        ),
        (
            {
                "AttributeDefinitions": [
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "x", "AttributeType": "S"},
                ]
            },
            "Number of attributes in KeySchema does not exactly match",
        ),
        ({"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "BOOL"}]}, "[B, N, S]"),
        ({"KeySchema": [{"AttributeName": "pk", "KeyType": "RANGE"}]}, "is not a HASH key type"),
    ],
)
def test_create_table_validation(params: dict[str, Any], message: str) -> None:
    base: dict[str, Any] = {
        "TableName": "Good",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if params.get("BillingMode") == "PROVISIONED" or "ProvisionedThroughput" in params:
        base["BillingMode"] = params.pop("BillingMode", "PAY_PER_REQUEST")
    base.update(params)
    code, text = _error(Cloud().client("dynamodb").create_table, **base)
    assert code == "ValidationException"
    assert message in text


def test_duplicate_table_is_in_use(ddb: Any) -> None:
    with pytest.raises(ClientError) as caught:
        _table(ddb)
    assert caught.value.response["Error"] == {
        "Code": "ResourceInUseException",
        "Message": "Table already exists: Tab",
    }


def test_every_type_round_trips(ddb: Any) -> None:
    item = {
        "pk": {"S": "all"},
        "s": {"S": "héllo"},
        "n": {"N": "12345678901234567890123456789012345678"},
        "b": {"B": b"\x00\x01\xff"},
        "t": {"BOOL": True},
        "nul": {"NULL": True},
        "m": {"M": {"inner": {"L": [{"N": "1"}, {"S": "x"}, {"M": {}}]}}},
        "l": {"L": []},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"x", b"y"]},
        "empty": {"S": ""},
    }
    ddb.put_item(TableName="Tab", Item=item)
    assert ddb.get_item(TableName="Tab", Key={"pk": {"S": "all"}})["Item"] == item


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("1.50", "1.5"),
        ("100", "100"),
        ("0.0", "0"),
        ("-0", "0"),
        ("1e3", "1000"),
        ("-007.10", "-7.1"),
        ("1E-5", "0.00001"),
    ],
)
def test_numbers_come_back_normalised(ddb: Any, given: str, stored: str) -> None:
    ddb.put_item(TableName="Tab", Item={"pk": {"S": "n"}, "v": {"N": given}})
    assert ddb.get_item(TableName="Tab", Key={"pk": {"S": "n"}})["Item"]["v"] == {"N": stored}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"N": "1" * 39}, "more than 38 significant digits"),
        ({"N": "1E+126"}, "Number overflow"),
        ({"N": "1E-131"}, "Number underflow"),
        ({"N": "abc"}, "cannot be converted to a numeric value: abc"),
        ({"NS": []}, "An number set  may not be empty"),
        ({"SS": ["a", "a"]}, "contains duplicates"),
        ({}, "Supplied AttributeValue is empty"),
        ({"S": "a", "N": "1"}, "more than one datatypes"),
        ({"NULL": False}, "Null attribute value types must have the value of true"),
    ],
)
def test_bad_values_are_refused(ddb: Any, value: dict[str, Any], message: str) -> None:
    code, text = _error(ddb.put_item, TableName="Tab", Item={"pk": {"S": "x"}, "v": value})
    assert code == "ValidationException"
    assert message in text


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"other": {"S": "x"}}, "Missing the key pk in the item"),
        ({"pk": {"N": "1"}}, "Type mismatch for key pk expected: S actual: N"),
        ({"pk": {"S": ""}}, "cannot contain an empty string value. Key: pk"),
        ({"pk": {"S": "x" * 2049}}, "exceeded the size limit of 2048 bytes"),
    ],
)
def test_key_rules(ddb: Any, item: dict[str, Any], message: str) -> None:
    code, text = _error(ddb.put_item, TableName="Tab", Item=item)
    assert code == "ValidationException"
    assert message in text


def test_item_size_limit(ddb: Any) -> None:
    ddb.put_item(TableName="Tab", Item={"pk": {"S": "big"}, "d": {"S": "x" * (400 * 1024 - 10)}})
    code, text = _error(
        ddb.put_item, TableName="Tab", Item={"pk": {"S": "big"}, "d": {"S": "x" * (400 * 1024)}}
    )
    assert (code, text) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
    )


def test_put_get_delete_with_return_values(ddb: Any) -> None:
    assert "Attributes" not in ddb.put_item(
        TableName="Tab", Item={"pk": {"S": "k"}, "v": {"N": "1"}}, ReturnValues="ALL_OLD"
    )
    old = ddb.put_item(
        TableName="Tab", Item={"pk": {"S": "k"}, "v": {"N": "2"}}, ReturnValues="ALL_OLD"
    )
    assert old["Attributes"] == {"pk": {"S": "k"}, "v": {"N": "1"}}
    assert ddb.get_item(TableName="Tab", Key={"pk": {"S": "k"}}, ProjectionExpression="v")[
        "Item"
    ] == {"v": {"N": "2"}}
    gone = ddb.delete_item(TableName="Tab", Key={"pk": {"S": "k"}}, ReturnValues="ALL_OLD")
    assert gone["Attributes"]["v"] == {"N": "2"}
    assert "Item" not in ddb.get_item(TableName="Tab", Key={"pk": {"S": "k"}})
    assert _error(ddb.put_item, TableName="Tab", Item={"pk": {"S": "k"}}, ReturnValues="ALL_NEW")[
        1
    ] == ("Return values set to invalid value")
    assert _error(ddb.get_item, TableName="Tab", Key={"pk": {"S": "k"}, "x": {"S": "y"}})[1] == (
        "The provided key element does not match the schema"
    )


def test_stored_items_cannot_be_changed_through_answers(ddb: Any) -> None:
    item = {"pk": {"S": "m"}, "l": {"L": [{"N": "1"}]}}
    ddb.put_item(TableName="Tab", Item=item)
    item["l"]["L"].append({"N": "2"})
    got = ddb.get_item(TableName="Tab", Key={"pk": {"S": "m"}})["Item"]
    got["l"]["L"].clear()
    assert ddb.get_item(TableName="Tab", Key={"pk": {"S": "m"}})["Item"]["l"] == {"L": [{"N": "1"}]}


def test_unsupported_parameters_are_refused_not_ignored(ddb: Any) -> None:
    code, text = _error(
        ddb.put_item,
        TableName="Tab",
        Item={"pk": {"S": "x"}},
        Expected={"pk": {"Exists": False}},
    )
    assert code == "NotSupportedByEmulator"
    assert "Expected" in text
    assert "expression form" in text
    assert "not supported by the emulator" in text


def test_query_and_scan_pages_cover_everything_once() -> None:
    ddb = Cloud().client("dynamodb")
    _table(ddb, "Pages", sort="sk")
    expected = set()
    for p in range(7):
        for s in range(6):
            ddb.put_item(TableName="Pages", Item={"pk": {"S": f"p{p}"}, "sk": {"N": str(s)}})
            expected.add((f"p{p}", s))
    seen = []
    start = None
    while True:
        params: dict[str, Any] = {"TableName": "Pages", "Limit": 4}
        if start:
            params["ExclusiveStartKey"] = start
        page = ddb.scan(**params)
        seen += [(i["pk"]["S"], int(i["sk"]["N"])) for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(expected)
    counted = ddb.query(
        TableName="Pages",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p3"}},
        Select="COUNT",
    )
    assert counted["Count"] == 6
    assert "Items" not in counted
    first = ddb.query(
        TableName="Pages",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p3"}},
        ScanIndexForward=False,
        Limit=4,
    )
    rest = ddb.query(
        TableName="Pages",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p3"}},
        ScanIndexForward=False,
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert [int(i["sk"]["N"]) for i in first["Items"] + rest["Items"]] == [5, 4, 3, 2, 1, 0]
    assert "LastEvaluatedKey" not in rest


def test_a_page_stops_at_one_megabyte() -> None:
    ddb = Cloud().client("dynamodb")
    _table(ddb, "Big", sort="sk")
    for s in range(30):
        ddb.put_item(
            TableName="Big", Item={"pk": {"S": "p"}, "sk": {"N": str(s)}, "d": {"S": "x" * 100_000}}
        )
    page = ddb.query(
        TableName="Big",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
    )
    assert page["Count"] == 11  # the page closes on the item that crosses 1 MB
    assert page["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "10"}}


def test_numbers_sort_numerically_and_binary_unsigned() -> None:
    ddb = Cloud().client("dynamodb")
    _table(ddb, "Nums", sort="sk")
    for value in ["10", "-3", "2.5", "100", "0"]:
        ddb.put_item(TableName="Nums", Item={"pk": {"S": "p"}, "sk": {"N": value}})
    items = ddb.query(
        TableName="Nums",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
    )["Items"]
    assert [i["sk"]["N"] for i in items] == ["-3", "0", "2.5", "10", "100"]
    ddb.create_table(
        TableName="Bin",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "B"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for value in [b"\xff", b"\x00", b"\x7f"]:
        ddb.put_item(TableName="Bin", Item={"pk": {"S": "p"}, "sk": {"B": value}})
    items = ddb.query(
        TableName="Bin",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
    )["Items"]
    assert [i["sk"]["B"] for i in items] == [b"\x00", b"\x7f", b"\xff"]


def test_item_count_and_size_follow_writes(ddb: Any) -> None:
    ddb.put_item(TableName="Tab", Item={"pk": {"S": "a"}, "v": {"S": "12345"}})
    ddb.put_item(TableName="Tab", Item={"pk": {"S": "b"}})
    table = ddb.describe_table(TableName="Tab")["Table"]
    assert table["ItemCount"] == 2
    assert table["TableSizeBytes"] == (2 + 1) + (1 + 5) + (2 + 1)
