"""DynamoDB Streams through real boto3 over the wire gateway."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from emulator import Cloud
from emulator.services.dynamodb.streams import log_of


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with Cloud() as cloud:
        yield cloud


def _client(cloud: Cloud, name: str) -> Any:
    return boto3.client(
        name,
        endpoint_url=cloud.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )


def test_read_a_stream_through_boto3(cloud: Cloud) -> None:
    ddb, streams = _client(cloud, "dynamodb"), _client(cloud, "dynamodbstreams")
    ddb.create_table(
        TableName="Wire",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "B"}],
        BillingMode="PAY_PER_REQUEST",
    )
    arn = log_of(cloud.backend("dynamodb", "us-east-1")).enable("Wire", "NEW_IMAGE").arn  # type: ignore[arg-type]
    ddb.put_item(TableName="Wire", Item={"pk": {"B": b"\x00\x01"}, "n": {"N": "1.50"}})
    (listed,) = streams.list_streams(TableName="Wire")["Streams"]
    assert listed["StreamArn"] == arn
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["CreationRequestDateTime"] == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    shard = description["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    (record,) = streams.get_records(ShardIterator=it["ShardIterator"])["Records"]
    assert record["dynamodb"]["NewImage"] == {"pk": {"B": b"\x00\x01"}, "n": {"N": "1.5"}}
    assert record["dynamodb"]["ApproximateCreationDateTime"] == dt.datetime(
        2026, 1, 1, tzinfo=dt.UTC
    )
    # DynamoDB's own errors keep their code on the same gateway.
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        ddb.describe_table(TableName="Missing")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"

    cloud.clock.advance(15 * 60)
    with pytest.raises(streams.exceptions.ExpiredIteratorException) as expired:
        streams.get_records(ShardIterator=it["ShardIterator"])
    assert expired.value.response["Error"]["Message"] == "Shard iterator has expired"
    with pytest.raises(streams.exceptions.ResourceNotFoundException):
        streams.describe_stream(StreamArn=arn.replace("Wire", "Gone"))
