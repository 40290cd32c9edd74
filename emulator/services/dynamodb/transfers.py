"""What exports and imports share: their error codes, S3 failures, and jobs on the virtual clock.

A job runs from ``started`` to ``ends`` and is IN_PROGRESS until then; at ``ends`` a clock
callback finishes it (writes its last files, sets its counters) and it is COMPLETED, or
FAILED with a FailureCode. Every read settles jobs that are due first, so a job is never
seen running after its time, whichever of the two comes first.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from emulator.clock import Timer
from emulator.errors import ServiceError
from emulator.services.dynamodb.recovery import DAY
from emulator.services.s3.errors import NoSuchBucket

if TYPE_CHECKING:
    from emulator.services.dynamodb.backend import DynamoDBBackend
    from emulator.services.s3.backend import S3Backend

#: How long a job takes to find its bucket missing. UNVERIFIED: the developer guide's
#: S3NoSuchBucket import example ended 14.8 seconds after it started.
FAILURE_DELAY = 15.0
#: "A client token is valid for 8 hours after the first request that uses it is completed."
TOKEN_WINDOW = 8 * 3600.0
#: ListExports and ListImports list the jobs "within the past 90 days".
LISTED_FOR = 90 * DAY


class ExportNotFoundException(ServiceError):
    code = "ExportNotFoundException"
    status = 400
    sender_fault = True


class ExportConflictException(ServiceError):
    code = "ExportConflictException"
    status = 400
    sender_fault = True


class InvalidExportTimeException(ServiceError):
    code = "InvalidExportTimeException"
    status = 400
    sender_fault = True


class ImportNotFoundException(ServiceError):
    code = "ImportNotFoundException"
    status = 400
    sender_fault = True


class ImportConflictException(ServiceError):
    code = "ImportConflictException"
    status = 400
    sender_fault = True


class LimitExceededException(ServiceError):
    code = "LimitExceededException"
    status = 400
    sender_fault = True


def s3_failure(error: ServiceError) -> tuple[str, str]:
    """A job's FailureCode and FailureMessage for an S3 error, in AWS's SDK wording."""
    # UNVERIFIED code for a denied bucket: only S3NoSuchBucket is documented.
    code = "S3NoSuchBucket" if isinstance(error, NoSuchBucket) else "S3AccessDenied"
    # AWS appends request IDs after the error code; the emulator has none to give.
    detail = f"Service: Amazon S3; Status Code: {error.status}; Error Code: {error.code}"
    return code, f"{error.message} ({detail}; Proxy: null)"


def short_id(seed: str, digits: int = 8) -> str:
    """Hex digits that differ between calls but not between runs."""
    return hashlib.blake2b(seed.encode(), digest_size=digits // 2).hexdigest()


def job_id(backend: DynamoDBBackend, now: float, seed: str) -> str:
    """An export or import id as AWS forms them: ``01658528578619-c4d4e311`` (ms, hex)."""
    return f"{int(now * 1000):014d}-{short_id(f'{seed}|{backend.cloud.next_id()}')}"


def new_token(backend: DynamoDBBackend) -> str:
    """A client token for a request without one, in the form botocore makes one up.

    Both calls' ClientToken is an idempotency token: boto3 fills it in when the caller
    leaves it out, so AWS always has one to answer.
    """
    hexed = short_id(f"client-token|{backend.cloud.next_id()}", 32)
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


@dataclass(kw_only=True)
class Job:
    """What every export and import has."""

    arn: str
    table_name: str
    table_arn: str
    table_id: str
    client_token: str
    started: float
    #: When the job ends, COMPLETED or FAILED.
    ends: float
    failure_code: str | None = None
    failure_message: str | None = None
    #: Set once the job has ended.
    finished: bool = False

    @property
    def status(self) -> str:
        if not self.finished:
            return "IN_PROGRESS"
        return "FAILED" if self.failure_code else "COMPLETED"


J = TypeVar("J", bound=Job)


class Jobs(Generic[J]):
    """The jobs of one kind in one region, each finished by the clock at its ``ends``.

    Args:
        backend: the region's DynamoDB backend.
        duration: seconds a job stays IN_PROGRESS (the kind's ``default_duration``).
        failure_delay: seconds before a job whose bucket is missing reports FAILED.
    """

    job_type: ClassVar[type[Job]] = Job
    default_duration: ClassVar[float] = 0.0

    def __init__(
        self,
        backend: DynamoDBBackend,
        *,
        duration: float | None = None,
        failure_delay: float = FAILURE_DELAY,
    ) -> None:
        self._backend = backend
        self._clock = backend.cloud.clock
        self.duration = float(self.default_duration if duration is None else duration)
        self.failure_delay = float(failure_delay)
        self._jobs: dict[str, J] = {}
        self._timers: dict[str, Timer] = {}

    def running(self) -> int:
        return sum(not job.finished for job in self._jobs.values())

    def by_token(self, client_token: str) -> J | None:
        """The job that holds ``client_token`` still (8 hours after it ended)."""
        now = self._clock.now()
        for job in self._jobs.values():
            if job.client_token == client_token and not (
                job.finished and now >= job.ends + TOKEN_WINDOW
            ):
                return job
        return None

    def get(self, arn: str) -> J | None:
        self.settle()
        return self._jobs.get(arn)

    def listed(self, table_arn: str | None = None) -> list[J]:
        """The jobs of the past 90 days (of one table), in reverse order of their ARNs."""
        self.settle()
        cutoff = self._clock.now() - LISTED_FOR
        return sorted(
            (
                job
                for job in self._jobs.values()
                if job.started >= cutoff and (table_arn is None or job.table_arn == table_arn)
            ),
            key=lambda job: job.arn,
            reverse=True,
        )

    def _add(self, job: J) -> None:
        self._jobs[job.arn] = job
        self._arm(job)

    def _s3(self) -> S3Backend:
        return cast("S3Backend", self._backend.cloud.backend("s3", self._backend.region))

    # -- the clock --------------------------------------------------------------------
    def settle(self) -> None:
        """End every job whose time has come (the clock callback may not have run yet)."""
        now = self._clock.now()
        for job in list(self._jobs.values()):
            if not job.finished and job.ends <= now:
                self._finish(job)

    def _arm(self, job: J) -> None:
        if not job.finished:
            self._timers[job.arn] = self._clock.call_at(
                max(job.ends, self._clock.now()), lambda: self._due(job.arn)
            )

    def _due(self, arn: str) -> None:
        self._timers.pop(arn, None)
        job = self._jobs.get(arn)
        if job is not None and not job.finished:
            self._finish(job)

    def _finish(self, job: J) -> None:
        timer = self._timers.pop(job.arn, None)
        if timer is not None:
            timer.cancel()
        job.finished = True
        if job.failure_code is None:
            self._end(job)

    def _end(self, job: J) -> None:
        """The job's last work at its end; a failure sets ``job.failure_code``."""
        raise NotImplementedError

    # -- state ------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Every job as JSON data; running jobs are scheduled again on load."""
        return {
            "duration": self.duration,
            "failure_delay": self.failure_delay,
            "jobs": [dataclasses.asdict(job) for job in self._jobs.values()],
        }

    def load(self, state: dict[str, Any]) -> None:
        self.duration = float(state.get("duration", self.duration))
        self.failure_delay = float(state.get("failure_delay", self.failure_delay))
        for data in state.get("jobs", []):
            self._add(cast(J, self.job_type(**data)))
