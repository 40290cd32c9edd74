"""CloudWatch's error codes, with the legacy query codes botocore reports as ``Error.Code``.

CloudWatch keeps the error codes of its older query protocol (the ``awsQueryCompatible``
trait): the error shape is ``InvalidParameterValueException`` while boto3 shows
``InvalidParameterValue`` as ``err.response["Error"]["Code"]`` and raises the class named
after the shape (``client.exceptions.InvalidParameterValueException``).
"""

from __future__ import annotations

from typing import ClassVar

from emulator.errors import QueryCompatibleError


class CloudWatchError(QueryCompatibleError):
    """A CloudWatch error: ``code`` is the shape name, ``query_code`` what boto3 shows as Code."""

    code = "InternalServiceFault"
    query_code: ClassVar[str] = "InternalServiceError"
    status = 400
    sender_fault = True


class InvalidParameterValueException(CloudWatchError):
    """A bad or out-of-range value was supplied for a parameter."""

    code = "InvalidParameterValueException"
    query_code = "InvalidParameterValue"


class MissingRequiredParameterException(CloudWatchError):
    """A parameter the request needs was not supplied."""

    code = "MissingRequiredParameterException"
    query_code = "MissingParameter"


class InvalidParameterCombinationException(CloudWatchError):
    """Parameters that must not be used together were used together."""

    code = "InvalidParameterCombinationException"
    query_code = "InvalidParameterCombination"


class InvalidNextToken(CloudWatchError):
    """The pagination token is not one this call handed out."""

    code = "InvalidNextToken"
    query_code = "InvalidNextToken"


class ValidationError(CloudWatchError):
    """A parameter broke a constraint of the API model (type, enum, length).

    Not a modelled shape: the query protocol's common ``ValidationError`` code.
    """

    code = "ValidationError"
    query_code = "ValidationError"


def invalid_value(value: object, parameter: str) -> InvalidParameterValueException:
    """AWS's wording for a value CloudWatch refuses."""
    return InvalidParameterValueException(
        f"The value {value} for parameter {parameter} is invalid."
    )


def missing(parameter: str) -> MissingRequiredParameterException:
    """AWS's wording for a missing parameter."""
    return MissingRequiredParameterException(f"The parameter {parameter} is required.")
