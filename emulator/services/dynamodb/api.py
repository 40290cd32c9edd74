"""DynamoDB's request and response shapes over the backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.base import require
from emulator.services.dynamodb import (
    api_backups,
    api_batch,
    api_exports,
    api_items,
    api_partiql,
    api_reads,
    api_replicas,
    api_transactions,
    api_ttl,
    replication,
    streams,
)
from emulator.services.dynamodb.backend import DynamoDBBackend
from emulator.services.dynamodb.errors import ValidationException, invalid
from emulator.services.dynamodb.index_requests import parse_create_table
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.table_indexes import TableIndexes
from emulator.services.dynamodb.throughput import (
    BillingMode,
    is_decrease,
    validate_provisioned,
)

#: Parameters each operation accepts; anything else is refused, never ignored.
_ACCEPTED: dict[str, set[str]] = {
    "CreateTable": {
        "GlobalSecondaryIndexes",
        "LocalSecondaryIndexes",
        "StreamSpecification",
        "TableName",
        "KeySchema",
        "AttributeDefinitions",
        "BillingMode",
        "ProvisionedThroughput",
    },
    "DescribeTable": {"TableName"},
    "UpdateTable": {
        "TableName",
        "BillingMode",
        "ProvisionedThroughput",
        "StreamSpecification",
        "GlobalSecondaryIndexUpdates",
        "AttributeDefinitions",
    },
    "ListTables": {"ExclusiveStartTableName", "Limit"},
    "DeleteTable": {"TableName"},
    "PutItem": {
        "TableName",
        "Item",
        "ReturnValues",
        "ReturnConsumedCapacity",
        "ReturnItemCollectionMetrics",
    },
    "GetItem": {
        "TableName",
        "Key",
        "ConsistentRead",
        "ProjectionExpression",
        "ExpressionAttributeNames",
        "ReturnConsumedCapacity",
    },
    "DeleteItem": {
        "TableName",
        "Key",
        "ReturnValues",
        "ReturnConsumedCapacity",
        "ReturnItemCollectionMetrics",
    },
    "Query": {
        "TableName",
        "KeyConditionExpression",
        "ExpressionAttributeNames",
        "ExpressionAttributeValues",
        "ScanIndexForward",
        "Limit",
        "ExclusiveStartKey",
        "Select",
        "ConsistentRead",
        "ProjectionExpression",
        "ReturnConsumedCapacity",
    },
    "Scan": {
        "TableName",
        "Limit",
        "ExclusiveStartKey",
        "Select",
        "ConsistentRead",
        "ProjectionExpression",
        "ExpressionAttributeNames",
        "ReturnConsumedCapacity",
    },
}


def _accept(operation: str, params: dict[str, Any]) -> None:
    extra = sorted(set(params) - _ACCEPTED[operation])
    if extra:
        raise NotSupportedByEmulator(f"{operation} with {extra[0]}")
    for name in ("ReturnConsumedCapacity", "ReturnItemCollectionMetrics"):
        if params.get(name, "NONE") != "NONE":
            raise NotSupportedByEmulator(f"{name}={params[name]}")


def _timestamp(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def describe(table: Table, backend: DynamoDBBackend, status: str = "ACTIVE") -> dict[str, Any]:
    key_schema = [{"AttributeName": table.hash_key, "KeyType": "HASH"}]
    if table.range_key:
        key_schema.append({"AttributeName": table.range_key, "KeyType": "RANGE"})
    description: dict[str, Any] = {
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in table.attribute_types.items()
        ],
        "TableName": table.name,
        "KeySchema": key_schema,
        "TableStatus": status,
        "CreationDateTime": _timestamp(table.created),
        "ProvisionedThroughput": {
            "NumberOfDecreasesToday": table.decrease_ledger.decreases_today(
                backend.cloud.clock.now()
            ),
            "ReadCapacityUnits": table.read_capacity,
            "WriteCapacityUnits": table.write_capacity,
            **(
                {"LastIncreaseDateTime": _timestamp(table.last_increase)}
                if table.last_increase is not None
                else {}
            ),
            **(
                {"LastDecreaseDateTime": _timestamp(table.decrease_ledger.last)}
                if table.decrease_ledger.last is not None
                else {}
            ),
        },
        "TableSizeBytes": table.size_bytes,
        "ItemCount": table.item_count,
        "TableArn": backend.arn(f"table/{table.name}"),
        "TableId": table.table_id,
        "DeletionProtectionEnabled": False,
    }
    description.update(streams.describe(backend, table.name))
    description.update(api_backups.describe_fields(backend, table))
    description.update(replication.describe(backend, table.name))
    if table.indexes:
        description.update(table.indexes.describe(description["TableArn"]))
    if table.billing_mode == "PAY_PER_REQUEST":
        switched = table.billing_ledger.last_update_to_pay_per_request
        description["BillingModeSummary"] = {
            "BillingMode": "PAY_PER_REQUEST",
            "LastUpdateToPayPerRequestDateTime": _timestamp(
                table.created if switched is None else switched
            ),
        }
    return description


def create_table(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("CreateTable", params)
    require(params, "TableName", "KeySchema", "AttributeDefinitions")
    key_schema = [(k.get("AttributeName"), k.get("KeyType")) for k in params["KeySchema"]]
    kinds = [kind for _, kind in key_schema]
    if kinds not in (["HASH"], ["HASH", "RANGE"]):
        raise invalid(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
            if kinds and kinds[0] != "HASH"
            else "Too many hash keys or range keys specified; a key schema is one HASH key, optionally followed by one RANGE key"
        )
    definitions = {}
    for definition in params["AttributeDefinitions"]:
        kind = definition.get("AttributeType")
        if kind not in ("S", "N", "B"):
            raise ValidationException(
                f"1 validation error detected: Value '{kind}' at 'attributeDefinitions.1.member.attributeType' "
                "failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]"
            )
        definitions[definition.get("AttributeName")] = kind
    names = [name for name, _ in key_schema]
    with_indexes = "GlobalSecondaryIndexes" in params or "LocalSecondaryIndexes" in params
    if not set(names) <= set(definitions):
        raise invalid(
            f"Some index key attributes are not defined in AttributeDefinitions. Keys: {names}, "
            f"AttributeDefinitions: {list(definitions)}"
        )
    if not with_indexes and len(definitions) != len(names):
        raise invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
        )
    mode = params.get("BillingMode", "PROVISIONED")
    throughput = params.get("ProvisionedThroughput")
    if mode == "PAY_PER_REQUEST":
        if throughput:
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )
        read = write = 0
    elif mode == "PROVISIONED":
        if not throughput:
            raise ValidationException("No provisioned throughput specified for the table")
        read, write = throughput.get("ReadCapacityUnits"), throughput.get("WriteCapacityUnits")
        if not isinstance(read, int) or not isinstance(write, int) or read < 1 or write < 1:
            raise invalid("ReadCapacityUnits and WriteCapacityUnits must both be at least 1")
    else:
        raise ValidationException(
            f"1 validation error detected: Value '{mode}' at 'billingMode' failed to satisfy "
            "constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"
        )
    stream = None
    if params.get("StreamSpecification") is not None:
        stream = streams.specification(params["StreamSpecification"], creating=True)
    specs = []
    if with_indexes:
        specs = parse_create_table(
            params.get("GlobalSecondaryIndexes"),
            params.get("LocalSecondaryIndexes"),
            table_hash=names[0],
            table_range=names[1] if len(names) > 1 else None,
            definitions=definitions,
            billing_mode=mode,
            max_global=int(backend.cloud.quota("dynamodb", "GlobalSecondaryIndexesPerTable")),
        )
    ordered_types = {name: definitions[name] for name in names}
    ordered_types.update(definitions)
    table = backend.create_table(
        params["TableName"], key_schema, ordered_types, mode, read, write, indexes=specs
    )
    if stream is not None and stream[0] and stream[1] is not None:
        streams.log_of(backend).enable(table.name, stream[1])
    return {"TableDescription": describe(table, backend, "CREATING")}


def describe_table(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DescribeTable", params)
    require(params, "TableName")
    table = backend.table(params["TableName"])
    status = replication.table_status(backend, table.name) or "ACTIVE"
    return {"Table": describe(table, backend, status)}


def list_tables(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("ListTables", params)
    limit = params.get("Limit", 100)
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value between 1 and 100"
        )
    names = sorted(backend.tables)
    start = params.get("ExclusiveStartTableName")
    if start is not None:
        names = [n for n in names if n > start]
    answer: dict[str, Any] = {"TableNames": names[:limit]}
    if len(names) > limit:
        answer["LastEvaluatedTableName"] = names[limit - 1]
    return answer


def update_table(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    """UpdateTable: throughput, billing mode, indexes, streams and replicas, under AWS's quotas."""
    if api_replicas.handles(params):
        return api_replicas.update_table(backend, params)
    _accept("UpdateTable", params)
    require(params, "TableName")
    table = backend.table(params["TableName"])
    now = backend.cloud.clock.now()
    mode = params.get("BillingMode", table.billing_mode)
    throughput = params.get("ProvisionedThroughput")
    if params.get("GlobalSecondaryIndexUpdates") is not None:
        _update_indexes(backend, table, params, mode)
        if "BillingMode" not in params and not throughput and "StreamSpecification" not in params:
            return {"TableDescription": describe(table, backend, "UPDATING")}
    stream = params.get("StreamSpecification")
    if stream is not None:
        enabled, view = streams.specification(stream, creating=False)
        replication.check_stream_update(backend, table.name, enabled)
        log = streams.log_of(backend)
        if enabled and view is not None:
            log.enable(table.name, view)
        else:
            log.disable(table.name)
        if "BillingMode" not in params and not throughput:
            return {"TableDescription": describe(table, backend, "UPDATING")}
    if mode not in ("PROVISIONED", "PAY_PER_REQUEST"):
        raise ValidationException(
            f"1 validation error detected: Value '{mode}' at 'billingMode' failed to satisfy "
            "constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"
        )
    if mode == "PAY_PER_REQUEST" and throughput:
        raise invalid(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
        )
    if "BillingMode" in params:
        replication.check_billing_update(backend, table.name, mode)
    if mode != table.billing_mode:
        if mode == "PROVISIONED" and not throughput:
            raise ValidationException(
                "One or more parameter values were invalid: ProvisionedThroughput must be "
                "specified when BillingMode is PROVISIONED"
            )
        current: BillingMode = table.billing_mode  # type: ignore[assignment]
        table.billing_ledger.check(current, mode, now)
        read, write = _units(throughput) if throughput else (0, 0)
        table.billing_ledger.record(current, mode, now)
        table.billing_mode, table.read_capacity, table.write_capacity = mode, read, write
        table.capacity.set_billing_mode(mode, read=read, write=write)
    elif throughput:
        if mode == "PAY_PER_REQUEST":
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )
        read, write = _units(throughput)
        if (read, write) == (table.read_capacity, table.write_capacity):
            raise ValidationException(
                "The provisioned throughput for the table will not change. The requested "
                "value equals the current value. Current ReadCapacityUnits provisioned for "
                f"the table: {read}. Requested ReadCapacityUnits: {read}. Current "
                f"WriteCapacityUnits provisioned for the table: {write}. Requested "
                f"WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB Developer Guide "
                "for current limits and how to request higher limits."
            )
        decrease = is_decrease(table.read_capacity, table.write_capacity, read, write)
        if decrease:
            table.decrease_ledger.check(now)
            table.decrease_ledger.record(now)
        if read > table.read_capacity or write > table.write_capacity:
            table.last_increase = now
        table.read_capacity, table.write_capacity = read, write
        table.capacity.set_throughput(read=read, write=write)
    else:
        raise ValidationException(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
            "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"
        )
    return {"TableDescription": describe(table, backend, "UPDATING")}


def _update_indexes(
    backend: DynamoDBBackend, table: Table, params: dict[str, Any], mode: str
) -> None:
    """Add, remove or resize a global secondary index (one add or remove per call).

    A new index is backfilled from the table's items at once: the emulator does not make
    you wait for the backfill, which on AWS takes longer the larger the table.
    """
    if table.indexes is None:
        table.indexes = TableIndexes.for_table(table, [], lag=backend.gsi_lag())
    definitions = {
        d.get("AttributeName"): d.get("AttributeType")
        for d in params.get("AttributeDefinitions") or []
    }
    plan = table.indexes.plan(
        params["GlobalSecondaryIndexUpdates"],
        definitions=definitions or None,
        billing_mode=mode,
        max_global=int(backend.cloud.quota("dynamodb", "GlobalSecondaryIndexesPerTable")),
    )
    if plan.create is not None:
        spec = plan.create
        table.indexes.add_global(spec, (item for _, item in table.scan()), status="ACTIVE")
        table.attribute_types.update(spec.types)
        table.capacity.add_global_index(
            spec.name, read=spec.read_capacity, write=spec.write_capacity
        )
    if plan.delete is not None:
        table.indexes.remove_global(plan.delete)
        table.capacity.remove_global_index(plan.delete)
    for name, (read, write) in plan.throughput.items():
        table.indexes.set_throughput(name, read, write)
        table.capacity.set_throughput(read=read, write=write, index=name)


def _units(throughput: dict[str, Any]) -> tuple[int, int]:
    read, write = throughput.get("ReadCapacityUnits"), throughput.get("WriteCapacityUnits")
    if not isinstance(read, int) or not isinstance(write, int):
        raise invalid("ReadCapacityUnits and WriteCapacityUnits must both be given")
    validate_provisioned(read, write)
    return read, write


def delete_table(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DeleteTable", params)
    require(params, "TableName")
    replication.check_delete(backend, params["TableName"])
    answer = describe(backend.table(params["TableName"]), backend, "DELETING")
    backend.delete_table(params["TableName"])
    return {"TableDescription": answer}


OPERATIONS = {
    "CreateTable": create_table,
    "DescribeTable": describe_table,
    "UpdateTable": update_table,
    "ListTables": list_tables,
    "DeleteTable": delete_table,
    **api_items.OPERATIONS,
    **api_reads.OPERATIONS,
    **api_batch.OPERATIONS,
    **api_transactions.OPERATIONS,
    **api_ttl.OPERATIONS,
    **api_backups.OPERATIONS,
    **api_exports.OPERATIONS,
    **api_partiql.OPERATIONS,
    **api_replicas.OPERATIONS,
}
