"""BatchGetItem, BatchWriteItem and transactions, as the DynamoDB API reference describes them."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import ClientError, Cloud


@pytest.fixture
def cloud() -> Cloud:
    cloud = Cloud()
    ddb = cloud.client("dynamodb")
    for name in ("Stock", "Orders"):
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    return cloud


def _error(call: Any, **params: Any) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value


def _put(n: int) -> dict[str, Any]:
    return {"PutRequest": {"Item": {"pk": {"S": f"item{n}"}, "n": {"N": str(n)}}}}


def test_batch_write_then_batch_get(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb")
    answer = ddb.batch_write_item(
        RequestItems={"Stock": [_put(n) for n in range(20)]}, ReturnConsumedCapacity="TOTAL"
    )
    assert answer["UnprocessedItems"] == {}
    assert answer["ConsumedCapacity"] == [{"TableName": "Stock", "CapacityUnits": 20.0}]
    keys = [{"pk": {"S": f"item{n}"}} for n in (1, 2, 99)]
    got = ddb.batch_get_item(RequestItems={"Stock": {"Keys": keys, "ProjectionExpression": "n"}})
    assert sorted(i["n"]["N"] for i in got["Responses"]["Stock"]) == ["1", "2"]
    assert got["UnprocessedKeys"] == {}
    ddb.batch_write_item(RequestItems={"Stock": [{"DeleteRequest": {"Key": keys[0]}}]})
    assert "Item" not in ddb.get_item(TableName="Stock", Key=keys[0])


def test_batch_limits_and_duplicates(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb")
    error = _error(ddb.batch_write_item, RequestItems={"Stock": [_put(n) for n in range(26)]})
    assert "less than or equal to 25" in error.response["Error"]["Message"]
    error = _error(ddb.batch_write_item, RequestItems={"Stock": [_put(1), _put(1)]})
    assert error.response["Error"]["Message"] == "Provided list of item keys contains duplicates"
    keys = [{"pk": {"S": f"k{n}"}} for n in range(101)]
    error = _error(ddb.batch_get_item, RequestItems={"Stock": {"Keys": keys}})
    assert error.response["Error"]["Message"] == (
        "Too many items requested for the BatchGetItem call"
    )
    # One bad request in a batch: nothing is written.
    bad = [_put(1), {"PutRequest": {"Item": {"n": {"N": "1"}}}}]
    _error(ddb.batch_write_item, RequestItems={"Stock": bad})
    assert "Item" not in ddb.get_item(TableName="Stock", Key={"pk": {"S": "item1"}})


def test_throttled_batch_items_come_back_unprocessed() -> None:
    cloud = Cloud()
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Tiny",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    answer = ddb.batch_write_item(RequestItems={"Tiny": [_put(n) for n in range(25)]})
    left = answer["UnprocessedItems"]["Tiny"]
    assert 0 < len(left) < 25
    stored = ddb.scan(TableName="Tiny")["Count"]
    assert stored + len(left) == 25
    # Retrying the unprocessed items once the bucket refills stores them all.
    while left:
        cloud.clock.advance(30)
        left = ddb.batch_write_item(RequestItems={"Tiny": left})["UnprocessedItems"].get("Tiny")
    cloud.clock.advance(60)
    assert ddb.scan(TableName="Tiny")["Count"] == 25


def _transfer(amount: str, token: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "TransactItems": [
            {
                "Update": {
                    "TableName": "Stock",
                    "Key": {"pk": {"S": "widget"}},
                    "UpdateExpression": "SET qty = qty - :n",
                    "ConditionExpression": "qty >= :n",
                    "ExpressionAttributeValues": {":n": {"N": amount}},
                }
            },
            {
                "Put": {
                    "TableName": "Orders",
                    "Item": {"pk": {"S": f"order-{amount}"}, "qty": {"N": amount}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
    }
    if token:
        params["ClientRequestToken"] = token
    return params


def test_a_transaction_is_all_or_nothing(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb")
    ddb.put_item(TableName="Stock", Item={"pk": {"S": "widget"}, "qty": {"N": "5"}})
    ddb.transact_write_items(**_transfer("3"))
    error = _error(ddb.transact_write_items, **_transfer("4"))
    assert error.response["Error"]["Code"] == "TransactionCanceledException"
    assert error.response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, None]"
    )
    assert error.response["CancellationReasons"] == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "None"},
    ]
    # Neither write of the cancelled transaction happened.
    assert "Item" not in ddb.get_item(TableName="Orders", Key={"pk": {"S": "order-4"}})
    stock = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": "Stock", "Key": {"pk": {"S": "widget"}}}},
            {"Get": {"TableName": "Orders", "Key": {"pk": {"S": "order-3"}}}},
            {"Get": {"TableName": "Orders", "Key": {"pk": {"S": "order-4"}}}},
        ]
    )["Responses"]
    assert stock[0]["Item"]["qty"] == {"N": "2"}
    assert stock[1]["Item"]["qty"] == {"N": "3"}
    assert stock[2] == {}


def test_one_action_per_item_and_client_tokens(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb")
    ddb.put_item(TableName="Stock", Item={"pk": {"S": "widget"}, "qty": {"N": "10"}})
    twice = {
        "TransactItems": [
            {"Delete": {"TableName": "Stock", "Key": {"pk": {"S": "widget"}}}},
            {
                "ConditionCheck": {
                    "TableName": "Stock",
                    "Key": {"pk": {"S": "widget"}},
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
        ]
    }
    error = _error(ddb.transact_write_items, **twice)
    assert error.response["Error"]["Message"] == (
        "Transaction request cannot include multiple operations on one item"
    )
    ddb.transact_write_items(**_transfer("1", token="t-1"))
    ddb.transact_write_items(**_transfer("1", token="t-1"))  # idempotent: applied once
    got = ddb.get_item(TableName="Stock", Key={"pk": {"S": "widget"}})["Item"]
    assert got["qty"] == {"N": "9"}
    error = _error(ddb.transact_write_items, **_transfer("2", token="t-1"))
    assert error.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    cloud.clock.advance(601)  # after ten minutes the token is forgotten
    ddb.transact_write_items(
        **{**_transfer("1", token="t-1"), "TransactItems": _transfer("1")["TransactItems"][:1]}
    )
    assert ddb.get_item(TableName="Stock", Key={"pk": {"S": "widget"}})["Item"]["qty"] == {"N": "8"}


def test_transactions_cost_twice(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb")
    ddb.put_item(TableName="Stock", Item={"pk": {"S": "widget"}, "qty": {"N": "5"}})
    answer = ddb.transact_write_items(**_transfer("1"), ReturnConsumedCapacity="TOTAL")
    by_table = {c["TableName"]: c for c in answer["ConsumedCapacity"]}
    assert by_table["Stock"]["CapacityUnits"] == 2.0
    assert by_table["Orders"]["CapacityUnits"] == 2.0


def test_a_write_meeting_a_transaction_in_flight_conflicts(
    cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests from other threads that reach an item while a transaction commits it."""
    import threading

    from emulator.services.dynamodb import api_transactions

    ddb = cloud.client("dynamodb")
    ddb.put_item(TableName="Stock", Item={"pk": {"S": "widget"}, "qty": {"N": "5"}})
    seen: dict[str, Any] = {}

    def meanwhile() -> None:
        def other_requests() -> None:
            for name, call, params in (
                ("put", ddb.put_item, {"TableName": "Stock", "Item": {"pk": {"S": "widget"}}}),
                ("transact", ddb.transact_write_items, _transfer("1")),
                (
                    "transact-get",
                    ddb.transact_get_items,
                    {
                        "TransactItems": [
                            {"Get": {"TableName": "Stock", "Key": {"pk": {"S": "widget"}}}}
                        ]
                    },
                ),
            ):
                try:
                    call(**params)
                    seen[name] = "succeeded"
                except ClientError as error:
                    seen[name] = error.response

        thread = threading.Thread(target=other_requests)
        thread.start()
        thread.join()

    monkeypatch.setattr(api_transactions, "between_phases", meanwhile)
    ddb.transact_write_items(**_transfer("2"))
    assert seen["put"]["Error"] == {
        "Code": "TransactionConflictException",
        "Message": "Transaction is ongoing for the item",
    }
    for name in ("transact", "transact-get"):
        assert seen[name]["Error"]["Code"] == "TransactionCanceledException"
        assert seen[name]["CancellationReasons"][0]["Code"] == "TransactionConflict"
    # The transaction itself went through; the one that met it changed nothing.
    item = ddb.get_item(TableName="Stock", Key={"pk": {"S": "widget"}})["Item"]
    assert item["qty"] == {"N": "3"}
    monkeypatch.undo()
    ddb.put_item(TableName="Stock", Item={"pk": {"S": "widget"}, "qty": {"N": "9"}})  # free again
