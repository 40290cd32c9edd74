"""DynamoDB Streams' request and response shapes, as botocore's json-protocol model has them."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.base import require
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.backend import check_table_name
from emulator.services.dynamodbstreams.backend import (
    ITERATOR_TYPES,
    MAX_RECORDS,
    MAX_SHARDS,
    MAX_STREAMS,
    DynamoDBStreamsBackend,
)
from emulator.services.dynamodbstreams.errors import ValidationException, out_of_range
from emulator.services.dynamodbstreams.models import Record, Shard, Stream

#: Parameters each operation accepts; anything else is refused, never ignored.
_ACCEPTED: dict[str, set[str]] = {
    "ListStreams": {"TableName", "Limit", "ExclusiveStartStreamArn"},
    "DescribeStream": {"StreamArn", "Limit", "ExclusiveStartShardId", "ShardFilter"},
    "GetShardIterator": {
        "StreamArn",
        "ShardId",
        "ShardIteratorType",
        "SequenceNumber",
        "Timestamp",
    },
    "GetRecords": {"ShardIterator", "Limit"},
}
_WITH_SEQUENCE = ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")


def _accept(operation: str, params: dict[str, Any]) -> None:
    extra = sorted(set(params) - _ACCEPTED[operation])
    if extra:
        raise NotSupportedByEmulator(f"{operation} with {extra[0]}")


def _limit(params: dict[str, Any], most: int) -> int:
    limit = params.get("Limit", most)
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ValidationException(f"Limit must be a whole number, not {limit!r}")
    if limit < 1:
        raise out_of_range("limit", limit, 1, most=False)
    if limit > most:
        raise out_of_range("limit", limit, most, most=True)
    return limit


def _timestamp(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _seconds(value: Any) -> float:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValidationException(f"Timestamp must be a date and time, not {value!r}")


# -- streams ---------------------------------------------------------------------------
def list_streams(backend: DynamoDBStreamsBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("ListStreams", params)
    table_name = params.get("TableName")
    if table_name is not None:
        check_table_name(table_name)
    limit = _limit(params, MAX_STREAMS)
    streams, last = backend.list_streams(table_name, limit, params.get("ExclusiveStartStreamArn"))
    answer: dict[str, Any] = {
        "Streams": [
            {"StreamArn": s.arn, "TableName": s.table_name, "StreamLabel": s.label} for s in streams
        ]
    }
    if last is not None:
        answer["LastEvaluatedStreamArn"] = last
    return answer


def describe_stream(backend: DynamoDBStreamsBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DescribeStream", params)
    require(params, "StreamArn")
    limit = _limit(params, MAX_SHARDS)
    parent = None
    shard_filter = params.get("ShardFilter")
    if shard_filter is not None:
        kind = shard_filter.get("Type") if isinstance(shard_filter, dict) else None
        if kind != "CHILD_SHARDS":
            raise ValidationException(
                f"1 validation error detected: Value '{kind}' at 'shardFilter.type' failed to "
                "satisfy constraint: Member must satisfy enum value set: [CHILD_SHARDS]"
            )
        parent = shard_filter.get("ShardId")
        if parent is None:
            raise ValidationException("ShardFilter of type CHILD_SHARDS needs a ShardId")
    stream = backend.stream(params["StreamArn"])
    shards, last = backend.shards(stream, limit, params.get("ExclusiveStartShardId"), parent)
    description: dict[str, Any] = {
        "StreamArn": stream.arn,
        "StreamLabel": stream.label,
        "StreamStatus": stream.status,
        "StreamViewType": stream.view_type,
        "CreationRequestDateTime": _timestamp(stream.created),
        "TableName": stream.table_name,
        "KeySchema": [{"AttributeName": name, "KeyType": kind} for name, kind in stream.key_schema],
        "Shards": [_shard(s) for s in shards],
    }
    if last is not None:
        description["LastEvaluatedShardId"] = last
    return {"StreamDescription": description}


def _shard(shard: Shard) -> dict[str, Any]:
    numbers = {"StartingSequenceNumber": _number(shard.start)}
    if shard.end is not None:
        numbers["EndingSequenceNumber"] = _number(shard.end)
    answer: dict[str, Any] = {"ShardId": shard.shard_id, "SequenceNumberRange": numbers}
    if shard.parent is not None:
        answer["ParentShardId"] = shard.parent
    return answer


def _number(sequence: int) -> str:
    """A sequence number as AWS writes it: decimal digits, zero-padded to 21."""
    return f"{sequence:021d}"


# -- records ---------------------------------------------------------------------------
def get_shard_iterator(backend: DynamoDBStreamsBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("GetShardIterator", params)
    require(params, "StreamArn", "ShardId", "ShardIteratorType")
    kind = params["ShardIteratorType"]
    if kind not in ITERATOR_TYPES:
        raise ValidationException(
            f"1 validation error detected: Value '{kind}' at 'shardIteratorType' failed to "
            f"satisfy constraint: Member must satisfy enum value set: [{', '.join(ITERATOR_TYPES)}]"
        )
    text = params.get("SequenceNumber")
    if (text is None) == (kind in _WITH_SEQUENCE):
        raise ValidationException(
            f"SequenceNumber is required for a {kind} shard iterator"
            if text is None
            else f"SequenceNumber cannot be given for a {kind} shard iterator"
        )
    if (params.get("Timestamp") is None) == (kind == "AT_TIMESTAMP"):
        raise ValidationException(
            "Timestamp is required for an AT_TIMESTAMP shard iterator"
            if kind == "AT_TIMESTAMP"
            else f"Timestamp cannot be given for a {kind} shard iterator"
        )
    sequence = None
    if text is not None:
        if not (isinstance(text, str) and text.isdecimal() and text.isascii()):
            raise ValidationException(f"Invalid SequenceNumber: {text}")
        sequence = int(text)
    timestamp = _seconds(params["Timestamp"]) if kind == "AT_TIMESTAMP" else None
    iterator = backend.shard_iterator(
        params["StreamArn"], params["ShardId"], kind, sequence, timestamp
    )
    return {"ShardIterator": iterator}


def get_records(backend: DynamoDBStreamsBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("GetRecords", params)
    require(params, "ShardIterator")
    limit = _limit(params, MAX_RECORDS)
    batch = backend.get_records(params["ShardIterator"], limit)
    answer: dict[str, Any] = {
        "Records": [record_shape(r, batch.stream, backend.region) for r in batch.records]
    }
    if batch.next_iterator is not None:
        answer["NextShardIterator"] = batch.next_iterator
    return answer


def record_shape(record: Record, stream: Stream, region: str) -> dict[str, Any]:
    """A stream record as GetRecords returns it (images copied: the caller may change them)."""
    data: dict[str, Any] = {
        # DynamoDB rounds the time down to the second.
        "ApproximateCreationDateTime": _timestamp(math.floor(record.when)),
        "Keys": av.copy_item(record.keys),
        "SequenceNumber": _number(record.sequence),
        "SizeBytes": record.size,
        "StreamViewType": stream.view_type,
    }
    if record.new is not None:
        data["NewImage"] = av.copy_item(record.new)
    if record.old is not None:
        data["OldImage"] = av.copy_item(record.old)
    event_id = hashlib.md5(f"{stream.arn}/{record.sequence}".encode(), usedforsecurity=False)
    shape: dict[str, Any] = {
        "eventID": event_id.hexdigest(),
        "eventName": record.event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": data,
    }
    if record.principal is not None:
        shape["userIdentity"] = {"PrincipalId": record.principal, "Type": "Service"}
    return shape


OPERATIONS = {
    "ListStreams": list_streams,
    "DescribeStream": describe_stream,
    "GetShardIterator": get_shard_iterator,
    "GetRecords": get_records,
}
