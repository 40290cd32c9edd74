"""Errors shaped like AWS's: a service error inside, a botocore-style ClientError outside."""

from __future__ import annotations

from typing import Any, ClassVar


class ServiceError(Exception):
    """An AWS error code with its message and HTTP status.

    Each service declares one subclass per AWS error code in its ``errors.py``.
    Extra members of the error shape (for example Lambda's ``Reason``) go in ``fields``.
    """

    code: ClassVar[str] = "InternalFailure"
    status: ClassVar[int] = 500
    sender_fault: ClassVar[bool] = False

    def __init__(self, message: str = "", **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    def to_response(self, operation: str) -> dict[str, Any]:
        """The error as botocore puts it in ``ClientError.response``."""
        error: dict[str, Any] = {"Code": self.code, "Message": self.message}
        response: dict[str, Any] = {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": self.status},
        }
        response.update(self.fields)
        return response


class ValidationException(ServiceError):
    """The request was malformed; the message says what to fix."""

    code = "ValidationException"
    status = 400
    sender_fault = True


class NotSupportedByEmulator(ServiceError):
    """An AWS behaviour the emulator does not reproduce: never a silent success."""

    code = "NotSupportedByEmulator"
    status = 501
    sender_fault = True

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is not supported by the emulator")


class UnknownOperationException(ServiceError):
    """The operation exists in AWS but the emulator does not implement it."""

    code = "UnknownOperationException"
    status = 400
    sender_fault = True


class QueryCompatibleError(ServiceError):
    """An error of a service that keeps its older query protocol's codes (``awsQueryCompatible``).

    ``code`` is the error shape's name; ``query_code`` is what botocore shows as
    ``err.response["Error"]["Code"]`` (SQS's ``AWS.SimpleQueueService.NonExistentQueue``,
    CloudWatch's ``InvalidParameterValue``), with the shape name kept as ``QueryErrorCode``.
    """

    query_code: ClassVar[str] = "InternalError"

    def to_response(self, operation: str) -> dict[str, Any]:
        """The error as botocore parses it from a query-compatible answer."""
        response = super().to_response(operation)
        response["Error"] = {
            "Code": self.query_code,
            "Message": self.message,
            "QueryErrorCode": self.code,
            "Type": "Sender" if self.sender_fault else "Receiver",
        }
        return response


class ClientError(Exception):
    """The same shape as ``botocore.exceptions.ClientError``.

    ``err.response["Error"]["Code"]`` and ``err.operation_name`` work as they do with
    boto3, so code written for boto3 handles emulator errors unchanged.
    """

    def __init__(self, error_response: dict[str, Any], operation_name: str) -> None:
        self.response = error_response
        self.operation_name = operation_name
        error = error_response.get("Error", {})
        super().__init__(
            f"An error occurred ({error.get('Code', 'Unknown')}) when calling the "
            f"{operation_name} operation: {error.get('Message', '')}"
        )
