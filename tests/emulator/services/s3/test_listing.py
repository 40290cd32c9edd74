"""ListObjectsV2: the walk's cases as data, then pages, tokens and encoding through the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sortedcontainers import SortedList

from emulator import Cloud
from emulator.services.s3 import listing

CASES = json.loads(Path(__file__).with_name("listings.json").read_text(encoding="utf-8"))


def _cases() -> list[Any]:
    return [
        pytest.param(group["given"], case, id=case["comment"])
        for group in CASES
        for case in group["cases"]
    ]


@pytest.mark.parametrize(("given", "case"), _cases())
def test_walk(given: list[str], case: dict[str, Any]) -> None:
    keys = SortedList(given)
    page = listing.walk(
        keys, case.get("prefix", ""), case.get("delimiter"), case.get("after"), case["limit"]
    )
    assert {
        "keys": page.keys,
        "prefixes": page.prefixes,
        "truncated": page.truncated,
        "last": page.last,
    } == case["result"]


def test_a_token_reads_back_and_a_made_up_one_does_not() -> None:
    assert listing.read_token(listing.make_token("photos/é")) == "photos/é"
    for made_up in ("", "abc", "bm90IG91cnM=", "%%%"):
        assert listing.read_token(made_up) is None


@pytest.fixture
def album(s3: Any, bucket: str) -> str:
    for key in ("a.txt", "photos/1.jpg", "photos/2.jpg", "photos/raw/3.cr2", "z.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def test_a_full_listing(cloud: Cloud, s3: Any, album: str) -> None:
    answer = s3.list_objects_v2(Bucket=album)
    assert answer["Name"] == "media"
    assert answer["Prefix"] == ""
    assert answer["MaxKeys"] == 1000
    assert answer["KeyCount"] == 5
    assert answer["IsTruncated"] is False
    for absent in ("Delimiter", "CommonPrefixes", "NextContinuationToken", "StartAfter"):
        assert absent not in answer
    first = answer["Contents"][0]
    assert first == {
        "Key": "a.txt",
        "LastModified": first["LastModified"],
        "ETag": s3.head_object(Bucket=album, Key="a.txt")["ETag"],
        "Size": 5,
        "StorageClass": "STANDARD",
    }
    assert first["LastModified"].timestamp() == int(cloud.clock.now())


def test_paging_with_a_delimiter_through_continuation_tokens(s3: Any, album: str) -> None:
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        params: dict[str, Any] = {"Bucket": album, "Delimiter": "/", "MaxKeys": 1}
        if token:
            params["ContinuationToken"] = token
        page = s3.list_objects_v2(**params)
        pages += 1
        assert page["KeyCount"] == 1
        seen += [c["Key"] for c in page.get("Contents", [])]
        seen += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        if token:
            assert page["ContinuationToken"] == token
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        token = page["NextContinuationToken"]
    assert seen == ["a.txt", "photos/", "z.txt"]
    assert pages == 3


def test_start_after_and_a_prefix(s3: Any, album: str) -> None:
    answer = s3.list_objects_v2(Bucket=album, Prefix="photos/", StartAfter="photos/1.jpg")
    assert [c["Key"] for c in answer["Contents"]] == ["photos/2.jpg", "photos/raw/3.cr2"]
    assert answer["StartAfter"] == "photos/1.jpg"
    assert answer["Prefix"] == "photos/"


def test_at_most_1000_keys_come_back(s3: Any, bucket: str) -> None:
    for n in range(1001):
        s3.put_object(Bucket=bucket, Key=f"k{n:04d}", Body=b"")
    answer = s3.list_objects_v2(Bucket=bucket, MaxKeys=5000)
    assert answer["KeyCount"] == 1000
    assert answer["MaxKeys"] == 5000
    assert answer["IsTruncated"] is True
    rest = s3.list_objects_v2(Bucket=bucket, ContinuationToken=answer["NextContinuationToken"])
    assert [c["Key"] for c in rest["Contents"]] == ["k1000"]


def test_max_keys_zero_lists_nothing(s3: Any, album: str) -> None:
    answer = s3.list_objects_v2(Bucket=album, MaxKeys=0)
    assert answer["KeyCount"] == 0
    assert answer["IsTruncated"] is False
    assert "Contents" not in answer


def test_url_encoding_on_request(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="dir one/a+b.txt", Body=b"")
    answer = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Delimiter="/")
    assert answer["EncodingType"] == "url"
    assert answer["CommonPrefixes"] == [{"Prefix": "dir+one/"}]
    deeper = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Prefix="dir one/")
    assert deeper["Prefix"] == "dir+one/"
    assert [c["Key"] for c in deeper["Contents"]] == ["dir+one/a%2Bb.txt"]


def test_fetch_owner_adds_the_owner(s3: Any, album: str) -> None:
    owner = s3.list_buckets()["Owner"]
    answer = s3.list_objects_v2(Bucket=album, FetchOwner=True, MaxKeys=1)
    assert answer["Contents"][0]["Owner"] == owner


@pytest.mark.parametrize(
    ("params", "code", "argument"),
    [
        ({"MaxKeys": -1}, "InvalidArgument", "maxKeys"),
        ({"ContinuationToken": "bm90IG91cnM="}, "InvalidArgument", "continuation-token"),
        ({"EncodingType": "base64"}, "InvalidArgument", "encoding-type"),
    ],
)
def test_bad_listing_arguments(
    s3: Any, album: str, failure: Any, params: dict[str, Any], code: str, argument: str
) -> None:
    response = failure(s3.list_objects_v2, Bucket=album, **params)
    assert response["Error"]["Code"] == code
    assert response["Error"]["ArgumentName"] == argument
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_listing_a_missing_bucket(s3: Any, failure: Any) -> None:
    response = failure(s3.list_objects_v2, Bucket="absent")
    assert response["Error"]["Code"] == "NoSuchBucket"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
