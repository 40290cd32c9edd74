"""Checks of the orders-table lab: whose orders are stored, and the order of a Query's answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud


def check_newest_first(cloud: Cloud) -> Verdict:
    """A Query for C001 with ScanIndexForward=False lists at least two orders, newest first."""
    answer = cloud.client("dynamodb").query(
        TableName="Orders",
        KeyConditionExpression="customerId = :c",
        ExpressionAttributeValues={":c": {"S": "C001"}},
        ScanIndexForward=False,
    )
    dates = [item.get("orderDate", {}).get("S") for item in answer["Items"]]
    expected = "at least 2 orderDate values, newest first"
    if len(dates) < 2:
        return Verdict(
            False,
            dates,
            expected,
            f"The Query for C001 found {len(dates)} order(s). Store both of C001's orders "
            "(O-1001 and O-1003) with aws dynamodb put-item.",
        )
    if dates != sorted(dates, reverse=True):
        return Verdict(
            False,
            dates,
            expected,
            "C001's orders did not come back newest first. The order of a Query's answer "
            "comes from the sort key, so orderDate has to be the sort key.",
        )
    return Verdict(True, dates, expected)


def check_two_customers(cloud: Cloud) -> Verdict:
    """The stored orders belong to at least two different customers."""
    ddb = cloud.client("dynamodb")
    customers: set[str] = set()
    kwargs: dict = {"TableName": "Orders", "ProjectionExpression": "customerId"}
    while True:
        page = ddb.scan(**kwargs)
        for item in page["Items"]:
            value = item.get("customerId", {}).get("S")
            if value is not None:
                customers.add(value)
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    observed = sorted(customers)
    expected = "orders of at least 2 customers"
    if len(customers) < 2:
        return Verdict(
            False,
            observed,
            expected,
            f"Orders holds orders of {len(customers)} customer(s): {', '.join(observed) or 'none'}. "
            "Store every order from README.txt, including C002's order O-1002, with "
            "aws dynamodb put-item.",
        )
    return Verdict(True, observed, expected)
