"""Checks of the save-order lab that run the learner's function on the grading fork."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

#: An order the learner never sees, so only working code can put it in the table.
PROBE = {
    "customerId": "C-CHECK-7",
    "orderDate": "2026-04-30T23:59:59Z",
    "total": 12.5,
}
PROBE_KEY = {"customerId": {"S": PROBE["customerId"]}, "orderDate": {"S": PROBE["orderDate"]}}


def check_function_writes(cloud: Cloud) -> Verdict:
    """Invoking save-order with a new order adds exactly that order to Orders."""
    ddb = cloud.client("dynamodb")
    # Grading runs on a fork, so clearing the probe's key first never touches the learner's table.
    ddb.delete_item(TableName="Orders", Key=PROBE_KEY)
    answer = cloud.client("lambda").invoke(FunctionName="save-order", Payload=json.dumps(PROBE))
    raw = answer["Payload"].read()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    if answer.get("FunctionError"):
        detail = (
            f"{body.get('errorType', 'Error')}: {body.get('errorMessage', '')}"
            if isinstance(body, dict)
            else body
        )
        return Verdict(
            False,
            body,
            "no error",
            f"save-order raised an error when invoked with a new order: {detail}. Read the "
            "traceback in /aws/lambda/save-order, fix handler.py, zip it again and run "
            "aws lambda update-function-code.",
        )
    item = ddb.get_item(TableName="Orders", Key=PROBE_KEY).get("Item")
    expected = {**PROBE_KEY, "total": {"N": "12.5"}}
    if item is None:
        return Verdict(
            False,
            None,
            expected,
            "save-order ran without an error, but the order it was sent is not in Orders. "
            "Call dynamodb.put_item(TableName=TABLE_NAME, Item=item) in the handler, then "
            "zip it and upload it with aws lambda update-function-code.",
        )
    total = item.get("total", {}).get("N")
    if total is None or Decimal(total) != Decimal("12.5"):
        return Verdict(
            False,
            item,
            expected,
            "The order was saved, but its total is missing or differs from what was sent "
            '(12.5). Save the item the starter code builds, with total as {"N": str(...)}.',
        )
    return Verdict(True, item, expected)
