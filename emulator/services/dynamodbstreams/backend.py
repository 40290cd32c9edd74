"""DynamoDB Streams behaviour: reading the streams of the same region's DynamoDB tables.

The streams themselves live in the region's DynamoDB backend (its ``StreamLog``); this
backend only reads them, so it keeps no state. A shard iterator is an opaque token that
carries everything a read needs: the stream, the shard, the position and the virtual time
it was handed out, so iterators survive a snapshot and expire on the clock alone.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from emulator.services.base import Backend
from emulator.services.dynamodb.streams import StreamLog, log_of
from emulator.services.dynamodbstreams.errors import (
    ExpiredIteratorException,
    TrimmedDataAccessException,
    ValidationException,
    shard_not_found,
    stream_not_found,
)
from emulator.services.dynamodbstreams.models import LIMITS, Record, Shard, Stream

if TYPE_CHECKING:
    from emulator.services.dynamodb.backend import DynamoDBBackend

_ARN = re.compile(
    r"^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/[a-zA-Z0-9_.-]{3,255}"
    r"/stream/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$"
)
#: In the order botocore's ShardIteratorType enum lists them.
ITERATOR_TYPES = (
    "TRIM_HORIZON",
    "LATEST",
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
    "AT_TIMESTAMP",
)
ITERATOR_LIFETIME = float(LIMITS["ShardIteratorLifetime"])
MAX_RECORDS = int(LIMITS["StreamRecordsPerGetRecords"])
MAX_BYTES = int(LIMITS["StreamBytesPerGetRecords"])
MAX_STREAMS = int(LIMITS["StreamsPerListStreams"])
MAX_SHARDS = 100


@dataclass(frozen=True)
class Batch:
    """What one GetRecords read: records, and where to go on (None: the shard is done)."""

    stream: Stream
    records: list[Record]
    next_iterator: str | None


class DynamoDBStreamsBackend(Backend):
    service = "dynamodbstreams"

    @property
    def log(self) -> StreamLog:
        """The streams of this region's tables, kept by its DynamoDB backend."""
        return log_of(cast("DynamoDBBackend", self.cloud.backend("dynamodb", self.region)))

    def stream(self, arn: Any) -> Stream:
        check_arn(arn)
        stream = self.log.get(arn)
        if stream is None:
            raise stream_not_found(arn)
        return stream

    def list_streams(
        self, table_name: str | None, limit: int, start_arn: str | None
    ) -> tuple[list[Stream], str | None]:
        """A page of streams in ARN order, and the last ARN when more follow."""
        if start_arn is not None:
            check_arn(start_arn)
        streams = sorted(
            (s for s in self.log.current() if table_name is None or s.table_name == table_name),
            key=lambda s: s.arn,
        )
        if start_arn is not None:
            streams = [s for s in streams if s.arn > start_arn]
        page = streams[:limit]
        return page, page[-1].arn if len(streams) > limit else None

    def shards(
        self, stream: Stream, limit: int, start_shard_id: str | None, parent: str | None
    ) -> tuple[list[Shard], str | None]:
        """A page of a stream's shards, oldest first, and the last id when more follow."""
        shards = [s for s in stream.shards if parent is None or s.parent == parent]
        if start_shard_id is not None:
            # Shard ids begin with their creation time, so id order is age order.
            shards = [s for s in shards if s.shard_id > start_shard_id]
        page = shards[:limit]
        return page, page[-1].shard_id if len(shards) > limit else None

    def shard_iterator(
        self,
        arn: str,
        shard_id: str,
        kind: str,
        sequence: int | None = None,
        timestamp: float | None = None,
    ) -> str:
        """An iterator for GetRecords at the position ``kind`` names."""
        stream = self.stream(arn)
        shard = stream.shard(shard_id)
        if shard is None:
            raise shard_not_found()
        now = self.cloud.clock.now()
        if kind == "TRIM_HORIZON":
            position = shard.horizon()
        elif kind == "LATEST":
            position = shard.latest()
        elif kind == "AT_TIMESTAMP":
            position = self._at_time(shard, timestamp, now)
        else:
            assert sequence is not None
            last = shard.end if shard.end is not None else self.log.sequence
            if not shard.start <= sequence <= last:
                raise ValidationException(
                    f"Invalid SequenceNumber {sequence:021d} for shard {shard.shard_id}: "
                    f"the shard holds {shard.start:021d} to {last:021d}"
                )
            position = sequence + 1 if kind == "AFTER_SEQUENCE_NUMBER" else sequence
            if shard.trimmed is not None and position <= shard.trimmed:
                raise TrimmedDataAccessException()
        return encode_iterator(stream.arn, shard.shard_id, position, now)

    @staticmethod
    def _at_time(shard: Shard, timestamp: float | None, now: float) -> int:
        assert timestamp is not None
        if timestamp > now:
            raise ValidationException(
                "The timestamp of an AT_TIMESTAMP shard iterator cannot be in the future"
            )
        # The first record whose ApproximateCreationDateTime (whole seconds) is at or after.
        records = shard.records
        at = bisect.bisect_left(records, timestamp, lo=shard.head, key=_second)
        return records[at].sequence if at < len(records) else shard.latest()

    def get_records(self, iterator: Any, limit: int) -> Batch:
        arn, shard_id, position, issued = decode_iterator(iterator)
        now = self.cloud.clock.now()
        if now - issued >= ITERATOR_LIFETIME:
            raise ExpiredIteratorException()
        stream = self.stream(arn)
        shard = stream.shard(shard_id)
        if shard is None:
            raise shard_not_found()
        if shard.trimmed is not None and position <= shard.trimmed:
            raise TrimmedDataAccessException()
        start = shard.index(position)
        records: list[Record] = []
        size = 0
        for record in shard.records[start : start + limit]:
            if records and size + record.size > MAX_BYTES:
                break
            records.append(record)
            size += record.size
        after = records[-1].sequence + 1 if records else position
        if shard.end is not None and after > shard.end:
            return Batch(stream, records, None)
        return Batch(stream, records, encode_iterator(arn, shard_id, after, now))


def _second(record: Record) -> int:
    return math.floor(record.when)


def check_arn(arn: Any) -> None:
    if not isinstance(arn, str) or not _ARN.match(arn):
        raise ValidationException("Invalid StreamArn")


def encode_iterator(arn: str, shard_id: str, position: int, issued: float) -> str:
    """``ARN|1|token``, the form AWS's iterators take; the token holds the position."""
    token = base64.b64encode(json.dumps([shard_id, position, issued]).encode()).decode()
    return f"{arn}|1|{token}"


def decode_iterator(iterator: Any) -> tuple[str, str, int, float]:
    """(stream ARN, shard id, position, time issued) of an iterator; ValidationException if bad."""
    try:
        arn, version, token = str(iterator).rsplit("|", 2)
        shard_id, position, issued = json.loads(base64.b64decode(token, validate=True))
        if version != "1" or not _ARN.match(arn):
            raise ValueError(arn)
        return arn, str(shard_id), int(position), float(issued)
    except (ValueError, TypeError, binascii.Error):
        raise ValidationException("Invalid ShardIterator") from None


BACKEND = DynamoDBStreamsBackend
