"""DynamoDB's request and response shapes over the backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.base import require
from emulator.services.dynamodb import api_batch, api_items, api_reads, api_transactions
from emulator.services.dynamodb.backend import DynamoDBBackend
from emulator.services.dynamodb.errors import ValidationException, invalid
from emulator.services.dynamodb.models import Table

#: Parameters each operation accepts; anything else is refused, never ignored.
_ACCEPTED: dict[str, set[str]] = {
    "CreateTable": {
        "TableName",
        "KeySchema",
        "AttributeDefinitions",
        "BillingMode",
        "ProvisionedThroughput",
    },
    "DescribeTable": {"TableName"},
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
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": table.read_capacity,
            "WriteCapacityUnits": table.write_capacity,
        },
        "TableSizeBytes": table.size_bytes,
        "ItemCount": table.item_count,
        "TableArn": backend.arn(f"table/{table.name}"),
        "TableId": table.table_id,
        "DeletionProtectionEnabled": False,
    }
    if table.billing_mode == "PAY_PER_REQUEST":
        description["BillingModeSummary"] = {
            "BillingMode": "PAY_PER_REQUEST",
            "LastUpdateToPayPerRequestDateTime": _timestamp(table.created),
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
    if len(definitions) != len(names):
        raise invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
        )
    if set(names) != set(definitions):
        raise invalid(
            f"Some index key attributes are not defined in AttributeDefinitions. Keys: {names}, "
            f"AttributeDefinitions: {list(definitions)}"
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
    ordered_types = {name: definitions[name] for name in names}
    table = backend.create_table(params["TableName"], key_schema, ordered_types, mode, read, write)
    return {"TableDescription": describe(table, backend, "CREATING")}


def describe_table(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DescribeTable", params)
    require(params, "TableName")
    return {"Table": describe(backend.table(params["TableName"]), backend)}


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


def delete_table(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DeleteTable", params)
    require(params, "TableName")
    table = backend.delete_table(params["TableName"])
    return {"TableDescription": describe(table, backend, "DELETING")}


OPERATIONS = {
    "CreateTable": create_table,
    "DescribeTable": describe_table,
    "ListTables": list_tables,
    "DeleteTable": delete_table,
    **api_items.OPERATIONS,
    **api_reads.OPERATIONS,
    **api_batch.OPERATIONS,
    **api_transactions.OPERATIONS,
}
