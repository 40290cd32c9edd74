"""Import from S3: ImportTable's jobs, reading objects into a new table on the virtual clock.

What AWS documents (developer guide "DynamoDB data import from Amazon S3: how it works",
"Import format quotas and validation"; API reference for ImportTable, DescribeImport,
ListImports), what was measured against AWS (ScyllaDB's Alternator conformance tests,
test_import.py), and how it is modelled:

* The import always makes a new table ("Table already exists: <name>" otherwise), created
  through CreateTable's own path when the request is accepted, so its TableId is known up
  front. The items land when the job completes, consuming no write capacity ("Import from
  Amazon S3 does not consume write capacity"); until then the table is empty. AWS shows it
  CREATING; the emulator's tables have no such state, so it is ACTIVE, and takes writes,
  while DeleteTable is refused through ``table_deleting``.
* A missing bucket fails the job with S3NoSuchBucket and "a new DynamoDB table is not
  created". A prefix matching no object completes with an empty table.
* Every object under the prefix is read (up to 5,000 per job; 50 jobs at a time). A line
  that cannot become an item is an error and "we may skip processing the remaining
  portion of the object": measured, the first bad line abandons the rest of its object.
  Items are validated as PutItem validates them (key present and typed, size, index keys).
  Duplicate keys overwrite each other and are not errors; ImportedItemCount counts writes.
* Errors go to CloudWatch Logs, group ``/aws-dynamodb/imports``, stream
  ``<import id>/error``, one JSON event per bad item (itemS3Pointer, importArn,
  errorMessages), written to the emulator's own Logs service. An import with errors ends
  FAILED with ItemValidationError, keeping the table and the valid items.
* The counters stay 0 while the job runs and are set when it ends; ProcessedSizeBytes
  counts the uncompressed bytes. A ClientToken repeated while the job runs answers that
  job whatever else changed, unless the table name did (ImportConflictException).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from emulator import limits
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb import import_formats as formats
from emulator.services.dynamodb.attributes import Item
from emulator.services.dynamodb.errors import ResourceInUseException, ValidationException
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.transfers import (
    ImportConflictException,
    ImportNotFoundException,
    Job,
    Jobs,
    LimitExceededException,
    job_id,
    s3_failure,
)
from emulator.services.s3.errors import AccessDenied, NoSuchBucket

if TYPE_CHECKING:
    from emulator.services.dynamodb.backend import DynamoDBBackend
    from emulator.services.logs.backend import LogsBackend

#: How long an import stays IN_PROGRESS. UNVERIFIED: AWS publishes no duration; the
#: developer guide's one-item import example ran 172 seconds.
IMPORT_DURATION = 180.0
#: "Up to 50 concurrent import jobs"; "Each import job can take up to 5000 Amazon S3 objects".
IMPORTS_CONCURRENT = 50
OBJECTS_PER_IMPORT = 5000
LOG_GROUP = "/aws-dynamodb/imports"
ITEM_VALIDATION_FAILED = (
    "Some of the items failed validation checks and were not imported. Please check "
    "CloudWatch error logs for more details."
)


@dataclass(kw_only=True)
class ImportJob(Job):
    """One import: the request as given, and its counters once it has ended."""

    import_id: str
    bucket: str
    key_prefix: str | None
    bucket_owner: str | None
    input_format: str
    compression: str
    #: InputFormatOptions as given (CSV only), None without.
    format_options: dict[str, Any] | None
    #: TableCreationParameters as given, echoed in every description.
    creation: dict[str, Any]
    processed: int = 0
    imported: int = 0
    errors: int = 0
    processed_bytes: int = 0


class Imports(Jobs[ImportJob]):
    """The imports of one region (Jobs: duration and failure delay)."""

    job_type: ClassVar[type[Job]] = ImportJob
    default_duration: ClassVar[float] = IMPORT_DURATION

    def start(
        self,
        table_name: str,
        create: Callable[[], Table],
        *,
        client_token: str,
        bucket: str,
        key_prefix: str | None,
        bucket_owner: str | None,
        input_format: str,
        compression: str,
        format_options: dict[str, Any] | None,
        creation: dict[str, Any],
    ) -> ImportJob:
        """Start an import into a new table that ``create`` makes (CreateTable's path).

        Raises:
            ImportConflictException: ``client_token`` started an import of another table.
            ResourceInUseException: the table exists already.
            LimitExceededException: 50 imports run already, or over 5,000 objects.
        """
        self.settle()
        known = self.by_token(client_token)
        # While the job runs its table counts as its own; once it has ended the table is
        # an ordinary one, and its existence is refused before the token is looked at.
        if known is not None and not known.finished:
            return _same(known, table_name)
        if table_name in self._backend.tables or any(
            not job.finished and job.table_name == table_name for job in self._jobs.values()
        ):
            raise ResourceInUseException(f"Table already exists: {table_name}")
        if known is not None:
            return _same(known, table_name)
        if self.running() >= IMPORTS_CONCURRENT:
            # UNVERIFIED wording: the sentence of the LimitExceededException shape's docs.
            raise LimitExceededException(
                f"When importing into DynamoDB, up to {IMPORTS_CONCURRENT} simultaneous "
                "import table operations are allowed per account."
            )
        failure: tuple[str, str] | None = None
        try:
            keys = self._keys(bucket, key_prefix)
        except (NoSuchBucket, AccessDenied) as error:
            failure = s3_failure(error)
        else:
            if len(keys) > OBJECTS_PER_IMPORT:
                # UNVERIFIED wording and timing: the quota is documented, its error not.
                raise LimitExceededException(
                    f"Each import job can take up to {OBJECTS_PER_IMPORT} Amazon S3 objects; "
                    f"the prefix matches {len(keys)}"
                )
        table = create()
        if failure is not None:
            # Validated through CreateTable, then withdrawn: AWS makes no table when the
            # bucket is missing.
            del self._backend.tables[table.name]
        now = self._clock.now()
        import_id = job_id(self._backend, now, f"{table.table_id}|import")
        table_arn = self._backend.arn(f"table/{table.name}")
        job = ImportJob(
            arn=f"{table_arn}/import/{import_id}",
            import_id=import_id,
            table_name=table.name,
            table_arn=table_arn,
            table_id=table.table_id,
            client_token=client_token,
            bucket=bucket,
            key_prefix=key_prefix,
            bucket_owner=bucket_owner,
            input_format=input_format,
            compression=compression,
            format_options=copy.deepcopy(format_options),
            creation=copy.deepcopy(creation),
            started=now,
            ends=now + (self.duration if failure is None else self.failure_delay),
        )
        if failure is not None:
            job.failure_code, job.failure_message = failure
        self._add(job)
        return job

    def import_(self, arn: str) -> ImportJob:
        """The import with ``arn``.

        Raises:
            ImportNotFoundException: there is none.
        """
        job = self.get(arn)
        if job is None:
            # UNVERIFIED wording: AWS's message is not published.
            raise ImportNotFoundException(f"Import not found: {arn}")
        return job

    def imports(self, table_arn: str | None = None) -> list[ImportJob]:
        """ListImports' selection, running jobs too (measured), newest ARN first."""
        return self.listed(table_arn)

    def log_group_arn(self) -> str:
        return self._backend.arn(f"log-group:{LOG_GROUP}:*", service="logs")

    def table_deleting(self, table: Table) -> None:
        """Refuse to delete a table an import is still filling, as AWS refuses a CREATING one."""
        self.settle()
        for job in self._jobs.values():
            if not job.finished and job.table_id == table.table_id:
                # UNVERIFIED wording: AWS's ResourceInUseException for a table in use.
                raise ResourceInUseException(
                    "Attempt to change a resource which is still in use: Table is being "
                    f"imported: {table.name}"
                )

    # -- reading ----------------------------------------------------------------------
    def _end(self, job: ImportJob) -> None:
        """Read every object under the prefix into the table, and log the bad items."""
        table = self._backend.tables.get(job.table_name)
        if table is None or table.table_id != job.table_id:
            # Only when DeleteTable does not ask ``table_deleting``; AWS refuses it.
            job.failure_code = "ResourceNotFoundException"
            job.failure_message = f"Requested resource not found: Table: {job.table_name} not found"
            return
        try:
            problems = self._read(job, table, self._keys(job.bucket, job.key_prefix))
        except (NoSuchBucket, AccessDenied) as error:
            # The bucket went away while the job ran: the table keeps what was written.
            job.failure_code, job.failure_message = s3_failure(error)
            return
        if problems:
            at = int(job.ends * 1000)
            logs = cast("LogsBackend", self._backend.cloud.backend("logs", self._backend.region))
            logs.put_lines(LOG_GROUP, f"{job.import_id}/error", [(at, line) for line in problems])
            job.failure_code, job.failure_message = "ItemValidationError", ITEM_VALIDATION_FAILED

    def _keys(self, bucket: str, prefix: str | None) -> list[str]:
        """Every key under ``prefix`` (raises NoSuchBucket or AccessDenied)."""
        s3, keys, after = self._s3(), [], None
        while True:
            page = s3.list_objects(bucket, prefix or "", None, after, 1000)
            keys.extend(page.keys)
            if not page.truncated:
                return keys
            after = page.last

    def _read(self, job: ImportJob, table: Table, keys: list[str]) -> list[str]:
        """Write every good item of every object; returns the error log's events."""
        s3, problems = self._s3(), []
        for key in keys:
            index = 0
            try:
                raw = formats.decompress(s3.get_object(job.bucket, key).body, job.compression)
                job.processed_bytes += len(raw)
                for item in _items(job, table, formats.text_of(raw)):
                    _check(table, item)
                    self._backend.write(table, item)
                    job.processed += 1
                    job.imported += 1
                    index += 1
            except formats.ItemError as error:
                # The first bad item abandons the rest of its object.
                job.processed += 1
                job.errors += 1
                pointer = {"bucket": job.bucket, "key": key, "itemIndex": index}
                problems.append(
                    json.dumps(
                        {
                            "itemS3Pointer": pointer,
                            "importArn": job.arn,
                            "errorMessages": [error.message],
                        },
                        separators=(",", ":"),
                    )
                )
        return problems


def _same(job: ImportJob, table_name: str) -> ImportJob:
    """The job a repeated token stands for: only another table name conflicts (measured)."""
    if job.table_name != table_name:
        raise ImportConflictException("Duplicate request detected with conflicting parameters")
    return job


def _items(job: ImportJob, table: Table, text: str) -> Iterator[Item]:
    if job.input_format == "CSV":
        options = (job.format_options or {}).get("Csv") or {}
        return formats.csv_items(
            text,
            delimiter=options.get("Delimiter", ","),
            header=options.get("HeaderList"),
            key_types=table.attribute_types,
        )
    return formats.dynamodb_json_items(text)


def _check(table: Table, item: Item) -> None:
    """What PutItem checks of an item, as an ItemError for the log."""
    # Imported here: backend.py imports this module for its snapshot and load.
    from emulator.services.dynamodb.backend import check_key_values

    try:
        check_key_values(table, item, item_mode=True)
        if av.item_size(item) > limits.value("dynamodb", "ItemSize"):
            raise ValidationException("Item size has exceeded the maximum allowed size")
        if table.indexes:
            table.indexes.check_write(item)
    except ValidationException as error:
        raise formats.ItemError(error.message) from None


def imports_of(backend: DynamoDBBackend) -> Imports:
    """The import engine of a DynamoDB backend, made on first use and kept on the backend."""
    engine: Imports | None = getattr(backend, "imports", None)
    if engine is None:
        engine = Imports(backend)
        backend.imports = engine  # type: ignore[attr-defined]
    return engine


def table_deleting(backend: DynamoDBBackend, table: Table) -> None:
    """For DeleteTable, before anything goes: refuse while an import fills ``table``."""
    engine: Imports | None = getattr(backend, "imports", None)
    if engine is not None:
        engine.table_deleting(table)


def snapshot(backend: DynamoDBBackend) -> dict[str, Any] | None:
    """For the backend's snapshot: the engine's state, None when it never had one."""
    engine: Imports | None = getattr(backend, "imports", None)
    return None if engine is None else engine.snapshot()


def load(backend: DynamoDBBackend, state: dict[str, Any] | None) -> None:
    """For the backend's load, after its tables: restore ``snapshot``'s state."""
    if state is not None:
        imports_of(backend).load(state)
