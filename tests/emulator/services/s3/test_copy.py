"""CopyObject: metadata copied or replaced, copying onto itself, sources and preconditions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from emulator import Cloud


@pytest.fixture
def original(s3: Any, bucket: str) -> str:
    s3.create_bucket(Bucket="backup")
    return str(
        s3.put_object(
            Bucket=bucket,
            Key="docs/report one.pdf",
            Body=b"%PDF",
            ContentType="application/pdf",
            Metadata={"author": "ada"},
        )["ETag"]
    )


def test_a_copy_keeps_the_body_and_metadata_with_a_new_time(
    cloud: Cloud, s3: Any, bucket: str, original: str
) -> None:
    cloud.clock.advance(60)
    answer = s3.copy_object(
        Bucket="backup", Key="copy.pdf", CopySource=f"{bucket}/docs/report one.pdf"
    )
    result = answer["CopyObjectResult"]
    assert result["ETag"] == original
    assert result["LastModified"] == dt.datetime.fromtimestamp(cloud.clock.now(), dt.UTC)
    assert answer["ServerSideEncryption"] == "AES256"
    copy = s3.get_object(Bucket="backup", Key="copy.pdf")
    assert copy["Body"].read() == b"%PDF"
    assert copy["ContentType"] == "application/pdf"
    assert copy["Metadata"] == {"author": "ada"}


@pytest.mark.parametrize(
    "source",
    [
        "media/docs/report%20one.pdf",
        "/media/docs/report%20one.pdf",
        "media/docs/report one.pdf?versionId=null",
        {"Bucket": "media", "Key": "docs/report one.pdf"},
    ],
)
def test_the_source_is_written_as_boto3_takes_it(s3: Any, original: str, source: Any) -> None:
    s3.copy_object(Bucket="backup", Key="c", CopySource=source)
    assert s3.get_object(Bucket="backup", Key="c")["ETag"] == original


def test_replace_sets_new_metadata(s3: Any, bucket: str, original: str) -> None:
    s3.copy_object(
        Bucket="backup",
        Key="c",
        CopySource={"Bucket": bucket, "Key": "docs/report one.pdf"},
        MetadataDirective="REPLACE",
        ContentType="application/x-pdf",
        Metadata={"reviewed": "yes"},
    )
    copy = s3.head_object(Bucket="backup", Key="c")
    assert copy["ContentType"] == "application/x-pdf"
    assert copy["Metadata"] == {"reviewed": "yes"}


def test_copying_onto_itself_needs_a_change(
    s3: Any, bucket: str, original: str, failure: Any
) -> None:
    source = {"Bucket": bucket, "Key": "docs/report one.pdf"}
    response = failure(s3.copy_object, Bucket=bucket, Key="docs/report one.pdf", CopySource=source)
    assert response["Error"]["Code"] == "InvalidRequest"
    assert response["Error"]["Message"].startswith(
        "This copy request is illegal because it is trying to copy an object to itself"
    )
    s3.copy_object(
        Bucket=bucket,
        Key="docs/report one.pdf",
        CopySource=source,
        MetadataDirective="REPLACE",
        Metadata={"author": "grace"},
    )
    assert s3.head_object(Bucket=bucket, Key="docs/report one.pdf")["Metadata"] == {
        "author": "grace"
    }


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"CopySource": "media/absent"}, "NoSuchKey"),
        ({"CopySource": "absent/key"}, "NoSuchBucket"),
        ({"CopySource": "media/docs/report one.pdf", "Bucket": "absent"}, "NoSuchBucket"),
        ({"CopySource": "media"}, "InvalidArgument"),
        ({"CopySource": "media/docs/report one.pdf?versionId=v2"}, "InvalidArgument"),
        (
            {"CopySource": "media/docs/report one.pdf", "MetadataDirective": "MERGE"},
            "InvalidArgument",
        ),
        (
            {"CopySource": "media/docs/report one.pdf", "TaggingDirective": "REPLACE"},
            "NotSupportedByEmulator",
        ),
    ],
)
def test_copy_failures(
    s3: Any, original: str, failure: Any, params: dict[str, Any], code: str
) -> None:
    request = {"Bucket": "backup", "Key": "c", **params}
    assert failure(s3.copy_object, **request)["Error"]["Code"] == code


def test_copy_source_preconditions_fail_with_412(
    cloud: Cloud, s3: Any, bucket: str, original: str, failure: Any
) -> None:
    source = f"{bucket}/docs/report one.pdf"
    s3.copy_object(Bucket="backup", Key="c", CopySource=source, CopySourceIfMatch=original)
    stored = dt.datetime.fromtimestamp(cloud.clock.now(), dt.UTC)
    cases = [
        ({"CopySourceIfMatch": '"0"'}, "x-amz-copy-source-If-Match"),
        ({"CopySourceIfNoneMatch": original}, "x-amz-copy-source-If-None-Match"),
        ({"CopySourceIfModifiedSince": stored}, "x-amz-copy-source-If-Modified-Since"),
        (
            {"CopySourceIfUnmodifiedSince": stored - dt.timedelta(seconds=1)},
            "x-amz-copy-source-If-Unmodified-Since",
        ),
    ]
    for condition, header in cases:
        response = failure(s3.copy_object, Bucket="backup", Key="c", CopySource=source, **condition)
        assert response["Error"]["Code"] == "PreconditionFailed"
        assert response["Error"]["Condition"] == header
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 412
