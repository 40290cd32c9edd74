"""DynamoDB's error codes."""

from __future__ import annotations

from emulator.errors import ServiceError
from emulator.errors import ValidationException as ValidationException


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"
    status = 400
    sender_fault = True


class ResourceInUseException(ServiceError):
    code = "ResourceInUseException"
    status = 400
    sender_fault = True


class ConditionalCheckFailedException(ServiceError):
    code = "ConditionalCheckFailedException"
    status = 400
    sender_fault = True


class TransactionCanceledException(ServiceError):
    """A transaction was cancelled; ``CancellationReasons`` says why, action by action."""

    code = "TransactionCanceledException"
    status = 400
    sender_fault = True


class TransactionConflictException(ServiceError):
    """A write met an item that a transaction is committing at that moment."""

    code = "TransactionConflictException"
    status = 400
    sender_fault = True


class IdempotentParameterMismatchException(ServiceError):
    code = "IdempotentParameterMismatchException"
    status = 400
    sender_fault = True


class TableNotFoundException(ServiceError):
    code = "TableNotFoundException"
    status = 400
    sender_fault = True


class TableAlreadyExistsException(ServiceError):
    code = "TableAlreadyExistsException"
    status = 400
    sender_fault = True


class InvalidRestoreTimeException(ServiceError):
    code = "InvalidRestoreTimeException"
    status = 400
    sender_fault = True


class PointInTimeRecoveryUnavailableException(ServiceError):
    code = "PointInTimeRecoveryUnavailableException"
    status = 400
    sender_fault = True


class BackupNotFoundException(ServiceError):
    code = "BackupNotFoundException"
    status = 400
    sender_fault = True


class BackupInUseException(ServiceError):
    code = "BackupInUseException"
    status = 400
    sender_fault = True


def invalid(detail: str) -> ValidationException:
    """AWS's most common wording for a bad parameter value."""
    return ValidationException(f"One or more parameter values were invalid: {detail}")
