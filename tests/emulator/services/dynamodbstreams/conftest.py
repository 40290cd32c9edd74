"""Fixtures of the DynamoDB Streams tests: a cloud, its two clients, a table, helpers.

Tests reach the helpers through the ``kit`` fixture (``kit.item(...)``), since test
modules are imported on their own and cannot import this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import botocore.session
import pytest

from emulator import Cloud
from emulator.services.dynamodb.streams import StreamLog, log_of


@pytest.fixture
def cloud() -> Iterator[Cloud]:
    with Cloud() as cloud:
        yield cloud


@pytest.fixture
def ddb(cloud: Cloud) -> Any:
    client = cloud.client("dynamodb")
    make_table(client, "Orders")
    return client


@pytest.fixture
def streams(cloud: Cloud) -> Any:
    return cloud.client("dynamodbstreams")


@pytest.fixture
def log(cloud: Cloud) -> StreamLog:
    return log_of(cloud.backend("dynamodb", "us-east-1"))  # type: ignore[arg-type]


@pytest.fixture
def kit() -> SimpleNamespace:
    return SimpleNamespace(
        make_table=make_table,
        item=item,
        shard_ids=shard_ids,
        iterator=iterator,
        read_all=read_all,
        error=error,
        assert_shape=assert_shape,
    )


def make_table(ddb: Any, name: str) -> None:
    ddb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def item(pk: str, sk: int = 1, **values: str) -> dict[str, Any]:
    """An item of the Orders table; keyword values become S attributes."""
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}} | {k: {"S": v} for k, v in values.items()}


def shard_ids(streams: Any, arn: str) -> list[str]:
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return [s["ShardId"] for s in shards]


def iterator(streams: Any, arn: str, kind: str = "TRIM_HORIZON", **extra: Any) -> str:
    shard = shard_ids(streams, arn)[-1]
    answer = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType=kind, **extra
    )
    return str(answer["ShardIterator"])


def read_all(streams: Any, arn: str) -> list[dict[str, Any]]:
    """Every record of every shard, parents first, the way a consumer walks a stream."""
    records: list[dict[str, Any]] = []
    for shard in shard_ids(streams, arn):
        it = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while it:
            page = streams.get_records(ShardIterator=it)
            records += page["Records"]
            if not page["Records"]:
                break
            it = page.get("NextShardIterator")
    return records


def error(call: Any, **params: Any) -> tuple[str, str]:
    from emulator import ClientError

    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def assert_shape(operation: str, answer: dict[str, Any]) -> None:
    """Every member of an answer is one botocore's output shape has, of the right type."""
    model = botocore.session.get_session().get_service_model("dynamodbstreams")
    shape = model.operation_model(operation).output_shape
    body = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    _check(shape, body, operation)


def _check(shape: Any, value: Any, path: str) -> None:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), path
        unknown = set(value) - set(shape.members)
        assert not unknown, f"{path}: {unknown} not in {shape.name}"
        missing = set(shape.required_members) - set(value)
        assert not missing, f"{path}: {missing} missing"
        for name, member in value.items():
            _check(shape.members[name], member, f"{path}.{name}")
    elif kind == "list":
        assert isinstance(value, list), path
        for i, member in enumerate(value):
            _check(shape.member, member, f"{path}[{i}]")
    elif kind == "map":
        assert isinstance(value, dict), path
        for key, member in value.items():
            _check(shape.value, member, f"{path}.{key}")
    elif kind == "string":
        assert isinstance(value, str), path
        if shape.enum:
            assert value in shape.enum, f"{path}: {value}"
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 1 << 30)
        assert low <= len(value) <= high, f"{path}: length {len(value)}"
    elif kind == "timestamp":
        assert isinstance(value, dt.datetime), path
        assert value.tzinfo is not None, path
    elif kind in ("integer", "long"):
        assert isinstance(value, int), path
        assert value >= shape.metadata.get("min", 0), path
    elif kind == "boolean":
        assert isinstance(value, bool), path
    elif kind == "blob":
        assert isinstance(value, bytes), path
    else:
        raise AssertionError(f"{path}: unexpected shape {kind}")
