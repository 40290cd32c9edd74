"""Checks of the open-orders-index lab: the sparse GSI, its projection, and what it answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from emulator import ClientError
from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

HERE = Path(__file__).parent
INDEX = "open-by-warehouse"
WAREHOUSE = "wh-dublin"
#: What the pick list shows beyond the keys, which every index entry carries anyway.
PROJECTED = {"orderId", "lines"}
INDEX_KEYS = {"warehouseId", "openSince"}
TABLE_KEYS = {"customerId", "orderDate"}


def _setup_orders() -> list[dict[str, Any]]:
    """The orders the lab's setup loads, as stored items."""
    setup = yaml.safe_load((HERE / "lab.yaml").read_text(encoding="utf-8"))["setup"]
    batch = next(step for step in setup if step["operation"] == "BatchWriteItem")
    return [request["PutRequest"]["Item"] for request in batch["params"]["RequestItems"]["Orders"]]


ORDERS = _setup_orders()
NEW_ORDER: dict[str, Any] = json.loads((HERE / "starter" / "new-order.json").read_text("utf-8"))
PAID_AT = "2026-03-16T10:05:00Z"
#: wh-dublin's open orders at the start, oldest first: o-1007 is the one to pack.
DUBLIN_OPEN = [
    order["orderId"]["S"]
    for order in sorted(
        (o for o in ORDERS if o["warehouseId"]["S"] == WAREHOUSE and "openSince" in o),
        key=lambda o: o["openSince"]["S"],
    )
]
OLDEST = next(o for o in ORDERS if o["orderId"]["S"] == DUBLIN_OPEN[0])
AFTER_PACKING = DUBLIN_OPEN[1:]
FINAL = [*AFTER_PACKING, NEW_ORDER["orderId"]["S"]]
#: Table key -> order id, to name index entries that do not project orderId.
ORDER_IDS = {
    (o["customerId"]["S"], o["orderDate"]["S"]): o["orderId"]["S"] for o in [*ORDERS, NEW_ORDER]
}
SHIPPED = {o["orderId"]["S"] for o in ORDERS if o["status"]["S"] == "SHIPPED"}


def _table(cloud: Cloud) -> dict[str, Any]:
    answer: dict[str, Any] = cloud.client("dynamodb").describe_table(TableName="Orders")["Table"]
    return answer


def _keys(index: dict[str, Any], table: dict[str, Any]) -> dict[str, Any]:
    """An index's keys with their types, as {"HASH": (name, type), "RANGE": ...}."""
    types = {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]}
    return {
        entry["KeyType"]: (entry["AttributeName"], types.get(entry["AttributeName"]))
        for entry in index["KeySchema"]
    }


def _index(table: dict[str, Any]) -> dict[str, Any] | None:
    return next(
        (i for i in table.get("GlobalSecondaryIndexes", []) if i["IndexName"] == INDEX), None
    )


def _no_index(table: dict[str, Any], expected: Any) -> Verdict:
    others = [i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])]
    if others:
        message = (
            f"Orders has no index named {INDEX}, but it has {', '.join(others)}. The packers' "
            f"tablets ask for {INDEX} by name: delete the other index (update-table with "
            '--global-secondary-index-updates \'[{"Delete": {"IndexName": "..."}}]\') and '
            f"create {INDEX}."
        )
    else:
        message = (
            f"Orders has no global secondary index yet. Add {INDEX} with aws dynamodb "
            "update-table --attribute-definitions ... --global-secondary-index-updates "
            "'[{\"Create\": {...}}]'."
        )
    return Verdict(False, {"indexes": others}, expected, message)


def check_index_keys(cloud: Cloud) -> Verdict:
    """open-by-warehouse: warehouseId (S) partition key, openSince (S) sort key."""
    expected = {"HASH": ["warehouseId", "S"], "RANGE": ["openSince", "S"]}
    table = _table(cloud)
    index = _index(table)
    if index is None:
        return _no_index(table, expected)
    keys = _keys(index, table)
    observed = {kind: list(value) for kind, value in keys.items()}
    hash_key, range_key = keys.get("HASH", (None, None)), keys.get("RANGE", (None, None))
    again = f" Delete {INDEX} and create it again with warehouseId and openSince as its keys."
    if hash_key[0] != "warehouseId":
        message = (
            f"{INDEX} has {hash_key[0]} as its partition key, but the question names a "
            "warehouse: with warehouseId as the partition key, one Query reads one "
            "warehouse's entries and nothing else." + again
        )
    elif range_key[0] is None:
        message = (
            f"{INDEX} has no sort key, so its entries come back in no order, and every order "
            "of the warehouse is in it, shipped or not, because every order has a "
            "warehouseId. openSince as the sort key orders the list by payment time and "
            "leaves out the orders without it." + again
        )
    elif range_key[0] != "openSince":
        message = (
            f"{INDEX} sorts by {range_key[0]}. Every order has {range_key[0]}, so shipped "
            "orders fill the index too, and the list would not be in the order the orders "
            "were paid. openSince exists on open orders only, which makes the index sparse." + again
        )
    elif hash_key[1] != "S" or range_key[1] != "S":
        message = (
            f"The orders hold warehouseId and openSince as text, but the index declares them "
            f"as {hash_key[1]} and {range_key[1]}: an item whose key attribute has another "
            "type cannot be written. Declare both as S." + again
        )
    else:
        return Verdict(True, observed, expected)
    return Verdict(False, observed, expected, message)


def check_index_projection(cloud: Cloud) -> Verdict:
    """INCLUDE with orderId and lines: what the pick list shows, and nothing more."""
    expected = {"ProjectionType": "INCLUDE", "NonKeyAttributes": sorted(PROJECTED)}
    table = _table(cloud)
    index = _index(table)
    if index is None:
        return _no_index(table, expected)
    projection = index.get("Projection", {})
    kind = projection.get("ProjectionType")
    named = set(projection.get("NonKeyAttributes", [])) - INDEX_KEYS - TABLE_KEYS
    observed = {"ProjectionType": kind, "NonKeyAttributes": sorted(named)}
    again = (
        f" A projection cannot be changed: delete {INDEX} and create it again with "
        'Projection {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["orderId", "lines"]}.'
    )
    if kind == "ALL":
        message = (
            f"{INDEX} projects ALL, so every entry is a full copy of the order, address and "
            "gift note included: stored twice and written twice, for a list that shows an "
            "id, a time and the lines." + again
        )
    elif kind == "KEYS_ONLY":
        message = (
            f"{INDEX} projects KEYS_ONLY, so its entries hold the keys but not the order id "
            "or the lines, and a Query of a global secondary index cannot fetch them from "
            "the table: each tablet would need a GetItem per order." + again
        )
    elif not named >= PROJECTED:
        missing = " and ".join(sorted(PROJECTED - named))
        message = (
            f"{INDEX} does not project {missing}, which the pick list shows. The keys of the "
            "table and of the index are in every entry without being named; other "
            "attributes are there only if NonKeyAttributes names them." + again
        )
    elif named - PROJECTED:
        extra = ", ".join(sorted(named - PROJECTED))
        message = (
            f"{INDEX} also projects {extra}, which the pick list does not show. Every "
            "projected attribute is copied into the index and written again whenever it "
            "changes." + again
        )
    else:
        return Verdict(True, observed, expected)
    return Verdict(False, observed, expected, message)


def _pick_list(cloud: Cloud) -> tuple[list[dict[str, Any]] | None, str]:
    """wh-dublin's entries of the index, in the index's order; or None and why not."""
    ddb = cloud.client("dynamodb")
    query: dict[str, Any] = {
        "TableName": "Orders",
        "IndexName": INDEX,
        "KeyConditionExpression": "warehouseId = :w",
        "ExpressionAttributeValues": {":w": {"S": WAREHOUSE}},
    }
    entries: list[dict[str, Any]] = []
    try:
        while True:
            page = ddb.query(**query)
            entries += page["Items"]
            if "LastEvaluatedKey" not in page:
                return entries, ""
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    except ClientError as error:
        return None, (
            f"The pick list cannot be asked yet: a Query of {INDEX} fails with "
            f"{error.response['Error']['Message']}. Add the index first (the first task)."
        )


def _order_id(entry: dict[str, Any]) -> str:
    if "orderId" in entry:
        return str(entry["orderId"].get("S"))
    key = (entry.get("customerId", {}).get("S"), entry.get("orderDate", {}).get("S"))
    return ORDER_IDS.get(key, f"{key[0]} {key[1]}")  # type: ignore[arg-type]


def _diagnose(ids: list[str]) -> str:
    """Why the pick list differs from what it should be: the first cause found."""
    shipped = [i for i in ids if i in SHIPPED]
    if shipped:
        return (
            f"It lists orders that have shipped ({', '.join(shipped)}): the index holds "
            "orders without openSince. Its sort key must be openSince (the first task)."
        )
    if DUBLIN_OPEN[0] in ids:
        return (
            f"{DUBLIN_OPEN[0]} is still on it: the packed order still has openSince. "
            "REMOVE openSince in the update that ships it."
        )
    missing = [i for i in AFTER_PACKING if i not in ids]
    if missing:
        return (
            f"Open orders are missing ({', '.join(missing)}): only the order that was "
            "packed should lose openSince."
        )
    if [i for i in ids if i in AFTER_PACKING] != AFTER_PACKING:
        return "The open orders are out of order: the index's sort key must be openSince."
    return ""


def check_list_moves_on(cloud: Cloud) -> Verdict:
    """The packed order has left wh-dublin's pick list; the other open orders are on it."""
    entries, problem = _pick_list(cloud)
    expected = f"{AFTER_PACKING}, oldest first (o-1025 may follow)"
    if entries is None:
        return Verdict(False, "no index", expected, problem)
    ids = [_order_id(entry) for entry in entries]
    if [i for i in ids if i != FINAL[-1]] == AFTER_PACKING:
        return Verdict(True, ids, expected)
    return Verdict(False, ids, expected, f"Dublin's pick list answered {ids}. " + _diagnose(ids))


def check_pick_list(cloud: Cloud) -> Verdict:
    """wh-dublin's pick list: the four open orders and the newly paid one, each with lines."""
    entries, problem = _pick_list(cloud)
    if entries is None:
        return Verdict(False, "no index", FINAL, problem)
    ids = [_order_id(entry) for entry in entries]
    if ids != FINAL:
        message = f"Dublin's pick list answered {ids}, where {FINAL} was due. "
        diagnosis = _diagnose(ids)
        if not diagnosis and FINAL[-1] not in ids:
            key = {name: NEW_ORDER[name] for name in TABLE_KEYS}
            item = cloud.client("dynamodb").get_item(TableName="Orders", Key=key).get("Item")
            if item is None:
                diagnosis = (
                    "o-1025 is not in Orders: aws dynamodb put-item --table-name Orders "
                    "--item file://new-order.json."
                )
            elif "openSince" not in item:
                diagnosis = (
                    "o-1025 is in Orders but has no openSince, so the sparse index leaves it "
                    f"out. Its payment cleared at {PAID_AT}: SET openSince to that text."
                )
            else:
                diagnosis = (
                    f"o-1025 has openSince {item['openSince']}; it should be "
                    f'{{"S": "{PAID_AT}"}}, the same text format as the other orders.'
                )
        return Verdict(False, ids, FINAL, message + diagnosis)
    lacking = [i for i, entry in zip(ids, entries, strict=True) if not set(entry) >= PROJECTED]
    if lacking:
        return Verdict(
            False,
            ids,
            FINAL,
            f"The list has the right orders, but the entries of {', '.join(lacking)} lack the "
            "order id or the lines, which the tablets show. Project them (the first task).",
        )
    return Verdict(True, ids, FINAL)


def check_oldest_shipped(cloud: Cloud) -> Verdict:
    """o-1007 is still in Orders, with status SHIPPED and without openSince."""
    key = {name: OLDEST[name] for name in TABLE_KEYS}
    item = cloud.client("dynamodb").get_item(TableName="Orders", Key=key).get("Item")
    expected = {"status": "SHIPPED", "openSince": None}
    if item is None:
        restored = {k: v for k, v in OLDEST.items() if k != "openSince"}
        restored["status"] = {"S": "SHIPPED"}
        return Verdict(
            False,
            "no such order",
            expected,
            "Order o-1007 is no longer in Orders. Shipping an order changes it; the "
            "customer's order history still needs it. Put it back, shipped: aws dynamodb "
            f"put-item --table-name Orders --item '{json.dumps(restored)}'",
        )
    observed = {
        "status": item.get("status", {}).get("S"),
        "openSince": item.get("openSince", {}).get("S"),
    }
    if observed["status"] != "SHIPPED":
        message = (
            f"Order o-1007 has status {observed['status']}. Set it to SHIPPED, naming the "
            'attribute through --expression-attribute-names \'{"#s": "status"}\' (status is '
            "a reserved word)."
        )
    elif observed["openSince"] is not None:
        message = (
            "Order o-1007 is SHIPPED but still has openSince, so it stays in the sparse index "
            "and on the packers' list. Remove it: REMOVE openSince."
        )
    else:
        return Verdict(True, observed, expected)
    return Verdict(False, observed, expected, message)
