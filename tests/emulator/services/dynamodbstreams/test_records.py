"""Stream records: one per applied change, in AWS's shape, with the images the view asks for."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from emulator import Cloud
from emulator.services.dynamodb.changes import TTL_PRINCIPAL
from emulator.services.dynamodb.streams import StreamLog


def _write_cycle(ddb: Any, kit: SimpleNamespace) -> None:
    ddb.put_item(TableName="Orders", Item=kit.item("a", status="new"))
    ddb.put_item(TableName="Orders", Item=kit.item("a", status="paid"))
    ddb.delete_item(TableName="Orders", Key=kit.item("a"))


@pytest.mark.parametrize(
    ("view", "images"),
    [
        ("KEYS_ONLY", [set(), set(), set()]),
        ("NEW_IMAGE", [{"NewImage"}, {"NewImage"}, set()]),
        ("OLD_IMAGE", [set(), {"OldImage"}, {"OldImage"}]),
        ("NEW_AND_OLD_IMAGES", [{"NewImage"}, {"NewImage", "OldImage"}, {"OldImage"}]),
    ],
)
def test_images_follow_the_view_type(
    ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace, view: str, images: list[set[str]]
) -> None:
    arn = log.enable("Orders", view).arn
    _write_cycle(ddb, kit)
    records = kit.read_all(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    base = {"ApproximateCreationDateTime", "Keys", "SequenceNumber", "SizeBytes", "StreamViewType"}
    assert [set(r["dynamodb"]) - base for r in records] == images
    assert all(r["dynamodb"]["StreamViewType"] == view for r in records)
    assert all(r["dynamodb"]["Keys"] == kit.item("a") for r in records)


def test_record_shape_matches_aws(
    cloud: Cloud, ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "NEW_AND_OLD_IMAGES").arn
    cloud.clock.advance(12.75)
    ddb.put_item(TableName="Orders", Item=kit.item("a", status="new"))
    ddb.put_item(TableName="Orders", Item=kit.item("a", status="paid"))
    page = streams.get_records(ShardIterator=kit.iterator(streams, arn))
    kit.assert_shape("GetRecords", page)
    insert, modify = page["Records"]
    assert insert["eventVersion"] == "1.1"
    assert insert["eventSource"] == "aws:dynamodb"
    assert insert["awsRegion"] == "us-east-1"
    assert len(insert["eventID"]) == 32
    assert insert["eventID"] != modify["eventID"]
    assert "userIdentity" not in insert
    # Rounded down to the second, as AWS documents.
    assert insert["dynamodb"]["ApproximateCreationDateTime"] == dt.datetime(
        2026, 1, 1, 0, 0, 12, tzinfo=dt.UTC
    )
    assert modify["dynamodb"]["NewImage"] == kit.item("a", status="paid")
    assert modify["dynamodb"]["OldImage"] == kit.item("a", status="new")
    # Keys (pk: 2+1, sk: 2+2) plus each image (keys + "status" 6 + value).
    assert insert["dynamodb"]["SizeBytes"] == 7 + (7 + 6 + 3)
    assert modify["dynamodb"]["SizeBytes"] == 7 + (7 + 6 + 4) + (7 + 6 + 3)


def test_keys_only_size_is_the_keys(
    ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    # AWS's GetRecords example: keys "DynamoDB" and "DynamoDB Thread 3" -> SizeBytes 41.
    ddb.create_table(
        TableName="Forum",
        KeySchema=[
            {"AttributeName": "ForumName", "KeyType": "HASH"},
            {"AttributeName": "Subject", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "ForumName", "AttributeType": "S"},
            {"AttributeName": "Subject", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    arn = log.enable("Forum", "KEYS_ONLY").arn
    keys = {"ForumName": {"S": "DynamoDB"}, "Subject": {"S": "DynamoDB Thread 3"}}
    ddb.put_item(TableName="Forum", Item=keys | {"Body": {"S": "x" * 500}})
    (record,) = kit.read_all(streams, arn)
    assert record["dynamodb"]["SizeBytes"] == 41


def test_sequence_numbers_increase_and_keep_per_item_order(
    ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "NEW_IMAGE").arn
    for n in range(5):
        for pk in ("a", "b"):
            ddb.put_item(TableName="Orders", Item=kit.item(pk, n=str(n)))
    records = kit.read_all(streams, arn)
    numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
    assert all(n.isdecimal() and len(n) == 21 for n in numbers)
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == len(numbers)
    for pk in ("a", "b"):
        mine = [
            r["dynamodb"]["NewImage"]["n"]["S"]
            for r in records
            if r["dynamodb"]["Keys"]["pk"]["S"] == pk
        ]
        assert mine == ["0", "1", "2", "3", "4"]


def test_a_write_that_changes_nothing_writes_no_record(
    ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "KEYS_ONLY").arn
    tags = {"SS": ["x", "y"]}
    ddb.put_item(TableName="Orders", Item=kit.item("a") | {"tags": tags})
    ddb.put_item(TableName="Orders", Item=kit.item("a") | {"tags": {"SS": ["y", "x"]}})
    ddb.delete_item(TableName="Orders", Key=kit.item("missing"))
    assert [r["eventName"] for r in kit.read_all(streams, arn)] == ["INSERT"]


def test_ttl_deletes_name_dynamodb_as_the_service(
    cloud: Cloud, ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "OLD_IMAGE").arn
    ddb.put_item(TableName="Orders", Item=kit.item("a"))
    ddb.put_item(TableName="Orders", Item=kit.item("b"))
    backend: Any = cloud.backend("dynamodb", "us-east-1")
    table = backend.table("Orders")
    backend.remove(table, kit.item("a"), principal=TTL_PRINCIPAL)
    ddb.delete_item(TableName="Orders", Key=kit.item("b"))
    records = kit.read_all(streams, arn)
    ttl, user = records[2], records[3]
    assert ttl["eventName"] == user["eventName"] == "REMOVE"
    assert ttl["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    assert "userIdentity" not in user


def test_records_do_not_change_with_the_table_or_the_caller(
    cloud: Cloud, ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    arn = log.enable("Orders", "NEW_IMAGE").arn
    ddb.put_item(TableName="Orders", Item=kit.item("a", status="new"))
    # An update that edits the stored item in place must not rewrite the record.
    table: Any = cloud.backend("dynamodb", "us-east-1").table("Orders")  # type: ignore[attr-defined]
    table.get(table.key_of(kit.item("a")))["status"]["S"] = "changed in place"
    first = kit.read_all(streams, arn)
    first[0]["dynamodb"]["NewImage"]["status"]["S"] = "changed by the reader"
    again = kit.read_all(streams, arn)
    assert again[0]["dynamodb"]["NewImage"]["status"] == {"S": "new"}


def test_tables_without_a_stream_are_not_followed(
    cloud: Cloud, ddb: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    feed = cloud.backend("dynamodb", "us-east-1").changes  # type: ignore[attr-defined]
    assert feed.subscribers == []
    log.enable("Orders", "KEYS_ONLY")
    assert feed.subscribers == [log.on_change]
    log.disable("Orders")
    assert feed.subscribers == []


def test_only_the_table_with_the_stream_is_recorded(
    ddb: Any, streams: Any, log: StreamLog, kit: SimpleNamespace
) -> None:
    kit.make_table(ddb, "Other")
    arn = log.enable("Orders", "KEYS_ONLY").arn
    ddb.put_item(TableName="Other", Item=kit.item("x"))
    ddb.put_item(TableName="Orders", Item=kit.item("a"))
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in kit.read_all(streams, arn)] == ["a"]


def test_create_and_update_table_turn_the_stream_on_and_off() -> None:
    from emulator import Cloud

    cloud = Cloud()
    ddb = cloud.client("dynamodb")
    created = ddb.create_table(
        TableName="Events",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]
    assert created["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    arn = created["LatestStreamArn"]
    ddb.put_item(TableName="Events", Item={"pk": {"S": "a"}})
    streams = cloud.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["eventName"] for r in records] == ["INSERT"]
    assert records[0]["dynamodb"]["NewImage"] == {"pk": {"S": "a"}}
    ddb.update_table(TableName="Events", StreamSpecification={"StreamEnabled": False})
    assert "StreamSpecification" not in ddb.describe_table(TableName="Events")["Table"]
    described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert described["StreamStatus"] == "DISABLED"
