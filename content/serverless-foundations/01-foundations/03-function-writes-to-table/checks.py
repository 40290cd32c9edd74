"""Checks of the save-order lab that run the learner's function."""

from __future__ import annotations

import json

from labs.checks import Verdict

PROBE = {"customerId": "grader-probe", "orderDate": "2026-03-01T09:15:00Z", "total": 17.5}


def check_function_writes(cloud):
    answer = cloud.client("lambda").invoke(FunctionName="save-order", Payload=json.dumps(PROBE))
    body = json.loads(answer["Payload"].read() or b"null")
    if answer.get("FunctionError"):
        return Verdict(False, body, "no error", f"save-order failed: {body.get('errorType')}: {body.get('errorMessage')}")
    found = cloud.client("dynamodb").get_item(
        TableName="Orders",
        Key={"customerId": {"S": PROBE["customerId"]}, "orderDate": {"S": PROBE["orderDate"]}},
    ).get("Item")
    expected = {"customerId": {"S": "grader-probe"}, "orderDate": {"S": "2026-03-01T09:15:00Z"}, "total": {"N": "17.5"}}
    if found is None:
        return Verdict(False, "no item for the order sent", expected)
    return Verdict(found.get("total") == expected["total"], found, expected, None if found.get("total") == expected["total"] else "The item was saved, but its total is not the number that was sent (use N with str(total)).")
