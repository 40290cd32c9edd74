"""The JSON a DynamoDB stream mapping writes: the function's event and the on-failure record."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import TYPE_CHECKING, Any

from emulator.services.awslambda.esm_models import Batch, Mapping
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodbstreams.models import Record, Stream

if TYPE_CHECKING:
    from emulator.services.awslambda.backend import LambdaBackend

#: The requestContext.condition of a batch given up after its retries, as AWS's example
#: invocation record for a DynamoDB stream has it ("Using AWS Lambda with Amazon DynamoDB").
RETRIES_EXHAUSTED = "RetryAttemptsExhausted"
#: ... and of records older than MaximumRecordAgeInSeconds. UNVERIFIED: no AWS page shows
#: this value; it is the name other emulators use.
AGE_EXCEEDED = "RecordAgeExceeded"


def lambda_record(record: Record, stream: Stream) -> dict[str, Any]:
    """One entry of ``Records`` in the event Lambda sends for a DynamoDB stream.

    The same content as GetRecords answers (``dynamodbstreams.api.record_shape``, with the
    same eventID), written as JSON: attribute values in their wire form, the creation time
    in epoch seconds, and ``userIdentity`` with the lower-case keys Lambda events use (the
    stream API says PrincipalId and Type).
    """
    data: dict[str, Any] = {
        "ApproximateCreationDateTime": float(math.floor(record.when)),
        "Keys": _item(record.keys),
    }
    if record.new is not None:
        data["NewImage"] = _item(record.new)
    if record.old is not None:
        data["OldImage"] = _item(record.old)
    data["SequenceNumber"] = number(record.sequence)
    data["SizeBytes"] = record.size
    data["StreamViewType"] = stream.view_type
    event_id = hashlib.md5(f"{stream.arn}/{record.sequence}".encode(), usedforsecurity=False)
    event: dict[str, Any] = {
        "eventID": event_id.hexdigest(),
        "eventName": record.event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": stream.arn.split(":")[3],
        "dynamodb": data,
        "eventSourceARN": stream.arn,
    }
    if record.principal is not None:
        event["userIdentity"] = {"type": "Service", "principalId": record.principal}
    return event


def failure_record(
    function: str,
    stream: Stream,
    shard_id: str,
    batch: Batch,
    records: list[Record],
    condition: str,
    *,
    now: float,
    request_id: str,
) -> dict[str, Any]:
    """The invocation record AWS sends to the OnFailure destination for a skipped batch.

    Args:
        function: the mapping's FunctionArn.
        stream: the stream the records came from.
        shard_id: their shard.
        batch: the batch given up (how often it ran, how the last run ended).
        records: its records still in the stream, in order.
        condition: RETRIES_EXHAUSTED or AGE_EXCEEDED.
        now: the virtual time of giving up.
        request_id: the last invocation's request id, or a new one if it never ran.
    """
    record: dict[str, Any] = {
        "requestContext": {
            "requestId": request_id,
            "functionArn": function,
            "condition": condition,
            "approximateInvokeCount": batch.invocations,
        }
    }
    if batch.invocations:
        response: dict[str, Any] = {"statusCode": 200, "executedVersion": batch.version}
        if batch.error:
            response["functionError"] = batch.error
        record["responseContext"] = response
    record["version"] = "1.0"
    record["timestamp"] = stamp(now, millis=True)
    record["DDBStreamBatchInfo"] = {
        "shardId": shard_id,
        "startSequenceNumber": number(records[0].sequence),
        "endSequenceNumber": number(records[-1].sequence),
        "approximateArrivalOfFirstRecord": stamp(records[0].when),
        "approximateArrivalOfLastRecord": stamp(records[-1].when),
        "batchSize": len(records),
        "streamArn": stream.arn,
    }
    return record


def function_arn(backend: LambdaBackend, mapping: Mapping) -> str:
    """The FunctionArn of a mapping: qualified when it names a version or alias."""
    arn = backend.arn(f"function:{mapping.function}")
    return f"{arn}:{mapping.qualifier}" if mapping.qualifier else arn


def number(sequence: int) -> str:
    """A sequence number as DynamoDB Streams writes it: 21 digits."""
    return f"{sequence:021d}"


def stamp(when: float, *, millis: bool = False) -> str:
    """ISO 8601 in UTC, as the invocation record writes times (with or without ms)."""
    moment = dt.datetime.fromtimestamp(when, dt.UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond // 1000:03d}Z" if millis else f"{text}Z"


def _item(item: av.Item) -> dict[str, Any]:
    return {name: av.to_json(value) for name, value in item.items()}
