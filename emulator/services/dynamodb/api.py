"""DynamoDB's request and response shapes over the backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.base import require
from emulator.services.dynamodb import api_items, keycondition
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.backend import DynamoDBBackend, Page, project
from emulator.services.dynamodb.errors import ValidationException, invalid
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.reserved import RESERVED_WORDS

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


def _projection(params: dict[str, Any], used: set[str] | None = None) -> list[str] | None:
    expression = params.get("ProjectionExpression")
    names = params.get("ExpressionAttributeNames") or {}
    if expression is None:
        return None
    result = []
    for raw in expression.split(","):
        part = raw.strip()
        if not part or any(c in part for c in ".[]"):
            if part:
                raise NotSupportedByEmulator("ProjectionExpression with nested paths")
            raise ValidationException(
                f'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: "{expression}"'
            )
        if part.startswith("#"):
            if part not in names:
                raise ValidationException(
                    "Invalid ProjectionExpression: An expression attribute name used in the "
                    f"document path is not defined; attribute name: {part}"
                )
            if used is not None:
                used.add(part)
            result.append(names[part])
        else:
            if part.upper() in RESERVED_WORDS:
                raise ValidationException(
                    "Invalid ProjectionExpression: Attribute name is a reserved keyword; "
                    f"reserved keyword: {part}"
                )
            result.append(part)
    if used is None:
        _unused_names(names, {n for n in names if n in expression})
    return result


def _unused_names(names: dict[str, str], used: set[str]) -> None:
    unused = sorted(set(names) - used)
    if unused:
        raise ValidationException(
            f"Value provided in ExpressionAttributeNames unused in expressions: keys: {{{', '.join(unused)}}}"
        )


def _page_answer(page: Page, params: dict[str, Any], names: list[str] | None) -> dict[str, Any]:
    select = params.get("Select", "ALL_ATTRIBUTES")
    if select not in ("ALL_ATTRIBUTES", "COUNT", "SPECIFIC_ATTRIBUTES"):
        raise NotSupportedByEmulator(f"Select={select}")
    if select == "SPECIFIC_ATTRIBUTES" and names is None:
        raise ValidationException(
            "1 validation error detected: SPECIFIC_ATTRIBUTES needs a ProjectionExpression"
        )
    answer: dict[str, Any] = {"Count": len(page.items), "ScannedCount": page.scanned}
    if select != "COUNT":
        answer["Items"] = [project(item, names) for item in page.items]
    if page.last_key is not None:
        answer["LastEvaluatedKey"] = page.last_key
    return answer


def _limit(params: dict[str, Any]) -> int | None:
    limit = params.get("Limit")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    return limit  # type: ignore[no-any-return]


def query(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("Query", params)
    require(params, "TableName")
    table = backend.table(params["TableName"])
    if "KeyConditionExpression" not in params:
        raise ValidationException(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
        )
    names = params.get("ExpressionAttributeNames") or {}
    values = {k: av.validate(v) for k, v in (params.get("ExpressionAttributeValues") or {}).items()}
    schema = {"HASH": table.hash_key, **({"RANGE": table.range_key} if table.range_key else {})}
    condition = keycondition.parse(
        params["KeyConditionExpression"], schema, table.attribute_types, names, values
    )
    used_names = set(condition.used_names)
    projection = _projection(params, used_names)
    _unused_names(names, used_names)
    unused_values = sorted(set(values) - condition.used_values)
    if unused_values:
        raise ValidationException(
            "Value provided in ExpressionAttributeValues unused in expressions: "
            f"keys: {{{', '.join(unused_values)}}}"
        )
    page = backend.query(
        table,
        condition,
        forward=params.get("ScanIndexForward", True),
        limit=_limit(params),
        start_key=params.get("ExclusiveStartKey"),
    )
    return _page_answer(page, params, projection)


def scan(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("Scan", params)
    require(params, "TableName")
    table = backend.table(params["TableName"])
    projection = _projection(params)
    page = backend.scan(table, limit=_limit(params), start_key=params.get("ExclusiveStartKey"))
    return _page_answer(page, params, projection)


OPERATIONS = {
    "CreateTable": create_table,
    "DescribeTable": describe_table,
    "ListTables": list_tables,
    "DeleteTable": delete_table,
    **api_items.OPERATIONS,
    "Query": query,
    "Scan": scan,
}
