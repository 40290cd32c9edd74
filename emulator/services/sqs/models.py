"""Queues and messages as plain data, and the JSON form they take in a snapshot.

A message's state is a handful of timestamps on the virtual clock; whether it is delayed,
visible, in flight or expired is worked out from them when asked, so nothing here needs
a clock callback and a snapshot is just these fields.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

#: Limits AWS documents in the SQS API reference that ``emulator.limits`` does not hold yet.
#: CreateQueue: "A queue name can have up to 80 characters."
QUEUE_NAME_MAX = 80
#: ListQueues: "Value range is 1 to 1000"; without MaxResults at most 1,000 URLs come back.
LIST_QUEUES_MAX = 1000
#: PurgeQueueInProgress: one PurgeQueue per queue "within the last 60 seconds".
PURGE_INTERVAL = 60
#: CreateQueue: "you must wait at least 60 seconds before creating a queue with the same name".
RECREATE_WAIT = 60
#: InvalidBatchEntryId: an Id "can be at most 80 letters long".
BATCH_ID_MAX = 80
#: Message attribute names "can be up to 256 characters long".
ATTRIBUTE_NAME_MAX = 256
#: RedriveAllowPolicy: "You can specify up to 10 source queue ARNs".
REDRIVE_SOURCES_MAX = 10
#: RedrivePolicy maxReceiveCount: from 1 to 1000, both inclusive.
MAX_RECEIVE_COUNT_RANGE = (1, 1000)

#: A message attribute: {"DataType": ..., "StringValue": str} or {..., "BinaryValue": bytes}.
AttributeValue = dict[str, Any]


@dataclass
class Message:
    """One message in one queue; times are virtual epoch seconds."""

    message_id: str
    body: str
    #: MessageAttributes as sent (BinaryValue as bytes), validated.
    attributes: dict[str, AttributeValue]
    #: System attributes kept with the message: AWSTraceHeader, DeadLetterQueueSourceArn.
    system: dict[str, str]
    sender_id: str
    #: When it was first sent; retention counts from here, also after a move to a DLQ.
    sent: float
    #: When its delay ends and it can first be received.
    available_at: float
    #: While the clock is before this, the message is in flight (received, not visible).
    invisible_until: float = 0.0
    receive_count: int = 0
    first_received: float | None = None
    last_received: float | None = None
    #: The receipt handle of the latest receive; older handles no longer act on it.
    receipt: str | None = None
    #: Attributes given with SendMessage's MessageSystemAttributes (their MD5 is returned).
    sent_system: dict[str, AttributeValue] = field(default_factory=dict)

    def delayed(self, now: float) -> bool:
        return now < self.available_at

    def in_flight(self, now: float) -> bool:
        return now < self.invisible_until

    def receivable(self, now: float) -> bool:
        return not self.delayed(now) and not self.in_flight(now)


@dataclass
class Queue:
    """A standard queue: its settings (as AWS's attribute strings) and messages by id."""

    name: str
    arn: str
    url: str
    created: float
    modified: float
    #: The settable attributes, as GetQueueAttributes returns them.
    attributes: dict[str, str]
    tags: dict[str, str] = field(default_factory=dict)
    #: In send order: receives hand out the oldest available messages first.
    messages: dict[str, Message] = field(default_factory=dict)
    purged_at: float | None = None

    def setting(self, name: str) -> int:
        """A numeric setting (VisibilityTimeout, DelaySeconds, ...) as an int."""
        return int(self.attributes[name])


# -- snapshot form -------------------------------------------------------------------------
def _attributes_to_json(attributes: dict[str, AttributeValue]) -> dict[str, AttributeValue]:
    out: dict[str, AttributeValue] = {}
    for name, value in attributes.items():
        item = dict(value)
        if "BinaryValue" in item:
            item["BinaryValue"] = base64.b64encode(item["BinaryValue"]).decode("ascii")
        out[name] = item
    return out


def _attributes_from_json(data: dict[str, AttributeValue]) -> dict[str, AttributeValue]:
    out: dict[str, AttributeValue] = {}
    for name, value in data.items():
        item = dict(value)
        if "BinaryValue" in item:
            item["BinaryValue"] = base64.b64decode(item["BinaryValue"])
        out[name] = item
    return out


def message_to_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "body": message.body,
        "attributes": _attributes_to_json(message.attributes),
        "system": dict(message.system),
        "sent_system": _attributes_to_json(message.sent_system),
        "sender": message.sender_id,
        "sent": message.sent,
        "available_at": message.available_at,
        "invisible_until": message.invisible_until,
        "receive_count": message.receive_count,
        "first_received": message.first_received,
        "last_received": message.last_received,
        "receipt": message.receipt,
    }


def message_from_json(data: dict[str, Any]) -> Message:
    return Message(
        message_id=data["id"],
        body=data["body"],
        attributes=_attributes_from_json(data["attributes"]),
        system=dict(data["system"]),
        sent_system=_attributes_from_json(data["sent_system"]),
        sender_id=data["sender"],
        sent=data["sent"],
        available_at=data["available_at"],
        invisible_until=data["invisible_until"],
        receive_count=data["receive_count"],
        first_received=data["first_received"],
        last_received=data["last_received"],
        receipt=data["receipt"],
    )


def queue_to_json(queue: Queue) -> dict[str, Any]:
    return {
        "name": queue.name,
        "arn": queue.arn,
        "url": queue.url,
        "created": queue.created,
        "modified": queue.modified,
        "attributes": dict(queue.attributes),
        "tags": dict(queue.tags),
        "messages": [message_to_json(m) for m in queue.messages.values()],
        "purged_at": queue.purged_at,
    }


def queue_from_json(data: dict[str, Any]) -> Queue:
    queue = Queue(
        name=data["name"],
        arn=data["arn"],
        url=data["url"],
        created=data["created"],
        modified=data["modified"],
        attributes=dict(data["attributes"]),
        tags=dict(data["tags"]),
        purged_at=data["purged_at"],
    )
    for raw in data["messages"]:
        message = message_from_json(raw)
        queue.messages[message.message_id] = message
    return queue
