"""Every quota the emulator enforces, with the AWS page it comes from.

Lessons quote this table, so what a lesson says and what the emulator does never drift.
Values marked ``adjustable`` are account quotas a lab may change with
``Cloud.set_quota``; the others are fixed by AWS.
"""

from __future__ import annotations

from dataclasses import dataclass

LAMBDA_QUOTAS = (
    "Lambda quotas — https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
)
LAMBDA_TIMEOUT = (
    "Configure Lambda function timeout — "
    "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html"
)
LAMBDA_INVOKE = "Invoke — https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html"
LAMBDA_ASYNC = (
    "How Lambda handles errors and retries with asynchronous invocation — "
    "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html"
)
LAMBDA_EPHEMERAL = (
    "EphemeralStorage — https://docs.aws.amazon.com/lambda/latest/dg/API_EphemeralStorage.html"
)
LAMBDA_PRICING = (
    "Lambda – How AWS Pricing Works — "
    "https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html"
)
LAMBDA_CONCURRENCY = (
    "Configuring reserved concurrency for a function — "
    "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html"
)
LAMBDA_SCALING = (
    "Lambda scaling behavior — https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html"
)
LAMBDA_ASYNC_CONFIG = (
    "Configuring error handling settings for Lambda asynchronous invocations — "
    "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html"
)
SQS_MESSAGES = (
    "Amazon SQS message quotas — "
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html"
)
SQS_API = (
    "CreateQueue — "
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html"
)
DDB_QUOTAS = (
    "Service, account, and table quotas in Amazon DynamoDB — "
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html"
)
DDB_QUERY = "Query — https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html"


@dataclass(frozen=True)
class Limit:
    """One AWS limit: its value, unit, where AWS documents it, and whether it is adjustable."""

    service: str
    name: str
    value: int | float
    unit: str
    description: str
    source: str
    adjustable: bool = False


_TABLE: tuple[Limit, ...] = (
    # Lambda
    Limit("lambda", "TimeoutMin", 1, "seconds", "Shortest function timeout", LAMBDA_TIMEOUT),
    Limit(
        "lambda",
        "TimeoutMax",
        900,
        "seconds",
        "Longest function timeout (15 minutes)",
        LAMBDA_TIMEOUT,
    ),
    Limit("lambda", "TimeoutDefault", 3, "seconds", "Timeout when none is given", LAMBDA_TIMEOUT),
    Limit("lambda", "MemoryMin", 128, "MB", "Smallest memory setting", LAMBDA_QUOTAS),
    Limit("lambda", "MemoryMax", 10240, "MB", "Largest memory setting", LAMBDA_QUOTAS),
    Limit("lambda", "MemoryDefault", 128, "MB", "Memory when none is given", LAMBDA_QUOTAS),
    Limit("lambda", "EphemeralStorageMin", 512, "MB", "Smallest /tmp size", LAMBDA_EPHEMERAL),
    Limit("lambda", "EphemeralStorageMax", 10240, "MB", "Largest /tmp size", LAMBDA_EPHEMERAL),
    Limit(
        "lambda",
        "EnvironmentSize",
        4096,
        "bytes",
        "All environment variables of a function together",
        LAMBDA_QUOTAS,
    ),
    Limit(
        "lambda",
        "SyncPayload",
        6 * 1024 * 1024,
        "bytes",
        "Request and response of a synchronous invoke",
        LAMBDA_INVOKE,
    ),
    Limit(
        "lambda",
        "AsyncPayload",
        1024 * 1024,
        "bytes",
        "Event of an asynchronous invoke (1 MB; was 256 KB before October 2025)",
        LAMBDA_INVOKE,
    ),
    Limit(
        "lambda",
        "ZippedPackage",
        50 * 1024 * 1024,
        "bytes",
        "Deployment package uploaded directly, zipped",
        LAMBDA_QUOTAS,
    ),
    Limit(
        "lambda",
        "UnzippedPackage",
        250 * 1024 * 1024,
        "bytes",
        "Deployment package unzipped, layers included",
        LAMBDA_QUOTAS,
    ),
    Limit("lambda", "Layers", 5, "layers", "Layers per function", LAMBDA_QUOTAS),
    Limit(
        "lambda",
        "ConcurrentExecutions",
        1000,
        "environments",
        "Account concurrency per Region",
        LAMBDA_QUOTAS,
        adjustable=True,
    ),
    Limit(
        "lambda",
        "UnreservedMinimum",
        100,
        "environments",
        "Concurrency that must stay unreserved (a lab may lower it to work with small numbers)",
        LAMBDA_CONCURRENCY,
        adjustable=True,
    ),
    Limit(
        "lambda",
        "ScalingEnvironments",
        1000,
        "environments",
        "New execution environments a function may add per scaling window",
        LAMBDA_SCALING,
    ),
    Limit(
        "lambda",
        "ScalingWindow",
        10,
        "seconds",
        "The window the scaling allowance refills over",
        LAMBDA_SCALING,
    ),
    Limit(
        "lambda",
        "AsyncMinEventAge",
        60,
        "seconds",
        "Shortest MaximumEventAgeInSeconds",
        LAMBDA_ASYNC_CONFIG,
    ),
    Limit(
        "lambda",
        "AsyncMaxRetries",
        2,
        "retries",
        "Retries of a failed asynchronous event",
        LAMBDA_ASYNC,
    ),
    Limit(
        "lambda",
        "AsyncMaxEventAge",
        21600,
        "seconds",
        "How long an asynchronous event is kept (6 hours)",
        LAMBDA_ASYNC,
    ),
    Limit(
        "lambda",
        "RequestPrice",
        0.0000002,
        "USD per request",
        "$0.20 per million requests",
        LAMBDA_PRICING,
    ),
    Limit(
        "lambda",
        "GbSecondPriceX86",
        0.0000166667,
        "USD per GB-second",
        "Duration price, x86",
        LAMBDA_PRICING,
    ),
    Limit(
        "lambda",
        "FreeTierRequests",
        1_000_000,
        "requests per month",
        "Free tier requests",
        LAMBDA_PRICING,
    ),
    Limit(
        "lambda",
        "FreeTierGbSeconds",
        400_000,
        "GB-seconds per month",
        "Free tier compute",
        LAMBDA_PRICING,
    ),
    # SQS
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
    # DynamoDB
    Limit(
        "dynamodb",
        "ItemSize",
        400 * 1024,
        "bytes",
        "An item, attribute names and values together",
        DDB_QUOTAS,
    ),
    Limit("dynamodb", "PartitionKeySize", 2048, "bytes", "A partition key value", DDB_QUOTAS),
    Limit("dynamodb", "SortKeySize", 1024, "bytes", "A sort key value", DDB_QUOTAS),
    Limit(
        "dynamodb", "NumberPrecision", 38, "digits", "Significant digits of a number", DDB_QUOTAS
    ),
    Limit("dynamodb", "NestingDepth", 32, "levels", "Nesting of lists and maps", DDB_QUOTAS),
    Limit(
        "dynamodb",
        "PageSize",
        1024 * 1024,
        "bytes",
        "Data a Query or Scan reads per call, before filtering",
        DDB_QUERY,
    ),
    Limit("dynamodb", "TableNameMin", 3, "characters", "Shortest table name", DDB_QUOTAS),
    Limit("dynamodb", "TableNameMax", 255, "characters", "Longest table name", DDB_QUOTAS),
    Limit(
        "dynamodb",
        "TablesPerRegion",
        2500,
        "tables",
        "Tables per account per Region",
        DDB_QUOTAS,
        adjustable=True,
    ),
    Limit("dynamodb", "ExpressionSize", 4096, "bytes", "An expression string", DDB_QUOTAS),
)

LIMITS: dict[tuple[str, str], Limit] = {(item.service, item.name): item for item in _TABLE}


def get(service: str, name: str) -> Limit:
    """The limit named ``name`` of ``service``; KeyError names what exists."""
    try:
        return LIMITS[(service, name)]
    except KeyError:
        known = ", ".join(sorted(n for s, n in LIMITS if s == service)) or "none"
        raise KeyError(f"no limit {service}.{name}; {service} has: {known}") from None


def value(service: str, name: str) -> int | float:
    """Shorthand for ``get(service, name).value``."""
    return get(service, name).value


def for_service(service: str) -> list[Limit]:
    return [item for item in _TABLE if item.service == service]
