"""CloudWatch Logs' error codes."""

from __future__ import annotations

from emulator.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"
    status = 400
    sender_fault = True


class ResourceAlreadyExistsException(ServiceError):
    code = "ResourceAlreadyExistsException"
    status = 400
    sender_fault = True


class InvalidParameterException(ServiceError):
    code = "InvalidParameterException"
    status = 400
    sender_fault = True
