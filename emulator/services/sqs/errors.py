"""SQS's error codes, with the legacy query codes botocore reports as ``Error.Code``.

SQS speaks the json protocol but keeps the error codes of its older query protocol
(the ``awsQueryCompatible`` trait). Over the wire, ``__type`` names the error shape
(``QueueDoesNotExist``) and the ``x-amzn-query-error`` header carries the query code
(``AWS.SimpleQueueService.NonExistentQueue;Sender``). botocore then shows the query code
as ``err.response["Error"]["Code"]``, keeps the shape name as ``QueryErrorCode`` and raises
the exception class named after the shape (``client.exceptions.QueueDoesNotExist``).
"""

from __future__ import annotations

from typing import ClassVar

from emulator.errors import QueryCompatibleError


class SqsError(QueryCompatibleError):
    """An SQS error: ``code`` is the shape name, ``query_code`` what boto3 shows as Code."""

    code = "InternalError"
    query_code: ClassVar[str] = "InternalError"
    status = 400
    sender_fault = True


class QueueDoesNotExist(SqsError):
    code = "QueueDoesNotExist"
    query_code = "AWS.SimpleQueueService.NonExistentQueue"

    def __init__(self, message: str = "The specified queue does not exist.") -> None:
        super().__init__(message)


class QueueNameExists(SqsError):
    code = "QueueNameExists"
    query_code = "QueueAlreadyExists"


class QueueDeletedRecently(SqsError):
    code = "QueueDeletedRecently"
    query_code = "AWS.SimpleQueueService.QueueDeletedRecently"


class PurgeQueueInProgress(SqsError):
    code = "PurgeQueueInProgress"
    query_code = "AWS.SimpleQueueService.PurgeQueueInProgress"
    status = 403


class InvalidAttributeName(SqsError):
    code = "InvalidAttributeName"
    query_code = "InvalidAttributeName"


class InvalidAttributeValue(SqsError):
    code = "InvalidAttributeValue"
    query_code = "InvalidAttributeValue"


class InvalidParameterValue(SqsError):
    """Not in botocore's model: the shape is ``InvalidParameterValueException``."""

    code = "InvalidParameterValueException"
    query_code = "InvalidParameterValue"


class MissingParameter(SqsError):
    """Not in botocore's model: the shape is ``MissingRequiredParameterException``."""

    code = "MissingRequiredParameterException"
    query_code = "MissingParameter"

    def __init__(self, parameter: str) -> None:
        super().__init__(f"The request must contain the parameter {parameter}.")


class InvalidMessageContents(SqsError):
    code = "InvalidMessageContents"
    query_code = "InvalidMessageContents"


class ReceiptHandleIsInvalid(SqsError):
    code = "ReceiptHandleIsInvalid"
    query_code = "ReceiptHandleIsInvalid"


class EmptyBatchRequest(SqsError):
    code = "EmptyBatchRequest"
    query_code = "AWS.SimpleQueueService.EmptyBatchRequest"


class TooManyEntriesInBatchRequest(SqsError):
    code = "TooManyEntriesInBatchRequest"
    query_code = "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"


class InvalidBatchEntryId(SqsError):
    code = "InvalidBatchEntryId"
    query_code = "AWS.SimpleQueueService.InvalidBatchEntryId"


class BatchEntryIdsNotDistinct(SqsError):
    code = "BatchEntryIdsNotDistinct"
    query_code = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"


class BatchRequestTooLong(SqsError):
    code = "BatchRequestTooLong"
    query_code = "AWS.SimpleQueueService.BatchRequestTooLong"


def invalid_parameter(name: str, value: object, reason: str) -> InvalidParameterValue:
    """AWS's wording for a request parameter out of range."""
    return InvalidParameterValue(f"Value {value} for parameter {name} is invalid. Reason: {reason}")
