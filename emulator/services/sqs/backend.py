"""SQS behaviour: standard queues in one Region, their messages, visibility and redrive."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

from emulator import limits
from emulator.errors import NotSupportedByEmulator
from emulator.services.base import Backend
from emulator.services.sqs import messages as content
from emulator.services.sqs import settings
from emulator.services.sqs.errors import (
    InvalidParameterValue,
    PurgeQueueInProgress,
    QueueDeletedRecently,
    QueueDoesNotExist,
    QueueNameExists,
    ReceiptHandleIsInvalid,
    invalid_parameter,
)
from emulator.services.sqs.models import (
    PURGE_INTERVAL,
    QUEUE_NAME_MAX,
    RECREATE_WAIT,
    AttributeValue,
    Message,
    Queue,
    queue_from_json,
    queue_to_json,
)

_QUEUE_NAME = re.compile(rf"^[A-Za-z0-9_-]{{1,{QUEUE_NAME_MAX}}}$")
_REGION_HOSTS = (
    re.compile(r"^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$"),
    re.compile(r"^([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?$"),
)


@dataclass(frozen=True)
class Received:
    """One message as a ReceiveMessage hands it out."""

    message: Message
    receipt: str


class SqsBackend(Backend):
    service = "sqs"

    def __init__(self, cloud: Any, region: str) -> None:
        super().__init__(cloud, region)
        self.queues: dict[str, Queue] = {}
        #: Queue name -> when it was deleted, for the wait before the name can be reused.
        self.deleted: dict[str, float] = {}
        #: Counts every message sent here: message ids derive from it, never from chance.
        self.serial = 0

    def now(self) -> float:
        return self.cloud.clock.now()

    # -- queues ------------------------------------------------------------------------
    def url_of(self, name: str) -> str:
        return f"https://sqs.{self.region}.amazonaws.com/{self.account_id}/{name}"

    def create_queue(
        self, name: Any, attributes: Any = None, tags: dict[str, str] | None = None
    ) -> Queue:
        if isinstance(name, str) and name.endswith(".fifo"):
            raise NotSupportedByEmulator("FIFO queues (a queue name ending in .fifo)")
        if not isinstance(name, str) or not _QUEUE_NAME.match(name):
            raise InvalidParameterValue(
                "Can only include alphanumeric characters, hyphens, or underscores. "
                f"1 to {QUEUE_NAME_MAX} in length"
            )
        arn = self.arn(name)
        wanted = settings.normalise(
            attributes, creating=True, source_arn=arn, find_queue=self.find_by_arn
        )
        existing = self.queues.get(name)
        if existing is not None:
            for key, value in wanted.items():
                if existing.attributes.get(key) != value:
                    raise QueueNameExists(
                        "A queue already exists with the same name and a different value for "
                        f"attribute {key}"
                    )
            return existing
        now = self.now()
        deleted_at = self.deleted.get(name)
        if deleted_at is not None and now < deleted_at + RECREATE_WAIT:
            raise QueueDeletedRecently(
                f"You must wait {RECREATE_WAIT} seconds after deleting a queue before you can "
                f"create another queue with the same name ({RECREATE_WAIT - (now - deleted_at):.0f} "
                "seconds to go)."
            )
        self.deleted.pop(name, None)
        current = settings.defaults()
        current.update({k: v for k, v in wanted.items() if v is not None})
        queue = Queue(
            name=name,
            arn=arn,
            url=self.url_of(name),
            created=now,
            modified=now,
            attributes=current,
            tags=dict(tags or {}),
        )
        self.queues[name] = queue
        return queue

    def queue_named(self, name: Any, owner: str | None = None) -> Queue:
        if owner not in (None, self.account_id) or not isinstance(name, str):
            raise QueueDoesNotExist()
        queue = self.queues.get(name)
        if queue is None:
            raise QueueDoesNotExist()
        return queue

    def queue_at(self, url: Any) -> Queue:
        """The queue a QueueUrl names: AWS's form, or any host with /ACCOUNT/NAME."""
        if not isinstance(url, str):
            raise QueueDoesNotExist()
        parts = urlsplit(url)
        path = parts.path.strip("/").split("/")
        if len(path) != 2:
            raise QueueDoesNotExist()
        for pattern in _REGION_HOSTS:
            match = pattern.match(parts.hostname or "")
            if match and match.group(1) != self.region:
                raise QueueDoesNotExist()
        if parts.hostname == "queue.amazonaws.com" and self.region != "us-east-1":
            raise QueueDoesNotExist()
        return self.queue_named(path[1], owner=path[0])

    def find_by_arn(self, arn: str) -> Queue | None:
        """A queue of this account and Region by ARN, or None."""
        prefix = f"arn:aws:sqs:{self.region}:{self.account_id}:"
        if not arn.startswith(prefix):
            return None
        return self.queues.get(arn[len(prefix) :])

    def list_queues(self, prefix: str = "") -> list[Queue]:
        return [q for name, q in sorted(self.queues.items()) if name.startswith(prefix)]

    def delete_queue(self, queue: Queue) -> None:
        del self.queues[queue.name]
        self.deleted[queue.name] = self.now()

    def set_attributes(self, queue: Queue, attributes: Any) -> None:
        changes = settings.normalise(
            attributes, creating=False, source_arn=queue.arn, find_queue=self.find_by_arn
        )
        for key, value in changes.items():
            if value is None:
                queue.attributes.pop(key, None)
            else:
                queue.attributes[key] = value
        queue.modified = self.now()

    def attributes(self, queue: Queue) -> dict[str, str]:
        """Every attribute GetQueueAttributes can answer for this queue, as strings."""
        self.expire(queue)
        now = self.now()
        found = list(queue.messages.values())
        return {
            "QueueArn": queue.arn,
            "ApproximateNumberOfMessages": str(sum(m.receivable(now) for m in found)),
            "ApproximateNumberOfMessagesNotVisible": str(sum(m.in_flight(now) for m in found)),
            "ApproximateNumberOfMessagesDelayed": str(sum(m.delayed(now) for m in found)),
            "CreatedTimestamp": str(int(queue.created)),
            "LastModifiedTimestamp": str(int(queue.modified)),
            **queue.attributes,
        }

    def purge(self, queue: Queue) -> None:
        now = self.now()
        if queue.purged_at is not None and now < queue.purged_at + PURGE_INTERVAL:
            raise PurgeQueueInProgress(
                f"Only one PurgeQueue operation on {queue.name} is allowed every "
                f"{PURGE_INTERVAL} seconds."
            )
        queue.messages.clear()
        queue.purged_at = now

    # -- messages ----------------------------------------------------------------------
    def send(
        self,
        queue: Queue,
        body: Any,
        attributes: Any = None,
        *,
        system_attributes: Any = None,
        delay: int | None = None,
        sender_id: str | None = None,
    ) -> Message:
        """Validate and enqueue one message, as SendMessage does."""
        text = content.check_body(body)
        checked = content.check_attributes(attributes)
        system = content.check_attributes(system_attributes, system=True)
        largest = queue.setting("MaximumMessageSize")
        if content.size_of(text, checked) > largest:
            raise InvalidParameterValue(
                "One or more parameters are invalid. Reason: Message must be shorter than "
                f"{largest} bytes."
            )
        if delay is None:
            delay = queue.setting("DelaySeconds")
        longest = int(limits.value("sqs", "DelayMax"))
        if not 0 <= delay <= longest:
            raise invalid_parameter(
                "DelaySeconds", delay, f"DelaySeconds must be >= 0 and <= {longest}."
            )
        now = self.now()
        message = Message(
            message_id=self._message_id(),
            body=text,
            attributes=checked,
            system={name: value["StringValue"] for name, value in system.items()},
            sent_system=system,
            sender_id=sender_id or self.account_id,
            sent=now,
            available_at=now + delay,
        )
        queue.messages[message.message_id] = message
        return message

    def deliver(
        self, queue_arn: str, body: str, attributes: dict[str, AttributeValue] | None = None
    ) -> str:
        """Send a message for another service (Lambda's DLQ and destinations).

        Args:
            queue_arn: the target queue's ARN.
            body: the message body.
            attributes: MessageAttributes in SendMessage's shape.

        Returns:
            The new message's MessageId.

        Raises:
            QueueDoesNotExist: no such queue in this account.
            InvalidParameterValue: the message is too large or its attributes are invalid.
        """
        parts = queue_arn.split(":") if isinstance(queue_arn, str) else []
        if len(parts) == 6 and parts[:3] == ["arn", "aws", "sqs"] and parts[3] != self.region:
            other = cast(SqsBackend, self.cloud.backend("sqs", parts[3]))
            return other.deliver(queue_arn, body, attributes)
        queue = self.find_by_arn(queue_arn) if isinstance(queue_arn, str) else None
        if queue is None:
            raise QueueDoesNotExist()
        self.expire(queue)
        return self.send(queue, body, attributes).message_id

    def receive(self, queue: Queue, most: int, visibility: int) -> list[Received]:
        """Up to ``most`` available messages, oldest first, hidden for ``visibility`` s.

        A message already received maxReceiveCount times is moved to the dead-letter queue
        instead of being handed out again, as SQS does when the next receive would make
        its ReceiveCount exceed the policy's maxReceiveCount.
        """
        self.expire(queue)
        now = self.now()
        redrive = settings.redrive_of(queue)
        out: list[Received] = []
        for message in list(queue.messages.values()):
            if len(out) >= most:
                break
            if not message.receivable(now):
                continue
            if (
                redrive is not None
                and message.receive_count >= redrive.max_receive_count
                and self._redrive(queue, message, redrive.target_arn)
            ):
                continue
            message.receive_count += 1
            if message.first_received is None:
                message.first_received = now
            message.last_received = now
            message.invisible_until = now + visibility
            message.receipt = self._receipt(queue, message)
            out.append(Received(message, message.receipt))
        return out

    def delete_message(self, queue: Queue, receipt: Any) -> None:
        """Delete by receipt handle; an older receive's handle succeeds but deletes nothing."""
        message_id = self._decode(queue, receipt)
        message = queue.messages.get(message_id)
        if message is not None and message.receipt == receipt:
            del queue.messages[message_id]

    def change_visibility(self, queue: Queue, receipt: Any, timeout: Any) -> None:
        longest = int(limits.value("sqs", "VisibilityMax"))
        if isinstance(timeout, bool) or not isinstance(timeout, int) or not 0 <= timeout <= longest:
            raise invalid_parameter(
                "VisibilityTimeout", timeout, f"Must be between 0 and {longest}, if provided."
            )
        message_id = self._decode(queue, receipt)
        self.expire(queue)
        message = queue.messages.get(message_id)
        if message is None or message.receipt is None or message.last_received is None:
            raise invalid_parameter(
                "ReceiptHandle",
                receipt,
                "Message does not exist or is not available for visibility timeout change.",
            )
        if message.receipt != receipt:
            raise invalid_parameter(
                "ReceiptHandle",
                receipt,
                "The receipt handle has expired: the message was received again since; use the "
                "receipt handle of the latest receive.",
            )
        now = self.now()
        if (now - message.last_received) + timeout > longest:
            raise invalid_parameter(
                "VisibilityTimeout",
                timeout,
                f"Total VisibilityTimeout for the message is beyond the limit [{longest} seconds]",
            )
        message.invisible_until = now + timeout

    def expire(self, queue: Queue) -> None:
        """Drop messages older than the retention period, counted from when they were sent."""
        cutoff = self.now() - queue.setting("MessageRetentionPeriod")
        for message_id in [m.message_id for m in queue.messages.values() if m.sent <= cutoff]:
            del queue.messages[message_id]

    # -- internals ---------------------------------------------------------------------
    def _redrive(self, source: Queue, message: Message, target_arn: str) -> bool:
        """Move a message to its dead-letter queue; False if that queue is gone."""
        target = self.find_by_arn(target_arn)
        if target is None:
            return False
        del source.messages[message.message_id]
        # A standard queue's message keeps its id, counts and first-sent time in the DLQ.
        message.system["DeadLetterQueueSourceArn"] = source.arn
        message.invisible_until = 0.0
        message.receipt = None
        message.available_at = self.now()
        target.messages[message.message_id] = message
        return True

    def _message_id(self) -> str:
        self.serial += 1
        seed = f"{self.account_id}/{self.region}/{self.serial}".encode()
        digest = hashlib.md5(seed, usedforsecurity=False).digest()
        return str(uuid.UUID(bytes=digest, version=4))

    @staticmethod
    def _receipt(queue: Queue, message: Message) -> str:
        raw = f"{queue.arn} {message.message_id} {message.receive_count}"
        return base64.b64encode(raw.encode()).decode("ascii")

    @staticmethod
    def _decode(queue: Queue, receipt: Any) -> str:
        """The message id in a receipt handle of this queue, or ReceiptHandleIsInvalid."""
        parts: list[str] = []
        if isinstance(receipt, str) and receipt:
            try:
                parts = base64.b64decode(receipt, validate=True).decode().split(" ")
            except (binascii.Error, UnicodeDecodeError):
                parts = []
        if len(parts) != 3 or parts[0] != queue.arn or not parts[2].isdigit():
            raise ReceiptHandleIsInvalid(
                f'The input receipt handle "{receipt}" is not a valid receipt handle.'
            )
        return parts[1]

    # -- state -------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "queues": [queue_to_json(q) for q in self.queues.values()],
            "deleted": dict(self.deleted),
            "serial": self.serial,
        }

    def load(self, state: dict[str, Any]) -> None:
        for data in state.get("queues", []):
            queue = queue_from_json(data)
            self.queues[queue.name] = queue
        self.deleted = dict(state.get("deleted", {}))
        self.serial = int(state.get("serial", 0))


BACKEND = SqsBackend
