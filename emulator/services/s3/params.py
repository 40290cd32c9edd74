"""Checking S3 request parameters: known names, bodies, digests, preconditions and ranges."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import zlib
from collections.abc import Callable, Collection
from functools import cache
from typing import Any

from emulator.errors import NotSupportedByEmulator, ValidationException
from emulator.services.s3.errors import (
    AccessDenied,
    BadDigest,
    EntityTooLarge,
    InvalidDigest,
    InvalidRange,
    InvalidStorageClass,
    NotModified,
    PreconditionFailed,
)
from emulator.services.s3.models import PUT_OBJECT_MAX, S3Object

#: Storage classes botocore's model knows; only STANDARD behaves as AWS's would here.
STORAGE_CLASSES = (
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "OUTPOSTS",
    "GLACIER_IR",
    "SNOW",
    "EXPRESS_ONEZONE",
    "FSX_OPENZFS",
    "FSX_ONTAP",
    "AWS_BACKUP_WARM",
    "AWS_BACKUP_LOW_COST_WARM",
)


def _crc32(data: bytes) -> bytes:
    return zlib.crc32(data).to_bytes(4, "big")


def _hashing(name: str) -> Callable[[bytes], bytes]:
    return lambda data: hashlib.new(name, data, usedforsecurity=False).digest()


#: Checksum algorithms the emulator can verify, each computing the raw digest.
CHECKSUMS: dict[str, Callable[[bytes], bytes]] = {
    "CRC32": _crc32,
    "SHA1": _hashing("sha1"),
    "SHA256": _hashing("sha256"),
    "SHA512": _hashing("sha512"),
    "MD5": _hashing("md5"),
}
#: Every algorithm of botocore's ChecksumAlgorithm enum, in its order.
ALGORITHMS = (
    "CRC32",
    "CRC32C",
    "SHA1",
    "SHA256",
    "CRC64NVME",
    "SHA512",
    "MD5",
    "XXHASH64",
    "XXHASH3",
    "XXHASH128",
)


@cache
def _model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("s3")


@cache
def _known(operation: str) -> tuple[str, ...]:
    """The request members botocore's model gives ``operation``."""
    shape = _model().operation_model(operation).input_shape
    return tuple(shape.members) if shape is not None else ()


def accept(operation: str, params: dict[str, Any], supported: Collection[str]) -> None:
    """Refuse parameters S3 does not have, and name the ones the emulator lacks."""
    known = _known(operation)
    for name, value in params.items():
        if name not in known:
            raise ValidationException(
                f'Parameter validation failed:\nUnknown parameter in input: "{name}", '
                f"must be one of: {', '.join(known)}"
            )
        if name not in supported and value is not None:
            raise NotSupportedByEmulator(f"{operation} with {name}")


def required(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None:
        raise ValidationException(
            f'Parameter validation failed:\nMissing required parameter in input: "{name}"'
        )
    return value


def string(params: dict[str, Any], name: str) -> str:
    value = required(params, name)
    if not isinstance(value, str) or not value:
        raise ValidationException(
            f"Parameter validation failed:\nInvalid value for parameter {name}, value: "
            f"{value!r}: {name} must be a non-empty string"
        )
    return value


def owner(params: dict[str, Any], account_id: str, name: str = "ExpectedBucketOwner") -> None:
    """A request that names a bucket owner other than the account is denied."""
    expected = params.get(name)
    if expected is not None and expected != account_id:
        raise AccessDenied()


def standard_storage(params: dict[str, Any]) -> None:
    """STANDARD is the one storage class the emulator keeps objects in."""
    value = params.get("StorageClass")
    if value is None or value == "STANDARD":
        return
    if value not in STORAGE_CLASSES:
        raise InvalidStorageClass(str(value))
    raise NotSupportedByEmulator(f"The {value} storage class (objects are STANDARD)")


def s3_managed_encryption(params: dict[str, Any]) -> None:
    """S3 encrypts every object with S3-managed keys (AES256); other kinds are not emulated."""
    value = params.get("ServerSideEncryption")
    if value is not None and value != "AES256":
        raise NotSupportedByEmulator(f"ServerSideEncryption={value} (AES256 is)")


# -- bodies and digests ---------------------------------------------------------------
def body_bytes(value: Any) -> bytes:
    """A Body as boto3 takes it (bytes, str or a file object) -> its bytes.

    A file object's size is measured before it is read, so an upload over 5 GB is refused
    without reading it.
    """
    if value is None:
        return b""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if hasattr(value, "read"):
        size = _remaining(value)
        if size is not None and size > PUT_OBJECT_MAX:
            raise EntityTooLarge(size, PUT_OBJECT_MAX)
        data = value.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise ValidationException(
        f"Parameter validation failed:\nInvalid type for parameter Body, value: {value!r}, "
        f"type: {type(value)}, valid types: <class 'bytes'>, <class 'bytearray'>, "
        "file-like object"
    )


def _remaining(stream: Any) -> int | None:
    try:
        here = stream.tell()
        end = stream.seek(0, 2)
        stream.seek(here)
    except (AttributeError, OSError, ValueError):
        return None
    return int(end) - int(here)


def content_md5(body: bytes, given: Any) -> None:
    """Check a Content-MD5 (base64 of the MD5 digest) against the body."""
    if given is None:
        return
    try:
        digest = base64.b64decode(str(given), validate=True)
    except binascii.Error:
        digest = b""
    if len(digest) != 16:
        raise InvalidDigest("The Content-MD5 you specified is not valid.", ContentMD5=given)
    if digest != hashlib.md5(body, usedforsecurity=False).digest():
        raise BadDigest(
            "The Content-MD5 you specified did not match what we received.",
            ExpectedDigest=given,
            CalculatedDigest=base64.b64encode(
                hashlib.md5(body, usedforsecurity=False).digest()
            ).decode("ascii"),
        )


def checksums(body: bytes, params: dict[str, Any]) -> dict[str, str]:
    """Verify the Checksum<ALGORITHM> values given; compute the one ChecksumAlgorithm asks for.

    Returns algorithm -> base64 value, for the object to keep and return.
    """
    found: dict[str, str] = {}
    for algorithm in ALGORITHMS:
        given = params.get(f"Checksum{algorithm}")
        if given is None:
            continue
        digest = _digest(algorithm, body)
        if given != digest:
            raise BadDigest(f"The {algorithm} you specified did not match the calculated checksum.")
        found[algorithm] = digest
    wanted = params.get("ChecksumAlgorithm")
    if wanted is not None and not found:
        if wanted not in ALGORITHMS:
            raise ValidationException(
                f"Value for x-amz-sdk-checksum-algorithm header is invalid: {wanted}"
            )
        found[wanted] = _digest(wanted, body)
    return found


def _digest(algorithm: str, body: bytes) -> str:
    compute = CHECKSUMS.get(algorithm)
    if compute is None:
        raise NotSupportedByEmulator(
            f"{algorithm} checksums (the emulator verifies {', '.join(CHECKSUMS)})"
        )
    return base64.b64encode(compute(body)).decode("ascii")


# -- preconditions --------------------------------------------------------------------
def _tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")]


def _matches(item: S3Object, header: str) -> bool:
    tags = _tags(header)
    return "*" in tags or item.etag.strip('"') in tags


def _seconds(value: Any) -> float:
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def preconditions(item: S3Object, params: dict[str, Any], prefix: str = "If") -> None:
    """Evaluate If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since.

    ``prefix`` "If" reads GetObject's and HeadObject's members: a failed If-None-Match or
    If-Modified-Since answers 304 Not Modified. "CopySourceIf" reads CopyObject's, where
    every failure is 412 Precondition Failed.
    """
    names = ("Match", "UnmodifiedSince", "NoneMatch", "ModifiedSince")
    match, unmodified, none_match, modified = (params.get(prefix + n) for n in names)
    copying = prefix != "If"
    header = "x-amz-copy-source-If" if copying else "If"
    changed = int(item.last_modified)
    if match is not None:
        if not _matches(item, str(match)):
            raise PreconditionFailed(f"{header}-Match")
    elif unmodified is not None and changed > _seconds(unmodified):
        raise PreconditionFailed(f"{header}-Unmodified-Since")
    if none_match is not None:
        if _matches(item, str(none_match)):
            if copying:
                raise PreconditionFailed(f"{header}-None-Match")
            raise NotModified()
    elif modified is not None and changed <= _seconds(modified):
        if copying:
            raise PreconditionFailed(f"{header}-Modified-Since")
        raise NotModified()


# -- ranges ---------------------------------------------------------------------------
def byte_range(header: Any, size: int) -> tuple[int, int] | None:
    """A Range header -> (first, last) byte, both inclusive; None for the whole object.

    A header that is not a valid byte range is ignored, as HTTP says it must be; a range
    that starts past the end is InvalidRange (416).
    """
    if header is None:
        return None
    text = str(header).strip()
    unit, _, spec = text.partition("=")
    if unit.strip() != "bytes" or not spec:
        return None
    if "," in spec:
        raise NotSupportedByEmulator("A Range with several byte ranges (S3 serves one)")
    start_text, dash, end_text = (part.strip() for part in spec.partition("-"))
    numbers = [part for part in (start_text, end_text) if part]
    if not dash or not numbers or not all(part.isdigit() for part in numbers):
        return None
    if not start_text:
        suffix = int(end_text)
        if suffix == 0 or size == 0:
            raise InvalidRange(text, size)
        return max(size - suffix, 0), size - 1
    first = int(start_text)
    if end_text and int(end_text) < first:
        return None
    if first >= size:
        raise InvalidRange(text, size)
    return first, min(int(end_text), size - 1) if end_text else size - 1
