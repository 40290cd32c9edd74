"""Secondary indexes through the API: CreateTable, Query, Scan, UpdateTable, DescribeTable.

Sources: developer guide "Using Global Secondary Indexes" and "Local secondary indexes",
API reference Query (IndexName, Select, ConsistentRead) and UpdateTable.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator import ClientError, Cloud


def _orders(ddb: Any) -> None:
    ddb.create_table(
        TableName="Orders",
        KeySchema=[
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "order", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "order", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"},
            {"AttributeName": "placed", "AttributeType": "N"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": [
                    {"AttributeName": "status", "KeyType": "HASH"},
                    {"AttributeName": "placed", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-placed",
                "KeySchema": [
                    {"AttributeName": "customer", "KeyType": "HASH"},
                    {"AttributeName": "placed", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    rows = [
        ("ann", "o1", "OPEN", 30, "12"),
        ("ann", "o2", "SHIPPED", 10, "40"),
        ("ann", "o3", "OPEN", 20, "7"),
        ("bob", "o4", "OPEN", 15, "99"),
    ]
    for customer, order, status, placed, total in rows:
        ddb.put_item(
            TableName="Orders",
            Item={
                "customer": {"S": customer},
                "order": {"S": order},
                "status": {"S": status},
                "placed": {"N": str(placed)},
                "total": {"N": total},
                "note": {"S": "fragile"},
            },
        )
    ddb.put_item(  # no status: not in the sparse global index
        TableName="Orders", Item={"customer": {"S": "bob"}, "order": {"S": "o5"}}
    )


@pytest.fixture
def ddb() -> Any:
    client = Cloud().client("dynamodb")
    _orders(client)
    return client


def _error(call: Any, **params: Any) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value


def test_a_global_index_answers_another_access_pattern(ddb: Any) -> None:
    answer = ddb.query(
        TableName="Orders",
        IndexName="by-status",
        KeyConditionExpression="#s = :open",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":open": {"S": "OPEN"}},
    )
    # KEYS_ONLY: the index keys and the table keys, in index sort order.
    assert [(i["order"]["S"], i["placed"]["N"]) for i in answer["Items"]] == [
        ("o4", "15"),
        ("o3", "20"),
        ("o1", "30"),
    ]
    assert set(answer["Items"][0]) == {"customer", "order", "status", "placed"}
    sparse = ddb.scan(TableName="Orders", IndexName="by-status")
    assert sparse["Count"] == 4  # o5 has no status, so the index leaves it out


def test_index_reads_follow_aws_rules(ddb: Any) -> None:
    error = _error(
        ddb.query,
        TableName="Orders",
        IndexName="by-status",
        ConsistentRead=True,
        KeyConditionExpression="#s = :open",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":open": {"S": "OPEN"}},
    )
    assert error.response["Error"]["Message"] == (
        "Consistent reads are not supported on global secondary indexes"
    )
    error = _error(
        ddb.query,
        TableName="Orders",
        IndexName="missing",
        KeyConditionExpression="customer = :c",
        ExpressionAttributeValues={":c": {"S": "ann"}},
    )
    assert error.response["Error"]["Message"] == (
        "The table does not have the specified index: missing"
    )


def test_a_local_index_sorts_one_partition_another_way_and_pages(ddb: Any) -> None:
    first = ddb.query(
        TableName="Orders",
        IndexName="by-placed",
        KeyConditionExpression="customer = :c",
        ExpressionAttributeValues={":c": {"S": "ann"}},
        Limit=2,
    )
    assert [i["order"]["S"] for i in first["Items"]] == ["o2", "o3"]
    assert "note" not in first["Items"][0]  # not projected
    assert first["Items"][0]["total"] == {"N": "40"}
    assert set(first["LastEvaluatedKey"]) == {"customer", "order", "placed"}
    rest = ddb.query(
        TableName="Orders",
        IndexName="by-placed",
        KeyConditionExpression="customer = :c",
        ExpressionAttributeValues={":c": {"S": "ann"}},
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert [i["order"]["S"] for i in rest["Items"]] == ["o1"]
    # ALL_ATTRIBUTES through a local index fetches the rest from the table.
    full = ddb.query(
        TableName="Orders",
        IndexName="by-placed",
        KeyConditionExpression="customer = :c",
        ExpressionAttributeValues={":c": {"S": "ann"}},
        Select="ALL_ATTRIBUTES",
    )
    assert full["Items"][0]["note"] == {"S": "fragile"}


def test_updates_move_entries_and_update_table_adds_an_index(ddb: Any) -> None:
    ddb.update_item(
        TableName="Orders",
        Key={"customer": {"S": "ann"}, "order": {"S": "o1"}},
        UpdateExpression="SET #s = :shipped",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":shipped": {"S": "SHIPPED"}},
    )
    shipped = ddb.query(
        TableName="Orders",
        IndexName="by-status",
        KeyConditionExpression="#s = :v",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":v": {"S": "SHIPPED"}},
    )
    assert sorted(i["order"]["S"] for i in shipped["Items"]) == ["o1", "o2"]
    error = _error(
        ddb.put_item,
        TableName="Orders",
        Item={"customer": {"S": "c"}, "order": {"S": "o9"}, "status": {"N": "1"}},
    )
    assert error.response["Error"]["Code"] == "ValidationException"
    ddb.update_table(
        TableName="Orders",
        AttributeDefinitions=[{"AttributeName": "total", "AttributeType": "N"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-total",
                    "KeySchema": [{"AttributeName": "total", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )
    names = [
        i["IndexName"]
        for i in ddb.describe_table(TableName="Orders")["Table"]["GlobalSecondaryIndexes"]
    ]
    assert sorted(names) == ["by-status", "by-total"]
    big = ddb.query(
        TableName="Orders",
        IndexName="by-total",
        KeyConditionExpression="#t = :t",
        ExpressionAttributeNames={"#t": "total"},  # a reserved word
        ExpressionAttributeValues={":t": {"N": "99"}},
    )
    assert big["Items"][0]["note"] == {"S": "fragile"}
    ddb.update_table(
        TableName="Orders", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-total"}}]
    )
    table = ddb.describe_table(TableName="Orders")["Table"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["by-status"]
    assert table["LocalSecondaryIndexes"][0]["IndexName"] == "by-placed"


def test_indexed_writes_cost_index_capacity(ddb: Any) -> None:
    answer = ddb.put_item(
        TableName="Orders",
        Item={
            "customer": {"S": "cy"},
            "order": {"S": "o10"},
            "status": {"S": "OPEN"},
            "placed": {"N": "5"},
        },
        ReturnConsumedCapacity="INDEXES",
    )
    consumed = answer["ConsumedCapacity"]
    assert consumed["Table"] == {"CapacityUnits": 1.0}
    assert consumed["GlobalSecondaryIndexes"] == {"by-status": {"CapacityUnits": 1.0}}
    assert consumed["LocalSecondaryIndexes"] == {"by-placed": {"CapacityUnits": 1.0}}
    assert consumed["CapacityUnits"] == 3.0


def test_a_global_index_can_lag_behind_its_table() -> None:
    """Global indexes are updated asynchronously; a lab can make the delay visible."""
    cloud = Cloud()
    cloud.set_quota("dynamodb", "GsiPropagationSeconds", 1)
    ddb = cloud.client("dynamodb")
    _orders(ddb)  # its items were written at the same instant as the table
    query = {
        "TableName": "Orders",
        "IndexName": "by-status",
        "KeyConditionExpression": "#s = :open",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":open": {"S": "OPEN"}},
    }
    assert ddb.query(**query)["Count"] == 0  # the table has them, the index not yet
    assert ddb.get_item(TableName="Orders", Key={"customer": {"S": "bob"}, "order": {"S": "o4"}})
    cloud.clock.advance(1)
    assert ddb.query(**query)["Count"] == 3
