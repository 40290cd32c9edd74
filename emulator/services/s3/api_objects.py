"""S3's object operations: PutObject, GetObject, HeadObject, CopyObject and the deletes."""

from __future__ import annotations

import io
from collections.abc import Collection
from typing import Any
from urllib.parse import parse_qs, unquote

from botocore.response import StreamingBody

from emulator.errors import NotSupportedByEmulator
from emulator.services.s3 import params as p
from emulator.services.s3.backend import S3Backend
from emulator.services.s3.errors import (
    IncompleteBody,
    InvalidArgument,
    MalformedXML,
    NoSuchKey,
    PreconditionFailed,
    S3Error,
    without_body,
)
from emulator.services.s3.models import CONTENT_HEADERS, DELETE_OBJECTS_MAX, S3Object, timestamp

_COMMON = ("Bucket", "Key", "ExpectedBucketOwner")
_PUT = (
    *_COMMON,
    "Body",
    "ContentLength",
    "ContentMD5",
    "ContentType",
    "Metadata",
    *CONTENT_HEADERS,
    "ChecksumAlgorithm",
    *(f"Checksum{a}" for a in p.ALGORITHMS),
    "IfMatch",
    "IfNoneMatch",
    "ServerSideEncryption",
    "StorageClass",
)
_OVERRIDES = {f"Response{name}": name for name in (*CONTENT_HEADERS, "ContentType", "Expires")}
_READ = (
    *_COMMON,
    "IfMatch",
    "IfNoneMatch",
    "IfModifiedSince",
    "IfUnmodifiedSince",
    "Range",
    "VersionId",
    "ChecksumMode",
    *_OVERRIDES,
)
_COPY = (
    *_COMMON,
    "CopySource",
    "ExpectedSourceBucketOwner",
    "MetadataDirective",
    "Metadata",
    "ContentType",
    *CONTENT_HEADERS,
    "CopySourceIfMatch",
    "CopySourceIfNoneMatch",
    "CopySourceIfModifiedSince",
    "CopySourceIfUnmodifiedSince",
    "ServerSideEncryption",
    "StorageClass",
)


def _start(
    backend: S3Backend, operation: str, params: dict[str, Any], supported: Collection[str]
) -> None:
    p.accept(operation, params, supported)
    p.string(params, "Bucket")
    p.string(params, "Key")
    p.owner(params, backend.account_id)


def _unversioned(params: dict[str, Any]) -> None:
    """Objects in a bucket without versioning have the version id "null"."""
    version = params.get("VersionId")
    if version is not None and version != "null":
        raise InvalidArgument("Invalid version id specified", "versionId", version)


def _checksum_fields(item: S3Object) -> dict[str, Any]:
    if not item.checksums:
        return {}
    fields: dict[str, Any] = {f"Checksum{a}": v for a, v in item.checksums.items()}
    fields["ChecksumType"] = "FULL_OBJECT"
    return fields


# -- writing --------------------------------------------------------------------------
def put_object(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    _start(backend, "PutObject", params, _PUT)
    bucket, key = params["Bucket"], params["Key"]
    p.standard_storage(params)
    p.s3_managed_encryption(params)
    backend.bucket(bucket)
    body = p.body_bytes(params.get("Body"))
    length = params.get("ContentLength")
    if length is not None and int(length) != len(body):
        raise IncompleteBody()
    p.content_md5(body, params.get("ContentMD5"))
    sums = p.checksums(body, params)
    _conditional_write(backend, bucket, key, params)
    stored = backend.put_object(
        bucket,
        key,
        body,
        content_type=params.get("ContentType"),
        metadata=params.get("Metadata"),
        headers={n: str(params[n]) for n in CONTENT_HEADERS if params.get(n) is not None},
        checksums=sums,
    )
    return {"ETag": stored.etag, "ServerSideEncryption": "AES256", **_checksum_fields(stored)}


def _conditional_write(backend: S3Backend, bucket: str, key: str, params: dict[str, Any]) -> None:
    """If-None-Match "*" writes only a new key; If-Match only over the ETag named."""
    if_none, if_match = params.get("IfNoneMatch"), params.get("IfMatch")
    if if_none is None and if_match is None:
        return
    existing = backend.bucket(bucket).objects.get(key)
    if if_none is not None:
        if if_none != "*":
            raise NotSupportedByEmulator('PutObject with If-None-Match other than "*"')
        if existing is not None:
            raise PreconditionFailed("If-None-Match")
    if if_match is not None:
        if existing is None:
            raise NoSuchKey(key)
        p.preconditions(existing, {"IfMatch": if_match})


def copy_object(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    _start(backend, "CopyObject", params, _COPY)
    p.standard_storage(params)
    p.s3_managed_encryption(params)
    p.owner(params, backend.account_id, "ExpectedSourceBucketOwner")
    source_bucket, source_key = _copy_source(p.required(params, "CopySource"))
    directive = params.get("MetadataDirective", "COPY")
    if directive not in ("COPY", "REPLACE"):
        raise InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive)
    source = backend.get_object(source_bucket, source_key)
    p.preconditions(source, params, prefix="CopySourceIf")
    replace = None
    if directive == "REPLACE":
        replace = {
            "content_type": params.get("ContentType"),
            "metadata": params.get("Metadata"),
            "headers": {n: str(params[n]) for n in CONTENT_HEADERS if params.get(n) is not None},
        }
    copied = backend.copy_object(
        source_bucket, source_key, params["Bucket"], params["Key"], replace=replace
    )
    result = {"ETag": copied.etag, "LastModified": timestamp(copied.last_modified)}
    result.update(_checksum_fields(copied))
    return {"CopyObjectResult": result, "ServerSideEncryption": "AES256"}


def _copy_source(value: Any) -> tuple[str, str]:
    """CopySource as boto3 takes it: "bucket/key" (URL-encoded) or {"Bucket", "Key"}."""
    if isinstance(value, dict):
        bucket, key, version = value.get("Bucket"), value.get("Key"), value.get("VersionId")
    else:
        path, _, query = str(value).partition("?")
        bucket, _, key = unquote(path.removeprefix("/")).partition("/")
        version = parse_qs(query).get("versionId", [None])[0]
    if not bucket or not key:
        raise InvalidArgument(
            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
            "x-amz-copy-source",
            value,
        )
    if version is not None and version != "null":
        raise InvalidArgument("Invalid version id specified", "x-amz-copy-source", value)
    return str(bucket), str(key)


# -- reading --------------------------------------------------------------------------
def _read(backend: S3Backend, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """GetObject's answer without its Body (HeadObject's), and the bytes it covers."""
    _start(backend, operation, params, _READ)
    mode = params.get("ChecksumMode")
    if mode is not None and mode != "ENABLED":
        raise InvalidArgument("Invalid checksum mode", "x-amz-checksum-mode", mode)
    item = backend.get_object(params["Bucket"], params["Key"])
    _unversioned(params)
    p.preconditions(item, params)
    span = p.byte_range(params.get("Range"), item.size)
    answer: dict[str, Any] = {
        "AcceptRanges": "bytes",
        "LastModified": timestamp(item.last_modified),
        "ContentLength": item.size,
        "ETag": item.etag,
        "ContentType": item.content_type,
        "ServerSideEncryption": "AES256",
        "Metadata": dict(item.metadata),
        **item.headers,
    }
    if span is None:
        # A checksum covers the whole object, so a part of it is sent without one.
        if mode == "ENABLED":
            answer.update(_checksum_fields(item))
        answer["_body"] = item.body
    else:
        first, last = span
        answer["ContentLength"] = last - first + 1
        answer["ContentRange"] = f"bytes {first}-{last}/{item.size}"
        answer["ResponseMetadata"] = {"HTTPStatusCode": 206}
        answer["_body"] = item.body[first : last + 1]
    for asked, name in _OVERRIDES.items():
        if params.get(asked) is not None:
            answer[name] = params[asked]
    return answer


def get_object(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    answer = _read(backend, "GetObject", params)
    data = answer.pop("_body")
    answer["Body"] = StreamingBody(io.BytesIO(data), len(data))
    return answer


def head_object(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    try:
        answer = _read(backend, "HeadObject", params)
    except S3Error as error:
        # A HEAD answer has no body, so the error reaches the client as a status only.
        raise without_body(error) from None
    answer.pop("_body")
    return answer


# -- deleting -------------------------------------------------------------------------
def delete_object(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    _start(backend, "DeleteObject", params, (*_COMMON, "VersionId"))
    _unversioned(params)
    backend.delete_object(params["Bucket"], params["Key"])
    return {"ResponseMetadata": {"HTTPStatusCode": 204}}


def delete_objects(backend: S3Backend, params: dict[str, Any]) -> dict[str, Any]:
    p.accept(
        "DeleteObjects", params, ("Bucket", "Delete", "ExpectedBucketOwner", "ChecksumAlgorithm")
    )
    bucket = p.string(params, "Bucket")
    p.owner(params, backend.account_id)
    request = p.required(params, "Delete")
    objects = request.get("Objects") if isinstance(request, dict) else None
    if not isinstance(objects, list) or not 1 <= len(objects) <= DELETE_OBJECTS_MAX:
        raise MalformedXML()
    backend.bucket(bucket)
    deleted: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for entry in objects:
        if not isinstance(entry, dict) or not isinstance(entry.get("Key"), str):
            raise MalformedXML()
        extra = sorted(set(entry) - {"Key", "VersionId"})
        if extra:
            raise NotSupportedByEmulator(f"DeleteObjects with Objects[].{extra[0]}")
        key, version = entry["Key"], entry.get("VersionId")
        if version is not None and version != "null":
            errors.append(
                {
                    "Key": key,
                    "VersionId": version,
                    "Code": "NoSuchVersion",
                    "Message": "The specified version does not exist.",
                }
            )
            continue
        backend.delete_object(bucket, key)
        deleted.append({"Key": key, **({"VersionId": version} if version else {})})
    answer: dict[str, Any] = {}
    if deleted and not request.get("Quiet"):
        answer["Deleted"] = deleted
    if errors:
        answer["Errors"] = errors
    return answer
