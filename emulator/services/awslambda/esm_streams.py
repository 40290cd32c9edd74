"""Reading a DynamoDB stream for an event source mapping: batches, retries, bisection, discards.

What AWS documents ("Using AWS Lambda with Amazon DynamoDB", "Retain discarded records
for a DynamoDB event source", "Configuring partial batch response with DynamoDB"):

* The records of a shard are processed in order, one batch at a time; a child shard is read
  once its parent is done. Records the filters drop count as processed.
* A batch holds up to BatchSize records, and stays under the 6 MB synchronous payload.
  With a batching window, Lambda gathers records until the batch is full or the window
  (opened when records are first seen) runs out.
* A function error retries the same batch, blocking the shard, until it succeeds, the
  retries (MaximumRetryAttempts) run out, or its records grow older than
  MaximumRecordAgeInSeconds. A throttle, or a function Lambda cannot find, is retried
  without counting, until the records are too old or the stream trims them (24 hours).
* BisectBatchOnFunctionError splits a failing batch in two before retrying; "Splitting a
  batch does not count towards the retry quota".
* With ReportBatchItemFailures, ``{"batchItemFailures": [{"itemIdentifier": seq}]}``
  checkpoints before the lowest reported sequence number and retries from there; an empty
  or null list is a success; an identifier that is empty, missing or not in the batch makes
  the whole batch a failure.
* A batch given up goes, as an invocation record without the records themselves, to the
  OnFailure destination.

Not documented, so chosen here: a failed batch is retried at the next poll (no backoff is
documented for stream sources); a partial failure counts as a retry unless bisection split
the batch at the failed record. ParallelizationFactor is kept but changes nothing: every
shard is read one batch at a time, which is what a factor of 1 does and what keeps the
order the learner sees.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from emulator import limits
from emulator.errors import ServiceError
from emulator.services.awslambda.errors import TooManyRequestsException
from emulator.services.awslambda.esm_filters import Matcher
from emulator.services.awslambda.esm_models import OK, PROBLEM, Batch, Cursor, Mapping
from emulator.services.awslambda.esm_records import (
    AGE_EXCEEDED,
    RETRIES_EXHAUSTED,
    failure_record,
    function_arn,
    lambda_record,
    number,
)
from emulator.services.dynamodb.streams import log_of
from emulator.services.dynamodbstreams.models import Record, Shard, Stream

if TYPE_CHECKING:
    from emulator.services.awslambda.backend import LambdaBackend
    from emulator.services.awslambda.invoker import Outcome
    from emulator.services.dynamodb.backend import DynamoDBBackend

#: What serving a batch came to.
_DONE, _RETRY, _STALLED = "done", "retry", "stalled"


@dataclass
class _Scan:
    """A batch being gathered: kept between polls, never saved (a restore scans again).

    Attributes:
        start: the cursor position it began at (a moved cursor makes it stale).
        matches: the filters it applied (new filters make it stale).
        size_limit: the BatchSize it fills to.
        next: the next sequence number to read.
        items: sequence numbers of the records that passed the filters.
        size: bytes of their events.
        end: the last sequence number read, None before any.
        full: no more records fit.
    """

    start: int
    matches: Matcher
    size_limit: int
    next: int = -1
    items: list[int] = field(default_factory=list)
    size: int = 0
    end: int | None = None
    full: bool = False

    def __post_init__(self) -> None:
        if self.next < 0:
            self.next = self.start


class StreamReader:
    """Serves the DynamoDB stream mappings of one region's Lambda backend.

    Args:
        backend: the Lambda backend whose functions the mappings invoke.
        filters: the compiled filters of a mapping.
    """

    def __init__(self, backend: LambdaBackend, filters: Any) -> None:
        self.backend = backend
        self.cloud = backend.cloud
        self._filters = filters
        # Events built while forming a batch, reused when it is sent in the same poll.
        self._built: dict[int, dict[str, Any]] = {}
        # (mapping, shard) -> the batch being gathered while its batching window is open.
        self._scans: dict[tuple[str, str], _Scan] = {}

    # -- streams --------------------------------------------------------------------------
    def stream(self, arn: str) -> Stream | None:
        """A readable stream by ARN (brought up to the present), or None."""
        dynamodb = cast("DynamoDBBackend", self.cloud.backend("dynamodb", arn.split(":")[3]))
        return log_of(dynamodb).get(arn)

    def establish(self, mapping: Mapping, stream: Stream) -> None:
        """Where a new mapping starts: the oldest records, or after the newest (LATEST)."""
        if mapping.starting_position != "LATEST":
            return  # a shard without a cursor is read from its trim horizon
        for shard in stream.shards:
            if shard.end is not None:
                mapping.cursors[shard.shard_id] = Cursor(shard.end + 1, done=True)
            else:
                mapping.cursors[shard.shard_id] = Cursor(shard.latest())

    # -- one poll ---------------------------------------------------------------------------
    def serve(self, mapping: Mapping, now: float) -> bool:
        """One poll of a mapping; whether it still has work for the next poll."""
        stream = self.stream(mapping.source_arn)
        if stream is None:
            return False
        live = {shard.shard_id for shard in stream.shards}
        for shard_id in [s for s in mapping.cursors if s not in live]:
            del mapping.cursors[shard_id]  # trimmed away with its records
        try:
            for shard in stream.shards:
                cursor = mapping.cursors.get(shard.shard_id)
                if cursor is None:
                    cursor = mapping.cursors[shard.shard_id] = Cursor(shard.horizon())
                if cursor.done:
                    continue
                busy = self._serve_shard(mapping, stream, shard, cursor, now)
                if not cursor.done:
                    return busy  # a child shard waits for its parent
            return False
        finally:
            self._built.clear()

    def _serve_shard(
        self, mapping: Mapping, stream: Stream, shard: Shard, cursor: Cursor, now: float
    ) -> bool:
        if shard.trimmed is not None:
            cursor.expire(shard.trimmed)
        while True:
            batch = (
                cursor.pending[0]
                if cursor.pending
                else self._form(mapping, stream, shard, cursor, now)
            )
            if batch is None:
                if cursor.window_start is not None:
                    return True
                if shard.end is not None:
                    # Closed, and nothing left to read: its child shard comes next.
                    cursor.position = max(cursor.position, shard.end + 1)
                    cursor.done = True
                return False
            outcome = self._send(mapping, stream, shard, cursor, batch, now)
            if outcome == _RETRY:
                return True
            if outcome == _STALLED:
                # Nothing to gain from polling: the next write or API call wakes it.
                return False

    def _form(
        self, mapping: Mapping, stream: Stream, shard: Shard, cursor: Cursor, now: float
    ) -> Batch | None:
        """The next batch from the cursor, or None (nothing new, or the window is open)."""
        matches: Matcher = self._filters(mapping)
        key = (mapping.uuid, shard.shard_id)
        scan = self._scans.get(key)
        if (
            scan is None
            or scan.start != cursor.position
            or scan.matches is not matches
            or scan.size_limit != mapping.batch_size
        ):
            # Records only ever join the end of a shard, so a batch that waits for its
            # window is scanned once, not again at every poll.
            scan = self._scans[key] = _Scan(cursor.position, matches, mapping.batch_size)
        self._scan(scan, stream, shard)
        if scan.end is None:
            del self._scans[key]
            cursor.window_start = None
            return None
        if not scan.items:
            del self._scans[key]
            cursor.position = scan.end + 1  # every record was filtered out: all processed
            cursor.window_start = None
            return None
        if not scan.full and mapping.window > 0:
            if cursor.window_start is None:
                cursor.window_start = now
            if now < cursor.window_start + mapping.window:
                return None
        del self._scans[key]
        cursor.window_start = None
        batch = Batch(cursor.position, scan.end, scan.items)
        cursor.pending.append(batch)
        return batch

    def _scan(self, scan: _Scan, stream: Stream, shard: Shard) -> None:
        """Read on from where ``scan`` stopped, until the batch is full or the shard ends."""
        records = shard.records
        index = shard.index(scan.next)
        limit = int(limits.value("lambda", "SyncPayload"))
        while index < len(records) and not scan.full:
            if len(scan.items) >= scan.size_limit:
                scan.full = True
                break
            record = records[index]
            event = lambda_record(record, stream)
            if scan.matches(event):
                weight = len(json.dumps(event)) + 2
                if scan.items and scan.size + weight > limit:
                    scan.full = True  # the 6 MB payload limit
                    break
                scan.items.append(record.sequence)
                scan.size += weight
                self._built[record.sequence] = event
            scan.end = record.sequence
            scan.next = record.sequence + 1
            index += 1
        if len(scan.items) >= scan.size_limit:
            scan.full = True

    def forget(self, uuid: str) -> None:
        """Drop what is kept in memory for a mapping (it was deleted or changed)."""
        for key in [k for k in self._scans if k[0] == uuid]:
            del self._scans[key]

    # -- one invocation -------------------------------------------------------------------
    def _send(
        self,
        mapping: Mapping,
        stream: Stream,
        shard: Shard,
        cursor: Cursor,
        batch: Batch,
        now: float,
    ) -> str:
        records = [r for r in (_lookup(shard, seq) for seq in batch.items) if r is not None]
        batch.items = [r.sequence for r in records]
        if mapping.max_age != -1:
            old = [r for r in records if now - r.when > mapping.max_age]
            if old:
                self._give_up(
                    mapping, stream, shard, cursor, batch.split_off(len(old)), AGE_EXCEEDED
                )
                records = records[len(old) :]
        if not records:
            cursor.checkpoint(batch)
            return _DONE
        function = self.backend.functions.get(mapping.function)
        if function is None:
            mapping.last_result = PROBLEM
            return _STALLED
        events = [self._built.get(r.sequence) or lambda_record(r, stream) for r in records]
        payload = json.dumps({"Records": events}).encode()
        try:
            outcome = self.backend.invoke(function, mapping.qualifier, payload)
        except TooManyRequestsException:
            mapping.last_result = PROBLEM  # the backend told the event log of the throttle
            return _RETRY
        except ServiceError as error:  # the version or alias is gone
            mapping.last_result = PROBLEM
            self._tell("retry", mapping, reason=error.code)
            return _STALLED
        batch.invocations += 1
        batch.request_id, batch.version = outcome.request_id, outcome.version
        batch.error = outcome.function_error
        failed = 0 if outcome.function_error else self._reported(mapping, batch, outcome)
        if failed is None:
            mapping.last_result = OK
            cursor.checkpoint(batch)
            return _DONE
        mapping.last_result = PROBLEM
        if failed > 0:  # a partial success: checkpoint before the first failed record
            cursor.checkpoint(batch.split_off(failed))
            if mapping.bisect:
                return _RETRY  # bisected at the failed record: no retry counted
        elif mapping.bisect and len(batch.items) > 1:
            half = len(batch.items) // 2
            first = batch.split_off(half)
            cursor.pending.insert(0, first)
            self._tell("retry", mapping, bisected=[len(first.items), len(batch.items)])
            return _RETRY
        batch.attempts += 1
        if mapping.max_retries != -1 and batch.attempts > mapping.max_retries:
            self._give_up(mapping, stream, shard, cursor, batch, RETRIES_EXHAUSTED)
            return _DONE
        self._tell("retry", mapping, attempt=batch.attempts)
        return _RETRY

    def _reported(self, mapping: Mapping, batch: Batch, outcome: Outcome) -> int | None:
        """With ReportBatchItemFailures: None for success, else the index of the first failure."""
        if not mapping.report_failures:
            return None
        try:
            answer = json.loads(outcome.payload) if outcome.payload.strip() else None
        except ValueError:
            return 0
        if answer is None:
            return None
        if not isinstance(answer, dict):
            return 0
        failures = answer.get("batchItemFailures")
        if not failures:
            return None
        if not isinstance(failures, list):
            return 0
        numbers = {number(seq): i for i, seq in enumerate(batch.items)}
        found: list[int] = []
        for failure in failures:
            identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
            if not isinstance(identifier, str) or identifier not in numbers:
                return 0  # a bad identifier fails the whole batch
            found.append(numbers[identifier])
        return min(found)

    # -- giving up ------------------------------------------------------------------------
    def _give_up(
        self,
        mapping: Mapping,
        stream: Stream,
        shard: Shard,
        cursor: Cursor,
        batch: Batch,
        condition: str,
    ) -> None:
        """Skip a batch; send its invocation record to the OnFailure destination, if any."""
        records = [r for r in (_lookup(shard, seq) for seq in batch.items) if r is not None]
        cursor.checkpoint(batch)
        if not records:
            return
        destination = mapping.on_failure
        if not destination:
            self._tell("async_dropped", mapping, reason=condition, records=len(records))
            return
        record = failure_record(
            function_arn(self.backend, mapping),
            stream,
            shard.shard_id,
            batch,
            records,
            condition,
            now=self.cloud.clock.now(),
            request_id=batch.request_id or str(uuid.UUID(int=self.cloud.next_id())),
        )
        body = json.dumps(record)
        region = destination.split(":")[3]
        try:
            sqs: Any = self.cloud.backend("sqs", region)
            sqs.deliver(destination, body, None)
        except ServiceError as error:
            self._tell(
                "async_dropped", mapping, reason=condition, target=destination, error=error.message
            )
            return
        self._tell("destination", mapping, target=destination, condition=condition)

    def _tell(self, kind: Any, mapping: Mapping, **detail: Any) -> None:
        self.cloud.events.emit(
            "lambda", kind, mapping.function, event_source_mapping=mapping.uuid, **detail
        )


def _lookup(shard: Shard, sequence: int) -> Record | None:
    index = shard.index(sequence)
    if index < len(shard.records) and shard.records[index].sequence == sequence:
        return shard.records[index]
    return None
