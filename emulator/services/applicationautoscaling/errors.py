"""Application Auto Scaling's error codes."""

from __future__ import annotations

from emulator.errors import ServiceError


class ObjectNotFoundException(ServiceError):
    """The scalable target or scaling policy named in the request does not exist."""

    code = "ObjectNotFoundException"
    status = 400
    sender_fault = True


class ValidationException(ServiceError):
    """A parameter is missing, malformed or out of range."""

    code = "ValidationException"
    status = 400
    sender_fault = True


class InvalidNextTokenException(ServiceError):
    """The NextToken was not handed out by an earlier page of the same call."""

    code = "InvalidNextTokenException"
    status = 400
    sender_fault = True


def target_not_found(resource_id: str, dimension: str) -> ObjectNotFoundException:
    """AWS's wording when no scalable target matches (seen from PutScalingPolicy)."""
    return ObjectNotFoundException(
        f"No scalable target registered for service namespace: dynamodb, resource ID: "
        f"{resource_id}, scalable dimension: {dimension}"
    )
