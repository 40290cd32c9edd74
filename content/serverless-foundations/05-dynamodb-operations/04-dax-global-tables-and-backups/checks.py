"""Checks of the price-list-rewind lab: the day's damage, the restored table and the backup."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from emulator import ClientError
from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

HERE = Path(__file__).parent
SOURCE = "Products"
RESTORED = "Products-restored"
Items = dict[str, dict[str, Any]]


def _setup_products() -> Items:
    setup = yaml.safe_load((HERE / "lab.yaml").read_text(encoding="utf-8"))["setup"]
    batch = next(step for step in setup if step["operation"] == "BatchWriteItem")
    items = [request["PutRequest"]["Item"] for request in batch["params"]["RequestItems"][SOURCE]]
    return {item["sku"]["S"]: item for item in items}


def _applied(before: Items, file: str) -> Items:
    """The products after the batch in ``file`` (a starter file) is written over ``before``."""
    after = dict(before)
    requests = json.loads((HERE / "starter" / file).read_text(encoding="utf-8"))[SOURCE]
    for request in requests:
        if "PutRequest" in request:
            item = request["PutRequest"]["Item"]
            after[item["sku"]["S"]] = item
        else:
            after.pop(request["DeleteRequest"]["Key"]["sku"]["S"], None)
    return after


START = _setup_products()
#: After the morning's changes: what the restore must bring back.
BEFORE_RELEASE = _applied(START, "morning-changes.json")
#: After release 2.4: what Products holds at the end of the day, and the backup keeps.
DAMAGED = _applied(BEFORE_RELEASE, "release-2-4.json")
#: The release run over the start, without the morning (or before it).
RELEASE_ONLY = _applied(START, "release-2-4.json")
STATES = {
    "as the lab began, before the morning's changes": START,
    "after the morning's changes, before the release": BEFORE_RELEASE,
    "after the release": DAMAGED,
    "with the release but without the morning's changes": RELEASE_ONLY,
}


def _plain(value: Any) -> Any:
    """An attribute value with numbers compared as numbers (14.50 equals 14.5)."""
    if isinstance(value, dict):
        return {
            k: (str(Decimal(v).normalize()) if k == "N" else _plain(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _canonical(items: Items) -> dict[str, Any]:
    return {sku: _plain(item) for sku, item in items.items()}


def _scan(cloud: Cloud, table: str) -> Items:
    ddb = cloud.client("dynamodb")
    found: Items = {}
    kwargs: dict[str, Any] = {"TableName": table}
    while True:
        page = ddb.scan(**kwargs)
        for item in page["Items"]:
            found[item.get("sku", {}).get("S", "?")] = item
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _state(items: Items) -> str | None:
    """Which known moment of the day ``items`` are, or None."""
    seen = _canonical(items)
    return next((name for name, state in STATES.items() if _canonical(state) == seen), None)


def _differences(items: Items, wanted: Items) -> str:
    """A short account of how ``items`` differ from ``wanted``."""
    seen, due = _canonical(items), _canonical(wanted)
    parts = []
    missing = sorted(set(due) - set(seen))
    extra = sorted(set(seen) - set(due))
    changed = sorted(sku for sku in set(due) & set(seen) if due[sku] != seen[sku])
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if extra:
        parts.append(f"extra {', '.join(extra)}")
    for sku in changed[:3]:
        parts.append(f"{sku} is {json.dumps(seen[sku])} instead of {json.dumps(due[sku])}")
    return "; ".join(parts)


def _summary(items: Items) -> dict[str, Any]:
    return {sku: items[sku].get("priceCents", {}).get("N") for sku in sorted(items)}


def check_day_played(cloud: Cloud) -> Verdict:
    """Products went through the morning's changes, then the release."""
    items = _scan(cloud, SOURCE)
    expected = "the morning's changes, then release 2.4 (10 products)"
    state = _state(items)
    if state == "after the release":
        return Verdict(True, _summary(items), expected)
    if state is None:
        message = (
            "Products matches no moment of the day: "
            + _differences(items, DAMAGED)
            + ". Leave Products as the release left it; if it was changed since, start the "
            "lab over (F6, or serverlings reset price-list-rewind) and play the day again."
        )
    elif state.startswith("as the lab began"):
        message = (
            "Products still holds the 12 products of the start. clock advance 8h, then aws "
            "dynamodb batch-write-item --request-items file://morning-changes.json."
        )
    elif state.startswith("after the morning"):
        message = (
            "The morning's changes are in, but release 2.4 has not run yet. clock advance 3h, "
            "then aws dynamodb batch-write-item --request-items file://release-2-4.json."
        )
    else:
        message = (
            "Release 2.4 ran over the products of the start, without the morning's changes. "
            "Send morning-changes.json first and the release three hours later: start the "
            "lab over (F6, or serverlings reset price-list-rewind) and play the day in order."
        )
    return Verdict(False, _summary(items), expected, message)


def check_restored_before_release(cloud: Cloud) -> Verdict:
    """Products-restored came from a restore of Products and holds the pre-release products."""
    expected = {"restored from": SOURCE, "products": _summary(BEFORE_RELEASE)}
    ddb = cloud.client("dynamodb")
    try:
        table = ddb.describe_table(TableName=RESTORED)["Table"]
    except ClientError:
        backups = ddb.describe_continuous_backups(TableName=SOURCE)["ContinuousBackupsDescription"]
        pitr = backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        if pitr != "ENABLED":
            message = (
                f"There is no table {RESTORED}, and there cannot be one yet: point-in-time "
                "recovery is off for Products, so no earlier moment of it was kept. Turn it on "
                "(the first task). Changes made before that cannot be restored: start the lab "
                "over (F6, or serverlings reset price-list-rewind) and play the day with PITR on."
            )
        else:
            message = (
                f"There is no table {RESTORED} yet. Make it with aws dynamodb "
                "restore-table-to-point-in-time --source-table-name Products "
                f"--target-table-name {RESTORED} --restore-date-time 2026-01-01T10:59:59Z."
            )
        return Verdict(False, f"no table {RESTORED}", expected, message)
    summary = table.get("RestoreSummary") or {}
    source = str(summary.get("SourceTableArn", ""))
    items = _scan(cloud, RESTORED)
    observed = {"restored from": source.rsplit("/", 1)[-1] or None, "products": _summary(items)}
    again = (
        f" Delete {RESTORED} (aws dynamodb delete-table) and restore again; a restore cannot "
        "replace a table that exists."
    )
    if not source.endswith(f":table/{SOURCE}"):
        return Verdict(
            False,
            observed,
            expected,
            f"{RESTORED} was not made by restoring {SOURCE}: it has no RestoreSummary naming "
            f"it. Copying items by hand misses whatever you did not see; let DynamoDB rebuild "
            f"the table." + again,
        )
    when = summary.get("RestoreDateTime")
    at = f"to {when.isoformat() if hasattr(when, 'isoformat') else when}" if when else ""
    state = _state(items)
    if state == "after the morning's changes, before the release":
        return Verdict(True, observed, expected)
    if state == "after the release":
        message = (
            f"{RESTORED} was restored {at}, after release 2.4 ran at 11:00:00: it holds the "
            "damage. Choose a time before the release, such as 2026-01-01T10:59:59Z (move the "
            "clock on if LatestRestorableDateTime is not past it yet)." + again
        )
    elif state is not None and state.startswith("as the lab began"):
        message = (
            f"{RESTORED} was restored {at}, before the morning's changes at 08:00:00: the "
            "new products and the morning's prices are missing. Choose a time between the "
            "morning and the release, such as 2026-01-01T10:59:59Z." + again
        )
    else:
        message = (
            f"{RESTORED} (restored {at}) does not hold the products as they were between the "
            f"morning and the release: {_differences(items, BEFORE_RELEASE)}." + again
        )
    return Verdict(False, observed, expected, message)


def check_damage_backed_up(cloud: Cloud) -> Verdict:
    """An on-demand backup of Products holds the table as release 2.4 left it."""
    ddb = cloud.client("dynamodb")
    backups = ddb.list_backups(TableName=SOURCE, BackupType="USER")["BackupSummaries"]
    expected = {"a backup of Products holding": _summary(DAMAGED)}
    if not backups:
        return Verdict(False, "no backup of Products", expected)
    observed: dict[str, Any] = {}
    for number, backup in enumerate(backups):
        name = backup.get("BackupName", "?")
        if backup.get("BackupStatus") != "AVAILABLE":
            observed[name] = backup.get("BackupStatus")
            continue
        target = f"grading-backup-{number}"
        ddb.restore_table_from_backup(TargetTableName=target, BackupArn=backup["BackupArn"])
        items = _scan(cloud, target)
        if _canonical(items) == _canonical(DAMAGED):
            return Verdict(True, {name: _summary(items)}, expected)
        observed[name] = _state(items) or _summary(items)
    return Verdict(
        False,
        observed,
        expected,
        "The backups of Products do not hold the table as the release left it (taken before "
        "the release, or after Products was changed again). Take one now: aws dynamodb "
        "create-backup --table-name Products --backup-name products-after-release-2-4.",
    )
