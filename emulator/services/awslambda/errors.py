"""Lambda's error codes."""

from __future__ import annotations

from emulator.errors import ServiceError
from emulator.errors import ValidationException as ValidationException


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"
    status = 404
    sender_fault = True


class ResourceConflictException(ServiceError):
    code = "ResourceConflictException"
    status = 409
    sender_fault = True


class InvalidParameterValueException(ServiceError):
    code = "InvalidParameterValueException"
    status = 400
    sender_fault = True


class RequestTooLargeException(ServiceError):
    code = "RequestTooLargeException"
    status = 413
    sender_fault = True


class InvalidRequestContentException(ServiceError):
    code = "InvalidRequestContentException"
    status = 400
    sender_fault = True


class TooManyRequestsException(ServiceError):
    """A throttle: the ``Reason`` field says which limit was reached."""

    code = "TooManyRequestsException"
    status = 429
    sender_fault = True


class ProvisionedConcurrencyConfigNotFoundException(ServiceError):
    code = "ProvisionedConcurrencyConfigNotFoundException"
    status = 404
    sender_fault = True


class PreconditionFailedException(ServiceError):
    """A RevisionId did not match: someone changed the resource since it was read."""

    code = "PreconditionFailedException"
    status = 412
    sender_fault = True


class SnapStartException(ServiceError):
    """An after-restore runtime hook raised: the restored environment cannot serve."""

    code = "SnapStartException"
    status = 400
    sender_fault = True


class SnapStartNotReadyException(ServiceError):
    """The version's snapshot is not ready (its creation failed, or is still running)."""

    code = "SnapStartNotReadyException"
    status = 409
    sender_fault = True


class SnapStartTimeoutException(ServiceError):
    """Restoring took longer than Lambda allows (runtime load and after-restore hooks)."""

    code = "SnapStartTimeoutException"
    status = 408
    sender_fault = True
