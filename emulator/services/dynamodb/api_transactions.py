"""TransactWriteItems and TransactGetItems: all or nothing, across items and tables.

Every action is validated and planned first; then every condition is tested against the
items as they are; only when all hold is any item written. A failure cancels the whole
transaction with ``TransactionCanceledException``, whose ``CancellationReasons`` has one
entry per action, in order (``None`` for the actions that were not at fault). A
``ClientRequestToken`` makes the call idempotent for ten minutes: the same request again
answers as the first did without writing anything again.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from emulator import limits
from emulator.services.base import require
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb import capacity
from emulator.services.dynamodb.api_items import (
    CONDITION_FAILED,
    Write,
    plan_check,
    plan_delete,
    plan_put,
    plan_update,
)
from emulator.services.dynamodb.backend import ONGOING, DynamoDBBackend, checked_key
from emulator.services.dynamodb.capacity import Consumption
from emulator.services.dynamodb.errors import (
    IdempotentParameterMismatchException,
    TransactionCanceledException,
    ValidationException,
)
from emulator.services.dynamodb.requests import (
    Expressions,
    accept,
    capacity_mode,
    projected,
    with_capacities,
)

ACCEPTED = {
    "TransactWriteItems": {
        "TransactItems",
        "ClientRequestToken",
        "ReturnConsumedCapacity",
        "ReturnItemCollectionMetrics",
    },
    "TransactGetItems": {"TransactItems", "ReturnConsumedCapacity"},
}
_PLANNERS = {
    "ConditionCheck": (plan_check, ("TableName", "Key", "ConditionExpression")),
    "Put": (plan_put, ("TableName", "Item")),
    "Delete": (plan_delete, ("TableName", "Key")),
    "Update": (plan_update, ("TableName", "Key", "UpdateExpression")),
}
_ACTION = {
    "TableName",
    "Key",
    "Item",
    "ConditionExpression",
    "UpdateExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValuesOnConditionCheckFailure",
}
SAME_ITEM = "Transaction request cannot include multiple operations on one item"


def _actions(params: dict[str, Any]) -> list[Any]:
    actions = params["TransactItems"]
    most = int(limits.value("dynamodb", "TransactionItems"))
    if not isinstance(actions, list) or not 1 <= len(actions) <= most:
        count = len(actions) if isinstance(actions, list) else 0
        raise ValidationException(
            f"1 validation error detected: Value '{count}' items at 'transactItems' failed to "
            f"satisfy constraint: Member must have length less than or equal to {most}, "
            "Member must have length greater than or equal to 1"
        )
    return actions


def transact_write_items(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("TransactWriteItems", params, ACCEPTED["TransactWriteItems"])
    require(params, "TransactItems")
    mode = capacity_mode(params)
    actions = _actions(params)
    token = params.get("ClientRequestToken")
    if token is not None and not (isinstance(token, str) and 1 <= len(token) <= 36):
        raise ValidationException(
            f"1 validation error detected: Value '{token}' at 'clientRequestToken' failed to "
            "satisfy constraint: Member must have length less than or equal to 36"
        )
    fingerprint = _fingerprint(params)
    if replayed(backend, token, fingerprint):
        return {}  # the same request again within ten minutes: nothing written again
    planned: list[Write | dict[str, Any]] = [_plan_or_reason(backend, a) for a in actions]
    plans = [plan for plan in planned if isinstance(plan, Write)]
    positions = set()
    size = 0
    for plan in plans:
        position = (plan.table.name, plan.table.key_of(plan.key))
        if position in positions:
            raise ValidationException(SAME_ITEM)
        positions.add(position)
        size += av.item_size(plan.new or plan.key)
    if size > limits.value("dynamodb", "TransactionSize"):
        raise ValidationException("Transaction size has exceeded the maximum allowed size of 4 MB")
    consumed: dict[str, Consumption] = {}
    for plan in plans:
        units = capacity.write_item_units(plan.old, plan.new, transactional=True)
        consumed.setdefault(plan.table.name, Consumption(plan.table.name)).add(write=units)
    for name, consumption in consumed.items():
        backend.table(name).capacity.consume_write(consumption.write)
    busy = backend.in_flight
    if busy and any((p.table.name, p.table.key_of(p.key)) in busy for p in plans):
        # Another transaction is committing one of these items at this moment.
        reasons = [
            {"Code": "TransactionConflict", "Message": ONGOING}
            if isinstance(p, Write) and (p.table.name, p.table.key_of(p.key)) in busy
            else {"Code": "None"}
            for p in planned
        ]
    elif len(plans) < len(planned):
        # An action that is itself invalid cancels the transaction before any condition is
        # tested: the other actions are reported as None.
        reasons = [{"Code": "None"} if isinstance(p, Write) else p for p in planned]
    else:
        reasons = [_reason(plan) for plan in plans]
    check_reasons(reasons)
    commit(backend, plans)
    remember(backend, token, fingerprint)
    return with_capacities({}, mode, consumed, split=True)


#: Messages about the request itself (its expressions and parameters): these refuse the
#: whole call. Anything else wrong with one action's item cancels the transaction with a
#: ValidationError reason for that action, as DynamoDB does.
_REQUEST_LEVEL = (
    "Invalid ",
    "ExpressionAttribute",
    "Value provided in ExpressionAttribute",
    "1 validation error",
)


def commit(backend: DynamoDBBackend, plans: list[Write]) -> None:
    """Hold the items while the transaction commits, then write them all.

    The account is let go for a moment between the two phases, as a real transaction
    takes time: a request on another thread that touches one of these items meanwhile
    meets ``TransactionConflictException`` (or, in a transaction, a TransactionConflict
    reason). Requests from one thread follow each other and never meet this way.
    """
    held = {(plan.table.name, plan.table.key_of(plan.key)) for plan in plans}
    backend.in_flight |= held
    try:
        with backend.cloud.lock.released():
            between_phases()
        for plan in plans:
            plan.apply(backend)
    finally:
        backend.in_flight -= held


def check_reasons(reasons: list[dict[str, Any]]) -> None:
    """Cancel the transaction when any action has a reason other than None."""
    if all(reason["Code"] == "None" for reason in reasons):
        return
    codes = ", ".join(reason["Code"] for reason in reasons)
    raise TransactionCanceledException(
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        CancellationReasons=reasons,
    )


def replayed(backend: DynamoDBBackend, token: str | None, fingerprint: str) -> bool:
    """Whether ``token`` already carried this very request in the last ten minutes.

    Raises:
        IdempotentParameterMismatchException: the token carried another request.
    """
    if token is None:
        return False
    ledger = backend.transaction_tokens
    now = backend.cloud.clock.now()
    life = limits.value("dynamodb", "TransactionTokenSeconds")
    for stale in [t for t, (when, _) in ledger.items() if now - when > life]:
        del ledger[stale]
    if token not in ledger:
        return False
    if ledger[token][1] != fingerprint:
        raise IdempotentParameterMismatchException(
            "Specified client request token is already in use with different parameters"
        )
    return True


def remember(backend: DynamoDBBackend, token: str | None, fingerprint: str) -> None:
    """Keep a committed transaction's token, so a retry of it writes nothing again."""
    if token is not None:
        backend.transaction_tokens[token] = (backend.cloud.clock.now(), fingerprint)


def between_phases() -> None:
    """Let other threads run between a transaction's two phases (tests replace this)."""
    time.sleep(0)


def _plan_or_reason(backend: DynamoDBBackend, action: Any) -> Write | dict[str, Any]:
    try:
        return _plan(backend, action)
    except ValidationException as error:
        if error.message.startswith(_REQUEST_LEVEL) or error.message == SAME_ITEM:
            raise
        return {"Code": "ValidationError", "Message": error.message}


def _plan(backend: DynamoDBBackend, action: Any) -> Write:
    if not isinstance(action, dict) or len(action) != 1 or next(iter(action)) not in _PLANNERS:
        raise ValidationException(
            "Each item of TransactItems holds exactly one of ConditionCheck, Put, Delete or Update"
        )
    ((kind, spec),) = action.items()
    planner, required = _PLANNERS[kind]
    spec = spec or {}
    accept(f"TransactWriteItems {kind}", spec, _ACTION)
    require(spec, *required)
    return planner(backend, spec)


def _reason(plan: Write) -> dict[str, Any]:
    if plan.condition is None or plan.condition.evaluate(plan.old):
        return {"Code": "None"}
    reason: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": CONDITION_FAILED}
    if plan.on_failure == "ALL_OLD" and plan.old is not None:
        reason["Item"] = plan.old
    return reason


def _fingerprint(params: dict[str, Any]) -> str:
    """What makes two requests with one token the same request."""
    data = json.dumps(params.get("TransactItems"), sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def transact_get_items(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("TransactGetItems", params, ACCEPTED["TransactGetItems"])
    require(params, "TransactItems")
    mode = capacity_mode(params)
    actions = _actions(params)
    reads = []
    positions = set()
    for action in actions:
        if not isinstance(action, dict) or list(action) != ["Get"]:
            raise ValidationException("Each item of TransactItems holds exactly one Get")
        spec = action["Get"] or {}
        accept(
            "TransactGetItems Get",
            spec,
            {"TableName", "Key", "ProjectionExpression", "ExpressionAttributeNames"},
        )
        require(spec, "TableName", "Key")
        table = backend.table(spec["TableName"])
        request = Expressions(spec)
        projection = request.projection()
        request.finish()
        key = checked_key(table, spec["Key"])
        position = (table.name, table.key_of(key))
        if position in positions:
            raise ValidationException(SAME_ITEM)
        positions.add(position)
        reads.append((table, key, projection))
    busy = backend.in_flight
    if busy and any((t.name, t.key_of(k)) in busy for t, k, _ in reads):
        reasons = [
            {"Code": "TransactionConflict", "Message": ONGOING}
            if (t.name, t.key_of(k)) in busy
            else {"Code": "None"}
            for t, k, _ in reads
        ]
        check_reasons(reasons)
    consumed: dict[str, Consumption] = {}
    responses = []
    for table, key, projection in reads:
        item = table.get(table.key_of(key))
        units = capacity.get_item_units(item, consistent=True, transactional=True)
        consumed.setdefault(table.name, Consumption(table.name)).add(read=units)
        responses.append({} if item is None else {"Item": projected(item, projection)})
    for name, consumption in consumed.items():
        backend.table(name).capacity.consume_read(consumption.read)
    return with_capacities({"Responses": responses}, mode, consumed, split=True)


OPERATIONS = {
    "TransactWriteItems": transact_write_items,
    "TransactGetItems": transact_get_items,
}
