"""GetObject and HeadObject: byte ranges, conditional reads, and HEAD's bodiless errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from emulator import Cloud

BODY = b"0123456789"


@pytest.fixture
def digits(s3: Any, bucket: str) -> str:
    return str(
        s3.put_object(Bucket=bucket, Key="digits", Body=BODY, ContentType="text/plain")["ETag"]
    )


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=2-5", 2, 5),
        ("bytes=7-", 7, 9),
        ("bytes=-3", 7, 9),
        ("bytes=-50", 0, 9),
        ("bytes=4-400", 4, 9),
        ("bytes=9-9", 9, 9),
    ],
)
def test_a_range_returns_those_bytes_with_206(
    s3: Any, bucket: str, digits: str, header: str, first: int, last: int
) -> None:
    got = s3.get_object(Bucket=bucket, Key="digits", Range=header)
    assert got["Body"].read() == BODY[first : last + 1]
    assert got["ContentLength"] == last - first + 1
    assert got["ContentRange"] == f"bytes {first}-{last}/10"
    assert got["ETag"] == digits
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206


@pytest.mark.parametrize("header", ["bytes=10-", "bytes=10-20", "bytes=-0"])
def test_a_range_past_the_end_is_not_satisfiable(
    s3: Any, bucket: str, digits: str, failure: Any, header: str
) -> None:
    response = failure(s3.get_object, Bucket=bucket, Key="digits", Range=header)
    assert response["Error"] == {
        "Code": "InvalidRange",
        "Message": "The requested range is not satisfiable",
        "RangeRequested": header,
        "ActualObjectSize": "10",
    }
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 416


@pytest.mark.parametrize("header", ["bytes=5-2", "bytes=a-b", "items=0-1", "bytes=", "0-1"])
def test_a_header_that_is_no_byte_range_is_ignored(
    s3: Any, bucket: str, digits: str, header: str
) -> None:
    got = s3.get_object(Bucket=bucket, Key="digits", Range=header)
    assert got["Body"].read() == BODY
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_several_ranges_at_once_are_refused(
    s3: Any, bucket: str, digits: str, failure: Any
) -> None:
    response = failure(s3.get_object, Bucket=bucket, Key="digits", Range="bytes=0-1,4-5")
    assert response["Error"]["Code"] == "NotSupportedByEmulator"


def test_response_overrides_change_the_headers_sent(s3: Any, bucket: str, digits: str) -> None:
    got = s3.get_object(
        Bucket=bucket,
        Key="digits",
        ResponseContentType="application/octet-stream",
        ResponseContentDisposition="attachment; filename=d.txt",
    )
    assert got["ContentType"] == "application/octet-stream"
    assert got["ContentDisposition"] == "attachment; filename=d.txt"
    assert s3.head_object(Bucket=bucket, Key="digits")["ContentType"] == "text/plain"


# -- conditional reads ----------------------------------------------------------------
def test_if_match_and_if_none_match(s3: Any, bucket: str, digits: str, failure: Any) -> None:
    assert s3.get_object(Bucket=bucket, Key="digits", IfMatch=digits)["Body"].read() == BODY
    assert s3.get_object(Bucket=bucket, Key="digits", IfMatch="*")["ContentLength"] == 10
    stale = failure(s3.get_object, Bucket=bucket, Key="digits", IfMatch='"0000"')
    assert stale["Error"]["Code"] == "PreconditionFailed"
    assert stale["Error"]["Condition"] == "If-Match"
    assert stale["ResponseMetadata"]["HTTPStatusCode"] == 412
    same = failure(s3.get_object, Bucket=bucket, Key="digits", IfNoneMatch=digits)
    assert same["Error"] == {"Code": "304", "Message": "Not Modified"}
    assert same["ResponseMetadata"]["HTTPStatusCode"] == 304
    other = s3.get_object(Bucket=bucket, Key="digits", IfNoneMatch='"0000"')
    assert other["Body"].read() == BODY


def test_if_modified_since_and_if_unmodified_since(
    cloud: Cloud, s3: Any, bucket: str, digits: str, failure: Any
) -> None:
    stored = dt.datetime.fromtimestamp(cloud.clock.now(), dt.UTC)
    hour = dt.timedelta(hours=1)
    assert s3.get_object(Bucket=bucket, Key="digits", IfModifiedSince=stored - hour)
    unchanged = failure(s3.get_object, Bucket=bucket, Key="digits", IfModifiedSince=stored)
    assert unchanged["Error"]["Code"] == "304"
    assert s3.get_object(Bucket=bucket, Key="digits", IfUnmodifiedSince=stored)
    changed = failure(s3.get_object, Bucket=bucket, Key="digits", IfUnmodifiedSince=stored - hour)
    assert changed["Error"]["Code"] == "PreconditionFailed"
    assert changed["Error"]["Condition"] == "If-Unmodified-Since"


def test_if_match_outranks_if_unmodified_since(
    cloud: Cloud, s3: Any, bucket: str, digits: str
) -> None:
    # AWS: If-Match true and If-Unmodified-Since false answer 200 with the data.
    before = dt.datetime.fromtimestamp(cloud.clock.now() - 3600, dt.UTC)
    got = s3.get_object(Bucket=bucket, Key="digits", IfMatch=digits, IfUnmodifiedSince=before)
    assert got["Body"].read() == BODY


# -- HeadObject -----------------------------------------------------------------------
def test_head_object_describes_without_a_body(s3: Any, bucket: str, digits: str) -> None:
    s3.put_object(Bucket=bucket, Key="meta", Body=b"abc", Metadata={"Owner": "ada"})
    head = s3.head_object(Bucket=bucket, Key="meta")
    assert "Body" not in head
    assert head["ContentLength"] == 3
    assert head["Metadata"] == {"owner": "ada"}
    assert head["ContentType"] == "binary/octet-stream"
    ranged = s3.head_object(Bucket=bucket, Key="digits", Range="bytes=0-3")
    assert ranged["ContentLength"] == 4
    assert ranged["ContentRange"] == "bytes 0-3/10"
    assert ranged["ResponseMetadata"]["HTTPStatusCode"] == 206


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"Key": "absent"}, 404, "Not Found"),
        ({"Key": "digits", "IfMatch": '"0"'}, 412, "Precondition Failed"),
        ({"Key": "digits", "Range": "bytes=99-"}, 416, "Requested Range Not Satisfiable"),
        ({"Key": "digits", "IfNoneMatch": "*"}, 304, "Not Modified"),
    ],
)
def test_head_object_errors_are_a_status_and_nothing_else(
    s3: Any,
    bucket: str,
    digits: str,
    failure: Any,
    params: dict[str, Any],
    status: int,
    message: str,
) -> None:
    response = failure(s3.head_object, Bucket=bucket, **params)
    assert response["Error"] == {"Code": str(status), "Message": message}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_head_object_in_a_missing_bucket_is_404(s3: Any, failure: Any) -> None:
    response = failure(s3.head_object, Bucket="absent", Key="k")
    assert response["Error"] == {"Code": "404", "Message": "Not Found"}
