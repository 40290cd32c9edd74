"""ExecuteTransaction: reads or writes, all or nothing, with AWS's reasons and messages.

Messages and shapes follow what nubo-db's conformance suite and floci recorded against
AWS: the per-statement prefix, EXISTS rules, cancellation reasons, the token replay.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator import ClientError


def _transact(ddb: Any, *statements: str | dict[str, Any], **params: Any) -> dict[str, Any]:
    members = [{"Statement": s} if isinstance(s, str) else s for s in statements]
    return ddb.execute_transaction(TransactStatements=members, **params)  # type: ignore[no-any-return]


def _refused(ddb: Any, *statements: str | dict[str, Any], **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        _transact(ddb, *statements, **params)
    return caught.value.response


def _item(ddb: Any, pk: str) -> dict[str, Any] | None:
    return ddb.get_item(TableName="Users", Key={"id": {"S": pk}}).get("Item")  # type: ignore[no-any-return]


def _put(ddb: Any, pk: str, **attributes: str) -> None:
    ddb.put_item(
        TableName="Users", Item={"id": {"S": pk}, **{k: {"S": v} for k, v in attributes.items()}}
    )


def test_writes_apply_together(ddb: Any) -> None:
    _put(ddb, "old", data="before")
    answer = _transact(
        ddb,
        "INSERT INTO Users VALUE {'id': 'new', 'data': 'made'}",
        "UPDATE Users SET data = 'after' WHERE id = 'old'",
        "DELETE FROM Users WHERE id = 'absent'",
    )
    assert set(answer) == {"ResponseMetadata"}
    assert _item(ddb, "new") == {"id": {"S": "new"}, "data": {"S": "made"}}
    assert _item(ddb, "old") == {"id": {"S": "old"}, "data": {"S": "after"}}


def test_one_failure_cancels_every_write_with_a_reason_each(ddb: Any) -> None:
    _put(ddb, "dup", data="existing")
    _put(ddb, "kept", val="right")
    response = _refused(
        ddb,
        "INSERT INTO Users VALUE {'id': 'dup', 'data': 'again'}",
        "INSERT INTO Users VALUE {'id': 'rolled-back'}",
        {
            "Statement": "UPDATE Users SET val = 'x' WHERE id = 'kept' AND val = 'wrong'",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        },
        "UPDATE Users SET val = 'x' WHERE id = 'nobody'",
    )
    assert response["Error"] == {
        "Code": "TransactionCanceledException",
        "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[DuplicateItem, None, ConditionalCheckFailed, ConditionalCheckFailed]",
    }
    assert response["CancellationReasons"] == [
        {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        {"Code": "None"},
        {
            "Code": "ConditionalCheckFailed",
            "Message": "The conditional request failed",
            "Item": {"id": {"S": "kept"}, "val": {"S": "right"}},
        },
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]
    assert _item(ddb, "rolled-back") is None
    assert _item(ddb, "dup") == {"id": {"S": "dup"}, "data": {"S": "existing"}}


def test_exists_guards_the_other_writes(ddb: Any) -> None:
    _put(ddb, "x1", free="x")
    _put(ddb, "x2")
    _put(ddb, "x3", awards="1")
    _transact(
        ddb,
        "EXISTS(SELECT * FROM Users WHERE id = 'x1' AND awards IS MISSING)",
        "UPDATE Users SET won = 1 WHERE id = 'x2'",
    )
    assert _item(ddb, "x2") == {"id": {"S": "x2"}, "won": {"N": "1"}}
    response = _refused(
        ddb,
        "EXISTS(SELECT * FROM Users WHERE (id = 'x3') AND awards IS MISSING)",
        "UPDATE Users SET touched = 1 WHERE id = 'x1'",
    )
    assert response["CancellationReasons"] == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "None"},
    ]
    # EXISTS of an item that is not there is false too.
    response = _refused(ddb, "EXISTS(SELECT * FROM Users WHERE id = 'none' AND a IS MISSING)")
    assert response["CancellationReasons"][0]["Code"] == "ConditionalCheckFailed"


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        (
            ["EXISTS(SELECT * FROM Users WHERE id = 'x1')", "DELETE FROM Users WHERE id = 'a'"],
            "Validation failed in TransactStatements[0]: "
            "EXISTS() must contain a single item read with additional condition",
        ),
        (
            [
                "DELETE FROM Users WHERE id = 'a'",
                "UPDATE Users SET v = 1 WHERE id = 'b' RETURNING ALL NEW *",
            ],
            "Validation failed in TransactStatements[1]: "
            "RETURNING clause is not supported in ExecuteTransaction.",
        ),
        (
            ["SELECT * FROM Users WHERE id = 'a'", "UPDATE Users SET v = 1 WHERE id = 'b'"],
            "ExecuteTransaction API does not support both read and write operations in the same request.",
        ),
        (
            ["SELECT * FROM Users WHERE id = 'a' AND flag = 'x'"],
            "Validation failed in TransactStatements[0]: Select statements within "
            "ExecuteTransaction must specify the primary key in the where clause.",
        ),
        (
            ["SELECT * FROM Users WHERE id = 'a' AND id = 'b'"],
            "Validation failed in TransactStatements[0]: Select statements within "
            "ExecuteTransaction must specify the primary key in the where clause.",
        ),
        (
            ['SELECT * FROM "Music"."Nope" WHERE pk = \'a\''],
            "Validation failed in TransactStatements[0]: "
            "Reads on indices are not supported within transactions.",
        ),
        (
            ["DELETE FROM Users WHERE id = 'a'", "SLECT"],
            "Validation failed in TransactStatements[1]: "
            "Statement wasn't well formed, can't be processed: Expected data manipulation",
        ),
        (
            ["INSERT INTO Users VALUE {'id': 'a'}", "DELETE FROM Users WHERE id = 'a'"],
            "Transaction request cannot include multiple operations on one item",
        ),
    ],
)
def test_statements_a_transaction_refuses(ddb: Any, statements: list[str], message: str) -> None:
    _put(ddb, "a")
    response = _refused(ddb, *statements)
    assert response["Error"] == {"Code": "ValidationException", "Message": message}
    assert _item(ddb, "a") == {"id": {"S": "a"}}
    assert _item(ddb, "b") is None


def test_reads_answer_one_response_each_at_transactional_cost(ddb: Any) -> None:
    _put(ddb, "a", name="Ann", age="x")
    answer = _transact(
        ddb,
        "SELECT name FROM Users WHERE id = 'a'",
        "SELECT * FROM Users WHERE id = 'nobody'",
        {
            "Statement": 'SELECT * FROM "Music" WHERE pk = ? AND sk = ?',
            "Parameters": [{"S": "x"}, {"N": "1"}],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["Responses"] == [{"Item": {"name": {"S": "Ann"}}}, {}, {}]
    # A transactional read costs 2 units per 4 KB, a missing item the minimum.
    assert sorted(answer["ConsumedCapacity"], key=lambda c: c["TableName"]) == [
        {"TableName": "Music", "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0},
        {"TableName": "Users", "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0},
    ]


def test_a_client_request_token_makes_a_transaction_run_once(ddb: Any) -> None:
    ddb.execute_statement(Statement="INSERT INTO Users VALUE {'id': 'counter', 'n': 0}")
    statements = [{"Statement": "UPDATE Users SET n = n + 1 WHERE id = 'counter'"}]
    first = ddb.execute_transaction(
        TransactStatements=statements, ClientRequestToken="t-1", ReturnConsumedCapacity="INDEXES"
    )
    replay = ddb.execute_transaction(
        TransactStatements=statements, ClientRequestToken="t-1", ReturnConsumedCapacity="INDEXES"
    )
    assert _item(ddb, "counter") == {"id": {"S": "counter"}, "n": {"N": "1"}}
    # Recorded against AWS: the first call writes (2 WCU), the replay reads (2 RCU).
    assert first["ConsumedCapacity"][0]["WriteCapacityUnits"] == 2.0
    assert "ReadCapacityUnits" not in first["ConsumedCapacity"][0]
    assert replay["ConsumedCapacity"][0]["ReadCapacityUnits"] == 2.0
    assert "WriteCapacityUnits" not in replay["ConsumedCapacity"][0]
    other = [{"Statement": "UPDATE Users SET n = n + 2 WHERE id = 'counter'"}]
    with pytest.raises(ClientError) as caught:
        ddb.execute_transaction(TransactStatements=other, ClientRequestToken="t-1")
    assert caught.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"


def test_a_transaction_holds_one_to_a_hundred_statements(ddb: Any) -> None:
    for statements in (
        [],
        [{"Statement": f"DELETE FROM Users WHERE id = 'u{n}'"} for n in range(101)],
    ):
        with pytest.raises(ClientError) as caught:
            ddb.execute_transaction(TransactStatements=statements)
        assert caught.value.response["Error"]["Code"] == "ValidationException"
