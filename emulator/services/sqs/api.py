"""SQS's request and response shapes, as botocore's json-protocol model has them."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from emulator import limits
from emulator.errors import NotSupportedByEmulator
from emulator.services.sqs import messages as content
from emulator.services.sqs import settings
from emulator.services.sqs.backend import Received, SqsBackend
from emulator.services.sqs.errors import (
    BatchEntryIdsNotDistinct,
    BatchRequestTooLong,
    EmptyBatchRequest,
    InvalidAttributeName,
    InvalidBatchEntryId,
    InvalidParameterValue,
    MissingParameter,
    SqsError,
    TooManyEntriesInBatchRequest,
    invalid_parameter,
)
from emulator.services.sqs.models import BATCH_ID_MAX, LIST_QUEUES_MAX, Message, Queue

_BATCH_ID = re.compile(rf"^[A-Za-z0-9_-]{{1,{BATCH_ID_MAX}}}$")
#: What ReceiveMessage can report about a message (botocore's MessageSystemAttributeName).
_MESSAGE_SYSTEM = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)
_FIFO_MESSAGE_SYSTEM = ("SequenceNumber", "MessageDeduplicationId", "MessageGroupId")


def _need(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise MissingParameter(name)
    return value


def _whole(params: dict[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_parameter(name, value, "Must be a whole number.")
    return value


def _queue(backend: SqsBackend, params: dict[str, Any]) -> Queue:
    return backend.queue_at(_need(params, "QueueUrl"))


# -- queues ----------------------------------------------------------------------------
def create_queue(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    tags = params.get("tags")
    if tags is not None and not (
        isinstance(tags, dict) and all(isinstance(v, str) for v in tags.values())
    ):
        raise InvalidParameterValue("tags must be a map of tag key to string value.")
    queue = backend.create_queue(_need(params, "QueueName"), params.get("Attributes"), tags)
    return {"QueueUrl": queue.url}


def get_queue_url(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    queue = backend.queue_named(_need(params, "QueueName"), params.get("QueueOwnerAWSAccountId"))
    return {"QueueUrl": queue.url}


def list_queues(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("QueueNamePrefix") or ""
    most = _whole(params, "MaxResults")
    if most is not None and not 1 <= most <= LIST_QUEUES_MAX:
        raise invalid_parameter(
            "MaxResults", most, f"MaxResults must be an integer between 1 and {LIST_QUEUES_MAX}."
        )
    queues = backend.list_queues(prefix)
    token = params.get("NextToken")
    if token:
        after = _token_name(token)
        queues = [q for q in queues if q.name > after]
    page = queues[: most or LIST_QUEUES_MAX]
    answer: dict[str, Any] = {"QueueUrls": [q.url for q in page]}
    if most is not None and len(queues) > len(page):
        answer["NextToken"] = base64.b64encode(page[-1].name.encode()).decode("ascii")
    return answer


def _token_name(token: Any) -> str:
    try:
        return base64.b64decode(str(token), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidParameterValue(
            "Invalid NextToken value: pass the NextToken of the previous ListQueues answer."
        ) from None


def delete_queue(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    backend.delete_queue(_queue(backend, params))
    return {}


def purge_queue(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    backend.purge(_queue(backend, params))
    return {}


def get_queue_attributes(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    queue = _queue(backend, params)
    names = params.get("AttributeNames") or []
    for name in names:
        if name not in settings.KNOWN:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
    values = backend.attributes(queue)
    if "All" in names:
        return {"Attributes": values}
    return {"Attributes": {n: values[n] for n in names if n in values}}


def set_queue_attributes(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    queue = _queue(backend, params)
    backend.set_attributes(queue, _need(params, "Attributes"))
    return {}


# -- sending ---------------------------------------------------------------------------
def _send_one(backend: SqsBackend, queue: Queue, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("MessageGroupId") is not None:
        raise NotSupportedByEmulator("MessageGroupId on a standard queue (fair queues)")
    dedup = request.get("MessageDeduplicationId")
    if dedup is not None:
        raise invalid_parameter(
            "MessageDeduplicationId",
            dedup,
            "The request includes a parameter that is not valid for this queue type.",
        )
    message = backend.send(
        queue,
        request.get("MessageBody"),
        request.get("MessageAttributes"),
        system_attributes=request.get("MessageSystemAttributes"),
        delay=_whole(request, "DelaySeconds"),
    )
    answer = {
        "MessageId": message.message_id,
        "MD5OfMessageBody": content.md5_of_body(message.body),
    }
    if message.attributes:
        answer["MD5OfMessageAttributes"] = content.md5_of_attributes(message.attributes)
    if message.sent_system:
        answer["MD5OfMessageSystemAttributes"] = content.md5_of_attributes(message.sent_system)
    return answer


def send_message(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    queue = _queue(backend, params)
    backend.expire(queue)
    return _send_one(backend, queue, params)


def send_message_batch(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    queue = _queue(backend, params)
    entries = _entries(params, "SendMessageBatchRequestEntry")
    total = sum(_rough_size(entry) for entry in entries)
    most = int(limits.value("sqs", "MessageSize"))
    if total > most:
        raise BatchRequestTooLong(
            f"Batch requests cannot be longer than {most} bytes. You have sent {total} bytes."
        )
    backend.expire(queue)
    return _batch(entries, lambda entry: {"Id": entry["Id"], **_send_one(backend, queue, entry)})


def _rough_size(entry: dict[str, Any]) -> int:
    """An entry's bytes toward the batch limit, before its attributes are validated."""
    body = entry.get("MessageBody")
    size = len(body.encode("utf-8")) if isinstance(body, str) else 0
    attributes = entry.get("MessageAttributes")
    if isinstance(attributes, dict):
        for name, value in attributes.items():
            size += len(str(name).encode("utf-8"))
            if isinstance(value, dict):
                for part in ("DataType", "StringValue", "BinaryValue"):
                    item = value.get(part)
                    if isinstance(item, bytes):
                        size += len(item)
                    elif isinstance(item, str):
                        size += len(item.encode("utf-8"))
    return size


# -- receiving -------------------------------------------------------------------------
def receive_message(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    queue = _queue(backend, params)
    most = _whole(params, "MaxNumberOfMessages")
    largest = int(limits.value("sqs", "ReceiveMax"))
    if most is not None and not 1 <= most <= largest:
        raise invalid_parameter(
            "MaxNumberOfMessages", most, f"Must be between 1 and {largest}, if provided."
        )
    visibility = _whole(params, "VisibilityTimeout")
    longest = int(limits.value("sqs", "VisibilityMax"))
    if visibility is not None and not 0 <= visibility <= longest:
        raise invalid_parameter(
            "VisibilityTimeout", visibility, f"Must be >= 0 and <= {longest}, if provided."
        )
    wait = _whole(params, "WaitTimeSeconds")
    longest_wait = int(limits.value("sqs", "WaitTimeMax"))
    if wait is not None and not 0 <= wait <= longest_wait:
        raise invalid_parameter(
            "WaitTimeSeconds", wait, f"Must be >= 0 and <= {longest_wait}, if provided."
        )
    system_names = [
        *(params.get("AttributeNames") or []),
        *(params.get("MessageSystemAttributeNames") or []),
    ]
    for name in system_names:
        if name not in settings.KNOWN and name not in (*_MESSAGE_SYSTEM, *_FIFO_MESSAGE_SYSTEM):
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
    attribute_names = params.get("MessageAttributeNames") or []
    # The virtual clock cannot block a caller, so a long poll answers at once with what
    # is available now, like a short poll that happens to sample every server.
    received = backend.receive(
        queue, most or 1, queue.setting("VisibilityTimeout") if visibility is None else visibility
    )
    return {"Messages": [_message(r, system_names, attribute_names) for r in received]}


def _message(
    received: Received, system_names: list[str], attribute_names: list[str]
) -> dict[str, Any]:
    message = received.message
    answer: dict[str, Any] = {
        "MessageId": message.message_id,
        "ReceiptHandle": received.receipt,
        "MD5OfBody": content.md5_of_body(message.body),
        "Body": message.body,
    }
    system = _system_attributes(message, system_names)
    if system:
        answer["Attributes"] = system
    if attribute_names:
        chosen = content.select(message.attributes, attribute_names)
        answer["MessageAttributes"] = {n: dict(v) for n, v in chosen.items()}
        if chosen:
            answer["MD5OfMessageAttributes"] = content.md5_of_attributes(chosen)
    return answer


def _system_attributes(message: Message, names: list[str]) -> dict[str, str]:
    if not names:
        return {}
    values = {
        "SenderId": message.sender_id,
        "SentTimestamp": str(int(message.sent * 1000)),
        "ApproximateReceiveCount": str(message.receive_count),
        "ApproximateFirstReceiveTimestamp": str(int((message.first_received or 0) * 1000)),
        **message.system,
    }
    if "All" in names:
        return values
    return {n: values[n] for n in names if n in values}


# -- deleting and visibility -----------------------------------------------------------
def delete_message(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    queue = _queue(backend, params)
    backend.delete_message(queue, _need(params, "ReceiptHandle"))
    return {}


def delete_message_batch(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    queue = _queue(backend, params)
    entries = _entries(params, "DeleteMessageBatchRequestEntry")

    def one(entry: dict[str, Any]) -> dict[str, Any]:
        backend.delete_message(queue, _need(entry, "ReceiptHandle"))
        return {"Id": entry["Id"]}

    return _batch(entries, one)


def change_message_visibility(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    queue = _queue(backend, params)
    receipt = _need(params, "ReceiptHandle")
    if params.get("VisibilityTimeout") is None:
        raise MissingParameter("VisibilityTimeout")
    backend.change_visibility(queue, receipt, _whole(params, "VisibilityTimeout"))
    return {}


def change_message_visibility_batch(backend: SqsBackend, params: dict[str, Any]) -> dict[str, Any]:
    queue = _queue(backend, params)
    entries = _entries(params, "ChangeMessageVisibilityBatchRequestEntry")

    def one(entry: dict[str, Any]) -> dict[str, Any]:
        receipt = _need(entry, "ReceiptHandle")
        if entry.get("VisibilityTimeout") is None:
            raise MissingParameter("VisibilityTimeout")
        backend.change_visibility(queue, receipt, _whole(entry, "VisibilityTimeout"))
        return {"Id": entry["Id"]}

    return _batch(entries, one)


# -- batches ---------------------------------------------------------------------------
def _entries(params: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """A batch's Entries, checked as a whole before any entry runs."""
    entries = params.get("Entries") or []
    if not isinstance(entries, list) or not entries:
        raise EmptyBatchRequest(f"There should be at least one {kind} in the request.")
    most = int(limits.value("sqs", "BatchMax"))
    if len(entries) > most:
        raise TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are {most}. You have sent {len(entries)}."
        )
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry.get("Id") if isinstance(entry, dict) else None
        if not isinstance(entry_id, str) or not _BATCH_ID.match(entry_id):
            raise InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                f"underscores. It can be at most {BATCH_ID_MAX} letters long."
            )
        if entry_id in seen:
            raise BatchEntryIdsNotDistinct(f"Id {entry_id} repeated.")
        seen.add(entry_id)
    return entries


def _batch(
    entries: list[dict[str, Any]], run: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """Run each entry on its own: an entry's AWS error is reported, not raised."""
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            successful.append(run(entry))
        except SqsError as error:
            failed.append(
                {
                    "Id": entry["Id"],
                    "SenderFault": error.sender_fault,
                    "Code": error.query_code,
                    "Message": error.message,
                }
            )
    return {"Successful": successful, "Failed": failed}


OPERATIONS = {
    "CreateQueue": create_queue,
    "GetQueueUrl": get_queue_url,
    "ListQueues": list_queues,
    "DeleteQueue": delete_queue,
    "PurgeQueue": purge_queue,
    "GetQueueAttributes": get_queue_attributes,
    "SetQueueAttributes": set_queue_attributes,
    "SendMessage": send_message,
    "SendMessageBatch": send_message_batch,
    "ReceiveMessage": receive_message,
    "DeleteMessage": delete_message,
    "DeleteMessageBatch": delete_message_batch,
    "ChangeMessageVisibility": change_message_visibility,
    "ChangeMessageVisibilityBatch": change_message_visibility_batch,
}
