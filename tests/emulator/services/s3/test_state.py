"""S3 state: one namespace for every Region, snapshots through JSON, forks, the backend API."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest

from emulator import ClientError, Cloud
from emulator.services.s3.backend import S3Backend


def _fill(cloud: Cloud) -> None:
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="media")
    s3.put_object(
        Bucket="media",
        Key="bin/all-bytes",
        Body=bytes(range(256)),
        ContentType="application/octet-stream",
        Metadata={"k": "v"},
        CacheControl="no-cache",
        ChecksumAlgorithm="SHA256",
    )
    cloud.clock.advance(10)
    eu = cloud.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="euro", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_object(Bucket="euro", Key="x", Body=b"1")
    cast(S3Backend, cloud.backend("s3")).claim_elsewhere("taken")


def _view(cloud: Cloud) -> dict[str, Any]:
    s3 = cloud.client("s3")
    got = s3.get_object(Bucket="media", Key="bin/all-bytes", ChecksumMode="ENABLED")
    return {
        "buckets": [
            (b["Name"], b["BucketRegion"], b["CreationDate"]) for b in s3.list_buckets()["Buckets"]
        ],
        "body": got["Body"].read(),
        "described": {k: v for k, v in got.items() if k not in ("Body", "ResponseMetadata")},
        "listing": s3.list_objects_v2(Bucket="euro")["Contents"],
    }


def test_every_region_sees_the_same_buckets(cloud: Cloud) -> None:
    _fill(cloud)
    for region in ("us-east-1", "eu-west-1", "ap-south-1"):
        names = [
            b["Name"] for b in cloud.client("s3", region_name=region).list_buckets()["Buckets"]
        ]
        assert names == ["euro", "media"]


def test_a_snapshot_goes_through_json_and_restores_everything(cloud: Cloud) -> None:
    _fill(cloud)
    before = _view(cloud)
    state = json.loads(json.dumps(cloud.snapshot()))
    with Cloud.restore(state) as restored:
        assert _view(restored) == before
        assert before["body"] == bytes(range(256))
        s3 = restored.client("s3")
        assert s3.get_object(Bucket="media", Key="bin/all-bytes")["CacheControl"] == "no-cache"
        assert "ChecksumSHA256" in before["described"]
        with pytest.raises(ClientError) as caught:
            s3.create_bucket(Bucket="taken")
        assert caught.value.response["Error"]["Code"] == "BucketAlreadyExists"


def test_a_fork_is_independent(cloud: Cloud) -> None:
    _fill(cloud)
    fork = cloud.fork()
    try:
        fork.client("s3").delete_object(Bucket="euro", Key="x")
        fork.client("s3").put_object(Bucket="media", Key="only-in-fork", Body=b"")
        assert [
            c["Key"] for c in cloud.client("s3").list_objects_v2(Bucket="euro")["Contents"]
        ] == ["x"]
        assert cloud.client("s3").list_objects_v2(Bucket="media")["KeyCount"] == 1
    finally:
        fork.close()


def test_other_services_use_the_backend_with_plain_values(cloud: Cloud) -> None:
    s3 = cast(S3Backend, cloud.backend("s3", "eu-west-1"))
    cloud.client("s3").create_bucket(Bucket="exports")
    stored = s3.put_object(
        "exports", "AWSDynamoDB/01/manifest-summary.json", b"{}", content_type="application/json"
    )
    assert stored.etag == '"99914b932bd37a50b983c5e7c90ae93b"'
    assert s3.get_object("exports", "AWSDynamoDB/01/manifest-summary.json").body == b"{}"
    page = s3.list_objects("exports", "AWSDynamoDB/", "/", None, 1000)
    assert page.prefixes == ["AWSDynamoDB/01/"]
    got = cloud.client("s3").get_object(
        Bucket="exports", Key="AWSDynamoDB/01/manifest-summary.json"
    )
    assert got["ContentType"] == "application/json"
