"""PartiQL's own error code and the wording DynamoDB uses for PartiQL statements."""

from __future__ import annotations

from emulator.errors import ServiceError
from emulator.services.dynamodb.errors import ValidationException

#: The envelope of every syntax error; AWS appends the parser's detail.
MALFORMED = "Statement wasn't well formed, can't be processed: "
DUPLICATE_ITEM = "Duplicate primary key exists in table"
INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"
PARAMETER_COUNT = "Number of parameters in request and statement don't match."
NOT_ON_INDEX = "This operation is not supported on an index"
NO_SUCH_INDEX = "The table does not have the specified index"
CONSISTENT_READ_ON_GSI = "Strongly consistent read is not supported on Global Secondary Indexes"
INVALID_NEXT_TOKEN = "Invalid NextToken"
FOREIGN_NEXT_TOKEN = "NextToken does not match request"


class DuplicateItemException(ServiceError):
    """An INSERT found an item with the same primary key already in the table."""

    code = "DuplicateItemException"
    status = 400
    sender_fault = True


def malformed(detail: str) -> ValidationException:
    """A syntax error, worded as AWS's PartiQL parser words it."""
    return ValidationException(MALFORMED + detail)


def unsupported(what: str) -> ValidationException:
    """PartiQL that parses but that DynamoDB does not run (a template of DynamoDB's)."""
    return ValidationException(f"Unsupported operation: {what}")
