"""ExecuteStatement beyond single answers: pages, NextToken, capacity, indexes, failures.

Capacity figures follow DynamoDB's read and write unit rules; the index and write
figures are the ones floci and nubo-db's conformance suite recorded against AWS.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator import ClientError, Cloud


def _error(call: Any, **params: Any) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value


def _fill(ddb: Any, pk: str, count: int, size: int = 0) -> None:
    for sk in range(1, count + 1):
        item = {"pk": {"S": pk}, "sk": {"N": str(sk)}}
        if size:
            item["filler"] = {"S": "x" * size}
        ddb.put_item(TableName="Music", Item=item)


def _pages(ddb: Any, **params: Any) -> list[list[dict[str, Any]]]:
    pages = []
    while True:
        answer = ddb.execute_statement(**params)
        pages.append(answer["Items"])
        if "NextToken" not in answer:
            assert "LastEvaluatedKey" not in answer
            return pages
        assert "LastEvaluatedKey" in answer
        params["NextToken"] = answer["NextToken"]


def test_a_scan_pages_through_every_item_with_limit_and_next_token(ddb: Any) -> None:
    for n in range(7):
        ddb.put_item(TableName="Users", Item={"id": {"S": f"u{n}"}})
    pages = _pages(ddb, Statement='SELECT id FROM "Users"', Limit=3)
    assert all(len(page) <= 3 for page in pages)
    seen = [item["id"]["S"] for page in pages for item in page]
    assert sorted(seen) == [f"u{n}" for n in range(7)]


def test_limit_counts_items_read_not_items_that_match(ddb: Any) -> None:
    _fill(ddb, "a", 5)
    first = ddb.execute_statement(
        Statement="SELECT sk FROM Music WHERE pk = 'a' AND filler IS NOT MISSING", Limit=2
    )
    # Two items were read and filtered away: an empty page that still leads on.
    assert first["Items"] == []
    assert "NextToken" in first


def test_an_in_list_pages_across_partitions_in_statement_order(ddb: Any) -> None:
    _fill(ddb, "a", 3)
    _fill(ddb, "b", 2)
    pages = _pages(ddb, Statement="SELECT pk, sk FROM Music WHERE pk IN ['a', 'b']", Limit=2)
    rows = [[(i["pk"]["S"], int(i["sk"]["N"])) for i in page] for page in pages]
    assert rows == [[("a", 1), ("a", 2)], [("a", 3), ("b", 1)], [("b", 2)]]


def test_order_by_the_partition_key_pages_in_key_order(ddb: Any) -> None:
    _fill(ddb, "o", 3)
    _fill(ddb, "p", 3)
    pages = _pages(
        ddb, Statement="SELECT pk, sk FROM Music WHERE pk IN ['o', 'p'] ORDER BY pk DESC", Limit=2
    )
    rows = [f"{i['pk']['S']}/{i['sk']['N']}" for page in pages for i in page]
    # As recorded against AWS: partitions in key order, each read from its highest sort key.
    assert rows == ["p/3", "p/2", "p/1", "o/3", "o/2", "o/1"]
    assert [f"{i['pk']['S']}/{i['sk']['N']}" for i in pages[1]] == ["p/1", "o/3"]


def test_a_next_token_only_continues_the_statement_that_made_it(ddb: Any) -> None:
    _fill(ddb, "a", 3)
    token = ddb.execute_statement(
        Statement="SELECT sk FROM Music WHERE pk = ?", Parameters=[{"S": "a"}], Limit=1
    )["NextToken"]
    for other in (
        {"Statement": "SELECT pk FROM Music WHERE pk = ?", "Parameters": [{"S": "a"}]},
        {"Statement": "SELECT sk FROM Music WHERE pk = ?", "Parameters": [{"S": "b"}]},
    ):
        error = _error(ddb.execute_statement, NextToken=token, **other)
        assert error.response["Error"] == {
            "Code": "ValidationException",
            "Message": "NextToken does not match request",
        }


def test_a_scan_costs_the_whole_table_and_a_query_its_partition(ddb: Any) -> None:
    _fill(ddb, "a", 10, size=1000)
    _fill(ddb, "b", 10, size=1000)

    def cost(statement: str, **params: Any) -> float:
        answer = ddb.execute_statement(
            Statement=statement, ReturnConsumedCapacity="TOTAL", **params
        )
        assert answer["ConsumedCapacity"]["TableName"] == "Music"
        return float(answer["ConsumedCapacity"]["CapacityUnits"])

    query = cost("SELECT sk FROM Music WHERE pk = 'a'")
    scan = cost("SELECT sk FROM Music WHERE sk = 1")
    assert query == 1.5  # about 10 KB read: three 4 KB steps at half a unit
    assert scan == 2.5  # about 20 KB: every item is read, whatever matches
    # An OR that does not fix the partition key on every branch reads the whole table too.
    assert cost("SELECT sk FROM Music WHERE pk = 'a' OR sk = 1") == scan
    assert cost("SELECT sk FROM Music WHERE pk = 'a'", ConsistentRead=True) == 3.0


def test_a_small_read_costs_half_a_unit_and_a_consistent_miss_one(ddb: Any) -> None:
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "data": {"S": "x"}})
    answer = ddb.execute_statement(
        Statement="SELECT * FROM Users WHERE id = 'u1'", ReturnConsumedCapacity="TOTAL"
    )
    assert answer["ConsumedCapacity"] == {"TableName": "Users", "CapacityUnits": 0.5}
    answer = ddb.execute_statement(
        Statement="SELECT * FROM Users WHERE id = 'missing'",
        ConsistentRead=True,
        ReturnConsumedCapacity="INDEXES",
    )
    assert answer["ConsumedCapacity"] == {
        "TableName": "Users",
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }


@pytest.fixture
def indexed(cloud: Cloud) -> Any:
    """``Indexed``: key pk; GSI gsi1 (ALL) on gsiPk, gsi2 (KEYS_ONLY) on gsi2Pk."""
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Indexed",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "gsiPk", "AttributeType": "S"},
            {"AttributeName": "gsi2Pk", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [{"AttributeName": "gsiPk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "gsi2",
                "KeySchema": [{"AttributeName": "gsi2Pk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return ddb


def test_a_write_is_charged_on_the_table_and_each_index_it_touches(indexed: Any) -> None:
    answer = indexed.execute_statement(
        Statement="INSERT INTO Indexed VALUE {'pk': 'i', 'gsiPk': 'i1', 'gsi2Pk': 'i2'}",
        ReturnConsumedCapacity="INDEXES",
    )
    assert answer["ConsumedCapacity"] == {
        "TableName": "Indexed",
        "CapacityUnits": 3.0,
        "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"gsi1": {"CapacityUnits": 1.0}, "gsi2": {"CapacityUnits": 1.0}},
    }
    answer = indexed.execute_statement(
        Statement="DELETE FROM Indexed WHERE pk = 'absent'", ReturnConsumedCapacity="TOTAL"
    )
    assert answer["Items"] == []
    assert answer["ConsumedCapacity"] == {"TableName": "Indexed", "CapacityUnits": 1.0}


def test_a_keyed_index_read_is_charged_on_the_index_alone(indexed: Any) -> None:
    indexed.put_item(TableName="Indexed", Item={"pk": {"S": "p"}, "gsiPk": {"S": "q1"}})
    answer = indexed.execute_statement(
        Statement='SELECT pk FROM "Indexed"."gsi1" WHERE gsiPk = \'q1\'',
        ReturnConsumedCapacity="INDEXES",
    )
    assert answer["Items"] == [{"pk": {"S": "p"}}]
    assert answer["ConsumedCapacity"] == {
        "TableName": "Indexed",
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"gsi1": {"CapacityUnits": 0.5}},
    }


def test_a_local_index_fetches_unprojected_attributes_from_the_table(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Local",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "lsiSk", "AttributeType": "S"},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "lsi-keys",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "lsiSk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for n in (1, 2, 3):
        ddb.put_item(
            TableName="Local",
            Item={
                "pk": {"S": "p"},
                "sk": {"S": str(n)},
                "lsiSk": {"S": f"l{n}"},
                "nonproj": {"S": "n"},
            },
        )

    def read(statement: str, **params: Any) -> dict[str, Any]:
        return ddb.execute_statement(
            Statement=statement, ReturnConsumedCapacity="INDEXES", **params
        )

    fetched = read('SELECT nonproj FROM "Local"."lsi-keys" WHERE pk = \'p\'')
    assert fetched["Items"] == [{"nonproj": {"S": "n"}}] * 3
    # Recorded against AWS: 2.0 in all, 1.5 for three fetches, 0.5 on the index.
    assert fetched["ConsumedCapacity"]["CapacityUnits"] == 2.0
    assert fetched["ConsumedCapacity"]["Table"] == {"CapacityUnits": 1.5}
    assert fetched["ConsumedCapacity"]["LocalSecondaryIndexes"] == {
        "lsi-keys": {"CapacityUnits": 0.5}
    }
    one = read('SELECT nonproj FROM "Local"."lsi-keys" WHERE pk = \'p\'', Limit=1)
    assert one["ConsumedCapacity"]["Table"] == {"CapacityUnits": 0.5}
    projected = read('SELECT lsiSk FROM "Local"."lsi-keys" WHERE pk = \'p\'')
    assert projected["ConsumedCapacity"]["CapacityUnits"] == 0.5
    assert projected["ConsumedCapacity"]["Table"] == {"CapacityUnits": 0.0}


def test_an_index_read_pages_with_a_token(indexed: Any) -> None:
    for pk in ("s1", "s4", "s9"):
        indexed.put_item(TableName="Indexed", Item={"pk": {"S": pk}, "gsiPk": {"S": "x"}})
    pages = _pages(
        indexed, Statement='SELECT pk FROM "Indexed"."gsi1" WHERE gsiPk = \'x\'', Limit=1
    )
    assert sorted(i["pk"]["S"] for page in pages for i in page) == ["s1", "s4", "s9"]


def test_a_failed_update_returns_the_item_when_asked(ddb: Any) -> None:
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "version": {"N": "2"}})
    error = _error(
        ddb.execute_statement,
        Statement="UPDATE Users SET version = version + 1 WHERE id = 'u1' AND version = 1",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert error.response["Item"] == {"id": {"S": "u1"}, "version": {"N": "2"}}
    assert ddb.get_item(TableName="Users", Key={"id": {"S": "u1"}})["Item"]["version"] == {"N": "2"}


def test_an_update_is_an_optimistic_lock(ddb: Any) -> None:
    ddb.execute_statement(Statement="INSERT INTO Users VALUE {'id': 'u1', 'version': 1}")
    statement = "UPDATE Users SET version = version + 1 WHERE id = 'u1' AND version = ?"
    ddb.execute_statement(Statement=statement, Parameters=[{"N": "1"}])
    error = _error(ddb.execute_statement, Statement=statement, Parameters=[{"N": "1"}])
    assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"


def test_unknown_request_members_are_refused(ddb: Any) -> None:
    error = _error(ddb.execute_statement, Statement="SELECT * FROM Users", Segment=1)
    assert error.response["Error"]["Code"] == "NotSupportedByEmulator"
