"""sales-report: one week of sales, day by day, fetched from the shop's export service."""

import csv
import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

#: The export service hands out one day of orders per request and takes about half a
#: second to answer each one. In this lab, sales.csv plays the service and time.sleep
#: plays the wait for its answer: time spent waiting on the network, not computing.
EXPORT = Path(__file__).with_name("sales.csv")
EXPORT_WAIT_SECONDS = 0.5


def fetch_day(day):
    """The amounts of the orders placed on ``day`` (an ISO date), from the export service."""
    time.sleep(EXPORT_WAIT_SECONDS)
    with EXPORT.open(newline="") as export:
        return [Decimal(row["amount"]) for row in csv.DictReader(export) if row["date"] == day]


def lambda_handler(event, context):
    """Report the week that starts on event["week_start"], e.g. {"week_start": "2026-03-02"}."""
    start = dt.date.fromisoformat(event.get("week_start", "2026-03-02"))
    days = {}
    orders = 0
    for offset in range(7):
        day = (start + dt.timedelta(days=offset)).isoformat()
        amounts = fetch_day(day)
        days[day] = sum(amounts, Decimal("0"))
        orders += len(amounts)
        left = context.get_remaining_time_in_millis()
        print(f"{day}: {len(amounts)} orders, {days[day]} in sales; {left} ms left")
    best_day = max(days, key=days.get)
    return {
        "week_start": start.isoformat(),
        "orders": orders,
        "revenue": str(sum(days.values(), Decimal("0"))),
        "best_day": best_day,
        "days": {day: str(total) for day, total in days.items()},
    }
