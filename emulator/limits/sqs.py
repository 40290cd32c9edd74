"""SQS's limits, each with the AWS page that states it."""

from __future__ import annotations

from emulator.limits.model import Limit

SQS_MESSAGES = (
    "Amazon SQS message quotas — "
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html"
)
SQS_API = (
    "CreateQueue — "
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html"
)

TABLE: tuple[Limit, ...] = (
    Limit(
        "sqs",
        "MessageSize",
        1_048_576,
        "bytes",
        "A message with its attributes (1 MiB; was 256 KB before 2025)",
        SQS_API,
    ),
    Limit("sqs", "MessageSizeMin", 1024, "bytes", "Smallest MaximumMessageSize", SQS_API),
    Limit("sqs", "RetentionMin", 60, "seconds", "Shortest message retention", SQS_MESSAGES),
    Limit(
        "sqs",
        "RetentionMax",
        1_209_600,
        "seconds",
        "Longest message retention (14 days)",
        SQS_MESSAGES,
    ),
    Limit(
        "sqs",
        "RetentionDefault",
        345_600,
        "seconds",
        "Message retention when none is given (4 days)",
        SQS_MESSAGES,
    ),
    Limit("sqs", "VisibilityDefault", 30, "seconds", "Default visibility timeout", SQS_API),
    Limit(
        "sqs", "VisibilityMax", 43_200, "seconds", "Longest visibility timeout (12 hours)", SQS_API
    ),
    Limit("sqs", "DelayMax", 900, "seconds", "Longest delivery delay (15 minutes)", SQS_API),
    Limit("sqs", "WaitTimeMax", 20, "seconds", "Longest ReceiveMessage long poll", SQS_API),
    Limit("sqs", "ReceiveMax", 10, "messages", "Messages one ReceiveMessage returns", SQS_API),
    Limit("sqs", "BatchMax", 10, "entries", "Entries in one batch request", SQS_MESSAGES),
    Limit("sqs", "MessageAttributes", 10, "attributes", "Attributes on one message", SQS_MESSAGES),
    Limit(
        "sqs",
        "MaxReceiveCountDefault",
        10,
        "receives",
        "A redrive policy's maxReceiveCount when none is given",
        SQS_API,
    ),
)
