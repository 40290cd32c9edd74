"""Conditional writes, UpdateItem, return values and consumed capacity, as AWS documents them.

Sources: DynamoDB API reference (PutItem, UpdateItem, DeleteItem, GetItem), developer guide
"Condition expressions", "Update expressions" and "DynamoDB read and write operations".
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator import ClientError, Cloud


@pytest.fixture
def cloud() -> Cloud:
    return Cloud()


@pytest.fixture
def ddb(cloud: Cloud) -> Any:
    client = cloud.client("dynamodb")
    client.create_table(
        TableName="Accounts",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


def _provisioned(ddb: Any, name: str, read: int, write: int) -> None:
    """A table keyed on ``pk`` with provisioned read and write units."""
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": read, "WriteCapacityUnits": write},
    )


def _error(call: Any, **params: Any) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value


KEY = {"pk": {"S": "alice"}}


def test_put_if_absent_refuses_the_second_writer(ddb: Any) -> None:
    ddb.put_item(
        TableName="Accounts",
        Item={**KEY, "balance": {"N": "10"}},
        ConditionExpression="attribute_not_exists(pk)",
    )
    error = _error(
        ddb.put_item,
        TableName="Accounts",
        Item={**KEY, "balance": {"N": "99"}},
        ConditionExpression="attribute_not_exists(pk)",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert error.response["Error"] == {
        "Code": "ConditionalCheckFailedException",
        "Message": "The conditional request failed",
    }
    assert error.response["Item"] == {**KEY, "balance": {"N": "10"}}
    assert ddb.get_item(TableName="Accounts", Key=KEY)["Item"]["balance"] == {"N": "10"}


def test_optimistic_locking_stops_a_lost_update(ddb: Any) -> None:
    ddb.put_item(TableName="Accounts", Item={**KEY, "balance": {"N": "10"}, "version": {"N": "1"}})
    update = {
        "TableName": "Accounts",
        "Key": KEY,
        "UpdateExpression": "SET balance = balance + :amount, version = version + :one",
        "ConditionExpression": "version = :seen",
        "ExpressionAttributeValues": {
            ":amount": {"N": "5"},
            ":one": {"N": "1"},
            ":seen": {"N": "1"},
        },
        "ReturnValues": "ALL_NEW",
    }
    first = ddb.update_item(**update)
    assert first["Attributes"] == {**KEY, "balance": {"N": "15"}, "version": {"N": "2"}}
    # A second writer that read version 1 too is refused instead of overwriting.
    error = _error(ddb.update_item, **update)
    assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert ddb.get_item(TableName="Accounts", Key=KEY)["Item"]["balance"] == {"N": "15"}


def test_update_return_values(ddb: Any) -> None:
    ddb.put_item(
        TableName="Accounts",
        Item={**KEY, "a": {"N": "1"}, "m": {"M": {"x": {"S": "old"}, "y": {"S": "kept"}}}},
    )

    def update(choice: str, expression: str, **values: Any) -> Any:
        return ddb.update_item(
            TableName="Accounts",
            Key=KEY,
            UpdateExpression=expression,
            ExpressionAttributeValues=values or None,
            ReturnValues=choice,
        ).get("Attributes")

    assert update("UPDATED_OLD", "SET m.x = :v", **{":v": {"S": "new"}}) == {
        "m": {"M": {"x": {"S": "old"}}}
    }
    assert update("UPDATED_NEW", "SET b = :v", **{":v": {"N": "2"}}) == {"b": {"N": "2"}}
    # UPDATED_OLD of an attribute that did not exist returns nothing for it.
    assert update("UPDATED_OLD", "SET c = :v", **{":v": {"N": "3"}}) is None
    assert update("ALL_OLD", "REMOVE c")["c"] == {"N": "3"}
    assert update("NONE", "REMOVE b") is None
    error = _error(ddb.put_item, TableName="Accounts", Item=KEY, ReturnValues="ALL_NEW")
    assert error.response["Error"]["Message"] == "Return values set to invalid value"


def test_update_creates_a_missing_item_and_never_touches_keys(ddb: Any) -> None:
    made = ddb.update_item(
        TableName="Accounts",
        Key={"pk": {"S": "bob"}},
        UpdateExpression="ADD visits :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="ALL_NEW",
    )
    assert made["Attributes"] == {"pk": {"S": "bob"}, "visits": {"N": "1"}}
    error = _error(
        ddb.update_item,
        TableName="Accounts",
        Key={"pk": {"S": "bob"}},
        UpdateExpression="SET pk = :v",
        ExpressionAttributeValues={":v": {"S": "carol"}},
    )
    assert error.response["Error"]["Message"] == (
        "One or more parameter values were invalid: Cannot update attribute pk. "
        "This attribute is part of the key"
    )


def test_an_invalid_update_changes_nothing(ddb: Any) -> None:
    ddb.put_item(TableName="Accounts", Item={**KEY, "n": {"N": "1"}, "s": {"S": "text"}})
    error = _error(
        ddb.update_item,
        TableName="Accounts",
        Key=KEY,
        UpdateExpression="SET n = :two ADD s :one",
        ExpressionAttributeValues={":two": {"N": "2"}, ":one": {"N": "1"}},
    )
    assert error.response["Error"]["Code"] == "ValidationException"
    assert ddb.get_item(TableName="Accounts", Key=KEY)["Item"]["n"] == {"N": "1"}


def test_reserved_words_and_unused_placeholders_are_refused(ddb: Any) -> None:
    error = _error(
        ddb.update_item,
        TableName="Accounts",
        Key=KEY,
        UpdateExpression="SET status = :s",
        ExpressionAttributeValues={":s": {"S": "open"}},
    )
    assert error.response["Error"]["Message"] == (
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"
    )
    error = _error(
        ddb.update_item,
        TableName="Accounts",
        Key=KEY,
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "open"}, ":extra": {"N": "1"}},
    )
    assert error.response["Error"]["Message"] == (
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}"
    )


def test_conditional_delete_and_projection(ddb: Any) -> None:
    ddb.put_item(TableName="Accounts", Item={**KEY, "open": {"BOOL": True}, "n": {"N": "3"}})
    error = _error(
        ddb.delete_item,
        TableName="Accounts",
        Key=KEY,
        ConditionExpression="#o = :f",
        ExpressionAttributeNames={"#o": "open"},
        ExpressionAttributeValues={":f": {"BOOL": False}},
    )
    assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"
    got = ddb.get_item(TableName="Accounts", Key=KEY, ProjectionExpression="n")
    assert got["Item"] == {"n": {"N": "3"}}
    gone = ddb.delete_item(
        TableName="Accounts",
        Key=KEY,
        ConditionExpression="n > :two",
        ExpressionAttributeValues={":two": {"N": "2"}},
        ReturnValues="ALL_OLD",
    )
    assert gone["Attributes"]["n"] == {"N": "3"}
    assert "Item" not in ddb.get_item(TableName="Accounts", Key=KEY)


def test_consumed_capacity_follows_item_sizes(ddb: Any) -> None:
    # 1,500 bytes: 2 write units (1 KB each, rounded up); a strongly consistent read of
    # it is 1 unit (4 KB), an eventually consistent one half of that.
    item = {**KEY, "blob": {"S": "x" * (1500 - len("pk") - len("alice") - len("blob"))}}
    put = ddb.put_item(TableName="Accounts", Item=item, ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"] == {"TableName": "Accounts", "CapacityUnits": 2.0}
    strong = ddb.get_item(
        TableName="Accounts", Key=KEY, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 1.0
    eventual = ddb.get_item(TableName="Accounts", Key=KEY, ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"]["CapacityUnits"] == 0.5
    # A failed condition still consumes write capacity.
    error = _error(
        ddb.put_item,
        TableName="Accounts",
        Item=item,
        ConditionExpression="attribute_not_exists(pk)",
        ReturnConsumedCapacity="TOTAL",
    )
    assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"


def _write_until_refused(ddb: Any, most: int) -> tuple[int, ClientError | None]:
    for n in range(most):
        try:
            ddb.put_item(TableName="Small", Item={"pk": {"S": f"k{n}"}})
        except ClientError as error:
            return n, error
    return most, None


def test_provisioned_table_throttles_when_its_bucket_is_empty(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb")
    _provisioned(ddb, "Small", 1, 1)
    written, refusal = _write_until_refused(ddb, 50)
    assert refusal is not None
    assert refusal.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert written < 50
    assert ddb.describe_table(TableName="Small")["Table"]["ItemCount"] == written
    cloud.clock.advance(10)  # ten seconds refill ten write units
    for n in range(10):
        ddb.put_item(TableName="Small", Item={"pk": {"S": f"later{n}"}})


def test_update_table_changes_throughput_under_the_decrease_quota(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb")
    _provisioned(ddb, "Sized", 10, 10)
    for units in (9, 8, 7, 6):
        ddb.update_table(
            TableName="Sized",
            ProvisionedThroughput={"ReadCapacityUnits": units, "WriteCapacityUnits": units},
        )
    described = ddb.describe_table(TableName="Sized")["Table"]["ProvisionedThroughput"]
    assert described["NumberOfDecreasesToday"] == 4
    assert described["LastDecreaseDateTime"].timestamp() == cloud.clock.now()
    assert "LastIncreaseDateTime" not in described
    error = _error(
        ddb.update_table,
        TableName="Sized",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    assert error.response["Error"]["Code"] == "LimitExceededException"
    # Increases are never limited; after an hour one more decrease is allowed.
    ddb.update_table(
        TableName="Sized",
        ProvisionedThroughput={"ReadCapacityUnits": 50, "WriteCapacityUnits": 50},
    )
    cloud.clock.advance(3600)
    ddb.update_table(
        TableName="Sized",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    same = _error(
        ddb.update_table,
        TableName="Sized",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    assert same.response["Error"]["Message"].startswith(
        "The provisioned throughput for the table will not change."
    )
    switched = ddb.update_table(TableName="Sized", BillingMode="PAY_PER_REQUEST")
    assert switched["TableDescription"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    for n in range(200):  # on demand: no provisioned bucket to empty
        ddb.put_item(TableName="Sized", Item={"pk": {"S": f"k{n}"}})


def test_a_copy_of_the_account_keeps_the_tables_capacity_levels(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb")
    _provisioned(ddb, "Small", 1, 1)
    written, _ = _write_until_refused(ddb, 50)
    copy = cloud.fork()
    refused = _error(copy.client("dynamodb").put_item, TableName="Small", Item={"pk": {"S": "x"}})
    assert refused.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    cloud.clock.advance(600)  # five minutes of unused capacity at most are kept
    copy.clock.advance(600)
    assert (
        _write_until_refused(ddb, 400)[0] == _write_until_refused(copy.client("dynamodb"), 400)[0]
    )
    assert written >= 1
