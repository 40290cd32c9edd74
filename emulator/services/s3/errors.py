"""S3's error codes, with their HTTP status and the extra elements S3 puts in ``<Error>``.

S3 answers an error as ``<Error><Code/><Message/>...</Error>``; elements beside Code and
Message (``BucketName``, ``Key``, ``ActualObjectSize``, ...) are text, and botocore puts
them in ``err.response["Error"]`` too, so the in-process client does the same. A HEAD
request has no body to carry an error, so botocore reports only its status: Code "404",
Message "Not Found" (``without_body``).
"""

from __future__ import annotations

from functools import cache
from http import HTTPStatus
from typing import Any

from emulator.errors import ServiceError


class S3Error(ServiceError):
    """An S3 error; ``fields`` are the extra ``<Error>`` elements, in order."""

    code = "InternalError"
    status = 400
    sender_fault = True

    def to_response(self, operation: str) -> dict[str, Any]:
        """The error as botocore parses it from S3's XML."""
        error: dict[str, Any] = {"Code": self.code, "Message": self.message}
        error.update({name: text(value) for name, value in self.fields.items()})
        return {"Error": error, "ResponseMetadata": {"HTTPStatusCode": self.status}}


def text(value: object) -> str:
    """An element's text, as it reads in S3's XML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class NoSuchBucket(S3Error):
    code = "NoSuchBucket"
    status = 404

    def __init__(self, bucket: str) -> None:
        super().__init__("The specified bucket does not exist", BucketName=bucket)


class NoSuchKey(S3Error):
    code = "NoSuchKey"
    status = 404

    def __init__(self, key: str) -> None:
        super().__init__("The specified key does not exist.", Key=key)


class BucketAlreadyExists(S3Error):
    code = "BucketAlreadyExists"
    status = 409

    def __init__(self, bucket: str) -> None:
        super().__init__(
            "The requested bucket name is not available. The bucket namespace is shared by "
            "all users of the system. Please select a different name and try again.",
            BucketName=bucket,
        )


class BucketAlreadyOwnedByYou(S3Error):
    code = "BucketAlreadyOwnedByYou"
    status = 409

    def __init__(self, bucket: str) -> None:
        super().__init__(
            "Your previous request to create the named bucket succeeded and you already own it.",
            BucketName=bucket,
        )


class BucketNotEmpty(S3Error):
    code = "BucketNotEmpty"
    status = 409

    def __init__(self, bucket: str) -> None:
        super().__init__("The bucket you tried to delete is not empty", BucketName=bucket)


class InvalidBucketName(S3Error):
    code = "InvalidBucketName"

    def __init__(self, bucket: str, rule: str) -> None:
        super().__init__(f"The specified bucket is not valid. {rule}", BucketName=bucket)


class InvalidLocationConstraint(S3Error):
    code = "InvalidLocationConstraint"

    def __init__(self, constraint: str) -> None:
        super().__init__(
            "The specified location-constraint is not valid", LocationConstraint=constraint
        )


class IllegalLocationConstraintException(S3Error):
    code = "IllegalLocationConstraintException"

    def __init__(self, constraint: str | None) -> None:
        named = constraint or "unspecified"
        super().__init__(
            f"The {named} location constraint is incompatible for the region specific "
            "endpoint this request was sent to."
        )


class InvalidArgument(S3Error):
    code = "InvalidArgument"

    def __init__(self, message: str, name: str, value: object) -> None:
        super().__init__(message, ArgumentName=name, ArgumentValue=value)


class InvalidRequest(S3Error):
    code = "InvalidRequest"


class InvalidRange(S3Error):
    code = "InvalidRange"
    status = 416

    def __init__(self, requested: str, size: int) -> None:
        super().__init__(
            "The requested range is not satisfiable",
            RangeRequested=requested,
            ActualObjectSize=size,
        )


class EntityTooLarge(S3Error):
    code = "EntityTooLarge"

    def __init__(self, size: int, most: int) -> None:
        super().__init__(
            "Your proposed upload exceeds the maximum allowed size",
            ProposedSize=size,
            MaxSizeAllowed=most,
        )


class KeyTooLongError(S3Error):
    code = "KeyTooLongError"

    def __init__(self, size: int, most: int) -> None:
        super().__init__("Your key is too long", Size=size, MaxSizeAllowed=most)


class MetadataTooLarge(S3Error):
    code = "MetadataTooLarge"

    def __init__(self, size: int, most: int) -> None:
        super().__init__(
            "Your metadata headers exceed the maximum allowed metadata size.",
            Size=size,
            MaxSizeAllowed=most,
        )


class IncompleteBody(S3Error):
    code = "IncompleteBody"

    def __init__(self) -> None:
        super().__init__(
            "You did not provide the number of bytes specified by the Content-Length HTTP header"
        )


class InvalidDigest(S3Error):
    code = "InvalidDigest"


class BadDigest(S3Error):
    code = "BadDigest"


class InvalidStorageClass(S3Error):
    code = "InvalidStorageClass"

    def __init__(self, value: str) -> None:
        super().__init__(
            "The storage class you specified is not valid", StorageClassRequested=value
        )


class MalformedXML(S3Error):
    code = "MalformedXML"

    def __init__(self) -> None:
        super().__init__(
            "The XML you provided was not well-formed or did not validate against our "
            "published schema"
        )


class AccessDenied(S3Error):
    code = "AccessDenied"
    status = 403

    def __init__(self) -> None:
        super().__init__("Access Denied")


class PreconditionFailed(S3Error):
    code = "PreconditionFailed"
    status = 412

    def __init__(self, condition: str) -> None:
        super().__init__(
            "At least one of the pre-conditions you specified did not hold", Condition=condition
        )


class NotModified(S3Error):
    """304: a conditional GET whose object has not changed; it never has a body."""

    code = "304"
    status = 304

    def __init__(self) -> None:
        super().__init__("Not Modified")


@cache
def _bare(status: int) -> type[S3Error]:
    return type(f"Http{status}", (S3Error,), {"code": str(status), "status": status})


def without_body(error: S3Error) -> S3Error:
    """The error as a HEAD request's answer shows it: a status and nothing else."""
    return _bare(error.status)(HTTPStatus(error.status).phrase)
