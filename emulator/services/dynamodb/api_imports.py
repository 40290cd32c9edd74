"""DynamoDB's import calls: ImportTable, DescribeImport and ListImports."""

from __future__ import annotations

import re
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.base import require
from emulator.services.dynamodb import transfer_params as p
from emulator.services.dynamodb.api_ttl import accept
from emulator.services.dynamodb.backend import DynamoDBBackend
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.imports import ImportJob, Imports, imports_of
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.transfers import new_token

_ACCEPTED: dict[str, set[str]] = {
    "ImportTable": {
        "ClientToken",
        "S3BucketSource",
        "InputFormat",
        "InputFormatOptions",
        "InputCompressionType",
        "TableCreationParameters",
    },
    "DescribeImport": {"ImportArn"},
    "ListImports": {"TableArn", "PageSize", "NextToken"},
}
#: TableCreationParameters members that go to CreateTable as they are.
_CREATION = {
    "TableName",
    "AttributeDefinitions",
    "KeySchema",
    "BillingMode",
    "ProvisionedThroughput",
    "GlobalSecondaryIndexes",
}
_DELIMITER = r"[,;:|\t ]"
_HEADER = r"[\x20-\x21\x23-\x2B\x2D-\x7E]*"
_IMPORT_ARN = re.compile(
    r"^arn:aws[a-z-]*:dynamodb:[^:]+:[0-9]{12}:table/[a-zA-Z0-9_.-]{3,255}/import/[0-9]{14}-[0-9a-f]{8}$"
)
_LIST_MAX = 25


def _source(value: Any, account: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationException("S3BucketSource must be a structure")
    unknown = sorted(set(value) - {"S3Bucket", "S3KeyPrefix", "S3BucketOwner"})
    if unknown:
        raise NotSupportedByEmulator(f"ImportTable with S3BucketSource.{unknown[0]}")
    if value.get("S3Bucket") is None:
        raise p.missing("s3BucketSource.s3Bucket")
    p.text(value["S3Bucket"], "s3BucketSource.s3Bucket", high=255, pattern=p.BUCKET)
    if "S3KeyPrefix" in value:
        p.text(value["S3KeyPrefix"], "s3BucketSource.s3KeyPrefix", high=1024)
    owner = value.get("S3BucketOwner")
    if owner is not None:
        p.text(owner, "s3BucketSource.s3BucketOwner", pattern=p.OWNER)
        if owner != account:
            raise NotSupportedByEmulator("ImportTable from a bucket of another account")
    return value


def _format_options(value: Any, input_format: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if input_format != "CSV":
        # UNVERIFIED wording: measured only as a ValidationException naming the member.
        raise ValidationException("InputFormatOptions can only be specified with InputFormat CSV")
    if not isinstance(value, dict) or set(value) - {"Csv"}:
        raise ValidationException("InputFormatOptions takes one member, Csv")
    csv = value.get("Csv") or {}
    if not isinstance(csv, dict) or set(csv) - {"Delimiter", "HeaderList"}:
        raise ValidationException("InputFormatOptions.Csv takes Delimiter and HeaderList")
    if "Delimiter" in csv:
        member = "inputFormatOptions.csv.delimiter"
        p.text(csv["Delimiter"], member, low=1, high=1, pattern=_DELIMITER)
    if "HeaderList" in csv:
        headers = csv["HeaderList"]
        member = "inputFormatOptions.csv.headerList"
        if not isinstance(headers, list) or not 1 <= len(headers) <= 255:
            raise p.invalid_value(headers, member, "Member must have length between 1 and 255")
        for header in headers:
            p.text(header, f"{member}.member", low=1, high=65536, pattern=_HEADER)
    return value


def _creation(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationException("TableCreationParameters must be a structure")
    unsupported = sorted(set(value) - _CREATION)
    if unsupported:
        raise NotSupportedByEmulator(f"ImportTable with TableCreationParameters.{unsupported[0]}")
    for member in ("TableName", "AttributeDefinitions", "KeySchema"):
        if value.get(member) is None:
            raise p.missing(f"tableCreationParameters.{member[0].lower()}{member[1:]}")
    return value


def description(job: ImportJob, engine: Imports) -> dict[str, Any]:
    """An ImportTableDescription, members in the API reference's order."""
    answer: dict[str, Any] = {
        "ImportArn": job.arn,
        "ImportStatus": job.status,
        "TableArn": job.table_arn,
        "TableId": job.table_id,
        "ClientToken": job.client_token,
        "S3BucketSource": _bucket_source(job),
        "ErrorCount": job.errors,
        "CloudWatchLogGroupArn": engine.log_group_arn(),
        "InputFormat": job.input_format,
    }
    if job.format_options is not None:
        answer["InputFormatOptions"] = job.format_options
    answer["InputCompressionType"] = job.compression
    answer["TableCreationParameters"] = job.creation
    answer["StartTime"] = p.timestamp(job.started)
    if job.finished:
        # Measured: EndTime and ProcessedSizeBytes appear when the job ends.
        answer["EndTime"] = p.timestamp(job.ends)
        answer["ProcessedSizeBytes"] = job.processed_bytes
    answer["ProcessedItemCount"] = job.processed
    answer["ImportedItemCount"] = job.imported
    if job.failure_code is not None:
        answer["FailureCode"] = job.failure_code
        answer["FailureMessage"] = job.failure_message
    return answer


def _bucket_source(job: ImportJob) -> dict[str, Any]:
    source: dict[str, Any] = {"S3Bucket": job.bucket}
    if job.bucket_owner is not None:
        source["S3BucketOwner"] = job.bucket_owner
    if job.key_prefix is not None:
        source["S3KeyPrefix"] = job.key_prefix
    return source


def import_table(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("ImportTable", params, _ACCEPTED["ImportTable"])
    require(params, "S3BucketSource", "InputFormat", "TableCreationParameters")
    source = _source(params["S3BucketSource"], backend.account_id)
    input_format = p.choice(params["InputFormat"], "inputFormat", ("DYNAMODB_JSON", "ION", "CSV"))
    compression = p.choice(
        params.get("InputCompressionType", "NONE"), "inputCompressionType", ("GZIP", "ZSTD", "NONE")
    )
    options = _format_options(params.get("InputFormatOptions"), input_format)
    creation = _creation(params["TableCreationParameters"])
    token = params.get("ClientToken")
    if token is not None:
        p.text(token, "clientToken", pattern=p.CLIENT_TOKEN)
    if input_format == "ION":
        raise NotSupportedByEmulator("ImportTable with InputFormat ION")
    if compression == "ZSTD":
        # Python's standard library reads zstd from 3.14 on; the emulator runs on 3.11.
        raise NotSupportedByEmulator("ImportTable with InputCompressionType ZSTD")
    engine = imports_of(backend)

    def create() -> Table:
        # Imported here: api.py merges this module's OPERATIONS, so it imports this first.
        from emulator.services.dynamodb.api import create_table

        answer = create_table(backend, dict(creation))
        return backend.tables[answer["TableDescription"]["TableName"]]

    job = engine.start(
        p.text(creation["TableName"], "tableCreationParameters.tableName"),
        create,
        client_token=token if token is not None else new_token(backend),
        bucket=source["S3Bucket"],
        key_prefix=source.get("S3KeyPrefix"),
        bucket_owner=source.get("S3BucketOwner"),
        input_format=input_format,
        compression=compression,
        format_options=options,
        creation=creation,
    )
    return {"ImportTableDescription": description(job, engine)}


def describe_import(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("DescribeImport", params, _ACCEPTED["DescribeImport"])
    require(params, "ImportArn")
    arn = p.text(params["ImportArn"], "importArn", low=37, high=1024)
    if not _IMPORT_ARN.match(arn):
        # UNVERIFIED wording: measured only as a ValidationException naming an import ARN.
        raise ValidationException(f"Invalid Import ARN: {arn}")
    engine = imports_of(backend)
    return {"ImportTableDescription": description(engine.import_(arn), engine)}


def list_imports(backend: DynamoDBBackend, params: dict[str, Any]) -> dict[str, Any]:
    accept("ListImports", params, _ACCEPTED["ListImports"])
    limit = params.get("PageSize", _LIST_MAX)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= _LIST_MAX:
        raise p.invalid_value(
            limit, "pageSize", f"Member must have value between 1 and {_LIST_MAX}"
        )
    table_arn = params.get("TableArn")
    if table_arn is not None:
        p.text(table_arn, "tableArn", low=1, high=1024)
    token = params.get("NextToken")
    if token is not None:
        p.text(token, "nextToken", low=112, high=1024, pattern=r"([0-9a-f]{16})+")
    engine = imports_of(backend)
    jobs, next_token = p.page(
        engine.imports(table_arn), lambda job: job.arn, token, limit, "ListImports"
    )
    summaries = []
    for job in jobs:
        summary: dict[str, Any] = {
            "ImportArn": job.arn,
            "ImportStatus": job.status,
            "TableArn": job.table_arn,
            "S3BucketSource": _bucket_source(job),
            "CloudWatchLogGroupArn": engine.log_group_arn(),
            "InputFormat": job.input_format,
            "StartTime": p.timestamp(job.started),
        }
        if job.finished:
            summary["EndTime"] = p.timestamp(job.ends)
        summaries.append(summary)
    answer: dict[str, Any] = {"ImportSummaryList": summaries}
    if next_token is not None:
        answer["NextToken"] = next_token
    return answer


OPERATIONS = {
    "ImportTable": import_table,
    "DescribeImport": describe_import,
    "ListImports": list_imports,
}
