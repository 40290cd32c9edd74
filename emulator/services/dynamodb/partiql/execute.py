"""Running statements: prepare (parse, bind, count parameters), then read or write.

``prepare`` does every check that needs no table; ``run`` resolves the table, plans
the statement (all validation happens there) and only then reads or writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb import capacity
from emulator.services.dynamodb.api_items import CONDITION_FAILED
from emulator.services.dynamodb.attributes import AttributeValue, Item
from emulator.services.dynamodb.backend import DynamoDBBackend
from emulator.services.dynamodb.capacity import Consumption
from emulator.services.dynamodb.errors import ConditionalCheckFailedException, ValidationException
from emulator.services.dynamodb.partiql import paging, reads, writes
from emulator.services.dynamodb.partiql.ast import Delete, Exists, Insert, Select, Statement, Update
from emulator.services.dynamodb.partiql.errors import (
    DUPLICATE_ITEM,
    PARAMETER_COUNT,
    DuplicateItemException,
)
from emulator.services.dynamodb.partiql.parser import parse

#: ExecuteStatement's Statement is 1 to 8,192 characters (API reference).
STATEMENT_MAX = 8192
EXISTS_OUTSIDE = "EXISTS can only be used in ExecuteTransaction write requests."


@dataclass(frozen=True)
class Prepared:
    """A parsed statement with its parameters bound and counted."""

    text: str
    statement: Statement
    parameters: list[AttributeValue]

    @property
    def reads(self) -> bool:
        return isinstance(self.statement, Select)


@dataclass
class StatementResult:
    """What one statement produced."""

    items: list[Item]
    consumption: Consumption | None = None
    next_token: str | None = None
    last_key: Item | None = None


def prepare(text: Any, parameters: Any, member: str = "") -> Prepared:
    """Check a Statement and its Parameters and parse the statement.

    Args:
        text: the Statement member.
        parameters: the Parameters member (None when absent).
        member: where the statement sits in a batch ("statements.1.member."), for messages.
    """
    if not isinstance(text, str):
        raise ValidationException(f"The {member}statement must be a string")
    if not 1 <= len(text) <= STATEMENT_MAX:
        bound = f"less than or equal to {STATEMENT_MAX}" if text else "greater than or equal to 1"
        raise ValidationException(
            f"1 validation error detected: Value '{text}' at '{member}statement' failed to "
            f"satisfy constraint: Member must have length {bound}"
        )
    bound_parameters = _parameters(parameters, member)
    parsed = parse(text)
    # Extra parameters are ignored, as DynamoDB does; too few cannot be bound.
    if parsed.parameters > len(bound_parameters):
        raise ValidationException(PARAMETER_COUNT)
    return Prepared(text, parsed.statement, bound_parameters)


def _parameters(raw: Any, member: str) -> list[AttributeValue]:
    if raw is None:
        return []
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationException(
            f"1 validation error detected: Value '{raw}' at '{member}parameters' failed to "
            "satisfy constraint: Member must have length greater than or equal to 1"
        )
    return [av.validate(value) for value in raw]


def plan_write(backend: DynamoDBBackend, prepared: Prepared, on_failure: str) -> writes.WritePlan:
    """Plan an INSERT, UPDATE, DELETE or EXISTS; nothing is stored."""
    statement, parameters = prepared.statement, prepared.parameters
    if isinstance(statement, Insert):
        return writes.plan_insert(backend, statement, parameters, on_failure)
    if isinstance(statement, Update):
        return writes.plan_update(backend, statement, parameters, on_failure, prepared.text)
    if isinstance(statement, Delete):
        return writes.plan_delete(backend, statement, parameters, on_failure)
    if isinstance(statement, Exists):
        return writes.plan_exists(backend, statement, parameters, on_failure)
    raise TypeError("a SELECT is not a write")


def run(
    backend: DynamoDBBackend,
    prepared: Prepared,
    *,
    consistent: bool = False,
    limit: int | None = None,
    next_token: Any = None,
    on_failure: str = "NONE",
) -> StatementResult:
    """ExecuteStatement: one statement, read or write."""
    statement = prepared.statement
    if isinstance(statement, Exists):
        raise ValidationException(EXISTS_OUTSIDE)
    if isinstance(statement, Select):
        return _select(backend, prepared, statement, consistent, limit, next_token)
    plan = plan_write(backend, prepared, on_failure)
    consumption = apply_write(backend, plan, charge_failures=True)
    returned = plan.returned()
    return StatementResult([] if returned is None else [av.copy_item(returned)], consumption)


def _select(
    backend: DynamoDBBackend,
    prepared: Prepared,
    statement: Select,
    consistent: bool,
    limit: int | None,
    next_token: Any,
) -> StatementResult:
    bound_to = paging.fingerprint(prepared.text, prepared.parameters)
    cursor = paging.Cursor() if next_token is None else paging.resume(next_token, bound_to)
    plan = reads.plan_select(backend, statement, prepared.parameters, consistent=consistent)
    page = reads.read_page(backend, plan, limit=limit, cursor=cursor)
    token = None if page.next is None else paging.mint(bound_to, page.next)
    return StatementResult(page.items, page.consumption, token, page.last_key)


def apply_write(
    backend: DynamoDBBackend, plan: writes.WritePlan, *, charge_failures: bool
) -> Consumption:
    """Charge, test and store one planned write, as PutItem and UpdateItem do.

    Args:
        charge_failures: a failed condition still consumes write capacity (single
            statements); BatchExecuteStatement charges only the members that succeed.

    Raises:
        DuplicateItemException: an INSERT found the key taken.
        ConditionalCheckFailedException: the WHERE (or the item's existence) failed.
    """
    write = plan.write
    units = write.units
    local, global_units = write.index_units()
    holds = plan.holds
    if holds or charge_failures:
        write.table.capacity.consume_write(units + local, global_units)
    if not holds:
        raise failure(plan)
    write.apply(backend)
    consumption = Consumption(write.table.name)
    consumption.add(write=units)
    for index in write.table.indexes or ():
        name = index.spec.name
        if index.spec.is_global and name in global_units:
            consumption.add_global(name, write=global_units[name])
        elif not index.spec.is_global and local:
            units_here = capacity.index_write_units(
                write.old, write.new, write.table.key_names, index.spec
            )
            if units_here:
                consumption.add_local(name, write=units_here)
    return consumption


def failure(plan: writes.WritePlan) -> DuplicateItemException | ConditionalCheckFailedException:
    """The error a failed write raises; ALL_OLD puts the item in a condition failure."""
    if plan.failure == "duplicate":
        return DuplicateItemException(DUPLICATE_ITEM)
    write = plan.write
    if write.on_failure == "ALL_OLD" and write.old is not None:
        return ConditionalCheckFailedException(CONDITION_FAILED, Item=write.old)
    return ConditionalCheckFailedException(CONDITION_FAILED)
