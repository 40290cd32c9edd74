"""DeleteObject (idempotent, 204) and DeleteObjects (up to 1,000 keys, per-key errors)."""

from __future__ import annotations

from typing import Any

import pytest


def test_delete_object_answers_204_whether_or_not_the_key_was_there(
    s3: Any, bucket: str, failure: Any
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    first = s3.delete_object(Bucket=bucket, Key="k")
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "DeleteMarker" not in first
    assert failure(s3.get_object, Bucket=bucket, Key="k")["Error"]["Code"] == "NoSuchKey"
    again = s3.delete_object(Bucket=bucket, Key="k")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_object_in_a_missing_bucket(s3: Any, failure: Any) -> None:
    response = failure(s3.delete_object, Bucket="absent", Key="k")
    assert response["Error"]["Code"] == "NoSuchBucket"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_delete_object_refuses_versioning_it_cannot_do(s3: Any, bucket: str, failure: Any) -> None:
    s3.delete_object(Bucket=bucket, Key="k", VersionId="null")
    assert failure(s3.delete_object, Bucket=bucket, Key="k", VersionId="v2")["Error"]["Code"] == (
        "InvalidArgument"
    )
    refused = failure(s3.delete_object, Bucket=bucket, Key="k", MFA="serial 123456")
    assert refused["Error"]["Code"] == "NotSupportedByEmulator"


def test_delete_objects_reports_each_key(s3: Any, bucket: str) -> None:
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    answer = s3.delete_objects(
        Bucket=bucket,
        Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "never-was"}]},
    )
    assert answer["Deleted"] == [{"Key": "a"}, {"Key": "b"}, {"Key": "never-was"}]
    assert "Errors" not in answer
    remaining = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [o["Key"] for o in remaining] == ["c"]


def test_quiet_mode_reports_only_errors(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    answer = s3.delete_objects(
        Bucket=bucket,
        Delete={"Objects": [{"Key": "a"}, {"Key": "b", "VersionId": "v7"}], "Quiet": True},
    )
    assert "Deleted" not in answer
    assert answer["Errors"] == [
        {
            "Key": "b",
            "VersionId": "v7",
            "Code": "NoSuchVersion",
            "Message": "The specified version does not exist.",
        }
    ]


@pytest.mark.parametrize("count", [0, 1001])
def test_an_empty_list_or_more_than_1000_keys_is_malformed(
    s3: Any, bucket: str, failure: Any, count: int
) -> None:
    objects = [{"Key": f"k{n}"} for n in range(count)]
    response = failure(s3.delete_objects, Bucket=bucket, Delete={"Objects": objects})
    assert response["Error"]["Code"] == "MalformedXML"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_delete_objects_takes_exactly_1000(s3: Any, bucket: str) -> None:
    objects = [{"Key": f"k{n:04d}"} for n in range(1000)]
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    assert answer == {"ResponseMetadata": answer["ResponseMetadata"]}


def test_delete_objects_in_a_missing_bucket(s3: Any, failure: Any) -> None:
    response = failure(s3.delete_objects, Bucket="absent", Delete={"Objects": [{"Key": "a"}]})
    assert response["Error"]["Code"] == "NoSuchBucket"
