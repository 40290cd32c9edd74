"""Point-in-time recovery and on-demand backups, checked against AWS's documented outcomes."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from typing import Any

import pytest

from emulator import ClientError, Cloud
from emulator.services.dynamodb import api_backups
from emulator.services.dynamodb.recovery import Recovery, recovery_of
from emulator.services.dynamodb.ttl import DELAY_MAX, HOUR, SWEEP_TICK

DAY = 24 * HOUR
ARN = "arn:aws:dynamodb:us-east-1:123456789012:table"


def _cloud(**options: float) -> tuple[Cloud, Any, Recovery]:
    """A cloud with table ``Orders`` (pk S, sk N; 50 read and 20 write units) and its engine."""
    cloud = Cloud()
    backend = cloud.backend("dynamodb")
    engine = backend.recovery = Recovery(backend, **options)  # type: ignore[attr-defined]
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Orders",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        ProvisionedThroughput={"ReadCapacityUnits": 50, "WriteCapacityUnits": 20},
    )
    return cloud, ddb, engine


def _enable(ddb: Any, **spec: Any) -> dict[str, Any]:
    answer = ddb.update_continuous_backups(
        TableName="Orders",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, **spec},
    )
    return answer["ContinuousBackupsDescription"]  # type: ignore[no-any-return]


def _pitr(ddb: Any, table: str = "Orders") -> dict[str, Any]:
    answer = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert answer["ContinuousBackupsStatus"] == "ENABLED"  # on every table, from creation
    return answer["PointInTimeRecoveryDescription"]  # type: ignore[no-any-return]


def _put(ddb: Any, pk: str, sk: int, **attrs: str) -> None:
    item = {"pk": {"S": pk}, "sk": {"N": str(sk)}, **{k: {"S": v} for k, v in attrs.items()}}
    ddb.put_item(TableName="Orders", Item=item)


def _items(ddb: Any, table: str = "Orders") -> list[dict[str, Any]]:
    items = ddb.scan(TableName=table)["Items"]
    return sorted(items, key=lambda i: (i["pk"]["S"], int(i["sk"]["N"])))


def _when(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _error(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


# -- point-in-time recovery -----------------------------------------------------------
def test_continuous_backups_description_and_window() -> None:
    cloud, ddb, _ = _cloud()
    assert _pitr(ddb) == {"PointInTimeRecoveryStatus": "DISABLED"}
    enabled_at = cloud.clock.now()
    answer = _enable(ddb)
    assert answer["ContinuousBackupsStatus"] == "ENABLED"
    pitr = answer["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    assert pitr["RecoveryPeriodInDays"] == 35  # the default
    assert pitr["EarliestRestorableDateTime"] == _when(enabled_at)
    assert pitr["LatestRestorableDateTime"] == _when(enabled_at)  # nothing older yet
    cloud.clock.advance(DAY)
    pitr = _pitr(ddb)
    assert pitr["EarliestRestorableDateTime"] == _when(enabled_at)
    assert pitr["LatestRestorableDateTime"] == _when(cloud.clock.now() - 300)  # 5 minutes behind
    cloud.clock.advance(40 * DAY)
    assert _pitr(ddb)["EarliestRestorableDateTime"] == _when(cloud.clock.now() - 35 * DAY)
    assert _enable(ddb, RecoveryPeriodInDays=7)["PointInTimeRecoveryDescription"][
        "EarliestRestorableDateTime"
    ] == _when(cloud.clock.now() - 7 * DAY)
    answer = ddb.update_continuous_backups(
        TableName=f"{ARN}/Orders",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False},
    )
    assert answer["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"] == {
        "PointInTimeRecoveryStatus": "DISABLED"
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 0},
            "greater than or equal to 1",
        ),
        (
            {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 36},
            "less than or equal to 35",
        ),
        ({"RecoveryPeriodInDays": 7}, "Member must not be null"),
        ({"PointInTimeRecoveryEnabled": False, "RecoveryPeriodInDays": 7}, "RecoveryPeriodInDays"),
    ],
)
def test_continuous_backups_validation(spec: dict[str, Any], message: str) -> None:
    _, ddb, _ = _cloud()
    code, text = _error(
        ddb.update_continuous_backups, TableName="Orders", PointInTimeRecoverySpecification=spec
    )
    assert code == "ValidationException"
    assert message in text


def test_missing_table_is_table_not_found() -> None:
    _, ddb, _ = _cloud()
    assert _error(ddb.describe_continuous_backups, TableName="Nope") == (
        "TableNotFoundException",
        "Table not found: Nope",
    )
    assert _error(
        ddb.update_continuous_backups,
        TableName="Nope",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )[0] == ("TableNotFoundException")


def test_restore_to_any_second_gives_the_table_as_it_was() -> None:
    cloud, ddb, _ = _cloud()
    _put(ddb, "before", 1, v="kept")  # written before PITR: part of every restore
    _enable(ddb)
    rng = random.Random(20260101)
    expected: dict[float, list[dict[str, Any]]] = {cloud.clock.now(): _items(ddb)}
    for second in range(1, 121):
        cloud.clock.advance(1)
        for _ in range(rng.randint(0, 3)):
            pk, sk = rng.choice("abcd"), rng.randint(1, 4)
            if rng.random() < 0.3:
                ddb.delete_item(TableName="Orders", Key={"pk": {"S": pk}, "sk": {"N": str(sk)}})
            else:
                _put(ddb, pk, sk, v=f"v{second}")
        expected[cloud.clock.now()] = _items(ddb)
    cloud.clock.advance(10 * 60)
    for n, (moment, items) in enumerate(sorted(expected.items())[::7]):
        target = f"Restored{n}"
        answer = ddb.restore_table_to_point_in_time(
            SourceTableName="Orders", TargetTableName=target, RestoreDateTime=_when(moment)
        )["TableDescription"]
        assert answer["TableStatus"] == "CREATING"
        assert answer["RestoreSummary"] == {
            "SourceTableArn": f"{ARN}/Orders",
            "RestoreDateTime": _when(moment),
            "RestoreInProgress": True,
        }
        assert _items(ddb, target) == items


def test_a_restore_time_is_cut_to_its_second() -> None:
    cloud, ddb, _ = _cloud()
    _enable(ddb)
    cloud.clock.advance(10)
    _put(ddb, "a", 1, v="first")
    second = cloud.clock.now()
    cloud.clock.advance(0.5)
    _put(ddb, "a", 1, v="second")
    cloud.clock.advance(HOUR)
    ddb.restore_table_to_point_in_time(
        SourceTableArn=f"{ARN}/Orders",
        TargetTableName="Cut",
        RestoreDateTime=_when(second + 0.9),
    )
    assert _items(ddb, "Cut")[0]["v"] == {"S": "first"}
    ddb.restore_table_to_point_in_time(  # as boto3 also takes it: ISO 8601, naive means UTC
        SourceTableName="Orders",
        TargetTableName="Iso",
        RestoreDateTime=_when(second + 1).replace(tzinfo=None).isoformat(),
    )
    assert _items(ddb, "Iso")[0]["v"] == {"S": "second"}


def test_use_latest_restorable_time_leaves_out_the_last_five_minutes() -> None:
    cloud, ddb, _ = _cloud()
    _enable(ddb)
    _put(ddb, "old", 1)
    cloud.clock.advance(HOUR)
    _put(ddb, "recent", 1)
    cloud.clock.advance(299)
    answer = ddb.restore_table_to_point_in_time(
        SourceTableName="Orders", TargetTableName="Latest", UseLatestRestorableTime=True
    )["TableDescription"]
    assert answer["RestoreSummary"]["RestoreDateTime"] == _when(cloud.clock.now() - 300)
    assert [i["pk"]["S"] for i in _items(ddb, "Latest")] == ["old"]
    table = cloud.backend("dynamodb").table("Latest")  # type: ignore[attr-defined]
    assert (
        api_backups.describe_fields(cloud.backend("dynamodb"), table)["RestoreSummary"][
            "RestoreInProgress"
        ]
        is False
    )
    assert (
        api_backups.describe_fields(
            cloud.backend("dynamodb"),
            cloud.backend("dynamodb").table("Orders"),  # type: ignore[attr-defined]
        )
        == {}
    )


def test_restore_times_outside_the_window_are_refused() -> None:
    cloud, ddb, _ = _cloud()
    enabled_at = cloud.clock.now()
    _enable(ddb, RecoveryPeriodInDays=1)
    cloud.clock.advance(3 * DAY)
    now = cloud.clock.now()
    invalid = (
        "InvalidRestoreTimeException",
        "An invalid restore time was specified. RestoreDateTime must be between "
        "EarliestRestorableDateTime and LatestRestorableDateTime.",
    )
    for n, moment in enumerate(
        [enabled_at, now - DAY - 1, now - 299, now + 60]  # too old, too old, too new, future
    ):
        assert (
            _error(
                ddb.restore_table_to_point_in_time,
                SourceTableName="Orders",
                TargetTableName=f"Bad{n}",
                RestoreDateTime=_when(moment),
            )
            == invalid
        )
    for n, moment in enumerate([now - DAY, now - 300]):
        ddb.restore_table_to_point_in_time(
            SourceTableName="Orders", TargetTableName=f"Good{n}", RestoreDateTime=_when(moment)
        )
    # Turning PITR off and on again starts the window afresh.
    ddb.update_continuous_backups(
        TableName="Orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    _enable(ddb)
    assert _pitr(ddb)["EarliestRestorableDateTime"] == _when(now)
    assert (
        _error(
            ddb.restore_table_to_point_in_time,
            SourceTableName="Orders",
            TargetTableName="Again",
            RestoreDateTime=_when(now - HOUR),
        )
        == invalid
    )


def test_restore_errors() -> None:
    _, ddb, _ = _cloud()
    assert _error(
        ddb.restore_table_to_point_in_time,
        SourceTableName="Orders",
        TargetTableName="Copy",
        UseLatestRestorableTime=True,
    ) == (
        "PointInTimeRecoveryUnavailableException",
        "Point in time recovery is not enabled for table 'Orders'",
    )
    _enable(ddb)
    assert _error(
        ddb.restore_table_to_point_in_time,
        SourceTableName="Orders",
        TargetTableName="Orders",
        UseLatestRestorableTime=True,
    ) == ("TableAlreadyExistsException", "Table already exists: Orders")
    assert _error(
        ddb.restore_table_to_point_in_time,
        SourceTableName="Nope",
        TargetTableName="Copy",
        UseLatestRestorableTime=True,
    ) == ("TableNotFoundException", "Table not found: Nope")
    code, _ = _error(
        ddb.restore_table_to_point_in_time, SourceTableName="Orders", TargetTableName="Copy"
    )
    assert code == "ValidationException"
    assert _error(
        ddb.restore_table_to_point_in_time,
        SourceTableName="Orders",
        TargetTableName="Copy",
        UseLatestRestorableTime=True,
        GlobalSecondaryIndexOverride=[],
    )[0] == ("NotSupportedByEmulator")


def test_a_restored_table_keeps_the_schema_and_capacity_but_not_ttl_or_pitr() -> None:
    cloud, ddb, _ = _cloud()
    _enable(ddb)
    ddb.update_time_to_live(
        TableName="Orders", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
    )
    _put(ddb, "a", 1)
    cloud.clock.advance(HOUR)
    ddb.restore_table_to_point_in_time(
        SourceTableName="Orders", TargetTableName="Copy", UseLatestRestorableTime=True
    )
    table = ddb.describe_table(TableName="Copy")["Table"]
    assert table["KeySchema"] == ddb.describe_table(TableName="Orders")["Table"]["KeySchema"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 50
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 20
    assert table["ItemCount"] == 1
    assert ddb.describe_time_to_live(TableName="Copy")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
    assert _pitr(ddb, "Copy") == {"PointInTimeRecoveryStatus": "DISABLED"}
    ddb.restore_table_to_point_in_time(
        SourceTableName="Orders",
        TargetTableName="OnDemand",
        UseLatestRestorableTime=True,
        BillingModeOverride="PAY_PER_REQUEST",
    )
    assert ddb.describe_table(TableName="OnDemand")["Table"]["BillingModeSummary"][
        "BillingMode"
    ] == ("PAY_PER_REQUEST")
    ddb.restore_table_to_point_in_time(
        SourceTableName="Orders",
        TargetTableName="Bigger",
        UseLatestRestorableTime=True,
        ProvisionedThroughputOverride={"ReadCapacityUnits": 80, "WriteCapacityUnits": 30},
    )
    throughput = ddb.describe_table(TableName="Bigger")["Table"]["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (80, 30)


def test_ttl_deletions_are_in_the_journal_like_any_change() -> None:
    cloud, ddb, _ = _cloud()
    _enable(ddb)
    ddb.update_time_to_live(
        TableName="Orders", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
    )
    cloud.clock.advance(HOUR)
    ddb.put_item(
        TableName="Orders",
        Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "exp": {"N": str(int(cloud.clock.now()))}},
    )
    written = cloud.clock.now()
    cloud.clock.advance(DELAY_MAX + SWEEP_TICK + HOUR)
    assert _items(ddb) == []
    ddb.restore_table_to_point_in_time(
        SourceTableName="Orders", TargetTableName="Back", RestoreDateTime=_when(written)
    )
    assert [i["pk"]["S"] for i in _items(ddb, "Back")] == ["a"]


def test_the_journal_keeps_only_the_recovery_period() -> None:
    cloud, ddb, engine = _cloud()
    _enable(ddb, RecoveryPeriodInDays=1)
    table = cloud.backend("dynamodb").table("Orders")  # type: ignore[attr-defined]
    for i in range(100):
        _put(ddb, "a", i)
        cloud.clock.advance(1)  # within the table's write capacity
    assert engine.journaled(table) == 100
    cloud.clock.advance(2 * DAY)
    _put(ddb, "b", 1)
    assert engine.journaled(table) == 1
    # A longer period cannot bring back what was already dropped.
    earliest = _pitr(ddb)["EarliestRestorableDateTime"]
    _enable(ddb, RecoveryPeriodInDays=35)
    assert _pitr(ddb)["EarliestRestorableDateTime"] == earliest


# -- on-demand backups ----------------------------------------------------------------
_BACKUP_ARN = re.compile(
    r"^arn:aws:dynamodb:us-east-1:123456789012:table/Orders/backup/\d{14}-[0-9a-f]{8}$"
)


def test_create_describe_list_restore_and_delete_a_backup() -> None:
    cloud, ddb, _ = _cloud()
    _put(ddb, "a", 1, v="one")
    _put(ddb, "b", 2, v="two")
    created = cloud.clock.now()
    details = ddb.create_backup(TableName="Orders", BackupName="Nightly")["BackupDetails"]
    arn = details["BackupArn"]
    assert _BACKUP_ARN.match(arn)
    assert arn.split("/")[-1].split("-")[0] == f"{int(created * 1000):014d}"
    assert details["BackupStatus"] == "CREATING"
    assert details["BackupType"] == "USER"
    assert details["BackupName"] == "Nightly"
    assert details["BackupCreationDateTime"] == _when(created)
    table = ddb.describe_table(TableName="Orders")["Table"]
    assert details["BackupSizeBytes"] == table["TableSizeBytes"] > 0

    described = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
    assert described["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    source = described["SourceTableDetails"]
    assert source["TableName"] == "Orders"
    assert source["TableId"] == table["TableId"]
    assert source["TableArn"] == f"{ARN}/Orders"
    assert source["ItemCount"] == 2
    assert source["KeySchema"] == table["KeySchema"]
    assert source["ProvisionedThroughput"] == {"ReadCapacityUnits": 50, "WriteCapacityUnits": 20}
    assert source["BillingMode"] == "PROVISIONED"

    _put(ddb, "c", 3)
    ddb.delete_item(TableName="Orders", Key={"pk": {"S": "a"}, "sk": {"N": "1"}})
    answer = ddb.restore_table_from_backup(TargetTableName="FromBackup", BackupArn=arn)
    assert answer["TableDescription"]["RestoreSummary"] == {
        "SourceTableArn": f"{ARN}/Orders",
        "SourceBackupArn": arn,
        "RestoreDateTime": _when(created),
        "RestoreInProgress": True,
    }
    assert [(i["pk"]["S"], i["v"]["S"]) for i in _items(ddb, "FromBackup")] == [
        ("a", "one"),
        ("b", "two"),
    ]
    throughput = ddb.describe_table(TableName="FromBackup")["Table"]["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (50, 20)

    summaries = ddb.list_backups(TableName="Orders")["BackupSummaries"]
    assert [(s["BackupArn"], s["TableName"], s["BackupStatus"]) for s in summaries] == [
        (arn, "Orders", "AVAILABLE")
    ]
    deleted = ddb.delete_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]
    assert deleted["BackupStatus"] == "DELETED"
    assert _error(ddb.describe_backup, BackupArn=arn) == (
        "BackupNotFoundException",
        f"Backup not found: {arn}",
    )
    assert ddb.list_backups()["BackupSummaries"] == []


def test_list_backups_filters_and_pages() -> None:
    cloud, ddb, _ = _cloud()
    ddb.create_table(
        TableName="Other",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    arns = []
    for n in range(5):
        arns.append(
            ddb.create_backup(TableName="Orders", BackupName=f"backup{n}")["BackupDetails"][
                "BackupArn"
            ]
        )
        cloud.clock.advance(HOUR)
    ddb.create_backup(TableName="Other", BackupName="other")
    assert len(ddb.list_backups()["BackupSummaries"]) == 6
    first = ddb.list_backups(TableName="Orders", Limit=2)
    assert [s["BackupArn"] for s in first["BackupSummaries"]] == arns[:2]
    assert first["LastEvaluatedBackupArn"] == arns[1]
    rest = ddb.list_backups(TableName="Orders", ExclusiveStartBackupArn=arns[1])
    assert [s["BackupArn"] for s in rest["BackupSummaries"]] == arns[2:]
    assert "LastEvaluatedBackupArn" not in rest
    start = cloud.clock.now() - 5 * HOUR
    window = ddb.list_backups(
        TableName=f"{ARN}/Orders",
        TimeRangeLowerBound=_when(start + HOUR),  # inclusive
        TimeRangeUpperBound=_when(start + 3 * HOUR),  # exclusive
    )
    assert [s["BackupArn"] for s in window["BackupSummaries"]] == arns[1:3]
    assert ddb.list_backups(BackupType="SYSTEM")["BackupSummaries"] == []
    assert _error(ddb.list_backups, Limit=0)[0] == "ValidationException"


def test_backup_errors() -> None:
    _, ddb, _ = _cloud()
    assert _error(ddb.create_backup, TableName="Nope", BackupName="Nightly") == (
        "TableNotFoundException",
        "Table not found: Nope",
    )
    code, message = _error(ddb.create_backup, TableName="Orders", BackupName="no")
    assert code == "ValidationException"
    assert message.endswith("Member must have length greater than or equal to 3")
    assert _error(ddb.create_backup, TableName="Orders", BackupName="bad name")[1].endswith(
        "[a-zA-Z0-9_.-]+"
    )
    arn = ddb.create_backup(TableName="Orders", BackupName="Nightly")["BackupDetails"]["BackupArn"]
    assert _error(ddb.restore_table_from_backup, TargetTableName="Orders", BackupArn=arn) == (
        "TableAlreadyExistsException",
        "Table already exists: Orders",
    )
    missing = arn[:-8] + "00000000"
    assert _error(ddb.restore_table_from_backup, TargetTableName="New", BackupArn=missing) == (
        "BackupNotFoundException",
        f"Backup not found: {missing}",
    )
    assert _error(ddb.delete_backup, BackupArn=missing)[0] == "BackupNotFoundException"


def test_a_backup_being_created_is_in_use() -> None:
    cloud, ddb, _ = _cloud(backup_delay=120)
    arn = ddb.create_backup(TableName="Orders", BackupName="Slow")["BackupDetails"]["BackupArn"]
    assert ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"][
        "BackupStatus"
    ] == ("CREATING")
    for call, params in (
        (ddb.restore_table_from_backup, {"TargetTableName": "New", "BackupArn": arn}),
        (ddb.delete_backup, {"BackupArn": arn}),
        (ddb.create_backup, {"TableName": "Orders", "BackupName": "Second"}),
    ):
        assert _error(call, **params)[0] == "BackupInUseException"
    cloud.clock.advance(120)
    ddb.restore_table_from_backup(TargetTableName="New", BackupArn=arn)
    ddb.delete_backup(BackupArn=arn)


def test_a_backup_outlives_its_table_and_pitr_leaves_a_system_backup() -> None:
    cloud, ddb, engine = _cloud()
    _put(ddb, "a", 1)
    user = ddb.create_backup(TableName="Orders", BackupName="Nightly")["BackupDetails"]
    _enable(ddb)
    _put(ddb, "b", 2)
    table = cloud.backend("dynamodb").table("Orders")  # type: ignore[attr-defined]
    engine.table_deleted(table)  # what DeleteTable does before the table goes
    ddb.delete_table(TableName="Orders")
    assert [s["BackupArn"] for s in ddb.list_backups()["BackupSummaries"]] == [user["BackupArn"]]
    (system,) = ddb.list_backups(BackupType="SYSTEM")["BackupSummaries"]
    assert system["BackupName"] == "Orders$DeletedTableBackup"
    assert system["BackupType"] == "SYSTEM"
    assert system["BackupExpiryDateTime"] == _when(cloud.clock.now() + 35 * DAY)
    assert len(ddb.list_backups(BackupType="ALL")["BackupSummaries"]) == 2
    ddb.restore_table_from_backup(TargetTableName="Orders", BackupArn=system["BackupArn"])
    assert [i["pk"]["S"] for i in _items(ddb)] == ["a", "b"]
    cloud.clock.advance(35 * DAY)
    assert ddb.list_backups(BackupType="SYSTEM")["BackupSummaries"] == []
    ddb.restore_table_from_backup(TargetTableName="Older", BackupArn=user["BackupArn"])
    assert [i["pk"]["S"] for i in _items(ddb, "Older")] == ["a"]


# -- state ----------------------------------------------------------------------------
def _restored(cloud: Cloud) -> tuple[Cloud, Any, Recovery]:
    """The cloud through a JSON snapshot, with its engine loaded as the backend would."""
    state = json.loads(json.dumps(cloud.snapshot()))
    copy = Cloud.restore(state)
    backend = copy.backend("dynamodb")
    assert getattr(backend, "recovery", None) is not None  # loaded with the backend
    return copy, copy.client("dynamodb"), recovery_of(backend)  # type: ignore[arg-type]


def test_snapshot_and_load_keep_journals_backups_and_summaries() -> None:
    cloud, ddb, _ = _cloud()
    _enable(ddb, RecoveryPeriodInDays=3)
    _put(ddb, "a", 1, v="old")
    middle = cloud.clock.now()
    cloud.clock.advance(60)
    _put(ddb, "a", 1, v="new")
    _put(ddb, "b", 1, v=b"\x00raw".decode("latin-1"))
    arn = ddb.create_backup(TableName="Orders", BackupName="Nightly")["BackupDetails"]["BackupArn"]
    cloud.clock.advance(HOUR)
    ddb.restore_table_to_point_in_time(
        SourceTableName="Orders", TargetTableName="Copy", RestoreDateTime=_when(middle)
    )
    copy, copy_ddb, _ = _restored(cloud)
    assert _pitr(copy_ddb) == _pitr(ddb)
    for client in (ddb, copy_ddb):
        client.restore_table_to_point_in_time(
            SourceTableName="Orders", TargetTableName="Again", RestoreDateTime=_when(middle)
        )
        assert [i["v"]["S"] for i in _items(client, "Again")] == ["old"]
        client.restore_table_from_backup(TargetTableName="FromBackup", BackupArn=arn)
    assert _items(copy_ddb, "FromBackup") == _items(ddb, "FromBackup")
    assert copy_ddb.list_backups()["BackupSummaries"] == ddb.list_backups()["BackupSummaries"]
    backend = copy.backend("dynamodb")
    assert api_backups.describe_fields(backend, backend.table("Copy")) == (  # type: ignore[attr-defined, arg-type]
        api_backups.describe_fields(
            cloud.backend("dynamodb"), cloud.backend("dynamodb").table("Copy")
        )  # type: ignore[attr-defined, arg-type]
    )


def test_restores_keep_the_secondary_indexes() -> None:
    cloud = Cloud()
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Indexed",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="Indexed", Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    backup = ddb.create_backup(TableName="Indexed", BackupName="before")["BackupDetails"][
        "BackupArn"
    ]
    ddb.restore_table_from_backup(TargetTableName="FromBackup", BackupArn=backup)
    ddb.update_continuous_backups(
        TableName="Indexed",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    cloud.clock.advance(600)
    ddb.restore_table_to_point_in_time(
        SourceTableName="Indexed", TargetTableName="FromPitr", UseLatestRestorableTime=True
    )
    for name in ("FromBackup", "FromPitr"):
        table = ddb.describe_table(TableName=name)["Table"]
        assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["by-g"]
        found = ddb.query(
            TableName=name,
            IndexName="by-g",
            KeyConditionExpression="g = :x",
            ExpressionAttributeValues={":x": {"S": "x"}},
        )
        assert found["Count"] == 1
