"""Buckets: AWS's naming rules, Regions and location constraints, one namespace, listing."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest

from emulator import Cloud
from emulator.services.s3.backend import S3Backend


@pytest.mark.parametrize(
    "name",
    ["abc", "a" * 63, "my.bucket-1", "1bucket", "docexamplebucket1", "log-delivery-march-2020"],
)
def test_names_within_the_rules_are_created(s3: Any, name: str) -> None:
    assert s3.create_bucket(Bucket=name)["Location"] == f"/{name}"
    assert s3.head_bucket(Bucket=name)["BucketRegion"] == "us-east-1"


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ab", "between 3 (min) and 63 (max) characters"),
        ("a" * 64, "between 3 (min) and 63 (max) characters"),
        ("My-Bucket", "only of lowercase letters, numbers, periods (.), and hyphens (-)"),
        ("my_bucket", "only of lowercase letters, numbers, periods (.), and hyphens (-)"),
        ("-bucket", "begin and end with a letter or number"),
        ("bucket.", "begin and end with a letter or number"),
        ("my..bucket", "two adjacent periods"),
        ("192.168.5.4", "formatted as an IP address"),
        ("xn--bucket", "prefix xn--"),
        ("sthree-bucket", "prefix sthree-"),
        ("amzn-s3-demo-bucket", "prefix amzn-s3-demo-"),
        ("bucket-s3alias", "suffix -s3alias"),
        ("bucket--ol-s3", "suffix --ol-s3"),
        ("bucket.mrap", "suffix .mrap"),
        ("bucket--x-s3", "suffix --x-s3"),
        ("bucket--table-s3", "suffix --table-s3"),
    ],
)
def test_names_that_break_a_rule_are_invalid(s3: Any, failure: Any, name: str, rule: str) -> None:
    response = failure(s3.create_bucket, Bucket=name)
    error = response["Error"]
    assert error["Code"] == "InvalidBucketName"
    assert error["Message"].startswith("The specified bucket is not valid.")
    assert rule in error["Message"]
    assert error["BucketName"] == name
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert s3.list_buckets()["Buckets"] == []


def test_recreating_your_bucket_in_us_east_1_answers_ok(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="kept", Body=b"x")
    assert s3.create_bucket(Bucket=bucket)["Location"] == "/media"
    assert s3.get_object(Bucket=bucket, Key="kept")["Body"].read() == b"x"


def test_recreating_your_bucket_elsewhere_is_already_owned(cloud: Cloud, failure: Any) -> None:
    s3 = cloud.client("s3", region_name="eu-west-1")
    config = {"LocationConstraint": "eu-west-1"}
    s3.create_bucket(Bucket="euro", CreateBucketConfiguration=config)
    response = failure(s3.create_bucket, Bucket="euro", CreateBucketConfiguration=config)
    assert response["Error"]["Code"] == "BucketAlreadyOwnedByYou"
    assert response["Error"]["BucketName"] == "euro"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 409
    # A us-east-1 client sees the same bucket: names are one namespace for all Regions.
    assert failure(cloud.client("s3").create_bucket, Bucket="euro")["Error"]["Code"] == (
        "BucketAlreadyOwnedByYou"
    )


def test_a_name_another_account_holds_already_exists(cloud: Cloud, s3: Any, failure: Any) -> None:
    cast(S3Backend, cloud.backend("s3")).claim_elsewhere("taken")
    response = failure(s3.create_bucket, Bucket="taken")
    assert response["Error"]["Code"] == "BucketAlreadyExists"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 409
    denied = failure(s3.list_objects_v2, Bucket="taken")
    assert denied["Error"] == {"Code": "AccessDenied", "Message": "Access Denied"}
    assert denied["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert failure(s3.head_bucket, Bucket="taken")["Error"] == {
        "Code": "403",
        "Message": "Forbidden",
    }


@pytest.mark.parametrize(
    ("endpoint", "constraint", "region", "location"),
    [
        ("us-east-1", None, "us-east-1", "/bucket-one"),
        ("us-east-1", "eu-west-1", "eu-west-1", "http://bucket-one.s3.amazonaws.com/"),
        ("us-east-1", "EU", "eu-west-1", "http://bucket-one.s3.amazonaws.com/"),
        ("eu-west-1", "EU", "eu-west-1", "http://bucket-one.s3.amazonaws.com/"),
        ("ap-south-1", "ap-south-1", "ap-south-1", "http://bucket-one.s3.amazonaws.com/"),
    ],
)
def test_a_location_constraint_places_the_bucket(
    cloud: Cloud, endpoint: str, constraint: str | None, region: str, location: str
) -> None:
    s3 = cloud.client("s3", region_name=endpoint)
    params: dict[str, Any] = {"Bucket": "bucket-one"}
    if constraint is not None:
        params["CreateBucketConfiguration"] = {"LocationConstraint": constraint}
    assert s3.create_bucket(**params)["Location"] == location
    assert s3.head_bucket(Bucket="bucket-one")["BucketRegion"] == region
    listed = cloud.client("s3").list_buckets()["Buckets"]
    assert [(b["Name"], b["BucketRegion"]) for b in listed] == [("bucket-one", region)]


@pytest.mark.parametrize(
    ("endpoint", "constraint", "code", "message"),
    [
        (
            "us-east-1",
            "us-east-1",
            "InvalidLocationConstraint",
            "The specified location-constraint is not valid",
        ),
        (
            "us-east-1",
            "mars-north-1",
            "InvalidLocationConstraint",
            "The specified location-constraint is not valid",
        ),
        (
            "eu-west-1",
            None,
            "IllegalLocationConstraintException",
            "The unspecified location constraint is incompatible for the region specific "
            "endpoint this request was sent to.",
        ),
        (
            "eu-west-1",
            "us-west-2",
            "IllegalLocationConstraintException",
            "The us-west-2 location constraint is incompatible for the region specific "
            "endpoint this request was sent to.",
        ),
        (
            "us-west-2",
            "us-east-1",
            "IllegalLocationConstraintException",
            "The us-east-1 location constraint is incompatible for the region specific "
            "endpoint this request was sent to.",
        ),
    ],
)
def test_a_constraint_that_does_not_fit_the_endpoint_is_refused(
    cloud: Cloud, failure: Any, endpoint: str, constraint: str | None, code: str, message: str
) -> None:
    s3 = cloud.client("s3", region_name=endpoint)
    params: dict[str, Any] = {"Bucket": "bucket-two"}
    if constraint is not None:
        params["CreateBucketConfiguration"] = {"LocationConstraint": constraint}
    response = failure(s3.create_bucket, **params)
    assert response["Error"]["Code"] == code
    assert response["Error"]["Message"] == message
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_head_bucket_tells_the_region_and_404s_without_a_body(
    s3: Any, bucket: str, failure: Any
) -> None:
    answer = s3.head_bucket(Bucket=bucket)
    assert answer["BucketRegion"] == "us-east-1"
    assert answer["AccessPointAlias"] is False
    response = failure(s3.head_bucket, Bucket="absent")
    assert response["Error"] == {"Code": "404", "Message": "Not Found"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_an_expected_owner_other_than_the_account_is_denied(
    s3: Any, bucket: str, failure: Any
) -> None:
    assert s3.head_bucket(Bucket=bucket, ExpectedBucketOwner="123456789012")
    response = failure(s3.head_bucket, Bucket=bucket, ExpectedBucketOwner="111122223333")
    assert response["Error"]["Code"] == "403"
    response = failure(
        s3.put_object, Bucket=bucket, Key="k", Body=b"", ExpectedBucketOwner="111122223333"
    )
    assert response["Error"]["Code"] == "AccessDenied"


def test_delete_bucket_needs_it_empty_and_answers_204(s3: Any, bucket: str, failure: Any) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=b"1")
    response = failure(s3.delete_bucket, Bucket=bucket)
    assert response["Error"] == {
        "Code": "BucketNotEmpty",
        "Message": "The bucket you tried to delete is not empty",
        "BucketName": "media",
    }
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 409
    s3.delete_object(Bucket=bucket, Key="a")
    assert s3.delete_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    gone = failure(s3.delete_bucket, Bucket=bucket)
    assert gone["Error"] == {
        "Code": "NoSuchBucket",
        "Message": "The specified bucket does not exist",
        "BucketName": "media",
    }
    assert gone["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_list_buckets_in_name_order_with_creation_times_and_owner(cloud: Cloud, s3: Any) -> None:
    s3.create_bucket(Bucket="zeta")
    cloud.clock.advance(90)
    s3.create_bucket(Bucket="alpha")
    answer = s3.list_buckets()
    assert [b["Name"] for b in answer["Buckets"]] == ["alpha", "zeta"]
    created = {b["Name"]: b["CreationDate"] for b in answer["Buckets"]}
    assert created["alpha"] - created["zeta"] == dt.timedelta(seconds=90)
    assert created["zeta"] == dt.datetime.fromtimestamp(cloud.clock.now() - 90, dt.UTC)
    owner = answer["Owner"]["ID"]
    assert len(owner) == 64
    assert all(c in "0123456789abcdef" for c in owner)
    assert "ContinuationToken" not in answer


def test_list_buckets_pages_filters_by_prefix_and_region(cloud: Cloud, s3: Any) -> None:
    for name in ("logs-a", "logs-b", "logs-c", "media"):
        s3.create_bucket(Bucket=name)
    s3.create_bucket(Bucket="logs-eu", CreateBucketConfiguration={"LocationConstraint": "EU"})
    first = s3.list_buckets(MaxBuckets=2, Prefix="logs-")
    assert [b["Name"] for b in first["Buckets"]] == ["logs-a", "logs-b"]
    assert first["Prefix"] == "logs-"
    rest = s3.list_buckets(
        MaxBuckets=2, Prefix="logs-", ContinuationToken=first["ContinuationToken"]
    )
    assert [b["Name"] for b in rest["Buckets"]] == ["logs-c", "logs-eu"]
    assert "ContinuationToken" not in rest
    european = s3.list_buckets(BucketRegion="eu-west-1")
    assert [b["Name"] for b in european["Buckets"]] == ["logs-eu"]


@pytest.mark.parametrize(
    ("params", "argument"),
    [
        ({"MaxBuckets": 0}, "max-buckets"),
        ({"MaxBuckets": 10_001}, "max-buckets"),
        ({"ContinuationToken": "not-a-token"}, "continuation-token"),
    ],
)
def test_list_buckets_refuses_bad_arguments(
    s3: Any, failure: Any, params: dict[str, Any], argument: str
) -> None:
    response = failure(s3.list_buckets, **params)
    assert response["Error"]["Code"] == "InvalidArgument"
    assert response["Error"]["ArgumentName"] == argument
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_operations_the_emulator_lacks_are_no_client_methods(s3: Any) -> None:
    with pytest.raises(AttributeError, match="the emulator supports: copy_object, create_bucket"):
        s3.get_bucket_policy(Bucket="media")
