"""Snapshots: a stream log round-trips through JSON, iterators and all."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from emulator import Cloud
from emulator.clock import VirtualClock
from emulator.services.dynamodb.streams import StreamLog, log_of


def test_snapshot_round_trip(
    cloud: Cloud, ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    kit.make_table(ddb, "Gone")
    gone = log.enable("Gone", "KEYS_ONLY").arn
    log.disable("Gone")
    arn = log.enable("Orders", "NEW_AND_OLD_IMAGES").arn
    ddb.put_item(TableName="Orders", Item=kit.item("a") | {"blob": {"B": b"\x00\xff"}})
    ddb.put_item(TableName="Orders", Item=kit.item("a", status="paid"))
    it = kit.iterator(streams, arn)
    cloud.clock.advance(5 * 3600)  # a rolled shard, and the first one closed
    ddb.put_item(TableName="Orders", Item=kit.item("b"))
    before = kit.read_all(streams, arn)

    state = json.loads(json.dumps(log.snapshot()))
    with Cloud.restore(cloud.snapshot(), clock=VirtualClock(cloud.clock.now())) as copy:
        restored = log_of(copy.backend("dynamodb", "us-east-1"))  # type: ignore[arg-type]
        if not restored.streams:  # until DynamoDB's own snapshot carries the log
            restored.load(state)
        copy_streams = copy.client("dynamodbstreams")
        assert kit.read_all(copy_streams, arn) == before
        assert restored.describe("Orders") == log.describe("Orders")
        assert restored.describe("Gone") == log.describe("Gone")
        assert [s["StreamArn"] for s in copy_streams.list_streams()["Streams"]] == [gone, arn]
        # The iterator was handed out 5 hours ago: restoring does not revive it.
        assert (
            kit.error(copy_streams.get_records, ShardIterator=it)[0] == "ExpiredIteratorException"
        )
        # Writes go on with new, larger sequence numbers.
        copy.client("dynamodb").put_item(TableName="Orders", Item=kit.item("c"))
        after = kit.read_all(copy_streams, arn)
        numbers = [r["dynamodb"]["SequenceNumber"] for r in after]
        assert numbers == sorted(numbers)
        assert len(after) == len(before) + 1
    assert restored.snapshot()["sequence"] > state["sequence"]


def test_iterators_survive_a_snapshot(
    cloud: Cloud, ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "KEYS_ONLY").arn
    ddb.put_item(TableName="Orders", Item=kit.item("a"))
    it = kit.iterator(streams, arn)
    state = json.loads(json.dumps(log.snapshot()))
    with Cloud.restore(cloud.snapshot(), clock=VirtualClock(cloud.clock.now())) as copy:
        restored = log_of(copy.backend("dynamodb", "us-east-1"))  # type: ignore[arg-type]
        if not restored.streams:
            restored.load(state)
        page = copy.client("dynamodbstreams").get_records(ShardIterator=it)
        assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]] == ["a"]


def test_backend_helpers_make_no_log_until_one_is_needed(cloud: Cloud, ddb: Any) -> None:
    from emulator.services.dynamodb import streams as engine

    backend: Any = cloud.backend("dynamodb", "us-east-1")
    assert engine.snapshot(backend) is None
    assert engine.describe(backend, "Orders") == {}
    engine.table_deleted(backend, "Orders")
    assert not hasattr(backend, "stream_log")
    engine.load(backend, None)
    assert not hasattr(backend, "stream_log")
    log_of(backend).enable("Orders", "KEYS_ONLY")
    state = engine.snapshot(backend)
    with Cloud() as other:
        other.client("dynamodb")  # the backend, bare
        fresh: Any = other.backend("dynamodb", "us-east-1")
        engine.load(fresh, state)
        assert [s.arn for s in log_of(fresh).streams.values()] == [
            s.arn for s in log_of(backend).streams.values()
        ]
