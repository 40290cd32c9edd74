"""Checks of the orders-table lab that look at the order of a Query's answer."""

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
