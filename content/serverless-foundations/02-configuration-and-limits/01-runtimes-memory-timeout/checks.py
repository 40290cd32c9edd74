"""Checks of the sales-report lab that run the learner's function on the grading fork."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

#: The week the checker asks for: the seven days that sales.csv holds.
WEEK_START = "2026-03-02"
SALES = Path(__file__).parent / "starter" / "sales.csv"


def _expected_report() -> dict:
    """The report for WEEK_START, worked out from the same export file the function reads."""
    days: dict[str, Decimal] = {}
    orders = 0
    with SALES.open(newline="") as export:
        for row in csv.DictReader(export):
            days[row["date"]] = days.get(row["date"], Decimal("0")) + Decimal(row["amount"])
            orders += 1
    return {
        "week_start": WEEK_START,
        "orders": orders,
        "revenue": str(sum(days.values(), Decimal("0"))),
        "best_day": max(days, key=lambda day: days[day]),
        "days": {day: str(total) for day, total in days.items()},
    }


def check_report_completes(cloud: Cloud) -> Verdict:
    """sales-report finishes the week's report inside its timeout and gets the figures right."""
    expected = _expected_report()
    answer = cloud.client("lambda").invoke(
        FunctionName="sales-report", Payload=json.dumps({"week_start": WEEK_START})
    )
    raw = answer["Payload"].read()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    if answer.get("FunctionError"):
        text = body.get("errorMessage", "") if isinstance(body, dict) else str(body)
        if "Task timed out" in text:
            return Verdict(
                False,
                text,
                "a report, within the timeout",
                "sales-report still runs out of time: the report needs about 3.5 seconds. Raise "
                "its timeout with aws lambda update-function-configuration --function-name "
                "sales-report --timeout N.",
            )
        kind = body.get("errorType", "Error") if isinstance(body, dict) else "Error"
        return Verdict(
            False,
            body,
            "a report, within the timeout",
            f"sales-report failed with {kind}: {text}. Read its log group /aws/lambda/sales-report; "
            "if you changed handler.py, compare it with the starter, zip handler.py and sales.csv "
            "again and upload them with aws lambda update-function-code.",
        )
    if body != expected:
        return Verdict(
            False,
            body,
            expected,
            "sales-report finished, but its report differs from the week in sales.csv. The code "
            "was fine as it was: deploy the starter handler.py together with sales.csv "
            "(zip function.zip handler.py sales.csv) and only change the configuration.",
        )
    return Verdict(True, {k: body[k] for k in ("orders", "revenue", "best_day")}, "this report")
