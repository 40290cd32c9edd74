"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL over DynamoDB.

The statements themselves are the ``partiql`` package's business (parsing, WHERE
clauses, planning reads and writes); this module speaks AWS's request and response
shapes. A batch is not atomic: each statement answers for itself in ``Responses``, with
an ``Error`` in place of its result when it fails. A transaction is: every statement is
planned and checked before any is applied, and one failure cancels them all with
``CancellationReasons``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from emulator import limits
from emulator.errors import NotSupportedByEmulator, ServiceError
from emulator.services.base import require
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb import capacity
from emulator.services.dynamodb.api_items import CONDITION_FAILED
from emulator.services.dynamodb.api_transactions import (
    SAME_ITEM,
    check_reasons,
    commit,
    remember,
    replayed,
)
from emulator.services.dynamodb.backend import DynamoDBBackend
from emulator.services.dynamodb.capacity import Consumption
from emulator.services.dynamodb.errors import (
    ValidationException,
)
from emulator.services.dynamodb.partiql import Prepared, prepare, run
from emulator.services.dynamodb.partiql.ast import Delete, Exists, Select, Update, source_of
from emulator.services.dynamodb.partiql.errors import DUPLICATE_ITEM
from emulator.services.dynamodb.partiql.execute import EXISTS_OUTSIDE, apply_write, plan_write
from emulator.services.dynamodb.partiql.gets import GetPlan, plan_get
from emulator.services.dynamodb.partiql.writes import WritePlan
from emulator.services.dynamodb.requests import (
    accept,
    capacity_mode,
    on_condition_failure,
    with_capacities,
    with_capacity,
)

ACCEPTED = {
    "ExecuteStatement": {
        "Statement",
        "Parameters",
        "ConsistentRead",
        "NextToken",
        "Limit",
        "ReturnConsumedCapacity",
        "ReturnValuesOnConditionCheckFailure",
    },
    "BatchExecuteStatement": {"Statements", "ReturnConsumedCapacity"},
    "ExecuteTransaction": {"TransactStatements", "ClientRequestToken", "ReturnConsumedCapacity"},
}
_BATCH_MEMBER = {"Statement", "Parameters", "ConsistentRead", "ReturnValuesOnConditionCheckFailure"}
_TRANSACTION_MEMBER = {"Statement", "Parameters", "ReturnValuesOnConditionCheckFailure"}
#: BatchExecuteStatement runs at most 25 statements (API reference).
BATCH_MAX = 25
MIXED_BATCH = "Read and write requests together in the same batch is not supported."
MIXED_TRANSACTION = (
    "ExecuteTransaction API does not support both read and write operations in the same request."
)
RETURNING_IN_TRANSACTION = "RETURNING clause is not supported in ExecuteTransaction."
#: BatchStatementError codes, by the exception a single statement would have raised.
BATCH_CODES = {
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ValidationException": "ValidationError",
    "ResourceNotFoundException": "ResourceNotFound",
    "ProvisionedThroughputExceededException": "ProvisionedThroughputExceeded",
    "ThrottlingException": "ThrottlingError",
    "RequestLimitExceeded": "RequestLimitExceeded",
    "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
    "TransactionConflictException": "TransactionConflict",
    "AccessDeniedException": "AccessDenied",
}


def _limit(params: dict[str, Any]) -> int | None:
    limit = params.get("Limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    return limit


def _count(values: Any, member: str, most: int) -> list[Any]:
    count = len(values) if isinstance(values, list) else 0
    if not isinstance(values, list) or not 1 <= count <= most:
        bound = f"less than or equal to {most}" if count else "greater than or equal to 1"
        raise ValidationException(
            f"1 validation error detected: Value '{count}' items at '{member}' failed to "
            f"satisfy constraint: Member must have length {bound}"
        )
    return values


def execute_statement(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("ExecuteStatement", params, ACCEPTED["ExecuteStatement"])
    require(params, "Statement")
    mode = capacity_mode(params)
    on_failure = on_condition_failure(params)
    limit = _limit(params)
    prepared = prepare(params["Statement"], params.get("Parameters"))
    result = run(
        backend,
        prepared,
        consistent=bool(params.get("ConsistentRead", False)),
        limit=limit,
        next_token=params.get("NextToken"),
        on_failure=on_failure,
    )
    answer: dict[str, Any] = {"Items": result.items}
    if result.next_token is not None:
        answer["NextToken"] = result.next_token
    if result.last_key is not None:
        answer["LastEvaluatedKey"] = result.last_key
    if result.consumption is not None:
        with_capacity(answer, mode, result.consumption)
    return answer


# -- BatchExecuteStatement ------------------------------------------------------------------


def batch_execute_statement(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("BatchExecuteStatement", params, ACCEPTED["BatchExecuteStatement"])
    require(params, "Statements")
    mode = capacity_mode(params)
    members = _count(params["Statements"], "statements", BATCH_MAX)
    prepared: list[Prepared | ValidationException] = []
    for position, member in enumerate(members):
        if not isinstance(member, dict):
            raise ValidationException("Each member of Statements must be a structure")
        accept("BatchExecuteStatement", member, _BATCH_MEMBER)
        require(member, "Statement")
        on_condition_failure(member)
        try:
            one = prepare(
                member["Statement"], member.get("Parameters"), f"statements.{position + 1}.member."
            )
            if isinstance(one.statement, Exists):
                raise ValidationException(EXISTS_OUTSIDE)
            prepared.append(one)
        except ValidationException as error:
            prepared.append(error)
    kinds = {one.reads for one in prepared if isinstance(one, Prepared)}
    if len(kinds) > 1:
        raise ValidationException(MIXED_BATCH)
    consumed: dict[str, Consumption] = {}
    responses = [
        _batch_member(backend, one, member, consumed)
        for one, member in zip(prepared, members, strict=True)
    ]
    answer: dict[str, Any] = {"Responses": responses}
    shapes = [shape for c in consumed.values() if (shape := c.response(mode)) is not None]
    if shapes:
        answer["ConsumedCapacity"] = shapes
    return answer


def _batch_member(
    backend: DynamoDBBackend,
    prepared: Prepared | ValidationException,
    member: dict[str, Any],
    consumed: dict[str, Consumption],
) -> dict[str, Any]:
    """One statement of a batch: its item, or its error (with its table if it got there)."""
    if isinstance(prepared, ValidationException):
        return _batch_error(prepared)
    table_name: str | None = None
    try:
        statement = prepared.statement
        if isinstance(statement, Select):
            get = plan_get(backend, statement, prepared.parameters, "BatchExecuteStatement")
            table_name = get.table.name
            return _batch_read(get, bool(member.get("ConsistentRead")), consumed)
        plan = plan_write(backend, prepared, "NONE")
        table_name = plan.write.table.name
        consumption = apply_write(backend, plan, charge_failures=False)
        _merge(consumed, consumption)
        answer: dict[str, Any] = {"TableName": table_name}
        returned = plan.returned()
        if returned:
            answer["Item"] = av.copy_item(returned)
        return answer
    except NotSupportedByEmulator:
        raise
    except ServiceError as error:
        return _batch_error(error, table_name)


def _batch_read(get: GetPlan, consistent: bool, consumed: dict[str, Consumption]) -> dict[str, Any]:
    table = get.table
    item = table.get(table.key_of(get.key))
    units = capacity.get_item_units(item, consistent=consistent)
    table.capacity.consume_read(units)
    consumption = Consumption(table.name)
    consumption.add(read=units)
    _merge(consumed, consumption)
    answer: dict[str, Any] = {"TableName": table.name}
    shaped = get.shaped(item)
    if shaped is not None:
        answer["Item"] = shaped
    return answer


def _batch_error(error: ServiceError, table_name: str | None = None) -> dict[str, Any]:
    code = BATCH_CODES.get(error.code, "InternalServerError")
    answer: dict[str, Any] = {"Error": {"Code": code, "Message": error.message}}
    if table_name is not None:
        answer["TableName"] = table_name
    return answer


def _merge(consumed: dict[str, Consumption], consumption: Consumption) -> None:
    total = consumed.setdefault(consumption.table_name, Consumption(consumption.table_name))
    total.add(consumption.read, consumption.write)
    for name, (read, write) in consumption.local_indexes.items():
        total.add_local(name, read, write)
    for name, (read, write) in consumption.global_indexes.items():
        total.add_global(name, read, write)


# -- ExecuteTransaction -----------------------------------------------------------------------


def execute_transaction(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("ExecuteTransaction", params, ACCEPTED["ExecuteTransaction"])
    require(params, "TransactStatements")
    mode = capacity_mode(params)
    most = int(limits.value("dynamodb", "TransactionItems"))
    members = _count(params["TransactStatements"], "transactStatements", most)
    prepared: list[Prepared] = []
    on_failure: list[str] = []
    for position, member in enumerate(members):
        if not isinstance(member, dict):
            raise ValidationException("Each member of TransactStatements must be a structure")
        accept("ExecuteTransaction", member, _TRANSACTION_MEMBER)
        require(member, "Statement")
        on_failure.append(on_condition_failure(member))
        with _member(position):
            one = prepare(member["Statement"], member.get("Parameters"))
            statement = one.statement
            if isinstance(statement, Update | Delete) and statement.returning is not None:
                raise ValidationException(RETURNING_IN_TRANSACTION)
        prepared.append(one)
    if len({one.reads for one in prepared}) > 1:
        raise ValidationException(MIXED_TRANSACTION)
    if prepared[0].reads:
        return _transact_reads(backend, prepared, mode)
    return _transact_writes(backend, params, prepared, on_failure, mode)


@contextmanager
def _member(position: int) -> Iterator[None]:
    """Prefix a statement's validation errors with its place in the transaction."""
    try:
        yield
    except ValidationException as error:
        raise ValidationException(
            f"Validation failed in TransactStatements[{position}]: {error.message}"
        ) from None


def _transact_reads(
    backend: DynamoDBBackend, prepared: list[Prepared], mode: str
) -> dict[str, Any]:
    gets: list[GetPlan] = []
    for position, one in enumerate(prepared):
        statement = one.statement
        assert isinstance(statement, Select)  # a transaction of reads holds only SELECTs
        with _member(position):
            gets.append(plan_get(backend, statement, one.parameters, "ExecuteTransaction"))
    _distinct([(get.table.name, get.table.key_of(get.key)) for get in gets])
    consumed: dict[str, Consumption] = {}
    found = []
    for get in gets:
        item = get.table.get(get.table.key_of(get.key))
        units = capacity.get_item_units(item, consistent=True, transactional=True)
        consumed.setdefault(get.table.name, Consumption(get.table.name)).add(read=units)
        found.append(get.shaped(item))
    for name, consumption in consumed.items():
        backend.table(name).capacity.consume_read(consumption.read)
    answer: dict[str, Any] = {
        "Responses": [{} if item is None else {"Item": item} for item in found]
    }
    return with_capacities(answer, mode, consumed, split=True)


def _transact_writes(
    backend: DynamoDBBackend,
    params: dict[str, Any],
    prepared: list[Prepared],
    on_failure: list[str],
    mode: str,
) -> dict[str, Any]:
    token = params.get("ClientRequestToken")
    fingerprint = _fingerprint(prepared)
    if replayed(backend, token, fingerprint):
        return _replayed(backend, prepared, mode)
    plans: list[WritePlan] = []
    for position, (one, choice) in enumerate(zip(prepared, on_failure, strict=True)):
        with _member(position):
            plans.append(plan_write(backend, one, choice))
    _distinct([(plan.write.table.name, plan.write.table.key_of(plan.write.key)) for plan in plans])
    size = sum(av.item_size(plan.write.new or plan.write.key) for plan in plans)
    if size > limits.value("dynamodb", "TransactionSize"):
        raise ValidationException("Transaction size has exceeded the maximum allowed size of 4 MB")
    consumed: dict[str, Consumption] = {}
    for plan in plans:
        write = plan.write
        units = capacity.write_item_units(write.old, write.new, transactional=True)
        consumed.setdefault(write.table.name, Consumption(write.table.name)).add(write=units)
    for name, consumption in consumed.items():
        backend.table(name).capacity.consume_write(consumption.write)
    reasons = [_reason(plan) for plan in plans]
    check_reasons(reasons)
    commit(backend, [plan.write for plan in plans])
    remember(backend, token, fingerprint)
    return with_capacities({}, mode, consumed, split=True)


def _distinct(positions: list[tuple[str, Any]]) -> None:
    if len(set(positions)) != len(positions):
        raise ValidationException(SAME_ITEM)


def _reason(plan: WritePlan) -> dict[str, Any]:
    if plan.holds:
        return {"Code": "None"}
    if plan.failure == "duplicate":
        return {"Code": "DuplicateItem", "Message": DUPLICATE_ITEM}
    reason: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": CONDITION_FAILED}
    if plan.write.on_failure == "ALL_OLD" and plan.write.old is not None:
        reason["Item"] = plan.write.old
    return reason


def _fingerprint(prepared: list[Prepared]) -> str:
    """What makes two transactions with one token the same request."""
    data = json.dumps(
        ["ExecuteTransaction", [[p.text, [av.to_json(v) for v in p.parameters]] for p in prepared]]
    )
    return hashlib.sha256(data.encode()).hexdigest()


def _replayed(backend: DynamoDBBackend, prepared: list[Prepared], mode: str) -> dict[str, Any]:
    """The same transaction again within the token's life: nothing is written again, and
    DynamoDB charges a transactional read of the recorded outcome instead."""
    consumed: dict[str, Consumption] = {}
    for one in prepared:
        source = source_of(one.statement)
        units = capacity.read_units(0, transactional=True)
        consumed.setdefault(source.table, Consumption(source.table)).add(read=units)
    return with_capacities({}, mode, consumed, split=True)


OPERATIONS = {
    "ExecuteStatement": execute_statement,
    "BatchExecuteStatement": batch_execute_statement,
    "ExecuteTransaction": execute_transaction,
}
