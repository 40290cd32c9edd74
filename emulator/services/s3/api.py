"""S3's request and response shapes: the bucket operations, listings and the table.

The object operations live in ``api_objects``. Operations S3 has and this table lacks
are refused: over the wire with NotSupportedByEmulator (``emulator.wire.restxml``), in
process by the client, which has no method for them, as for every service.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from emulator.errors import NotSupportedByEmulator, ValidationException
from emulator.services.s3 import api_objects, listing, names
from emulator.services.s3 import params as p
from emulator.services.s3.backend import S3Backend
from emulator.services.s3.errors import InvalidArgument, S3Error, without_body
from emulator.services.s3.models import LIST_BUCKETS_MAX, LIST_KEYS_MAX, S3Object, timestamp

#: Object ownership S3 gives new buckets; ACLs are off under it, as the emulator has none.
_OWNERSHIP = "BucketOwnerEnforced"
#: What a 32-bit signed integer parameter may hold (ListObjectsV2's max-keys).
_INT_MAX = 2**31 - 1


# -- buckets --------------------------------------------------------------------------
def create_bucket(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    p.accept("CreateBucket", params, ("Bucket", "CreateBucketConfiguration", "ObjectOwnership"))
    name = p.string(params, "Bucket")
    ownership = params.get("ObjectOwnership", _OWNERSHIP)
    if ownership != _OWNERSHIP:
        raise NotSupportedByEmulator(f"ObjectOwnership={ownership} (buckets are {_OWNERSHIP})")
    configuration = params.get("CreateBucketConfiguration") or {}
    if not isinstance(configuration, dict):
        raise ValidationException(
            "Parameter validation failed:\nInvalid type for parameter CreateBucketConfiguration"
            f", value: {configuration!r}, type: {type(configuration)}, valid types: <class 'dict'>"
        )
    extra = sorted(k for k, v in configuration.items() if k != "LocationConstraint" and v)
    if extra:
        raise NotSupportedByEmulator(f"CreateBucketConfiguration.{extra[0]}")
    constraint = configuration.get("LocationConstraint") or None
    bucket, _ = backend.create_bucket(name, constraint)
    if bucket.region == names.GLOBAL_REGION:
        return {"Location": f"/{name}"}
    return {"Location": f"http://{name}.s3.amazonaws.com/"}


def head_bucket(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    try:
        p.accept("HeadBucket", params, ("Bucket", "ExpectedBucketOwner"))
        bucket = backend.bucket(p.string(params, "Bucket"))
        p.owner(params, backend.account_id)
    except S3Error as error:
        raise without_body(error) from None
    return {"BucketRegion": bucket.region, "AccessPointAlias": False}


def delete_bucket(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    p.accept("DeleteBucket", params, ("Bucket", "ExpectedBucketOwner"))
    name = p.string(params, "Bucket")
    p.owner(params, backend.account_id)
    backend.delete_bucket(name)
    return {"ResponseMetadata": {"HTTPStatusCode": 204}}


def list_buckets(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    p.accept("ListBuckets", params, ("MaxBuckets", "ContinuationToken", "Prefix", "BucketRegion"))
    prefix = params.get("Prefix") or ""
    region = params.get("BucketRegion")
    most = params.get("MaxBuckets")
    if most is not None and (
        isinstance(most, bool) or not isinstance(most, int) or not 1 <= most <= LIST_BUCKETS_MAX
    ):
        raise InvalidArgument(
            f"Argument max-buckets must be an integer between 1 and {LIST_BUCKETS_MAX}",
            "max-buckets",
            most,
        )
    buckets = [
        b
        for b in backend.list_buckets()
        if b.name.startswith(prefix) and region in (None, b.region)
    ]
    token = params.get("ContinuationToken")
    if token is not None:
        after = _token(token)
        buckets = [b for b in buckets if b.name > after]
    page = buckets[: most or LIST_BUCKETS_MAX]
    answer: dict[str, Any] = {
        "Buckets": [
            {"Name": b.name, "CreationDate": timestamp(b.created), "BucketRegion": b.region}
            for b in page
        ],
        "Owner": {"ID": backend.owner_id},
    }
    if len(buckets) > len(page):
        answer["ContinuationToken"] = listing.make_token(page[-1].name)
    if params.get("Prefix") is not None:
        answer["Prefix"] = prefix
    return answer


def _token(token: Any) -> str:
    after = listing.read_token(str(token)) if token else None
    if after is None:
        raise InvalidArgument(
            "The continuation token provided is incorrect", "continuation-token", token
        )
    return after


# -- listing objects ------------------------------------------------------------------
def list_objects_v2(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    p.accept(
        "ListObjectsV2",
        params,
        (
            "Bucket",
            "Prefix",
            "Delimiter",
            "MaxKeys",
            "ContinuationToken",
            "StartAfter",
            "EncodingType",
            "FetchOwner",
            "ExpectedBucketOwner",
        ),
    )
    name = p.string(params, "Bucket")
    p.owner(params, backend.account_id)
    most = params.get("MaxKeys", LIST_KEYS_MAX)
    if isinstance(most, bool) or not isinstance(most, int) or not 0 <= most <= _INT_MAX:
        raise InvalidArgument(
            f"Argument maxKeys must be an integer between 0 and {_INT_MAX}", "maxKeys", most
        )
    encoding = params.get("EncodingType")
    if encoding not in (None, "url"):
        raise InvalidArgument(
            "Invalid Encoding Method specified in Request", "encoding-type", encoding
        )
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or None
    token = params.get("ContinuationToken")
    start_after = params.get("StartAfter")
    after = _token(token) if token is not None else start_after
    bucket = backend.bucket(name)
    page = backend.list_objects(name, prefix, delimiter, after, min(most, LIST_KEYS_MAX))

    def shown(text: str) -> str:
        # EncodingType=url lets keys with characters XML cannot carry travel safely.
        return quote_plus(text, safe="/") if encoding == "url" else text

    owner = {"ID": backend.owner_id} if params.get("FetchOwner") else None
    answer: dict[str, Any] = {
        "IsTruncated": page.truncated,
        "Name": name,
        "Prefix": shown(prefix),
        "MaxKeys": most,
        "KeyCount": len(page.keys) + len(page.prefixes),
    }
    if page.keys:
        answer["Contents"] = [_summary(bucket.objects[key], shown(key), owner) for key in page.keys]
    if page.prefixes:
        answer["CommonPrefixes"] = [{"Prefix": shown(cp)} for cp in page.prefixes]
    if delimiter is not None:
        answer["Delimiter"] = shown(delimiter)
    if encoding is not None:
        answer["EncodingType"] = encoding
    if token is not None:
        answer["ContinuationToken"] = token
    elif start_after is not None:
        answer["StartAfter"] = shown(start_after)
    if page.truncated and page.last is not None:
        answer["NextContinuationToken"] = listing.make_token(page.last)
    return answer


def _summary(item: S3Object, key: str, owner: dict[str, str] | None) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "Key": key,
        "LastModified": timestamp(item.last_modified),
        "ETag": item.etag,
        "Size": item.size,
        "StorageClass": "STANDARD",
    }
    if item.checksums:
        summary["ChecksumAlgorithm"] = list(item.checksums)
        summary["ChecksumType"] = "FULL_OBJECT"
    if owner is not None:
        summary["Owner"] = dict(owner)
    return summary


OPERATIONS = {
    "CreateBucket": create_bucket,
    "HeadBucket": head_bucket,
    "DeleteBucket": delete_bucket,
    "ListBuckets": list_buckets,
    "ListObjectsV2": list_objects_v2,
    "PutObject": api_objects.put_object,
    "GetObject": api_objects.get_object,
    "HeadObject": api_objects.head_object,
    "CopyObject": api_objects.copy_object,
    "DeleteObject": api_objects.delete_object,
    "DeleteObjects": api_objects.delete_objects,
}
