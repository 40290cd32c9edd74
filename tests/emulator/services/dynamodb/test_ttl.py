"""Time to Live on a manual clock: status changes, the one-hour rule and the delayed sweep.

Benchmark (not a test): ``.venv/bin/python tests/emulator/services/dynamodb/test_ttl.py``
prints how long the sweep takes to delete 100,000 expired items.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from emulator import ClientError, Cloud
from emulator.services.dynamodb.changes import TTL_PRINCIPAL, Change
from emulator.services.dynamodb.ttl import DELAY_MAX, MAX_AGE, SWEEP_TICK, TimeToLive

HOUR = 3600.0
DAY = 24 * HOUR


def _cloud(**options: float) -> tuple[Cloud, Any, TimeToLive]:
    """A cloud with one table ``Sessions`` (key ``pk``) and a TTL engine built with ``options``."""
    cloud = Cloud()
    backend = cloud.backend("dynamodb")
    engine = backend.ttl = TimeToLive(backend, **options)  # type: ignore[attr-defined]
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Sessions",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return cloud, ddb, engine


def _enable(cloud: Cloud, ddb: Any, attribute: str = "expires") -> None:
    ddb.update_time_to_live(
        TableName="Sessions",
        TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
    )
    cloud.clock.advance(HOUR)  # ENABLING settles


def _put(ddb: Any, pk: str, expires: Any = None, **extra: Any) -> None:
    item: dict[str, Any] = {"pk": {"S": pk}, **extra}
    if expires is not None:
        item["expires"] = expires if isinstance(expires, dict) else {"N": str(int(expires))}
    ddb.put_item(TableName="Sessions", Item=item)


def _exists(ddb: Any, pk: str) -> bool:
    return "Item" in ddb.get_item(TableName="Sessions", Key={"pk": {"S": pk}})


def _due(cloud: Cloud, engine: TimeToLive, pk: str) -> float | None:
    table = cloud.backend("dynamodb").table("Sessions")  # type: ignore[attr-defined]
    return engine.deletion_time(table, {"pk": {"S": pk}})


def _error(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def _status(ddb: Any) -> dict[str, Any]:
    return ddb.describe_time_to_live(TableName="Sessions")["TimeToLiveDescription"]  # type: ignore[no-any-return]


def test_status_moves_through_enabling_and_disabling_with_one_change_an_hour() -> None:
    cloud, ddb, _ = _cloud()
    assert _status(ddb) == {"TimeToLiveStatus": "DISABLED"}
    answer = ddb.update_time_to_live(
        TableName="Sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    assert _status(ddb) == {"TimeToLiveStatus": "ENABLING", "AttributeName": "expires"}
    cloud.clock.advance(HOUR - 1)
    assert _error(
        ddb.update_time_to_live,
        TableName="Sessions",
        TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"},
    ) == (
        "ValidationException",
        "Time to live has been modified multiple times within a fixed interval",
    )
    cloud.clock.advance(1)
    assert _status(ddb) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    ddb.update_time_to_live(
        TableName="Sessions", TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"}
    )
    assert _status(ddb) == {"TimeToLiveStatus": "DISABLING", "AttributeName": "expires"}
    cloud.clock.advance(HOUR)
    assert _status(ddb) == {"TimeToLiveStatus": "DISABLED"}


def test_content_errors_come_before_the_one_hour_rule() -> None:
    cloud, ddb, _ = _cloud()
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/Sessions"

    def update(enabled: bool, attribute: str) -> tuple[str, str]:
        return _error(
            ddb.update_time_to_live,
            TableName=arn,
            TimeToLiveSpecification={"Enabled": enabled, "AttributeName": attribute},
        )

    assert update(False, "expires") == ("ValidationException", "TimeToLive is already disabled")
    ddb.update_time_to_live(
        TableName=arn, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    assert update(True, "expires") == ("ValidationException", "TimeToLive is already enabled")
    assert update(True, "other") == (
        "ValidationException",
        "TimeToLive is active on a different AttributeName: current AttributeName is expires",
    )
    assert update(False, "other")[1].startswith("TimeToLive is active on a different")
    cloud.clock.advance(HOUR)
    assert update(True, "expires")[1] == "TimeToLive is already enabled"


def test_bad_requests() -> None:
    _, ddb, _ = _cloud()
    assert _error(
        ddb.update_time_to_live,
        TableName="Nope",
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"},
    ) == ("ResourceNotFoundException", "Requested resource not found: Table: Nope not found")
    assert _error(ddb.describe_time_to_live, TableName="Nope")[0] == "ResourceNotFoundException"
    code, message = _error(
        ddb.update_time_to_live,
        TableName="Sessions",
        TimeToLiveSpecification={"Enabled": True, "AttributeName": ""},
    )
    assert code == "ValidationException"
    assert message.endswith("Member must have length greater than or equal to 1")
    assert _error(
        ddb.update_time_to_live,
        TableName="Sessions",
        TimeToLiveSpecification={"AttributeName": "expires"},
    )[1] == (
        "1 validation error detected: Value null at 'timeToLiveSpecification.enabled' "
        "failed to satisfy constraint: Member must not be null"
    )
    assert _error(ddb.describe_time_to_live, TableName="Sessions", Extra=1)[0] == (
        "NotSupportedByEmulator"
    )


def test_expired_items_stay_readable_until_the_sweep_deletes_them() -> None:
    cloud, ddb, engine = _cloud()
    _enable(cloud, ddb)
    now = cloud.clock.now()
    _put(ddb, "a", now + 60)
    due = _due(cloud, engine, "a")
    assert due is not None
    assert now + 60 <= due <= now + 60 + DELAY_MAX + SWEEP_TICK
    assert due % SWEEP_TICK == 0  # the sweep works in rounds
    cloud.clock.advance(due - cloud.clock.now() - 1)
    assert cloud.clock.now() > now + 60  # expired ...
    assert _exists(ddb, "a")  # ... and still returned: readers must filter
    assert ddb.scan(TableName="Sessions")["Count"] == 1
    cloud.clock.advance(1)
    assert not _exists(ddb, "a")
    assert engine.pending == 0


def test_every_item_is_gone_within_the_delay_window() -> None:
    cloud, ddb, engine = _cloud()
    _enable(cloud, ddb)
    now = cloud.clock.now()
    for i in range(200):
        _put(ddb, f"s{i}", now + i)
    dues = [_due(cloud, engine, f"s{i}") for i in range(200)]
    delays = [due - (now + i) for i, due in enumerate(dues) if due is not None]
    assert len(delays) == 200
    assert all(0 <= d <= DELAY_MAX + SWEEP_TICK for d in delays)
    assert max(delays) - min(delays) > DELAY_MAX / 2  # spread over the window, not one value
    cloud.clock.advance(DELAY_MAX + 200)
    assert ddb.scan(TableName="Sessions")["Count"] == 0


def test_deletion_times_are_the_same_every_run_and_in_any_write_order() -> None:
    def run(order: range) -> list[float | None]:
        cloud, ddb, engine = _cloud()
        _enable(cloud, ddb)
        start = 1767225600 + 10 * HOUR
        for i in order:
            _put(ddb, f"k{i}", start + i)
        return [_due(cloud, engine, f"k{i}") for i in range(30)]

    first = run(range(30))
    assert first == run(range(30))
    assert first == run(range(29, -1, -1))
    assert len(set(first)) > 20  # spread over the window (rounds may coincide)


def test_the_delay_window_is_set_at_construction() -> None:
    cloud, ddb, engine = _cloud(delay_min=HOUR, delay_max=2 * HOUR)
    _enable(cloud, ddb)
    now = cloud.clock.now()
    _put(ddb, "a", now)
    due = _due(cloud, engine, "a")
    assert due is not None
    assert now + HOUR <= due <= now + 2 * HOUR + SWEEP_TICK


def test_items_expired_before_enabling_are_deleted_after_ttl_becomes_active() -> None:
    cloud, ddb, engine = _cloud()
    now = cloud.clock.now()
    _put(ddb, "old", now - DAY)
    ddb.update_time_to_live(
        TableName="Sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    due = _due(cloud, engine, "old")
    assert due is not None
    assert due >= now + HOUR  # not while ENABLING
    cloud.clock.advance(HOUR + DELAY_MAX)
    assert not _exists(ddb, "old")


@pytest.mark.parametrize(
    "value",
    [
        {"S": "1767225600"},
        {"NS": ["1767225600"]},
        {"BOOL": True},
        {"M": {"at": {"N": "1767225600"}}},
        {"L": [{"N": "1767225600"}]},
    ],
)
def test_a_ttl_attribute_that_is_not_a_number_never_expires(value: dict[str, Any]) -> None:
    cloud, ddb, engine = _cloud()
    _enable(cloud, ddb)
    _put(ddb, "odd", value)
    _put(ddb, "number", cloud.clock.now() - 10)
    assert _due(cloud, engine, "odd") is None
    cloud.clock.advance(10 * DAY)
    assert _exists(ddb, "odd")
    assert not _exists(ddb, "number")


def test_values_five_years_old_or_more_are_ignored() -> None:
    cloud, ddb, engine = _cloud()
    _enable(cloud, ddb)
    now = cloud.clock.now()
    _put(ddb, "ancient", now - MAX_AGE - DAY)
    _put(ddb, "old", now - 4 * 365 * DAY)
    _put(ddb, "millis", now * 1000)  # milliseconds by mistake: far in the future
    assert _due(cloud, engine, "ancient") is None
    assert _due(cloud, engine, "millis") is None or _due(cloud, engine, "millis") > now * 999
    cloud.clock.advance(3 * DAY)
    assert _exists(ddb, "ancient")
    assert not _exists(ddb, "old")
    assert _exists(ddb, "millis")


def test_updating_or_removing_the_expiry_before_the_sweep_is_honoured() -> None:
    cloud, ddb, engine = _cloud()
    _enable(cloud, ddb)
    now = cloud.clock.now()
    _put(ddb, "renewed", now - 10)
    _put(ddb, "kept", now - 10)
    _put(ddb, "plain", now - 10)
    _put(ddb, "renewed", now + 30 * DAY)
    _put(ddb, "kept")  # the attribute removed
    assert _due(cloud, engine, "kept") is None
    cloud.clock.advance(3 * DAY)
    assert _exists(ddb, "renewed")
    assert _exists(ddb, "kept")
    assert not _exists(ddb, "plain")


def test_deleting_an_expired_item_by_hand_cancels_its_sweep() -> None:
    cloud, ddb, engine = _cloud()
    _enable(cloud, ddb)
    _put(ddb, "a", cloud.clock.now())
    ddb.delete_item(TableName="Sessions", Key={"pk": {"S": "a"}})
    assert engine.pending == 0
    removals: list[Change] = []
    cloud.backend("dynamodb").changes.subscribe(removals.append)  # type: ignore[attr-defined]
    cloud.clock.advance(3 * DAY)
    assert removals == []


def test_ttl_deletions_are_the_service_s_own_in_the_change_feed_and_event_log() -> None:
    cloud, ddb, _ = _cloud()
    _enable(cloud, ddb)
    seen: list[Change] = []
    cloud.backend("dynamodb").changes.subscribe(seen.append)  # type: ignore[attr-defined]
    _put(ddb, "mine")
    ddb.delete_item(TableName="Sessions", Key={"pk": {"S": "mine"}})
    _put(ddb, "expired", cloud.clock.now() - 5)
    cloud.clock.advance(3 * DAY)
    removes = [c for c in seen if c.event_name == "REMOVE"]
    assert [(c.keys, c.principal) for c in removes] == [
        ({"pk": {"S": "mine"}}, None),
        ({"pk": {"S": "expired"}}, TTL_PRINCIPAL),
    ]
    assert removes[1].old is not None
    assert removes[1].old["expires"] == {"N": str(int(cloud.clock.now() - 3 * DAY - 5))}
    events = cloud.events.filter(kind="ttl_delete")
    assert [(e.resource, e.detail) for e in events] == [
        ("Sessions", {"count": 1, "keys": [{"pk": {"S": "expired"}}]})
    ]
    assert events[0].time == removes[1].when


def test_deletions_go_on_while_disabling_and_stop_once_disabled() -> None:
    cloud, ddb, engine = _cloud(delay_min=HOUR / 2, delay_max=HOUR / 2)
    _enable(cloud, ddb)
    now = cloud.clock.now()
    _put(ddb, "soon", now)  # due in half an hour
    _put(ddb, "late", now + HOUR)  # due after TTL is off
    ddb.update_time_to_live(
        TableName="Sessions", TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"}
    )
    assert _due(cloud, engine, "late") is None
    cloud.clock.advance(3 * DAY)
    assert not _exists(ddb, "soon")
    assert _exists(ddb, "late")
    _put(ddb, "after", cloud.clock.now() - 5)
    cloud.clock.advance(3 * DAY)
    assert _exists(ddb, "after")


def test_a_table_created_again_under_the_same_name_starts_without_ttl() -> None:
    cloud, ddb, engine = _cloud()
    _enable(cloud, ddb)
    _put(ddb, "a", cloud.clock.now())
    ddb.delete_table(TableName="Sessions")
    ddb.create_table(
        TableName="Sessions",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert _status(ddb) == {"TimeToLiveStatus": "DISABLED"}
    _put(ddb, "a", cloud.clock.now())
    cloud.clock.advance(3 * DAY)
    assert _exists(ddb, "a")
    ddb.update_time_to_live(  # no one-hour rule carried over from the old table
        TableName="Sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    assert engine.pending == 1


def _restored(cloud: Cloud) -> tuple[Cloud, Any, TimeToLive]:
    """The cloud through a JSON snapshot, with its TTL engine loaded as the backend would."""
    state = json.loads(json.dumps(cloud.snapshot()))
    copy = Cloud.restore(state)
    backend = copy.backend("dynamodb")
    engine = backend.ttl  # type: ignore[attr-defined]
    return copy, copy.client("dynamodb"), engine


def test_snapshot_and_load_keep_settings_and_reschedule_the_sweep() -> None:
    cloud, ddb, engine = _cloud(delay_max=10 * HOUR)
    ddb.update_time_to_live(
        TableName="Sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    now = cloud.clock.now()
    for i in range(20):
        _put(ddb, f"k{i}", now + i * HOUR)
    dues = [_due(cloud, engine, f"k{i}") for i in range(20)]
    copy, copy_ddb, copy_engine = _restored(cloud)
    assert copy_engine.delay_max == 10 * HOUR
    assert _status(copy_ddb) == {"TimeToLiveStatus": "ENABLING", "AttributeName": "expires"}
    assert [_due(copy, copy_engine, f"k{i}") for i in range(20)] == dues
    assert _error(
        copy_ddb.update_time_to_live,
        TableName="Sessions",
        TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"},
    )[1].startswith("Time to live has been modified")
    for clock, client in ((cloud.clock, ddb), (copy.clock, copy_ddb)):
        clock.advance(12 * HOUR)
        left = sorted(i["pk"]["S"] for i in client.scan(TableName="Sessions")["Items"])
        assert left == sorted(f"k{i}" for i, due in enumerate(dues) if due and due > clock.now())


def bench_sweep(count: int = 100_000) -> tuple[float, int]:
    """Seconds the sweep takes to delete ``count`` expired items, and how many it deleted."""
    cloud = Cloud()
    backend: Any = cloud.backend("dynamodb")
    backend.ttl = engine = TimeToLive(backend)
    table = backend.create_table("Bench", [("pk", "HASH")], {"pk": "S"}, "PAY_PER_REQUEST", 0, 0)
    engine.update(table, enabled=True, attribute="expires")
    cloud.clock.advance(HOUR)
    expired = {"N": str(int(cloud.clock.now()) - 60)}
    for i in range(count):
        backend.write(table, {"pk": {"S": f"item{i:06d}"}, "expires": expired})
    assert engine.pending == count
    started = time.perf_counter()
    cloud.clock.advance(DELAY_MAX)
    elapsed = time.perf_counter() - started
    return elapsed, count - table.item_count


def test_the_benchmark_workload_deletes_everything() -> None:
    _, deleted = bench_sweep(2_000)
    assert deleted == 2_000


if __name__ == "__main__":
    seconds, deleted = bench_sweep()
    print(f"TTL sweep: {deleted:,} expired items deleted in {seconds:.3f} s")
