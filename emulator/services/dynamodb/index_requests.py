"""CreateTable's and UpdateTable's secondary index parameters, checked before anything changes.

Where the wording comes from (quoted, not paraphrased, unless marked UNVERIFIED):

* botocore's DynamoDB model: "the maximum is 20" GSIs and 5 LSIs, at most 100
  ``NonKeyAttributes`` summed over a table's indexes, and "You can create or delete only one
  global secondary index per UpdateTable operation".
* dynalite's CreateTable / UpdateTable validations, written against the live service: the LSI
  key rules, ``Duplicate index name``, the index count limits, the
  ``GlobalSecondaryIndexUpdate`` messages and LimitExceededException's "Subscriber limit
  exceeded: Only 1 online index can be created or deleted simultaneously per table".
* Service answers quoted in public emulators and issue threads: "Attempting to create an index
  which already exists", "Some AttributeDefinitions are not used", "Requested resource not
  found: Index: ... not found" and the per-index throughput messages of UpdateTable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from emulator.services.dynamodb.errors import (
    ResourceNotFoundException,
    ValidationException,
    invalid,
)
from emulator.services.dynamodb.index_specs import (
    DEFAULT_MAX_GLOBAL_INDEXES,
    MAX_LOCAL_INDEXES,
    MAX_PROJECTED_ATTRIBUTES,
    IndexSpec,
    index_list,
    index_name,
    index_throughput,
    key_schema,
    parse_index,
    throughput_units,
    unique_name,
)
from emulator.services.dynamodb.throughput import LimitExceededException

ONLINE_INDEX_LIMIT = (
    "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously "
    "per table"
)


@dataclass(frozen=True)
class IndexUpdates:
    """A checked ``GlobalSecondaryIndexUpdates``: at most one create or delete, any updates.

    Attributes:
        create: the GSI to add (status CREATING, then backfilled), or None.
        delete: the name of the GSI to remove, or None.
        throughput: GSI name -> new (read, write) units.
    """

    create: IndexSpec | None = None
    delete: str | None = None
    throughput: dict[str, tuple[int, int]] = field(default_factory=dict)


# -- CreateTable --------------------------------------------------------------------------------


def parse_create_table(
    global_indexes: Any,
    local_indexes: Any,
    *,
    table_hash: str,
    table_range: str | None,
    definitions: Mapping[str, str],
    billing_mode: str,
    max_global: int = DEFAULT_MAX_GLOBAL_INDEXES,
) -> list[IndexSpec]:
    """The indexes of a CreateTable request, LSIs first, in request order.

    Args:
        global_indexes: the request's ``GlobalSecondaryIndexes`` (None when absent).
        local_indexes: the request's ``LocalSecondaryIndexes`` (None when absent).
        table_hash: the table's partition key; table_range: its sort key or None.
        definitions: ``AttributeDefinitions`` as name -> type, in request order.
        billing_mode: PROVISIONED or PAY_PER_REQUEST.
        max_global: the account's GlobalSecondaryIndexesPerTable quota.

    Raises:
        ValidationException: with AWS's message for the first problem, checked in AWS's
            order (LSIs, then GSIs, then the projected-attribute total and unused definitions).
    """
    specs: list[IndexSpec] = []
    names: set[str] = set()
    if local_indexes is not None:
        if not local_indexes:
            raise invalid("List of LocalSecondaryIndexes is empty")
        if table_range is None:
            raise invalid(
                "Table KeySchema does not have a range key, which is required when specifying "
                "a LocalSecondaryIndex"
            )
        for position, raw in enumerate(index_list(local_indexes, "localSecondaryIndexes"), 1):
            path = f"localSecondaryIndexes.{position}.member"
            spec = parse_index(raw, path, definitions, is_global=False)
            if spec.range_key is None:
                raise invalid(f"Index KeySchema does not have a range key for index: {spec.name}")
            if spec.hash_key != table_hash:
                raise invalid(
                    "Index KeySchema does not have the same leading hash key as table KeySchema "
                    f"for index: {spec.name}. index hash key: {spec.hash_key}, "
                    f"table hash key: {table_hash}"
                )
            unique_name(spec.name, names)
            specs.append(spec)
        if len(specs) > MAX_LOCAL_INDEXES:
            raise invalid(
                f"Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LOCAL_INDEXES}"
            )
    if global_indexes is not None:
        if not global_indexes:
            raise invalid("List of GlobalSecondaryIndexes is empty")
        count = 0
        for position, raw in enumerate(index_list(global_indexes, "globalSecondaryIndexes"), 1):
            path = f"globalSecondaryIndexes.{position}.member"
            spec = parse_index(raw, path, definitions, is_global=True)
            read, write = index_throughput(raw, path, spec.name, billing_mode, update=False)
            unique_name(spec.name, names)
            specs.append(spec.with_throughput(read, write))
            count += 1
        if count > max_global:
            raise invalid(f"GlobalSecondaryIndex count exceeds the per-table limit of {max_global}")
    check_projected_total(specs)
    check_definitions_used(definitions, [table_hash, table_range], specs)
    return specs


def check_projected_total(specs: Sequence[IndexSpec]) -> None:
    """At most 100 INCLUDE attributes over all indexes; one attribute in two indexes counts twice.

    UNVERIFIED wording: "Number of projected attributes in all indexes exceeds limit of 100"
    is quoted by one public rule set only; the limit itself is botocore's.
    """
    total = sum(len(spec.non_key) for spec in specs)
    if total > MAX_PROJECTED_ATTRIBUTES:
        raise invalid(
            f"Number of projected attributes in all indexes exceeds limit of {MAX_PROJECTED_ATTRIBUTES}"
        )


def check_definitions_used(
    definitions: Mapping[str, str], table_keys: Sequence[str | None], specs: Sequence[IndexSpec]
) -> None:
    """Every AttributeDefinition backs a key of the table or of an index (CreateTable)."""
    used = {name for name in table_keys if name is not None}
    for spec in specs:
        used.update(spec.keys)
    if any(name not in used for name in definitions):
        raise invalid(
            f"Some AttributeDefinitions are not used. AttributeDefinitions: "
            f"[{', '.join(definitions)}], keys used: [{', '.join(sorted(used))}]"
        )


# -- UpdateTable --------------------------------------------------------------------------------


def parse_index_updates(
    updates: Any,
    *,
    existing: Sequence[IndexSpec],
    busy: bool,
    definitions: Mapping[str, str] | None,
    known_types: Mapping[str, str],
    billing_mode: str,
    max_global: int = DEFAULT_MAX_GLOBAL_INDEXES,
) -> IndexUpdates:
    """Check an UpdateTable's ``GlobalSecondaryIndexUpdates`` before anything changes.

    Args:
        updates: the request's ``GlobalSecondaryIndexUpdates``.
        existing: the table's indexes now (LSIs and GSIs).
        busy: a GSI of the table is CREATING or DELETING (an online index action is running).
        definitions: the request's ``AttributeDefinitions`` as name -> type, None if absent;
            a new index's keys must be defined here, the table's own definitions do not count.
        known_types: the types the table already gives its key and index key attributes.
        billing_mode: the table's billing mode once this UpdateTable applies.
        max_global: the account's GlobalSecondaryIndexesPerTable quota.

    Raises:
        ValidationException, LimitExceededException, ResourceNotFoundException: AWS's.
    """
    if not isinstance(updates, list):
        raise ValidationException("GlobalSecondaryIndexUpdates must be a list")
    if not updates:
        raise invalid("List of GlobalSecondaryIndexUpdates is empty")
    actions: list[tuple[str, dict[str, Any], int]] = []
    seen: set[str] = set()
    for position, update in enumerate(updates, 1):
        update = update if isinstance(update, dict) else {}
        present = [a for a in ("Update", "Create", "Delete") if update.get(a)]
        if not present:
            raise invalid(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                "GlobalSecondaryIndexUpdate.Delete must not be null"
            )
        if len(present) > 1:
            raise invalid(
                "Only one global secondary index action is allowed per "
                "GlobalSecondaryIndexUpdate object"
            )
        body = update[present[0]]
        path = f"globalSecondaryIndexUpdates.{position}.member.{present[0].lower()}"
        if not isinstance(body, dict):
            raise ValidationException(
                f"1 validation error detected: Value at '{path}' must be a map"
            )
        name = index_name(body.get("IndexName"), path)
        if name in seen:
            raise invalid(
                "Only one global secondary index update per index is allowed simultaneously. "
                f"Index: {name}"
            )
        seen.add(name)
        actions.append((present[0], body, position))
    online = sum(1 for action, _, _ in actions if action in ("Create", "Delete"))
    if online > 1 or (online and busy):
        raise LimitExceededException(ONLINE_INDEX_LIMIT)
    by_name = {spec.name: spec for spec in existing}
    result = IndexUpdates()
    for action, body, position in actions:
        path = f"globalSecondaryIndexUpdates.{position}.member.{action.lower()}"
        name = body["IndexName"]
        if action == "Create":
            result = dataclasses.replace(
                result,
                create=_parse_created(
                    body, path, by_name, definitions, known_types, billing_mode, max_global
                ),
            )
            continue
        spec = by_name.get(name)
        if spec is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Index: {name} not found"
            )
        if not spec.is_global:
            verb = "delete" if action == "Delete" else "update"
            raise ValidationException(
                f"Cannot {verb} an index that is not a GlobalSecondaryIndex: {name}"
            )
        if action == "Delete":
            result = dataclasses.replace(result, delete=name)
        else:
            result.throughput[spec.name] = _updated_throughput(body, path, spec, billing_mode)
    if result.create is not None:
        kept = [s for s in existing if s.name != result.delete]
        check_projected_total([*kept, result.create])
    return result


def _parse_created(
    body: dict[str, Any],
    path: str,
    by_name: Mapping[str, IndexSpec],
    definitions: Mapping[str, str] | None,
    known_types: Mapping[str, str],
    billing_mode: str,
    max_global: int,
) -> IndexSpec:
    name = index_name(body.get("IndexName"), path)
    if name in by_name:  # checked before the new index's schema, as AWS does
        raise ValidationException("Attempting to create an index which already exists")
    if definitions is None:
        raise invalid(f"AttributeDefinitions is not specified for index: {name}")
    schema = key_schema(body.get("KeySchema"), path)
    missing = [key for key, _ in schema if key not in definitions]
    if missing:
        raise invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(missing)}], AttributeDefinitions: [{', '.join(definitions)}]"
        )
    for key, _ in schema:
        if key in known_types and known_types[key] != definitions[key]:
            # UNVERIFIED: AWS goes on to print the existing and the new schema, in a format
            # no public source shows in full.
            raise invalid(
                "Attributes cannot be redefined. Please check that your attribute has the same "
                "type as previously defined."
            )
    spec = parse_index(body, path, definitions, is_global=True)
    read, write = index_throughput(body, path, name, billing_mode, update=True)
    if sum(1 for s in by_name.values() if s.is_global) >= max_global:
        # UNVERIFIED: AWS answers LimitExceededException here; its text is not published,
        # so CreateTable's wording for the same limit stands in.
        raise LimitExceededException(
            f"GlobalSecondaryIndex count exceeds the per-table limit of {max_global}"
        )
    return spec.with_throughput(read, write)


def _updated_throughput(
    body: dict[str, Any], path: str, spec: IndexSpec, billing_mode: str
) -> tuple[int, int]:
    throughput = body.get("ProvisionedThroughput")
    if billing_mode == "PAY_PER_REQUEST":
        raise invalid(
            f"The only Updates for index: {spec.name} when TableThroughputMode is "
            "PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput"
        )
    if not isinstance(throughput, dict) or not {
        "ReadCapacityUnits",
        "WriteCapacityUnits",
    } <= set(throughput):
        raise invalid(
            f"Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: {spec.name}"
        )
    read, write = throughput_units(throughput, f"{path}.provisionedThroughput")
    if (read, write) == (spec.read_capacity, spec.write_capacity):
        # UNVERIFIED past its first sentence: shaped like the table's message, which is.
        raise ValidationException(
            f"The provisioned throughput for the index {spec.name} will not change. The "
            "requested value equals the current value. Current ReadCapacityUnits provisioned "
            f"for the index: {read}. Requested ReadCapacityUnits: {read}. Current "
            f"WriteCapacityUnits provisioned for the index: {write}. Requested "
            f"WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB Developer Guide for "
            "current limits and how to request higher limits."
        )
    return read, write
