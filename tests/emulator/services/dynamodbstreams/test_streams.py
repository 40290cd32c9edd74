"""Streams and shards: enabling, disabling, describing, listing, shard rollover and expiry."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from emulator import Cloud
from emulator.errors import ServiceError
from emulator.services.dynamodb import streams as engine
from emulator.services.dynamodb.streams import StreamLog


def test_enable_names_the_stream_after_the_virtual_time(
    cloud: Cloud, ddb: Any, log: StreamLog
) -> None:
    cloud.clock.advance(1.2345)
    stream = log.enable("Orders", "NEW_AND_OLD_IMAGES")
    assert stream.label == "2026-01-01T00:00:01.234"
    assert stream.arn == (
        "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2026-01-01T00:00:01.234"
    )
    assert log.describe("Orders") == {
        "LatestStreamArn": stream.arn,
        "LatestStreamLabel": stream.label,
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


def test_describe_stream_shape(
    ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "KEYS_ONLY").arn
    answer = streams.describe_stream(StreamArn=arn)
    kit.assert_shape("DescribeStream", answer)
    description = answer["StreamDescription"]
    (shard,) = description.pop("Shards")
    assert description == {
        "StreamArn": arn,
        "StreamLabel": "2026-01-01T00:00:00.000",
        "StreamStatus": "ENABLED",
        "StreamViewType": "KEYS_ONLY",
        "CreationRequestDateTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "TableName": "Orders",
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
    }
    assert shard["ShardId"].startswith("shardId-00000001767225600000-")
    assert set(shard["SequenceNumberRange"]) == {"StartingSequenceNumber"}  # still open


def test_list_streams_shape_filter_and_pages(
    ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    for name in ("Alpha", "Beta", "Gamma"):
        kit.make_table(ddb, name)
        log.enable(name, "KEYS_ONLY")
    answer = streams.list_streams()
    kit.assert_shape("ListStreams", answer)
    assert [s["TableName"] for s in answer["Streams"]] == ["Alpha", "Beta", "Gamma"]
    assert "LastEvaluatedStreamArn" not in answer
    first = streams.list_streams(Limit=2)
    assert len(first["Streams"]) == 2
    rest = streams.list_streams(ExclusiveStartStreamArn=first["LastEvaluatedStreamArn"])
    assert [s["TableName"] for s in rest["Streams"]] == ["Gamma"]
    only = streams.list_streams(TableName="Beta")["Streams"]
    assert only == [
        {
            "StreamArn": log.describe("Beta")["LatestStreamArn"],
            "TableName": "Beta",
            "StreamLabel": "2026-01-01T00:00:00.000",
        }
    ]
    assert streams.list_streams(TableName="Orders")["Streams"] == []
    assert kit.error(streams.list_streams, Limit=101)[0] == "ValidationException"
    assert kit.error(streams.list_streams, Limit=0)[0] == "ValidationException"
    assert kit.error(streams.list_streams, ExclusiveStartStreamArn="bogus") == (
        "ValidationException",
        "Invalid StreamArn",
    )


def test_enable_and_disable_follow_aws_rules(
    cloud: Cloud, ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    first = log.enable("Orders", "KEYS_ONLY")
    with pytest.raises(
        ServiceError, match=r"^Table already has an enabled stream: TableName: Orders$"
    ):
        log.enable("Orders", "NEW_IMAGE")
    ddb.put_item(TableName="Orders", Item=kit.item("a"))
    log.disable("Orders")
    with pytest.raises(ServiceError, match=r"^Table has no stream to disable: TableName: Orders$"):
        log.disable("Orders")
    # Disabled: DescribeTable keeps naming it, without a StreamSpecification.
    assert log.describe("Orders") == {
        "LatestStreamArn": first.arn,
        "LatestStreamLabel": first.label,
    }
    ddb.put_item(TableName="Orders", Item=kit.item("b"))
    described = streams.describe_stream(StreamArn=first.arn)["StreamDescription"]
    assert described["StreamStatus"] == "DISABLED"
    (shard,) = described["Shards"]
    assert (
        shard["SequenceNumberRange"]["EndingSequenceNumber"]
        > shard["SequenceNumberRange"]["StartingSequenceNumber"]
    )
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in kit.read_all(streams, first.arn)] == ["a"]
    # Re-enabling at the same instant still mints a new stream.
    second = log.enable("Orders", "NEW_IMAGE")
    assert second.arn != first.arn
    assert second.label == "2026-01-01T00:00:00.001"
    listed = streams.list_streams(TableName="Orders")["Streams"]
    assert [s["StreamArn"] for s in listed] == [first.arn, second.arn]


def test_a_closed_shard_ends_the_iterator_chain(
    ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "KEYS_ONLY").arn
    ddb.put_item(TableName="Orders", Item=kit.item("a"))
    ddb.put_item(TableName="Orders", Item=kit.item("b"))
    it = kit.iterator(streams, arn)
    log.disable("Orders")
    page = streams.get_records(ShardIterator=it, Limit=1)
    assert "NextShardIterator" in page
    page = streams.get_records(ShardIterator=page["NextShardIterator"])
    assert len(page["Records"]) == 1
    assert "NextShardIterator" not in page
    # LATEST on a closed shard is its end: nothing to read, nowhere to go.
    latest = streams.get_records(ShardIterator=kit.iterator(streams, arn, "LATEST"))
    assert latest["Records"] == []
    assert "NextShardIterator" not in latest


def test_a_disabled_stream_is_gone_after_24_hours(
    cloud: Cloud, ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "KEYS_ONLY").arn
    log.disable("Orders")
    cloud.clock.advance(24 * 3600 - 1)
    assert streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"] == "DISABLED"
    cloud.clock.advance(1)
    assert kit.error(streams.describe_stream, StreamArn=arn) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Stream: {arn} not found",
    )
    assert streams.list_streams()["Streams"] == []
    assert log.describe("Orders")["LatestStreamArn"] == arn  # DescribeTable still names it


def test_deleting_the_table_disables_its_stream(
    cloud: Cloud, ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    old = log.enable("Orders", "NEW_IMAGE").arn
    ddb.put_item(TableName="Orders", Item=kit.item("a"))
    ddb.delete_table(TableName="Orders")
    engine.table_deleted(cloud.backend("dynamodb", "us-east-1"), "Orders")  # type: ignore[arg-type]
    assert streams.describe_stream(StreamArn=old)["StreamDescription"]["StreamStatus"] == "DISABLED"
    assert len(kit.read_all(streams, old)) == 1
    cloud.clock.advance(5)
    kit.make_table(ddb, "Orders")
    assert log.describe("Orders") == {}
    new = log.enable("Orders", "NEW_IMAGE").arn
    listed = [s["StreamArn"] for s in streams.list_streams(TableName="Orders")["Streams"]]
    assert listed == [old, new]


def test_a_table_deleted_without_notice_still_closes_its_stream(
    ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    old = log.enable("Orders", "NEW_IMAGE").arn
    ddb.delete_table(TableName="Orders")
    kit.make_table(ddb, "Orders")
    ddb.put_item(TableName="Orders", Item=kit.item("a"))
    assert streams.describe_stream(StreamArn=old)["StreamDescription"]["StreamStatus"] == "DISABLED"
    assert kit.read_all(streams, old) == []
    assert log.describe("Orders") == {}


def test_shards_roll_over_every_4_hours(
    cloud: Cloud, ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "KEYS_ONLY").arn
    ddb.put_item(TableName="Orders", Item=kit.item("a"))
    cloud.clock.advance(4 * 3600)
    ddb.put_item(TableName="Orders", Item=kit.item("b"))
    parent, child = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    it = streams.get_shard_iterator(
        StreamArn=arn, ShardId=parent["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert child["ParentShardId"] == parent["ShardId"]
    assert parent["ShardId"] < child["ShardId"]
    assert (
        parent["SequenceNumberRange"]["EndingSequenceNumber"]
        < child["SequenceNumberRange"]["StartingSequenceNumber"]
    )
    assert "EndingSequenceNumber" not in child["SequenceNumberRange"]
    # A reader of the parent gets its records, then no NextShardIterator.
    page = streams.get_records(ShardIterator=it)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]] == ["a"]
    assert "NextShardIterator" not in page
    children = streams.describe_stream(
        StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS", "ShardId": parent["ShardId"]}
    )["StreamDescription"]["Shards"]
    assert [s["ShardId"] for s in children] == [child["ShardId"]]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in kit.read_all(streams, arn)] == ["a", "b"]


def test_describe_stream_pages_shards_and_drops_expired_ones(
    cloud: Cloud, ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "KEYS_ONLY").arn
    cloud.clock.advance(12 * 3600)  # an idle stream rolls too: 4 shards by now
    ids = kit.shard_ids(streams, arn)
    assert len(ids) == 4
    assert ids == sorted(ids)
    page = streams.describe_stream(StreamArn=arn, Limit=3)["StreamDescription"]
    assert page["LastEvaluatedShardId"] == ids[2]
    rest = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=ids[2])
    assert [s["ShardId"] for s in rest["StreamDescription"]["Shards"]] == ids[3:]
    assert "LastEvaluatedShardId" not in rest["StreamDescription"]
    assert (
        streams.describe_stream(StreamArn=arn, ExclusiveStartShardId="zzzz" * 8)[
            "StreamDescription"
        ]["Shards"]
        == []
    )
    cloud.clock.advance(24 * 3600)
    # Shards closed 24 hours ago or more are gone: the one opened at 12 hours is the oldest.
    assert kit.shard_ids(streams, arn)[0] == ids[3]
    assert kit.error(
        streams.get_shard_iterator, StreamArn=arn, ShardId=ids[0], ShardIteratorType="LATEST"
    ) == ("ResourceNotFoundException", "Requested resource not found: Shard does not exist")


def test_stream_arns_are_checked(streams: Any, kit: SimpleNamespace) -> None:
    assert kit.error(streams.describe_stream, StreamArn="fake-stream") == (
        "ValidationException",
        "Invalid StreamArn",
    )
    missing = "arn:aws:dynamodb:us-east-1:123456789012:table/Nope/stream/2026-01-01T00:00:00.000"
    assert kit.error(streams.describe_stream, StreamArn=missing) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Stream: {missing} not found",
    )
    assert kit.error(streams.describe_stream, StreamArn=missing, Limit=101)[0] == (
        "ValidationException"
    )


@pytest.mark.parametrize(
    ("spec", "creating", "message"),
    [
        (
            {},
            False,
            "1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null",
        ),
        (
            {"StreamEnabled": True},
            False,
            "One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required",
        ),
        (
            {"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"},
            False,
            "One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified",
        ),
        (
            {"StreamEnabled": True},
            True,
            "One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required",
        ),
        (
            {"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"},
            True,
            "One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified",
        ),
        (
            {"StreamEnabled": True, "StreamViewType": "Fisk"},
            True,
            "1 validation error detected: Value 'Fisk' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]",
        ),
    ],
)
def test_stream_specification_messages(spec: dict[str, Any], creating: bool, message: str) -> None:
    with pytest.raises(ServiceError) as caught:
        engine.specification(spec, creating=creating)
    assert (caught.value.code, caught.value.message) == ("ValidationException", message)


def test_stream_specification_accepts_the_valid_forms() -> None:
    assert engine.specification(
        {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}, creating=True
    ) == (True, "NEW_IMAGE")
    assert engine.specification({"StreamEnabled": False}, creating=False) == (False, None)
