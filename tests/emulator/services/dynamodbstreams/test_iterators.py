"""Shard iterators and GetRecords: positions, paging, the 15-minute expiry and 24-hour trim."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from emulator import Cloud
from emulator.services.dynamodb.streams import StreamLog


@pytest.fixture
def arn(ddb: Any, log: StreamLog) -> str:
    return log.enable("Orders", "NEW_IMAGE").arn


def _put(ddb: Any, kit: SimpleNamespace, *pks: str) -> None:
    for pk in pks:
        ddb.put_item(TableName="Orders", Item=kit.item(pk))


def _pks(page: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]]


def test_trim_horizon_reads_from_the_oldest_record(
    ddb: Any, streams: Any, arn: str, kit: SimpleNamespace
) -> None:
    _put(ddb, kit, "a", "b")
    page = streams.get_records(ShardIterator=kit.iterator(streams, arn))
    assert _pks(page) == ["a", "b"]
    _put(ddb, kit, "c")
    assert _pks(streams.get_records(ShardIterator=page["NextShardIterator"])) == ["c"]


def test_latest_sees_only_later_records(
    ddb: Any, streams: Any, arn: str, kit: SimpleNamespace
) -> None:
    _put(ddb, kit, "a")
    latest = kit.iterator(streams, arn, "LATEST")
    _put(ddb, kit, "b", "c")
    assert _pks(streams.get_records(ShardIterator=latest)) == ["b", "c"]


def test_at_and_after_a_sequence_number(
    ddb: Any, streams: Any, arn: str, kit: SimpleNamespace
) -> None:
    _put(ddb, kit, "a", "b", "c")
    second = streams.get_records(ShardIterator=kit.iterator(streams, arn))["Records"][1]
    number = second["dynamodb"]["SequenceNumber"]
    at = kit.iterator(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=number)
    after = kit.iterator(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=number)
    assert _pks(streams.get_records(ShardIterator=at)) == ["b", "c"]
    assert _pks(streams.get_records(ShardIterator=after)) == ["c"]


def test_at_timestamp_starts_at_the_first_record_of_that_second(
    cloud: Cloud, ddb: Any, streams: Any, arn: str, kit: SimpleNamespace
) -> None:
    _put(ddb, kit, "a")
    cloud.clock.advance(60.5)
    _put(ddb, kit, "b")
    cloud.clock.advance(60)
    _put(ddb, kit, "c")
    start = dt.datetime(2026, 1, 1, 0, 1, 0, tzinfo=dt.UTC)
    it = kit.iterator(streams, arn, "AT_TIMESTAMP", Timestamp=start)
    assert _pks(streams.get_records(ShardIterator=it)) == ["b", "c"]
    it = kit.iterator(streams, arn, "AT_TIMESTAMP", Timestamp=start.timestamp() - 3600)
    assert _pks(streams.get_records(ShardIterator=it)) == ["a", "b", "c"]
    code, _ = kit.error(
        streams.get_shard_iterator,
        StreamArn=arn,
        ShardId=kit.shard_ids(streams, arn)[0],
        ShardIteratorType="AT_TIMESTAMP",
        Timestamp=start + dt.timedelta(days=1),
    )
    assert code == "ValidationException"


def test_limit_pages_and_the_next_iterator_goes_on(
    ddb: Any, streams: Any, arn: str, kit: SimpleNamespace
) -> None:
    _put(ddb, kit, *"abcde")
    seen: list[str] = []
    it = kit.iterator(streams, arn)
    for _ in range(3):
        page = streams.get_records(ShardIterator=it, Limit=2)
        seen += _pks(page)
        it = page["NextShardIterator"]
    assert seen == list("abcde")
    empty = streams.get_records(ShardIterator=it)
    assert empty["Records"] == []
    assert "NextShardIterator" in empty


def test_limit_is_at_most_1000(streams: Any, arn: str, kit: SimpleNamespace) -> None:
    it = kit.iterator(streams, arn)
    assert kit.error(streams.get_records, ShardIterator=it, Limit=1001) == (
        "ValidationException",
        "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000",
    )
    assert kit.error(streams.get_records, ShardIterator=it, Limit=0)[0] == "ValidationException"
    assert streams.get_records(ShardIterator=it, Limit=1000)["Records"] == []


def test_one_call_returns_at_most_1000_records_and_1_mb(
    ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "NEW_IMAGE").arn
    for n in range(1005):
        ddb.put_item(TableName="Orders", Item=kit.item("small", n))
    page = streams.get_records(ShardIterator=kit.iterator(streams, arn))
    assert len(page["Records"]) == 1000
    assert len(streams.get_records(ShardIterator=page["NextShardIterator"])["Records"]) == 5

    kit.make_table(ddb, "Big")
    big = log.enable("Big", "NEW_IMAGE").arn
    for n in range(8):  # about 200 KB each: five fit in 1 MB
        ddb.put_item(TableName="Big", Item=kit.item("big", n, body="x" * 200_000))
    page = streams.get_records(ShardIterator=kit.iterator(streams, big))
    assert len(page["Records"]) == 5
    assert sum(r["dynamodb"]["SizeBytes"] for r in page["Records"]) <= 1024 * 1024


def test_an_iterator_expires_15_minutes_after_it_was_issued(
    cloud: Cloud, ddb: Any, streams: Any, arn: str, kit: SimpleNamespace
) -> None:
    _put(ddb, kit, "a")
    it = kit.iterator(streams, arn)
    cloud.clock.advance(14 * 60 + 59)
    page = streams.get_records(ShardIterator=it)
    assert _pks(page) == ["a"]
    cloud.clock.advance(1)
    assert kit.error(streams.get_records, ShardIterator=it) == (
        "ExpiredIteratorException",
        "Shard iterator has expired",
    )
    # The iterator GetRecords handed back is fresh.
    assert streams.get_records(ShardIterator=page["NextShardIterator"])["Records"] == []


def test_records_are_trimmed_after_24_hours(
    cloud: Cloud, ddb: Any, streams: Any, arn: str, kit: SimpleNamespace
) -> None:
    shard = kit.shard_ids(streams, arn)[0]

    def at(kind: str, **extra: Any) -> str:
        answer = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType=kind, **extra
        )
        return str(answer["ShardIterator"])

    _put(ddb, kit, "old")
    number = streams.get_records(ShardIterator=at("TRIM_HORIZON"))["Records"][0]["dynamodb"][
        "SequenceNumber"
    ]
    cloud.clock.advance(3 * 3600)
    _put(ddb, kit, "new")
    cloud.clock.advance(21 * 3600 - 60)
    fresh = at("AT_SEQUENCE_NUMBER", SequenceNumber=number)
    cloud.clock.advance(60)
    # Issued just before the trim, used just after it: the record it points at is gone.
    trimmed = ("TrimmedDataAccessException", "The data you are trying to access has been trimmed")
    assert kit.error(streams.get_records, ShardIterator=fresh) == trimmed
    assert (
        kit.error(
            streams.get_shard_iterator,
            StreamArn=arn,
            ShardId=shard,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=number,
        )
        == trimmed
    )
    # TRIM_HORIZON moves past what was trimmed; the shard (closed at 4 hours) lives on.
    assert _pks(streams.get_records(ShardIterator=at("TRIM_HORIZON"))) == ["new"]


def test_iterator_parameters_are_checked(
    ddb: Any, streams: Any, arn: str, kit: SimpleNamespace
) -> None:
    _put(ddb, kit, "a")
    shard = kit.shard_ids(streams, arn)[0]
    number = streams.get_records(ShardIterator=kit.iterator(streams, arn))["Records"][0][
        "dynamodb"
    ]["SequenceNumber"]
    cases: list[dict[str, Any]] = [
        {"ShardIteratorType": "AT_SEQUENCE_NUMBER"},
        {"ShardIteratorType": "LATEST", "SequenceNumber": number},
        {"ShardIteratorType": "LATEST", "SequenceNumber": "not-a-number"},
        {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": "9" * 30},
        {"ShardIteratorType": "bulle"},
    ]
    for case in cases:
        code, _ = kit.error(streams.get_shard_iterator, StreamArn=arn, ShardId=shard, **case)
        assert code == "ValidationException", case
    assert kit.error(
        streams.get_shard_iterator,
        StreamArn=arn,
        ShardId="shardId-nope",
        ShardIteratorType="LATEST",
    ) == ("ResourceNotFoundException", "Requested resource not found: Shard does not exist")
    assert kit.error(streams.get_records, ShardIterator="garbage") == (
        "ValidationException",
        "Invalid ShardIterator",
    )
