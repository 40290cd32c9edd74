"""Export to S3: ExportTableToPointInTime's jobs, data files and manifests on the virtual clock.

What AWS documents (developer guide "DynamoDB data export to Amazon S3: how it works" and
"DynamoDB table export output format"; API reference for ExportTableToPointInTime,
DescribeExport, ListExports), what was measured against AWS (ScyllaDB's Alternator
conformance tests, test_export.py, which pass on AWS), and how it is modelled:

* The table needs point-in-time recovery; ExportTime (now by default) must fall inside the
  recovery window, from EarliestRestorableDateTime up to now: "Export Time is invalid"
  otherwise. The data is the table as it was at ExportTime, taken from the PITR journal
  when the request is made, so later writes never leak into it.
* The layout under ``<S3Prefix>/AWSDynamoDB/<ExportId>/``: an empty ``_started``, data files
  ``data/<name>.json.gz`` (JSON lines, one ``{"Item": {...}}`` in DynamoDB JSON each,
  gzipped), ``manifest-files.json`` (one line per data file: itemCount, md5Checksum, etag,
  dataFileS3Key), ``manifest-summary.json``, and ``manifest-files.md5`` /
  ``manifest-summary.md5`` holding the base64 MD5 of their JSON (the measured names; the
  2023 guide still says ``.checksum``). Keys in the manifests are full keys from the
  bucket root, prefix included. ``_started`` and the data are written when the export
  starts, the manifests when it completes.
* A missing bucket is not refused: the export starts and fails with FailureCode
  S3NoSuchBucket ("The specified bucket does not exist ...").
* ExportType is echoed only when the request gave it, while ListExports always says
  FULL_EXPORT; a ClientToken is always answered (botocore makes one up when the caller
  gives none, an idempotency token). The same token with any other parameter changed is
  an ExportConflictException ("Duplicate request detected").

The emulator writes one data file per export: AWS writes at least one per partition, and
the emulator's table is one partition. ION, INCREMENTAL_EXPORT, FilterSpecification, KMS
encryption and buckets of other accounts answer NotSupportedByEmulator.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.attributes import Item
from emulator.services.dynamodb.errors import PointInTimeRecoveryUnavailableException
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.recovery import recovery_of
from emulator.services.dynamodb.transfers import (
    ExportConflictException,
    ExportNotFoundException,
    InvalidExportTimeException,
    Job,
    Jobs,
    LimitExceededException,
    job_id,
    s3_failure,
)
from emulator.services.s3.errors import AccessDenied, NoSuchBucket

if TYPE_CHECKING:
    from emulator.services.dynamodb.backend import DynamoDBBackend

#: How long an export stays IN_PROGRESS. UNVERIFIED: AWS publishes no duration ("depends on
#: how large the table is"); exports of small tables were measured at 10 to 12 minutes.
EXPORT_DURATION = 600.0
#: "Up to 300 export tasks, or up to 100 TB of table size, can be exported concurrently."
EXPORTS_CONCURRENT = 300
#: The manifest format's version, as every summary manifest in the guide gives it.
MANIFEST_VERSION = "2020-06-30"


@dataclass(kw_only=True)
class ExportJob(Job):
    """One export: what was asked, where its files went, and what they hold."""

    export_id: str
    #: The request's parameters but the token, for the idempotency check.
    fingerprint: str
    bucket: str
    prefix: str | None
    bucket_owner: str | None
    sse_algorithm: str | None
    export_format: str
    #: ExportType as given; None when the request left it out (AWS then omits it too).
    export_type: str | None
    export_time: float
    item_count: int = 0
    billed_size: int = 0
    #: manifest-files.json's lines: itemCount, md5Checksum, etag, dataFileS3Key.
    data_files: list[dict[str, Any]] = field(default_factory=list)

    @property
    def folder(self) -> str:
        """The key prefix of the export's files: ``[<S3Prefix>/]AWSDynamoDB/<ExportId>/``."""
        return f"{key_base(self.prefix)}AWSDynamoDB/{self.export_id}/"

    @property
    def summary_key(self) -> str:
        return f"{self.folder}manifest-summary.json"


def key_base(prefix: str | None) -> str:
    """A prefix as the start of a key: a ``/`` added unless it ends with one already."""
    if not prefix:
        return ""
    return prefix if prefix.endswith("/") else f"{prefix}/"


def iso_millis(seconds: float) -> str:
    """A time as the manifests write it: ``2020-11-04T07:28:34.028Z``."""
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def md5_base64(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()


def export_lines(items: list[Item]) -> bytes:
    """The DYNAMODB_JSON data: one ``{"Item": {...}}`` JSON line per item."""
    return b"".join(
        json.dumps(
            {"Item": {name: av.to_json(value) for name, value in item.items()}},
            separators=(",", ":"),
        ).encode()
        + b"\n"
        for item in items
    )


class Exports(Jobs[ExportJob]):
    """The table exports of one region (Jobs: duration and failure delay)."""

    job_type: ClassVar[type[Job]] = ExportJob
    default_duration: ClassVar[float] = EXPORT_DURATION

    def replay(self, client_token: str, fingerprint: str) -> ExportJob | None:
        """The export a repeated request stands for, or None if the token is unused.

        Raises:
            ExportConflictException: the token was used with other parameters.
        """
        self.settle()
        job = self.by_token(client_token)
        if job is not None and job.fingerprint != fingerprint:
            # UNVERIFIED beyond "Duplicate request detected", the part measured.
            raise ExportConflictException("Duplicate request detected with conflicting parameters")
        return job

    def start(
        self,
        table: Table,
        *,
        bucket: str,
        client_token: str,
        fingerprint: str,
        prefix: str | None = None,
        bucket_owner: str | None = None,
        sse_algorithm: str | None = None,
        export_format: str = "DYNAMODB_JSON",
        export_type: str | None = None,
        export_time: float | None = None,
    ) -> ExportJob:
        """Start a full export of ``table`` as it was at ``export_time`` (None: now).

        Raises:
            LimitExceededException: 300 exports are running already.
            PointInTimeRecoveryUnavailableException: PITR is off for ``table``.
            InvalidExportTimeException: ``export_time`` is outside the recovery window.
        """
        self.settle()
        if self.running() >= EXPORTS_CONCURRENT:
            # UNVERIFIED wording: AWS's message for this quota is not published.
            raise LimitExceededException(
                f"Up to {EXPORTS_CONCURRENT} exports can run at the same time"
            )
        now = self._clock.now()
        recovery = recovery_of(self._backend)
        pitr = recovery.describe_continuous_backups(table)
        if not pitr.enabled or pitr.earliest is None:
            raise PointInTimeRecoveryUnavailableException(
                f"Point in time recovery is not enabled for table '{table.name}'"
            )
        when = now if export_time is None else export_time
        if not pitr.earliest <= when <= now:
            raise InvalidExportTimeException("Export Time is invalid")
        items = recovery.items_at(table, when)
        export_id = job_id(self._backend, now, f"{table.table_id}|export")
        table_arn = self._backend.arn(f"table/{table.name}")
        job = ExportJob(
            arn=f"{table_arn}/export/{export_id}",
            export_id=export_id,
            table_name=table.name,
            table_arn=table_arn,
            table_id=table.table_id,
            client_token=client_token,
            fingerprint=fingerprint,
            bucket=bucket,
            prefix=prefix,
            bucket_owner=bucket_owner,
            sse_algorithm=sse_algorithm,
            export_format=export_format,
            export_type=export_type,
            export_time=when,
            started=now,
            ends=now + self.duration,
            item_count=len(items),
            billed_size=sum(av.item_size(item) for item in items),
        )
        try:
            self._write_data(job, items)
        except (NoSuchBucket, AccessDenied) as error:
            job.failure_code, job.failure_message = s3_failure(error)
            job.ends = now + self.failure_delay
        self._add(job)
        return job

    def export(self, arn: str) -> ExportJob:
        """The export with ``arn``.

        Raises:
            ExportNotFoundException: there is none.
        """
        job = self.get(arn)
        if job is None:
            # UNVERIFIED wording: AWS's message is not published.
            raise ExportNotFoundException(f"Export not found: {arn}")
        return job

    def exports(self, table_arn: str | None = None) -> list[ExportJob]:
        """ListExports' selection, in reverse alphanumeric order of ExportArn.

        With ``table_arn``, only the exports of that table as it is now: AWS no longer
        lists the exports of a deleted table under its ARN.
        """
        jobs = self.listed(table_arn)
        if table_arn is None:
            return jobs
        current = self._backend.tables.get(table_arn.rsplit("/", 1)[-1])
        return [job for job in jobs if current is not None and job.table_id == current.table_id]

    # -- files ------------------------------------------------------------------------
    def _write_data(self, job: ExportJob, items: list[Item]) -> None:
        s3 = self._s3()
        # "This file verifies that the destination bucket is writable and that the export
        # has begun."
        s3.put_object(job.bucket, f"{job.folder}_started", b"")
        body = gzip.compress(export_lines(items), mtime=0)
        name = base64.b32encode(
            hashlib.blake2b(job.export_id.encode(), digest_size=16).digest()
        ).decode()
        key = f"{job.folder}data/{name.lower()[:26]}.json.gz"
        stored = s3.put_object(job.bucket, key, body, content_type="application/x-gzip")
        job.data_files = [
            {
                "itemCount": len(items),
                "md5Checksum": md5_base64(body),
                "etag": stored.etag.strip('"'),
                "dataFileS3Key": key,
            }
        ]

    def _end(self, job: ExportJob) -> None:
        """Write the manifests; the bucket may have gone away while the export ran."""
        try:
            self._write_manifests(job)
        except (NoSuchBucket, AccessDenied) as error:
            job.failure_code, job.failure_message = s3_failure(error)

    def _write_manifests(self, job: ExportJob) -> None:
        s3 = self._s3()
        files = "".join(json.dumps(entry) + "\n" for entry in job.data_files).encode()
        files_key = f"{job.folder}manifest-files.json"
        summary = json.dumps(
            {
                "version": MANIFEST_VERSION,
                "exportArn": job.arn,
                "startTime": iso_millis(job.started),
                "endTime": iso_millis(job.ends),
                "tableArn": job.table_arn,
                "tableId": job.table_id,
                "exportTime": iso_millis(job.export_time),
                "s3Bucket": job.bucket,
                "s3Prefix": job.prefix,
                "s3SseAlgorithm": job.sse_algorithm,
                "s3SseKmsKeyId": None,
                "manifestFilesS3Key": files_key,
                "billedSizeBytes": job.billed_size,
                "itemCount": job.item_count,
                "outputFormat": job.export_format,
            }
        ).encode()
        for key, body in ((files_key, files), (job.summary_key, summary)):
            s3.put_object(job.bucket, key, body, content_type="application/json")
            s3.put_object(job.bucket, key.removesuffix(".json") + ".md5", md5_base64(body).encode())


def exports_of(backend: DynamoDBBackend) -> Exports:
    """The export engine of a DynamoDB backend, made on first use and kept on the backend."""
    engine: Exports | None = getattr(backend, "exports", None)
    if engine is None:
        engine = Exports(backend)
        backend.exports = engine  # type: ignore[attr-defined]
    return engine


def snapshot(backend: DynamoDBBackend) -> dict[str, Any] | None:
    """For the backend's snapshot: the engine's state, None when it never had one."""
    engine: Exports | None = getattr(backend, "exports", None)
    return None if engine is None else engine.snapshot()


def load(backend: DynamoDBBackend, state: dict[str, Any] | None) -> None:
    """For the backend's load: restore ``snapshot``'s state."""
    if state is not None:
        exports_of(backend).load(state)
