"""BatchExecuteStatement: each statement answers for itself, and the call itself succeeds.

The response shapes (error codes, when TableName is echoed, no Item on a failed
condition, RETURNING honoured, only successful members charged) are the ones nubo-db's
conformance suite and floci recorded against AWS.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator import ClientError


def _batch(ddb: Any, *statements: str | dict[str, Any], **params: Any) -> dict[str, Any]:
    members = [{"Statement": s} if isinstance(s, str) else s for s in statements]
    return ddb.batch_execute_statement(Statements=members, **params)  # type: ignore[no-any-return]


def _put(ddb: Any, pk: str, **attributes: str) -> None:
    item = {"id": {"S": pk}, **{k: {"S": v} for k, v in attributes.items()}}
    ddb.put_item(TableName="Users", Item=item)


def test_reads_answer_one_item_each_and_an_error_in_place_of_a_failure(ddb: Any) -> None:
    _put(ddb, "u1", name="Ann")
    answer = _batch(
        ddb,
        "SELECT * FROM Users WHERE id = 'u1'",
        "SELECT name FROM Users WHERE id = 'u1'",
        "SELECT * FROM Users WHERE id = 'nobody'",
        "SELECT * FROM Absent WHERE id = 'x'",
        "SLECT * FROM Users WHERE id = 'u1'",
        "SELECT * FROM Users WHERE name = 'Ann'",
    )
    assert answer["Responses"] == [
        {"TableName": "Users", "Item": {"id": {"S": "u1"}, "name": {"S": "Ann"}}},
        {"TableName": "Users", "Item": {"name": {"S": "Ann"}}},
        {"TableName": "Users"},
        {
            "Error": {
                "Code": "ResourceNotFound",
                "Message": "Requested resource not found: Table: Absent not found",
            }
        },
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Statement wasn't well formed, can't be processed: Expected data manipulation",
            }
        },
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Select statements within BatchExecuteStatement must specify the "
                "primary key in the where clause.",
            }
        },
    ]


def test_writes_answer_with_their_table_and_fail_one_by_one(ddb: Any) -> None:
    _put(ddb, "dup")
    _put(ddb, "cond", val="here")
    _put(ddb, "gone", val="old")
    answer = _batch(
        ddb,
        "INSERT INTO Users VALUE {'id': 'new'}",
        "INSERT INTO Users VALUE {'id': 'dup'}",
        {
            "Statement": "UPDATE Users SET touched = 'yes' WHERE id = ? AND val = ?",
            "Parameters": [{"S": "cond"}, {"S": "wrong"}],
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        },
        "DELETE FROM Users WHERE id = 'gone' RETURNING ALL OLD *",
        "UPDATE Users REMOVE val WHERE id = 'cond' RETURNING MODIFIED NEW *",
        "DELETE FROM Users WHERE id = 'x' RETURNING MODIFIED OLD *",
    )
    assert answer["Responses"] == [
        {"TableName": "Users"},
        {
            "TableName": "Users",
            "Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        },
        {
            "TableName": "Users",
            "Error": {
                "Code": "ConditionalCheckFailed",
                "Message": "The conditional request failed",
            },
        },
        {"TableName": "Users", "Item": {"id": {"S": "gone"}, "val": {"S": "old"}}},
        {"TableName": "Users"},
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING "
                "ALL OLD * is allowed in DELETE statements.",
            }
        },
    ]
    assert "Item" in ddb.get_item(TableName="Users", Key={"id": {"S": "new"}})
    assert "Item" not in ddb.get_item(TableName="Users", Key={"id": {"S": "gone"}})
    assert ddb.get_item(TableName="Users", Key={"id": {"S": "cond"}})["Item"] == {
        "id": {"S": "cond"}
    }


def test_only_members_that_succeed_are_charged(ddb: Any) -> None:
    _put(ddb, "a", val="x")
    _put(ddb, "b", val="y")
    answer = _batch(
        ddb,
        {"Statement": "SELECT * FROM Users WHERE id = 'a'", "ConsistentRead": True},
        "SELECT * FROM Users WHERE id = 'b'",
        "SELECT * FROM Users WHERE id = 'missing'",
        "SELECT * FROM Users WHERE val = 'x'",
        ReturnConsumedCapacity="INDEXES",
    )
    assert answer["Responses"][3]["Error"]["Code"] == "ValidationError"
    # A consistent read costs twice an eventual one, per member: 1 + 0.5 + 0.5.
    assert answer["ConsumedCapacity"] == [
        {"TableName": "Users", "CapacityUnits": 2.0, "Table": {"CapacityUnits": 2.0}}
    ]
    failed = _batch(ddb, "INSERT INTO Users VALUE {'id': 'a'}", ReturnConsumedCapacity="TOTAL")
    assert failed["Responses"][0]["Error"]["Code"] == "DuplicateItem"
    assert "ConsumedCapacity" not in failed


def test_a_batch_holds_reads_or_writes_never_both(ddb: Any) -> None:
    with pytest.raises(ClientError) as caught:
        _batch(ddb, "SELECT * FROM Users WHERE id = 'a'", "INSERT INTO Users VALUE {'id': 'a'}")
    assert caught.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Read and write requests together in the same batch is not supported.",
    }
    # A member that does not parse takes no side.
    answer = _batch(ddb, "SLECT 1", "INSERT INTO Users VALUE {'id': 'a'}")
    assert answer["Responses"][1] == {"TableName": "Users"}


def test_exists_is_a_member_error_outside_a_transaction(ddb: Any) -> None:
    answer = _batch(ddb, "EXISTS(SELECT * FROM Users WHERE id = 'a' AND val = 'x')")
    assert answer["Responses"] == [
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "EXISTS can only be used in ExecuteTransaction write requests.",
            }
        }
    ]


@pytest.mark.parametrize(
    ("count", "bound"),
    [(0, "greater than or equal to 1"), (26, "less than or equal to 25")],
)
def test_a_batch_holds_one_to_twenty_five_statements(ddb: Any, count: int, bound: str) -> None:
    statements = [{"Statement": f"INSERT INTO Users VALUE {{'id': 'u{n}'}}"} for n in range(count)]
    with pytest.raises(ClientError) as caught:
        ddb.batch_execute_statement(Statements=statements)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Error"]["Message"].endswith(f"Member must have length {bound}")
    assert ddb.scan(TableName="Users")["Items"] == []
