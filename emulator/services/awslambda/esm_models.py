"""Event source mappings as plain data: their settings, and where each shard is read up to."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: A mapping's settled states; Create, Update and Delete answer with a passing one
#: (Creating, Enabling, Disabling, Updating, Deleting) and settle at once.
State = Literal["Enabled", "Disabled"]

#: LastProcessingResult values, as AWS's CLI examples show them.
NO_RECORDS = "No records processed"
OK = "OK"
PROBLEM = "PROBLEM: Function call failed"


@dataclass
class Batch:
    """Records of one shard sent to the function together, and how their sending went.

    The records are named by sequence number, not copied, so the snapshot stays small and
    a record the stream has since trimmed is simply gone.

    Attributes:
        start: the first position the batch covers: the checkpoint until it succeeds.
        end: the last sequence number it covers, counting records the filters dropped.
        items: the sequence numbers of the records sent, in order.
        attempts: function errors so far (what MaximumRetryAttempts counts).
        invocations: times these records reached the function (approximateInvokeCount).
        error: the function error of the last invocation ("Unhandled"), if it failed.
        version: the version the last invocation ran.
        request_id: the request id of the last invocation.
    """

    start: int
    end: int
    items: list[int]
    attempts: int = 0
    invocations: int = 0
    error: str | None = None
    version: str | None = None
    request_id: str | None = None

    def split_off(self, count: int) -> Batch:
        """Take the first ``count`` records off into a batch of their own, which is returned.

        Both halves keep the counts so far: a bisected record's retries and invocations
        go on from its whole batch's.
        """
        head = self.items[:count]
        cut = head[-1]
        first = Batch(
            self.start,
            cut,
            head,
            self.attempts,
            self.invocations,
            self.error,
            self.version,
            self.request_id,
        )
        self.items = self.items[count:]
        self.start = cut + 1
        return first


@dataclass
class Cursor:
    """How far a mapping has read one shard.

    Attributes:
        position: the next sequence number to read (everything before is checkpointed).
        pending: batches formed and not yet done, oldest first (a bisected batch is two).
        window_start: when the batching window opened, None while no window is open.
        done: the shard is closed and every record of it was handled.
    """

    position: int
    pending: list[Batch] = field(default_factory=list)
    window_start: float | None = None
    done: bool = False

    def checkpoint(self, batch: Batch) -> None:
        """``batch`` is done: move past it, and drop it from the pending ones."""
        self.position = max(self.position, batch.end + 1)
        self.pending = [pending for pending in self.pending if pending is not batch]

    def expire(self, trimmed: int) -> None:
        """Forget the records the stream trimmed (up to sequence number ``trimmed``)."""
        if self.position > trimmed:
            return
        self.position = trimmed + 1
        for batch in list(self.pending):
            batch.items = [seq for seq in batch.items if seq > trimmed]
            batch.start = max(batch.start, trimmed + 1)
            if batch.end <= trimmed:
                self.pending.remove(batch)


@dataclass
class Mapping:
    """One event source mapping from a DynamoDB stream to a function.

    Attributes:
        uuid: its identifier.
        source_arn: the stream's ARN.
        function: the function's name.
        qualifier: the version or alias it invokes, None for the unqualified function.
        starting_position: TRIM_HORIZON or LATEST.
        batch_size: most records per invocation.
        window: MaximumBatchingWindowInSeconds.
        parallelization: ParallelizationFactor, kept and answered (see ``esm_streams``).
        max_retries: MaximumRetryAttempts, -1 for no limit.
        max_age: MaximumRecordAgeInSeconds, -1 for no limit.
        bisect: BisectBatchOnFunctionError.
        on_failure: the OnFailure destination ARN, "" for none.
        filters: the FilterCriteria patterns, as given.
        report_failures: FunctionResponseTypes holds ReportBatchItemFailures.
        state: Enabled or Disabled.
        last_modified: virtual time of the last change by the user.
        last_result: LastProcessingResult.
        cursors: shard id -> how far it is read.
    """

    uuid: str
    source_arn: str
    function: str
    qualifier: str | None
    starting_position: str
    batch_size: int = 100
    window: int = 0
    parallelization: int = 1
    max_retries: int = -1
    max_age: int = -1
    bisect: bool = False
    on_failure: str = ""
    filters: list[str] = field(default_factory=list)
    report_failures: bool = False
    state: State = "Enabled"
    last_modified: float = 0.0
    last_result: str = NO_RECORDS
    cursors: dict[str, Cursor] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return self.state == "Enabled"

    @property
    def region(self) -> str:
        return self.source_arn.split(":")[3]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mapping:
        cursors = {
            shard: Cursor(
                position=raw["position"],
                pending=[Batch(**batch) for batch in raw.get("pending", [])],
                window_start=raw.get("window_start"),
                done=raw.get("done", False),
            )
            for shard, raw in data.get("cursors", {}).items()
        }
        return cls(**{**data, "cursors": cursors})
