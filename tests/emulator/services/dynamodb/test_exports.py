"""Export to S3 and import from S3, on a manual clock, against AWS's documented outcomes."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from typing import Any, cast

import pytest

from emulator import ClientError, Cloud
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb import exports, imports
from emulator.services.dynamodb import import_formats as formats
from emulator.services.dynamodb.backend import DynamoDBBackend
from emulator.services.dynamodb.exports import EXPORT_DURATION
from emulator.services.dynamodb.imports import IMPORT_DURATION, ITEM_VALIDATION_FAILED, LOG_GROUP
from emulator.services.dynamodb.transfers import FAILURE_DELAY, TOKEN_WINDOW
from emulator.services.logs.backend import LogsBackend

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table"
ORDERS = f"{ARN}/Orders"
HOUR = 3600.0


def _cloud(*, pitr: bool = True) -> tuple[Cloud, Any, Any]:
    """A cloud with table ``Orders`` (pk S, sk N), PITR as asked, and bucket ``lake``."""
    cloud = Cloud()
    ddb, s3 = cloud.client("dynamodb"), cloud.client("s3")
    ddb.create_table(
        TableName="Orders",
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
    if pitr:
        ddb.update_continuous_backups(
            TableName="Orders",
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    s3.create_bucket(Bucket="lake")
    return cloud, ddb, s3


def _put(ddb: Any, pk: str, sk: int, **attrs: Any) -> dict[str, Any]:
    item = {"pk": {"S": pk}, "sk": {"N": str(sk)}, **attrs}
    ddb.put_item(TableName="Orders", Item=item)
    return item


def _sorted(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda i: (i["pk"]["S"], float(i["sk"]["N"])))


def _scan(ddb: Any, table: str = "Orders") -> list[dict[str, Any]]:
    return _sorted(ddb.scan(TableName=table)["Items"])


def _error(call: Any, *args: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(*args, **params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def _objects(s3: Any, prefix: str = "") -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket="lake", Prefix=prefix).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket="lake", Key=o["Key"])["Body"].read() for o in listed}


def _exported_items(s3: Any, export_arn: str) -> list[dict[str, Any]]:
    """The items of an export's data files, read as a consumer would, via its manifests."""
    export_id = export_arn.rsplit("/", 1)[1]
    folder = next(k for k in _objects(s3) if f"AWSDynamoDB/{export_id}/" in k).split("AWSDynamoDB")[
        0
    ]
    summary = json.loads(_objects(s3)[f"{folder}AWSDynamoDB/{export_id}/manifest-summary.json"])
    files = _objects(s3)[summary["manifestFilesS3Key"]].decode().splitlines()
    items = []
    for line in files:
        data = gzip.decompress(_objects(s3)[json.loads(line)["dataFileS3Key"]]).decode()
        for row in data.splitlines():
            raw = json.loads(row)["Item"]
            items.append({name: av.from_json(value) for name, value in raw.items()})
    return _sorted(items)


def _export(ddb: Any, **params: Any) -> dict[str, Any]:
    answer = ddb.export_table_to_point_in_time(TableArn=ORDERS, S3Bucket="lake", **params)
    return answer["ExportDescription"]  # type: ignore[no-any-return]


def _describe(ddb: Any, arn: str) -> dict[str, Any]:
    return ddb.describe_export(ExportArn=arn)["ExportDescription"]  # type: ignore[no-any-return]


# -- export ----------------------------------------------------------------------------
def test_export_holds_the_items_as_they_were_at_export_time() -> None:
    cloud, ddb, s3 = _cloud()
    _put(ddb, "a", 1, note={"S": "first"}, blob={"B": b"\x00\xff"}, tags={"SS": ["x", "y"]})
    _put(ddb, "a", 2, nested={"M": {"n": {"N": "1.50"}, "l": {"L": [{"NULL": True}]}}})
    _put(ddb, "b", 1)
    cloud.clock.advance(HOUR)
    chosen = cloud.clock.now()
    then = _scan(ddb)
    cloud.clock.advance(60)
    _put(ddb, "a", 1, note={"S": "changed"})
    ddb.delete_item(TableName="Orders", Key={"pk": {"S": "b"}, "sk": {"N": "1"}})
    _put(ddb, "c", 9)
    started = _export(ddb, ExportTime=chosen)
    assert started["ExportTime"].timestamp() == chosen
    cloud.clock.advance(EXPORT_DURATION)
    assert _exported_items(s3, started["ExportArn"]) == then
    assert _describe(ddb, started["ExportArn"])["ItemCount"] == len(then)
    # The default export time is now: the latest state.
    latest = _export(ddb, S3Prefix="now")
    cloud.clock.advance(EXPORT_DURATION)
    assert _exported_items(s3, latest["ExportArn"]) == _scan(ddb)


def test_export_writes_awss_layout_and_manifests() -> None:
    cloud, ddb, s3 = _cloud()
    for sk in range(3):
        _put(ddb, "p", sk, v={"S": "x" * sk})
    started = _export(ddb, S3Prefix="exports/daily", S3SseAlgorithm="AES256")
    export_id = started["ExportArn"].rsplit("/", 1)[1]
    folder = f"exports/daily/AWSDynamoDB/{export_id}/"
    running = _objects(s3)
    assert running[f"{folder}_started"] == b""
    assert [k for k in running if k.endswith("manifest-summary.json")] == []
    cloud.clock.advance(EXPORT_DURATION)  # the clock finishes it; nobody asks
    files = _objects(s3)
    names = {key.removeprefix(folder).split("/")[0] for key in files}
    assert names == {
        "_started",
        "data",
        "manifest-files.json",
        "manifest-files.md5",
        "manifest-summary.json",
        "manifest-summary.md5",
    }
    for name in ("manifest-files", "manifest-summary"):
        body = files[f"{folder}{name}.json"]
        digest = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest())
        assert files[f"{folder}{name}.md5"] == digest
    (entry,) = [json.loads(line) for line in files[f"{folder}manifest-files.json"].splitlines()]
    data_key = entry["dataFileS3Key"]
    assert data_key.startswith(f"{folder}data/")
    assert data_key.endswith(".json.gz")
    data = files[data_key]
    assert entry["itemCount"] == 3
    assert (
        entry["md5Checksum"]
        == base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
    )
    assert entry["etag"] == s3.head_object(Bucket="lake", Key=data_key)["ETag"].strip('"')
    assert all(set(json.loads(line)) == {"Item"} for line in gzip.decompress(data).splitlines())
    summary = json.loads(files[f"{folder}manifest-summary.json"])
    assert summary == {
        "version": "2020-06-30",
        "exportArn": started["ExportArn"],
        "startTime": "2026-01-01T00:00:00.000Z",
        "endTime": "2026-01-01T00:10:00.000Z",
        "tableArn": ORDERS,
        "tableId": started["TableId"],
        "exportTime": "2026-01-01T00:00:00.000Z",
        "s3Bucket": "lake",
        "s3Prefix": "exports/daily",
        "s3SseAlgorithm": "AES256",
        "s3SseKmsKeyId": None,
        "manifestFilesS3Key": f"{folder}manifest-files.json",
        "billedSizeBytes": summary["billedSizeBytes"],
        "itemCount": 3,
        "outputFormat": "DYNAMODB_JSON",
    }
    assert summary["billedSizeBytes"] > 0


def test_export_descriptions_before_and_after_completion() -> None:
    cloud, ddb, _ = _cloud()
    _put(ddb, "a", 1)
    started = _export(ddb)
    assert set(started) == {
        "ExportArn",
        "ExportStatus",
        "StartTime",
        "TableArn",
        "TableId",
        "ExportTime",
        "ClientToken",
        "S3Bucket",
        "ExportFormat",
    }
    assert started["ExportStatus"] == "IN_PROGRESS"
    assert started["ClientToken"]  # made up when the caller gives none
    assert started["ExportFormat"] == "DYNAMODB_JSON"
    assert "ExportType" not in started  # AWS leaves it out unless it was asked for
    assert started["ExportArn"].startswith(f"{ORDERS}/export/")
    cloud.clock.advance(EXPORT_DURATION - 1)
    assert _describe(ddb, started["ExportArn"])["ExportStatus"] == "IN_PROGRESS"
    cloud.clock.advance(1)
    done = _describe(ddb, started["ExportArn"])
    assert done["ExportStatus"] == "COMPLETED"
    assert done["EndTime"].timestamp() - done["StartTime"].timestamp() == EXPORT_DURATION
    export_id = started["ExportArn"].rsplit("/", 1)[1]
    assert done["ExportManifest"] == f"AWSDynamoDB/{export_id}/manifest-summary.json"
    assert done["ItemCount"] == 1
    assert done["BilledSizeBytes"] > 0
    typed = _export(ddb, ExportType="FULL_EXPORT")
    assert typed["ExportType"] == "FULL_EXPORT"


def test_list_exports_order_filter_and_pages() -> None:
    cloud, ddb, _ = _cloud()
    ddb.create_table(
        TableName="Other",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.update_continuous_backups(
        TableName="Other", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    assert ddb.list_exports(TableArn=ORDERS)["ExportSummaries"] == []
    ours = [_export(ddb)["ExportArn"] for _ in range(3)]
    other = ddb.export_table_to_point_in_time(TableArn=f"{ARN}/Other", S3Bucket="lake")
    listed = ddb.list_exports()["ExportSummaries"]
    # Running exports are listed too, despite "Lists completed exports".
    assert [s["ExportArn"] for s in listed] == sorted(
        [*ours, other["ExportDescription"]["ExportArn"]], reverse=True
    )
    assert listed[0] == {
        "ExportArn": listed[0]["ExportArn"],
        "ExportStatus": "IN_PROGRESS",
        "ExportType": "FULL_EXPORT",
    }
    mine = ddb.list_exports(TableArn=ORDERS)["ExportSummaries"]
    assert [s["ExportArn"] for s in mine] == sorted(ours, reverse=True)
    seen, token = [], None
    while True:
        page = ddb.list_exports(MaxResults=2, **({"NextToken": token} if token else {}))
        seen += [s["ExportArn"] for s in page["ExportSummaries"]]
        token = page.get("NextToken")
        if token is None:
            break
    assert seen == [s["ExportArn"] for s in listed]
    assert _error(ddb.list_exports, NextToken="0123456789abcdef" * 16)[0] == "ValidationException"
    assert _error(ddb.list_exports, MaxResults=26)[0] == "ValidationException"
    cloud.clock.advance(EXPORT_DURATION)
    ddb.delete_table(TableName="Orders")
    # AWS stops listing a deleted table's exports under its ARN, but still describes them.
    assert ddb.list_exports(TableArn=ORDERS)["ExportSummaries"] == []
    assert _describe(ddb, ours[0])["ExportStatus"] == "COMPLETED"


def test_export_client_token_is_idempotent_for_eight_hours() -> None:
    cloud, ddb, _ = _cloud()
    first = _export(ddb, ClientToken="nightly", S3Prefix="a")
    again = _export(ddb, ClientToken="nightly", S3Prefix="a")
    assert again["ExportArn"] == first["ExportArn"]
    assert again["ClientToken"] == "nightly"
    code, message = _error(
        ddb.export_table_to_point_in_time,
        TableArn=ORDERS,
        S3Bucket="lake",
        S3Prefix="b",
        ClientToken="nightly",
    )
    assert code == "ExportConflictException"
    assert message.startswith("Duplicate request detected")
    cloud.clock.advance(EXPORT_DURATION + TOKEN_WINDOW)
    assert _export(ddb, ClientToken="nightly", S3Prefix="a")["ExportArn"] != first["ExportArn"]


def test_export_needs_pitr_and_a_time_in_its_window() -> None:
    cloud, ddb, _ = _cloud(pitr=False)
    code, message = _error(ddb.export_table_to_point_in_time, TableArn=ORDERS, S3Bucket="lake")
    assert code == "PointInTimeRecoveryUnavailableException"
    assert "Orders" in message
    ddb.update_continuous_backups(
        TableName="Orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    enabled = cloud.clock.now()
    cloud.clock.advance(HOUR)
    for when in (enabled - 1, cloud.clock.now() + 1, -1):
        assert _error(
            ddb.export_table_to_point_in_time, TableArn=ORDERS, S3Bucket="lake", ExportTime=when
        ) == ("InvalidExportTimeException", "Export Time is invalid")
    assert _export(ddb, ExportTime=enabled)["ExportStatus"] == "IN_PROGRESS"
    assert _export(ddb, ExportTime=cloud.clock.now())["ExportStatus"] == "IN_PROGRESS"
    assert _error(
        ddb.export_table_to_point_in_time, TableArn=f"{ARN}/Missing", S3Bucket="lake"
    ) == ("TableNotFoundException", "Table not found: Missing")


def test_export_to_a_missing_bucket_starts_then_fails() -> None:
    cloud, ddb, _ = _cloud()
    started = ddb.export_table_to_point_in_time(TableArn=ORDERS, S3Bucket="nowhere")
    arn = started["ExportDescription"]["ExportArn"]
    assert started["ExportDescription"]["ExportStatus"] == "IN_PROGRESS"
    cloud.clock.advance(FAILURE_DELAY)
    failed = _describe(ddb, arn)
    assert failed["ExportStatus"] == "FAILED"
    assert failed["FailureCode"] == "S3NoSuchBucket"
    assert "bucket does not exist" in failed["FailureMessage"]
    assert "ItemCount" not in failed
    assert "ExportManifest" not in failed
    assert ddb.list_exports(TableArn=ORDERS)["ExportSummaries"][0]["ExportStatus"] == "FAILED"


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        (
            {"ExportFormat": "QWERTY"},
            "ValidationException",
            "1 validation error detected: Value 'QWERTY' at 'exportFormat' failed to satisfy "
            "constraint: Member must satisfy enum value set: [ION, DYNAMODB_JSON]",
        ),
        ({"ExportType": ""}, "ValidationException", "exportType"),
        ({"ClientToken": ""}, "ValidationException", "clientToken"),
        ({"S3Bucket": ""}, "ValidationException", "s3Bucket"),
        ({"S3Prefix": ""}, "ValidationException", "s3Prefix"),
        ({"S3BucketOwner": ""}, "ValidationException", "s3BucketOwner"),
        ({"S3SseAlgorithm": "QWERTY"}, "ValidationException", "s3SseAlgorithm"),
        ({"TableArn": "QWERTY"}, "ValidationException", "TableArn"),
        ({"ExportFormat": "ION"}, "NotSupportedByEmulator", "ION"),
        ({"ExportType": "INCREMENTAL_EXPORT"}, "NotSupportedByEmulator", "INCREMENTAL"),
        ({"S3SseAlgorithm": "KMS"}, "NotSupportedByEmulator", "KMS"),
        ({"S3BucketOwner": "111122223333"}, "NotSupportedByEmulator", "another account"),
        (
            {"FilterSpecification": {"FilterExpression": "a = b"}},
            "NotSupportedByEmulator",
            "FilterSpecification",
        ),
    ],
)
def test_export_refuses_bad_and_unsupported_requests(
    params: dict[str, Any], code: str, message: str
) -> None:
    _, ddb, _ = _cloud()
    request = {"TableArn": ORDERS, "S3Bucket": "lake", **params}
    got_code, got_message = _error(ddb.export_table_to_point_in_time, **request)
    assert got_code == code
    assert message in got_message


def test_describe_export_refuses_bad_and_unknown_arns() -> None:
    _, ddb, _ = _cloud()
    assert _error(ddb.describe_export, ExportArn=f"{ARN}/nonexistent_table_xyz")[1].startswith(
        "Invalid Export ARN"
    )
    unknown = f"{ORDERS}/export/01767225600000-0badf00d"
    assert _error(ddb.describe_export, ExportArn=unknown)[0] == "ExportNotFoundException"


# -- import ----------------------------------------------------------------------------
def _upload(s3: Any, key: str, body: bytes | str, *, gzipped: bool = False) -> None:
    data = body.encode() if isinstance(body, str) else body
    s3.put_object(Bucket="lake", Key=key, Body=gzip.compress(data) if gzipped else data)


def _import(ddb: Any, prefix: str, table: str = "Imported", **params: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "S3BucketSource": {"S3Bucket": "lake", "S3KeyPrefix": prefix},
        "InputFormat": "DYNAMODB_JSON",
        "TableCreationParameters": {
            "TableName": table,
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
        },
        **params,
    }
    return ddb.import_table(**request)["ImportTableDescription"]  # type: ignore[no-any-return]


def _finished(cloud: Cloud, ddb: Any, arn: str) -> dict[str, Any]:
    cloud.clock.advance(IMPORT_DURATION)
    return ddb.describe_import(ImportArn=arn)["ImportTableDescription"]  # type: ignore[no-any-return]


def _error_log(cloud: Cloud, description: dict[str, Any]) -> list[dict[str, Any]]:
    import_id = description["ImportArn"].rsplit("/", 1)[1]
    stream = cast(LogsBackend, cloud.backend("logs")).stream(LOG_GROUP, f"{import_id}/error")
    return [json.loads(event.message) for event in stream.events]


def test_import_csv_types_keys_and_counts_a_bad_line() -> None:
    cloud, ddb, s3 = _cloud()
    _upload(s3, "csv/1.csv", 'pk,sk,price,note\nbook,1,12.50,first\nbook,2,7,\npen,1,3,"a, b"\n')
    _upload(s3, "csv/2.csv", "pk,sk,price\n,3,1\nlost,4,1\n")  # empty key: the object stops
    started = _import(ddb, "csv/", InputFormat="CSV")
    assert started["ImportStatus"] == "IN_PROGRESS"
    assert (started["ProcessedItemCount"], started["ImportedItemCount"], started["ErrorCount"]) == (
        0,
        0,
        0,
    )
    assert "EndTime" not in started
    assert "ProcessedSizeBytes" not in started
    assert _scan(ddb, "Imported") == []  # the items land when the import completes
    done = _finished(cloud, ddb, started["ImportArn"])
    assert done["ImportStatus"] == "FAILED"
    assert (done["FailureCode"], done["FailureMessage"]) == (
        "ItemValidationError",
        ITEM_VALIDATION_FAILED,
    )
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (4, 3, 1)
    assert done["ProcessedSizeBytes"] == len(
        'pk,sk,price,note\nbook,1,12.50,first\nbook,2,7,\npen,1,3,"a, b"\n'
    ) + len("pk,sk,price\n,3,1\nlost,4,1\n")
    items = _scan(ddb, "Imported")
    assert items[0] == {
        "pk": {"S": "book"},
        "sk": {"N": "1"},
        "price": {"S": "12.50"},
        "note": {"S": "first"},
    }
    assert items[1]["note"] == {"S": ""}  # every non-key column is a string, empty too
    assert items[2]["note"] == {"S": "a, b"}
    (event,) = _error_log(cloud, done)
    assert event["itemS3Pointer"] == {"bucket": "lake", "key": "csv/2.csv", "itemIndex": 0}
    assert event["importArn"] == done["ImportArn"]
    assert "empty string" in event["errorMessages"][0]
    assert done["CloudWatchLogGroupArn"] == (
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws-dynamodb/imports:*"
    )


def test_import_csv_with_header_list_delimiter_and_an_index_key() -> None:
    cloud, ddb, s3 = _cloud()
    _upload(s3, "tsv/rows", "a\t1\t30\nb\t2\t10\n")
    started = _import(
        ddb,
        "tsv/",
        InputFormat="CSV",
        InputFormatOptions={"Csv": {"Delimiter": "\t", "HeaderList": ["pk", "sk", "rank"]}},
        TableCreationParameters={
            "TableName": "Ranked",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "rank", "AttributeType": "N"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by-rank",
                    "KeySchema": [{"AttributeName": "rank", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        },
    )
    assert started["InputFormatOptions"]["Csv"]["HeaderList"] == ["pk", "sk", "rank"]
    done = _finished(cloud, ddb, started["ImportArn"])
    assert done["ImportStatus"] == "COMPLETED"
    assert done["ImportedItemCount"] == 2
    found = ddb.query(
        TableName="Ranked",
        IndexName="by-rank",
        KeyConditionExpression="#r = :r",
        ExpressionAttributeNames={"#r": "rank"},
        ExpressionAttributeValues={":r": {"N": "10"}},
    )["Items"]
    assert found == [{"pk": {"S": "b"}, "sk": {"N": "2"}, "rank": {"N": "10"}}]


@pytest.mark.parametrize("gzipped", [True, False])
def test_import_dynamodb_json_skips_blank_lines_and_stops_an_object_at_a_bad_line(
    gzipped: bool,
) -> None:
    cloud, ddb, s3 = _cloud()
    good = [
        json.dumps({"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "b": {"B": "AAE="}}}),
        "   ",
        json.dumps({"Item": {"pk": {"S": "a"}, "sk": {"N": "2"}}}),
    ]
    bad = [
        json.dumps({"Item": {"pk": {"S": "x"}, "sk": {"N": "1"}}}),
        json.dumps({"NotAnItem": {"pk": {"S": "x"}}}),
        json.dumps({"Item": {"pk": {"S": "never"}, "sk": {"N": "3"}}}),
    ]
    body_good, body_bad = "\n".join(good) + "\n", "\n".join(bad) + "\n"
    _upload(s3, "json/good.json", body_good, gzipped=gzipped)
    _upload(s3, "json/bad.json", body_bad, gzipped=gzipped)
    _upload(s3, "json/empty.json", "", gzipped=gzipped)
    started = _import(ddb, "json/", InputCompressionType="GZIP" if gzipped else "NONE")
    done = _finished(cloud, ddb, started["ImportArn"])
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (4, 3, 1)
    # Uncompressed bytes, the same for a gzipped and a plain source.
    assert done["ProcessedSizeBytes"] == len(body_good) + len(body_bad)
    assert [i["pk"]["S"] for i in _scan(ddb, "Imported")] == ["a", "a", "x"]
    assert _scan(ddb, "Imported")[0]["b"] == {"B": b"\x00\x01"}
    (event,) = _error_log(cloud, done)
    assert event["itemS3Pointer"] == {"bucket": "lake", "key": "json/bad.json", "itemIndex": 1}


def test_export_then_import_round_trip() -> None:
    cloud, ddb, _ = _cloud()
    _put(
        ddb, "a", 1, blob={"B": b"\x00\xff"}, n={"NS": ["1", "2.5"]}, m={"M": {"x": {"BOOL": True}}}
    )
    _put(
        ddb,
        "a",
        2,
        s={"SS": ["p", "q"]},
        bs={"BS": [b"\x01"]},
        l={"L": [{"N": "3"}, {"NULL": True}]},
    )
    _put(ddb, "b", 7, empty={"S": ""})
    started = _export(ddb, S3Prefix="backup")
    cloud.clock.advance(EXPORT_DURATION)
    export_id = started["ExportArn"].rsplit("/", 1)[1]
    imported = _import(
        ddb, f"backup/AWSDynamoDB/{export_id}/data/", table="Restored", InputCompressionType="GZIP"
    )
    done = _finished(cloud, ddb, imported["ImportArn"])
    assert done["ImportStatus"] == "COMPLETED"
    assert _scan(ddb, "Restored") == _scan(ddb)


def test_import_refusals_and_s3_failures() -> None:
    cloud, ddb, _ = _cloud()
    assert _error(_import, ddb, "x/", table="Orders") == (
        "ResourceInUseException",
        "Table already exists: Orders",
    )
    missing = ddb.import_table(
        S3BucketSource={"S3Bucket": "nowhere"},
        InputFormat="CSV",
        TableCreationParameters={
            "TableName": "Ghost",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )["ImportTableDescription"]
    assert missing["ImportStatus"] == "IN_PROGRESS"
    assert missing["InputCompressionType"] == "NONE"
    cloud.clock.advance(FAILURE_DELAY)
    failed = ddb.describe_import(ImportArn=missing["ImportArn"])["ImportTableDescription"]
    assert failed["FailureCode"] == "S3NoSuchBucket"
    assert failed["ProcessedItemCount"] == failed["ErrorCount"] == 0
    assert "Ghost" not in ddb.list_tables()["TableNames"]  # no table when the bucket is missing
    empty = _import(ddb, "nothing-here/", table="Empty")
    done = _finished(cloud, ddb, empty["ImportArn"])
    assert done["ImportStatus"] == "COMPLETED"
    assert ddb.describe_table(TableName="Empty")["Table"]["TableId"] == done["TableId"]


@pytest.mark.parametrize(
    ("params", "code", "fragment"),
    [
        (
            {"InputFormatOptions": {"Csv": {"Delimiter": ","}}},
            "ValidationException",
            "InputFormatOptions",
        ),
        ({"InputFormat": "NOT_A_FORMAT"}, "ValidationException", "inputFormat"),
        ({"InputCompressionType": "BZIP2"}, "ValidationException", "inputCompressionType"),
        ({"ClientToken": "has$dollar"}, "ValidationException", "clientToken"),
        ({"InputFormat": "ION"}, "NotSupportedByEmulator", "ION"),
        ({"InputCompressionType": "ZSTD"}, "NotSupportedByEmulator", "ZSTD"),
    ],
)
def test_import_refuses_bad_and_unsupported_requests(
    params: dict[str, Any], code: str, fragment: str
) -> None:
    _, ddb, _ = _cloud()
    got_code, message = _error(_import, ddb, "x/", **params)
    assert (got_code, fragment in message) == (code, True)
    assert "Imported" not in ddb.list_tables()["TableNames"]


def test_import_checks_table_creation_parameters_through_create_table() -> None:
    _, ddb, _ = _cloud()
    code, message = _error(
        _import,
        ddb,
        "x/",
        TableCreationParameters={
            "TableName": "Bad",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "other", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    assert code == "ValidationException"
    assert "AttributeDefinitions" in message
    assert ddb.list_imports()["ImportSummaryList"] == []


def test_import_client_token_while_running_and_after() -> None:
    cloud, ddb, s3 = _cloud()
    _upload(s3, "t/1.json", json.dumps({"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}}))
    first = _import(ddb, "t/", ClientToken="load-1")
    # Running: the same token answers the same import, whatever else changed...
    again = _import(ddb, "other/", ClientToken="load-1", InputCompressionType="GZIP")
    assert again["ImportArn"] == first["ImportArn"]
    assert again["S3BucketSource"]["S3KeyPrefix"] == "t/"
    # ...except the table.
    code, message = _error(_import, ddb, "t/", table="Elsewhere", ClientToken="load-1")
    assert (code, message) == (
        "ImportConflictException",
        "Duplicate request detected with conflicting parameters",
    )
    _finished(cloud, ddb, first["ImportArn"])
    # Ended: its table exists, and that is refused first.
    assert _error(_import, ddb, "t/", ClientToken="load-1")[0] == "ResourceInUseException"


def test_describe_and_list_imports() -> None:
    cloud, ddb, s3 = _cloud()
    _upload(s3, "t/1.json", json.dumps({"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}}))
    arns = [_import(ddb, "t/", table=f"Copy{n}")["ImportArn"] for n in range(3)]
    summaries = ddb.list_imports()["ImportSummaryList"]
    assert [s["ImportArn"] for s in summaries] == sorted(arns, reverse=True)
    assert set(summaries[0]) == {
        "ImportArn",
        "ImportStatus",
        "TableArn",
        "S3BucketSource",
        "CloudWatchLogGroupArn",
        "InputFormat",
        "StartTime",
    }
    cloud.clock.advance(IMPORT_DURATION)
    assert "EndTime" in ddb.list_imports()["ImportSummaryList"][0]
    filtered = ddb.list_imports(TableArn=f"{ARN}/Copy1")["ImportSummaryList"]
    assert [s["ImportArn"] for s in filtered] == [arns[1]]
    page = ddb.list_imports(PageSize=1)
    rest = ddb.list_imports(PageSize=2, NextToken=page["NextToken"])
    assert [
        s["ImportArn"] for s in page["ImportSummaryList"] + rest["ImportSummaryList"]
    ] == sorted(arns, reverse=True)
    assert "NextToken" not in rest
    assert _error(ddb.list_imports, PageSize=26)[0] == "ValidationException"
    assert _error(ddb.list_imports, NextToken="0" * 112)[0] == "ValidationException"
    assert _error(ddb.describe_import, ImportArn=f"{ARN}/x/import/01658528578619-c4d4e311")[
        1
    ].startswith("Invalid Import ARN")
    unknown = f"{ARN}/Copy1/import/01658528578619-0badf00d"
    assert _error(ddb.describe_import, ImportArn=unknown)[0] == "ImportNotFoundException"


def test_import_limits_and_a_table_being_imported() -> None:
    cloud, ddb, s3 = _cloud()
    backend = cast(DynamoDBBackend, cloud.backend("dynamodb"))
    for n in range(imports.IMPORTS_CONCURRENT):
        _import(ddb, "none/", table=f"Table{n}")
    assert _error(_import, ddb, "none/", table="One-too-many")[0] == "LimitExceededException"
    with pytest.raises(Exception, match="being imported"):
        imports.table_deleting(backend, backend.tables["Table0"])
    cloud.clock.advance(IMPORT_DURATION)
    imports.table_deleting(backend, backend.tables["Table0"])
    for n in range(imports.OBJECTS_PER_IMPORT + 1):
        s3.put_object(Bucket="lake", Key=f"many/{n:05d}", Body=b"")
    assert _error(_import, ddb, "many/", table="Many")[0] == "LimitExceededException"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"Item": ', "Unable to parse the line as JSON"),
        ('{"NotAnItem": {}}', "not a DynamoDB JSON item"),
        ('{"Item": {"a": {"S": "x", "N": "1"}}}', "more than one datatypes"),
        ('{"Item": {"a": {"N": 5}}}', "Numbers must be sent as strings"),
        ('{"Item": {"a": {"B": "not base64!"}}}', "not base64"),
        ('{"Item": {"": {"S": "v"}}}', "attribute name is empty"),
        ('{"Item": {"a": {"SS": []}}}', "may not be empty"),
    ],
)
def test_dynamodb_json_reader_names_each_bad_line(line: str, message: str) -> None:
    with pytest.raises(formats.ItemError, match=message):
        list(formats.dynamodb_json_items(f'{{"Item": {{"a": {{"S": "ok"}}}}}}\n{line}\n'))


def test_readers_decode_values_and_csv_shapes() -> None:
    line = json.dumps(
        {"Item": {"a": {"N": "01.50"}, "b": {"BS": ["AA=="]}, "s": {"S": "x\u2028y"}}}
    )
    assert list(formats.dynamodb_json_items(line)) == [
        {"a": {"N": "1.5"}, "b": {"BS": [b"\x00"]}, "s": {"S": "x\u2028y"}}
    ]
    rows = formats.csv_items("k|n|b\n1|2|AQ==\n", delimiter="|", key_types={"k": "N", "b": "B"})
    assert list(rows) == [{"k": {"N": "1"}, "n": {"S": "2"}, "b": {"B": b"\x01"}}]
    with pytest.raises(formats.ItemError, match="3 columns but the header has 2"):
        list(formats.csv_items("a,b\n1,2,3\n"))
    with pytest.raises(formats.ItemError, match="could not be decompressed"):
        formats.decompress(b"plain text", "GZIP")


# -- state -----------------------------------------------------------------------------
def test_snapshot_and_load_carry_running_and_ended_jobs() -> None:
    cloud, ddb, s3 = _cloud()
    _put(ddb, "a", 1)
    _upload(s3, "t/1.json", json.dumps({"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}}))
    done_export = _export(ddb, S3Prefix="done")["ExportArn"]
    done_import = _import(ddb, "t/", table="Done")["ImportArn"]
    cloud.clock.advance(EXPORT_DURATION)
    running_export = _export(ddb, S3Prefix="running")["ExportArn"]
    running_import = _import(ddb, "t/", table="Running")["ImportArn"]
    backend = cast(DynamoDBBackend, cloud.backend("dynamodb"))
    state = json.loads(
        json.dumps({"exports": exports.snapshot(backend), "imports": imports.snapshot(backend)})
    )
    before = (_describe(ddb, done_export), ddb.describe_import(ImportArn=done_import))
    copy = Cloud.restore(cloud.snapshot())
    copy_backend = cast(DynamoDBBackend, copy.backend("dynamodb"))
    exports.load(copy_backend, state["exports"])
    imports.load(copy_backend, state["imports"])
    copy_ddb = copy.client("dynamodb")
    assert _describe(copy_ddb, done_export) == before[0]
    assert (
        copy_ddb.describe_import(ImportArn=done_import)["ImportTableDescription"]
        == before[1]["ImportTableDescription"]
    )
    assert _describe(copy_ddb, running_export)["ExportStatus"] == "IN_PROGRESS"
    copy.clock.advance(EXPORT_DURATION)  # the loaded jobs were scheduled again
    assert _describe(copy_ddb, running_export)["ExportStatus"] == "COMPLETED"
    assert (
        copy_ddb.describe_import(ImportArn=running_import)["ImportTableDescription"]["ImportStatus"]
        == "COMPLETED"
    )
    assert _scan(copy_ddb, "Running") == [{"pk": {"S": "a"}, "sk": {"N": "1"}}]
    assert any(
        k.startswith("running/") and k.endswith("manifest-summary.json")
        for k in _objects(copy.client("s3"))
    )
