"""Queue attributes: defaults, what CreateQueue and SetQueueAttributes accept, redrive policies."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator import limits
from emulator.errors import NotSupportedByEmulator
from emulator.services.sqs.errors import (
    InvalidAttributeName,
    InvalidAttributeValue,
    invalid_parameter,
)
from emulator.services.sqs.models import MAX_RECEIVE_COUNT_RANGE, REDRIVE_SOURCES_MAX, Queue

#: GetQueueAttributes answers these from the queue's state; they cannot be set.
COMPUTED = (
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
)
_FIFO_ONLY = ("ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit")
_KMS = ("KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds")
#: Every name GetQueueAttributes knows (botocore's QueueAttributeName enum).
KNOWN = (
    "All",
    "Policy",
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "SqsManagedSseEnabled",
    "FifoQueue",
    *COMPUTED,
    *_FIFO_ONLY,
    *_KMS,
)
_PERMISSIONS = ("allowAll", "denyAll", "byQueue")


def _ranges() -> dict[str, tuple[int, int]]:
    return {
        "VisibilityTimeout": (0, int(limits.value("sqs", "VisibilityMax"))),
        "MaximumMessageSize": (
            int(limits.value("sqs", "MessageSizeMin")),
            int(limits.value("sqs", "MessageSize")),
        ),
        "MessageRetentionPeriod": (
            int(limits.value("sqs", "RetentionMin")),
            int(limits.value("sqs", "RetentionMax")),
        ),
        "DelaySeconds": (0, int(limits.value("sqs", "DelayMax"))),
        "ReceiveMessageWaitTimeSeconds": (0, int(limits.value("sqs", "WaitTimeMax"))),
    }


def defaults() -> dict[str, str]:
    """A new queue's attributes when CreateQueue gives none."""
    return {
        "VisibilityTimeout": str(limits.value("sqs", "VisibilityDefault")),
        "MaximumMessageSize": str(limits.value("sqs", "MessageSize")),
        "MessageRetentionPeriod": str(limits.value("sqs", "RetentionDefault")),
        "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
    }


@dataclass(frozen=True)
class Redrive:
    """A parsed RedrivePolicy."""

    target_arn: str
    max_receive_count: int


def redrive_of(queue: Queue) -> Redrive | None:
    raw = queue.attributes.get("RedrivePolicy")
    if not raw:
        return None
    policy = json.loads(raw)
    return Redrive(policy["deadLetterTargetArn"], int(policy["maxReceiveCount"]))


def normalise(
    attributes: Any,
    *,
    creating: bool,
    source_arn: str,
    find_queue: Callable[[str], Queue | None],
) -> dict[str, str | None]:
    """Validated attributes in the form GetQueueAttributes returns; None clears one.

    Args:
        attributes: the Attributes map of the request.
        creating: CreateQueue (True) or SetQueueAttributes (False).
        source_arn: the ARN of the queue being configured (for redrive permissions).
        find_queue: looks a queue of this account and Region up by ARN.
    """
    if attributes is None:
        return {}
    if not isinstance(attributes, dict):
        raise InvalidAttributeValue("Attributes must be a map of attribute name to string value.")
    ranges = _ranges()
    result: dict[str, str | None] = {}
    for name, raw in attributes.items():
        value = _text(name, raw)
        if name == "FifoQueue":
            if not creating:
                raise InvalidAttributeName(f"Unknown Attribute {name}.")
            if value.lower() == "true":
                raise NotSupportedByEmulator("FIFO queues (FifoQueue=true)")
            if value.lower() != "false":
                raise InvalidAttributeValue(
                    f"Invalid value for the parameter FifoQueue. Reason: Must be true or false, not '{value}'."
                )
        elif name in _FIFO_ONLY:
            raise InvalidAttributeName(
                f"You can specify the {name} only when FifoQueue is set to true."
            )
        elif name in _KMS:
            raise NotSupportedByEmulator(f"Server-side encryption with AWS KMS ({name})")
        elif name in ranges:
            result[name] = _whole(name, value, *ranges[name])
        elif name == "SqsManagedSseEnabled":
            if value.lower() not in ("true", "false"):
                raise InvalidAttributeValue(
                    f"Invalid value for the parameter {name}. Reason: Must be true or false, not '{value}'."
                )
            result[name] = value.lower()
        elif name == "Policy":
            result[name] = _policy(value)
        elif name == "RedrivePolicy":
            result[name] = _redrive(value, source_arn, find_queue)
        elif name == "RedriveAllowPolicy":
            result[name] = _redrive_allow(value)
        else:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
    return result


def _text(name: Any, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise InvalidAttributeValue(
            f"Invalid value for the parameter {name}. Reason: Attribute values are strings, "
            f"for example {{'{name}': '30'}}."
        )
    return str(raw)


def _whole(name: str, value: str, low: int, high: int) -> str:
    text = value.strip()
    number = int(text) if text.lstrip("-").isdigit() else None
    if number is None or not low <= number <= high:
        raise InvalidAttributeValue(
            f"Invalid value for the parameter {name}. Reason: Must be a whole number from "
            f"{low} to {high}, not '{value}'."
        )
    return str(number)


def _policy(value: str) -> str | None:
    if value == "":
        return None
    try:
        document = json.loads(value)
    except ValueError as error:
        raise InvalidAttributeValue(
            f"Invalid value for the parameter Policy. Reason: The policy is not valid JSON ({error})."
        ) from None
    if not isinstance(document, dict):
        raise InvalidAttributeValue(
            "Invalid value for the parameter Policy. Reason: A policy is a JSON object."
        )
    return value


def _redrive(value: str, source_arn: str, find_queue: Callable[[str], Queue | None]) -> str | None:
    if value == "":
        return None
    try:
        policy = json.loads(value)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        raise invalid_parameter(
            "RedrivePolicy",
            value,
            'Redrive policy is not a JSON map; write {"deadLetterTargetArn": "arn:aws:sqs:...", '
            '"maxReceiveCount": 5}.',
        )
    target = policy.get("deadLetterTargetArn")
    if not isinstance(target, str) or not target.startswith("arn:aws:sqs:"):
        raise invalid_parameter("RedrivePolicy", value, "Invalid value for deadLetterTargetArn.")
    low, high = MAX_RECEIVE_COUNT_RANGE
    count: Any = policy.get("maxReceiveCount", limits.value("sqs", "MaxReceiveCountDefault"))
    if isinstance(count, bool) or not str(count).strip().isdigit() or not low <= int(count) <= high:
        raise invalid_parameter(
            "RedrivePolicy",
            value,
            f"Invalid value for maxReceiveCount: {count}, valid values are from {low} to {high} "
            "both inclusive.",
        )
    if target == source_arn:
        raise invalid_parameter(
            "RedrivePolicy", value, "A queue cannot be its own dead-letter queue."
        )
    dead_letter = find_queue(target)
    if dead_letter is None:
        raise invalid_parameter("RedrivePolicy", value, "Dead letter target does not exist.")
    allow = dead_letter.attributes.get("RedriveAllowPolicy")
    if allow and not _allows(json.loads(allow), source_arn):
        raise invalid_parameter(
            "RedrivePolicy",
            value,
            f"The RedriveAllowPolicy of {target} does not let {source_arn} use it as a "
            "dead-letter queue.",
        )
    return json.dumps(
        {"deadLetterTargetArn": target, "maxReceiveCount": int(count)}, separators=(",", ":")
    )


def _allows(policy: dict[str, Any], source_arn: str) -> bool:
    permission = policy["redrivePermission"]
    if permission == "allowAll":
        return True
    if permission == "denyAll":
        return False
    return source_arn in policy.get("sourceQueueArns", [])


def _redrive_allow(value: str) -> str | None:
    if value == "":
        return None
    try:
        policy = json.loads(value)
    except ValueError:
        policy = None
    if not isinstance(policy, dict) or policy.get("redrivePermission") not in _PERMISSIONS:
        raise invalid_parameter(
            "RedriveAllowPolicy",
            value,
            "redrivePermission must be allowAll, denyAll or byQueue, for example "
            '{"redrivePermission": "allowAll"}.',
        )
    sources = policy.get("sourceQueueArns")
    normal: dict[str, Any] = {"redrivePermission": policy["redrivePermission"]}
    if policy["redrivePermission"] == "byQueue":
        if (
            not isinstance(sources, list)
            or not sources
            or not all(isinstance(s, str) for s in sources)
        ):
            raise invalid_parameter(
                "RedriveAllowPolicy",
                value,
                "byQueue needs sourceQueueArns, a list of the source queues' ARNs.",
            )
        if len(sources) > REDRIVE_SOURCES_MAX:
            raise invalid_parameter(
                "RedriveAllowPolicy",
                value,
                f"sourceQueueArns can list at most {REDRIVE_SOURCES_MAX} queues, not {len(sources)}.",
            )
        normal["sourceQueueArns"] = sources
    elif sources is not None:
        raise invalid_parameter(
            "RedriveAllowPolicy",
            value,
            "sourceQueueArns can be given only when redrivePermission is byQueue.",
        )
    return json.dumps(normal, separators=(",", ":"))
