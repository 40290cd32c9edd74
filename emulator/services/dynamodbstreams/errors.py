"""DynamoDB Streams' error codes, with the messages AWS sends."""

from __future__ import annotations

from emulator.errors import ServiceError
from emulator.errors import ValidationException as ValidationException


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"
    status = 400
    sender_fault = True


class ExpiredIteratorException(ServiceError):
    code = "ExpiredIteratorException"
    status = 400
    sender_fault = True

    def __init__(self, message: str = "Shard iterator has expired") -> None:
        super().__init__(message)


class TrimmedDataAccessException(ServiceError):
    code = "TrimmedDataAccessException"
    status = 400
    sender_fault = True

    def __init__(self, message: str = "The data you are trying to access has been trimmed") -> None:
        super().__init__(message)


def stream_not_found(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")


def shard_not_found() -> ResourceNotFoundException:
    return ResourceNotFoundException("Requested resource not found: Shard does not exist")


def out_of_range(member: str, value: object, bound: int, *, most: bool) -> ValidationException:
    """AWS's request validator's wording for a number out of range."""
    which = "less than or equal to" if most else "greater than or equal to"
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: Member must have value {which} {bound}"
    )
