"""Checks of the wordfall-blitz-capacity lab: the table's write capacity and the turns it took."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator.services.dynamodb.attributes import item_size
from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

STARTER = Path(__file__).parent / "starter"
FILES = ("turns-1.json", "turns-2.json", "turns-3.json")
#: Each file's turns, as stored items.
TURNS: dict[str, list[dict[str, Any]]] = {
    name: [
        request["PutRequest"]["Item"]
        for request in json.loads((STARTER / name).read_text(encoding="utf-8"))["Turns"]
    ]
    for name in FILES
}
#: What the final needs: every turn of a second, each rounded up to whole kilobytes.
NEEDED_WCU = max(
    sum(math.ceil(item_size(item) / 1024) for item in turns) for turns in TURNS.values()
)
MOST_WCU = 3 * NEEDED_WCU


def _stored(cloud: Cloud) -> dict[tuple[str, str], dict[str, Any]]:
    """Every item of Turns by (gameId, turn)."""
    ddb = cloud.client("dynamodb")
    found: dict[tuple[str, str], dict[str, Any]] = {}
    kwargs: dict[str, Any] = {"TableName": "Turns"}
    while True:
        page = ddb.scan(**kwargs)
        for item in page["Items"]:
            found[(item["gameId"]["S"], item["turn"]["N"])] = item
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return item["gameId"]["S"], item["turn"]["N"]


def check_first_second_tried(cloud: Cloud) -> Verdict:
    """Some turns of the first second are in the table: the batch was sent."""
    stored = _stored(cloud)
    count = sum(_key(item) in stored for item in TURNS[FILES[0]])
    return Verdict(count > 0, {"turns of turns-1.json stored": count}, "at least 1")


def check_capacity_sized(cloud: Cloud) -> Verdict:
    """Provisioned with 50 to 150 WCU (or on demand): the final fits, without much waste."""
    table = cloud.client("dynamodb").describe_table(TableName="Turns")["Table"]
    mode = table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    expected = f"{NEEDED_WCU} to {MOST_WCU} write capacity units (or on-demand)"
    if mode == "PAY_PER_REQUEST":
        return Verdict(
            True,
            "on-demand: billed per write, nothing to size (and more expensive for a steady "
            "load than capacity that is used)",
            expected,
        )
    units = table["ProvisionedThroughput"]["WriteCapacityUnits"]
    observed = {"WriteCapacityUnits": units}
    if units < NEEDED_WCU:
        per_second = units // 2
        message = (
            f"Turns has {units} write capacity units, enough for {per_second} turns a second, "
            f"and the final writes 25. Each turn is 1,073 bytes, which rounds up to 2 KB: 2 "
            f"WCU. 25 x 2 = {NEEDED_WCU}. aws dynamodb update-table --table-name Turns "
            f"--provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits={NEEDED_WCU}"
        )
        return Verdict(False, observed, expected, message)
    if units > MOST_WCU:
        message = (
            f"Turns has {units} write capacity units, more than three times the {NEEDED_WCU} "
            "the final needs, and provisioned units are billed every hour whether they are "
            f"used or not. Lower it to {NEEDED_WCU} with aws dynamodb update-table (four "
            "decreases a day are allowed at any time, then one more each hour)."
        )
        return Verdict(False, observed, expected, message)
    return Verdict(True, observed, expected)


def check_all_turns_stored(cloud: Cloud) -> Verdict:
    """All 75 turns of the three files are in Turns, as the files hold them."""
    stored = _stored(cloud)
    observed = {}
    for name, turns in TURNS.items():
        observed[name] = sum(stored.get(_key(item)) == item for item in turns)
    expected = {name: len(turns) for name, turns in TURNS.items()}
    if observed == expected:
        return Verdict(True, observed, expected)
    short = next(name for name in FILES if observed[name] != expected[name])
    message = (
        f"{short} has {observed[short]} of its {expected[short]} turns in Turns. Move the "
        f"clock one second (clock advance 1s), then send the file: aws dynamodb "
        f"batch-write-item --request-items file://{short} --return-consumed-capacity TOTAL. "
        f"If some still come back unprocessed, the table has fewer than {NEEDED_WCU} WCU."
    )
    return Verdict(False, observed, expected, message)
