"""Checks of the orders-table lab that look across items."""

from __future__ import annotations

from labs.checks import Verdict


def _customers(cloud):
    items = cloud.client("dynamodb").scan(TableName="Orders")["Items"]
    return [item["customerId"]["S"] for item in items if "S" in item.get("customerId", {})]


def check_two_customers(cloud):
    customers = sorted(set(_customers(cloud)))
    return Verdict(len(customers) >= 2, customers, "at least 2 customers")


def check_newest_first(cloud):
    customers = _customers(cloud)
    busiest = max(set(customers), key=customers.count) if customers else None
    if busiest is None:
        return Verdict(False, "no orders", "a customer with at least 2 orders")
    answer = cloud.client("dynamodb").query(
        TableName="Orders",
        KeyConditionExpression="customerId = :c",
        ExpressionAttributeValues={":c": {"S": busiest}},
        ScanIndexForward=False,
    )
    dates = [item["orderDate"]["S"] for item in answer["Items"]]
    passed = len(dates) >= 2 and dates == sorted(dates, reverse=True)
    return Verdict(passed, {busiest: dates}, "at least 2 dates, newest first")
