"""PutObject and GetObject: bodies, ETags, metadata, AWS's size limits, digests, refusals."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import zlib
from pathlib import Path
from typing import Any

import pytest

from emulator import Cloud


def test_an_object_comes_back_as_it_was_put(cloud: Cloud, s3: Any, bucket: str) -> None:
    put = s3.put_object(
        Bucket=bucket,
        Key="photos/cat.jpg",
        Body=b"\x00\xffmeow",
        ContentType="image/jpeg",
        Metadata={"Camera": "X100", "taken-by": "ada"},
        CacheControl="max-age=60",
        ContentDisposition="inline",
    )
    assert put["ETag"] == '"' + hashlib.md5(b"\x00\xffmeow").hexdigest() + '"'
    assert put["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="photos/cat.jpg")
    assert got["Body"].read() == b"\x00\xffmeow"
    assert got["ContentLength"] == 6
    assert got["ContentType"] == "image/jpeg"
    assert got["ETag"] == put["ETag"]
    # S3 keeps metadata keys in lower case, as HTTP headers are.
    assert got["Metadata"] == {"camera": "X100", "taken-by": "ada"}
    assert got["CacheControl"] == "max-age=60"
    assert got["ContentDisposition"] == "inline"
    assert got["AcceptRanges"] == "bytes"
    assert got["LastModified"] == dt.datetime.fromtimestamp(cloud.clock.now(), dt.UTC)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "ContentRange" not in got


def test_without_a_content_type_s3_says_binary(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="blob", Body=b"1")
    assert s3.get_object(Bucket=bucket, Key="blob")["ContentType"] == "binary/octet-stream"


@pytest.mark.parametrize(
    ("body", "stored"),
    [
        (b"bytes", b"bytes"),
        (bytearray(b"array"), b"array"),
        ("text é", "text é".encode()),
        (io.BytesIO(b"from a file"), b"from a file"),
        (None, b""),
    ],
)
def test_a_body_may_be_bytes_text_or_a_file(s3: Any, bucket: str, body: Any, stored: bytes) -> None:
    params = {"Bucket": bucket, "Key": "k"}
    if body is not None:
        params["Body"] = body
    s3.put_object(**params)
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == stored
    assert got["ContentLength"] == len(stored)


def test_a_put_replaces_the_object_and_its_time(cloud: Cloud, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"old", Metadata={"v": "1"})
    cloud.clock.advance(3600)
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"new"
    assert got["Metadata"] == {}
    assert got["LastModified"] == dt.datetime.fromtimestamp(cloud.clock.now(), dt.UTC)


def test_reading_what_is_not_there(s3: Any, bucket: str, failure: Any) -> None:
    response = failure(s3.get_object, Bucket=bucket, Key="nope/cat.jpg")
    assert response["Error"] == {
        "Code": "NoSuchKey",
        "Message": "The specified key does not exist.",
        "Key": "nope/cat.jpg",
    }
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    response = failure(s3.get_object, Bucket="absent", Key="k")
    assert response["Error"]["Code"] == "NoSuchBucket"
    assert response["Error"]["BucketName"] == "absent"
    response = failure(s3.put_object, Bucket="absent", Key="k", Body=b"")
    assert response["Error"]["Code"] == "NoSuchBucket"


def test_the_exception_classes_are_named_after_the_codes(s3: Any, bucket: str) -> None:
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=bucket, Key="nope")
    with pytest.raises(s3.exceptions.NoSuchBucket):
        s3.get_object(Bucket="absent", Key="nope")


def test_a_version_id_other_than_null_is_invalid(s3: Any, bucket: str, failure: Any) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"1"
    response = failure(s3.get_object, Bucket=bucket, Key="k", VersionId="3HL4kqtJlcpXroDTDmJ")
    assert response["Error"]["Code"] == "InvalidArgument"
    assert response["Error"]["Message"] == "Invalid version id specified"
    assert response["Error"]["ArgumentName"] == "versionId"


# -- AWS's limits ---------------------------------------------------------------------
def test_a_key_of_1024_utf8_bytes_fits_and_one_more_does_not(
    s3: Any, bucket: str, failure: Any
) -> None:
    s3.put_object(Bucket=bucket, Key="é" * 512, Body=b"")
    response = failure(s3.put_object, Bucket=bucket, Key="é" * 512 + "a", Body=b"")
    assert response["Error"] == {
        "Code": "KeyTooLongError",
        "Message": "Your key is too long",
        "Size": "1025",
        "MaxSizeAllowed": "1024",
    }
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_user_metadata_is_limited_to_2_kb(s3: Any, bucket: str, failure: Any) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"", Metadata={"a": "x" * 2047})
    response = failure(s3.put_object, Bucket=bucket, Key="k", Body=b"", Metadata={"ab": "x" * 2047})
    assert response["Error"]["Code"] == "MetadataTooLarge"
    assert response["Error"]["Size"] == "2049"
    assert response["Error"]["MaxSizeAllowed"] == "2048"


def test_a_single_put_over_5_gb_is_too_large(
    s3: Any, bucket: str, failure: Any, tmp_path: Path
) -> None:
    huge = tmp_path / "huge.bin"
    with huge.open("wb") as handle:
        handle.truncate(5 * 1024**3 + 1)  # sparse: nothing is written or read
    with huge.open("rb") as body:
        response = failure(s3.put_object, Bucket=bucket, Key="huge", Body=body)
    assert response["Error"] == {
        "Code": "EntityTooLarge",
        "Message": "Your proposed upload exceeds the maximum allowed size",
        "ProposedSize": str(5 * 1024**3 + 1),
        "MaxSizeAllowed": "5368709120",
    }
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_content_length_that_is_not_the_body_is_incomplete(
    s3: Any, bucket: str, failure: Any
) -> None:
    response = failure(s3.put_object, Bucket=bucket, Key="k", Body=b"abc", ContentLength=5)
    assert response["Error"]["Code"] == "IncompleteBody"


# -- digests and checksums ------------------------------------------------------------
def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def test_content_md5_is_checked(s3: Any, bucket: str, failure: Any) -> None:
    body = b"payload"
    good = _b64(hashlib.md5(body).digest())
    s3.put_object(Bucket=bucket, Key="k", Body=body, ContentMD5=good)
    wrong = _b64(hashlib.md5(b"other").digest())
    response = failure(s3.put_object, Bucket=bucket, Key="k", Body=body, ContentMD5=wrong)
    assert response["Error"]["Code"] == "BadDigest"
    assert response["Error"]["Message"] == (
        "The Content-MD5 you specified did not match what we received."
    )
    response = failure(s3.put_object, Bucket=bucket, Key="k", Body=body, ContentMD5="nope")
    assert response["Error"]["Code"] == "InvalidDigest"


def test_a_checksum_is_verified_kept_and_returned_when_asked(
    s3: Any, bucket: str, failure: Any
) -> None:
    body = b"checked"
    crc = _b64(zlib.crc32(body).to_bytes(4, "big"))
    put = s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumCRC32=crc)
    assert put["ChecksumCRC32"] == crc
    assert put["ChecksumType"] == "FULL_OBJECT"
    plain = s3.get_object(Bucket=bucket, Key="k")
    assert "ChecksumCRC32" not in plain
    enabled = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert enabled["ChecksumCRC32"] == crc
    # A checksum covers the whole object, so a range comes without it.
    part = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED", Range="bytes=0-1")
    assert "ChecksumCRC32" not in part
    response = failure(s3.put_object, Bucket=bucket, Key="k", Body=b"changed", ChecksumCRC32=crc)
    assert response["Error"]["Code"] == "BadDigest"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_checksum_algorithm_alone_has_s3_compute_it(s3: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"abc", ChecksumAlgorithm="SHA256")
    assert put["ChecksumSHA256"] == _b64(hashlib.sha256(b"abc").digest())


def test_checksums_the_emulator_cannot_compute_are_refused(
    s3: Any, bucket: str, failure: Any
) -> None:
    response = failure(s3.put_object, Bucket=bucket, Key="k", Body=b"x", ChecksumCRC32C="AAAAAA==")
    assert response["Error"]["Code"] == "NotSupportedByEmulator"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501


# -- conditional writes ---------------------------------------------------------------
def test_if_none_match_star_only_creates(s3: Any, bucket: str, failure: Any) -> None:
    s3.put_object(Bucket=bucket, Key="once", Body=b"1", IfNoneMatch="*")
    response = failure(s3.put_object, Bucket=bucket, Key="once", Body=b"2", IfNoneMatch="*")
    assert response["Error"]["Code"] == "PreconditionFailed"
    assert response["Error"]["Condition"] == "If-None-Match"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"1"


def test_if_match_writes_only_over_the_etag_named(s3: Any, bucket: str, failure: Any) -> None:
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["ETag"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"2", IfMatch=first)
    response = failure(s3.put_object, Bucket=bucket, Key="k", Body=b"3", IfMatch=first)
    assert response["Error"]["Code"] == "PreconditionFailed"
    assert response["Error"]["Condition"] == "If-Match"
    missing = failure(s3.put_object, Bucket=bucket, Key="new", Body=b"", IfMatch=first)
    assert missing["Error"]["Code"] == "NoSuchKey"


# -- what is refused ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"ACL": "public-read"}, "PutObject with ACL"),
        ({"Tagging": "a=b"}, "PutObject with Tagging"),
        ({"SSEKMSKeyId": "alias/mine"}, "PutObject with SSEKMSKeyId"),
        ({"ServerSideEncryption": "aws:kms"}, "ServerSideEncryption=aws:kms"),
        ({"StorageClass": "GLACIER"}, "The GLACIER storage class"),
        ({"ObjectLockMode": "GOVERNANCE"}, "PutObject with ObjectLockMode"),
    ],
)
def test_what_the_emulator_does_not_do_is_refused_not_ignored(
    s3: Any, bucket: str, failure: Any, params: dict[str, Any], what: str
) -> None:
    response = failure(s3.put_object, Bucket=bucket, Key="k", Body=b"", **params)
    assert response["Error"]["Code"] == "NotSupportedByEmulator"
    assert response["Error"]["Message"].startswith(what)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert failure(s3.get_object, Bucket=bucket, Key="k")["Error"]["Code"] == "NoSuchKey"


def test_the_defaults_s3_applies_anyway_are_accepted(s3: Any, bucket: str) -> None:
    s3.put_object(
        Bucket=bucket, Key="k", Body=b"", StorageClass="STANDARD", ServerSideEncryption="AES256"
    )


def test_an_unknown_storage_class_is_invalid(s3: Any, bucket: str, failure: Any) -> None:
    response = failure(s3.put_object, Bucket=bucket, Key="k", Body=b"", StorageClass="COLD")
    assert response["Error"]["Code"] == "InvalidStorageClass"
    assert response["Error"]["Message"] == "The storage class you specified is not valid"


def test_parameters_s3_does_not_have_or_needs_are_validation_errors(
    s3: Any, bucket: str, failure: Any
) -> None:
    response = failure(s3.put_object, Bucket=bucket, Key="k", Bodyy=b"")
    assert response["Error"]["Code"] == "ValidationException"
    assert 'Unknown parameter in input: "Bodyy"' in response["Error"]["Message"]
    response = failure(s3.put_object, Bucket=bucket, Body=b"")
    assert 'Missing required parameter in input: "Key"' in response["Error"]["Message"]
