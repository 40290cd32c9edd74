"""Lambda's limits and prices, each with the AWS page that states it."""

from __future__ import annotations

from emulator.limits.model import Limit

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
LAMBDA_SNAPSTART_HOOKS = (
    "Lambda SnapStart runtime hooks for Python — "
    "https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-python.html"
)
LAMBDA_PRICING_PAGE = "AWS Lambda pricing — https://aws.amazon.com/lambda/pricing/"

TABLE: tuple[Limit, ...] = (
    Limit(
        "lambda",
        "SnapStartInitMin",
        130,
        "seconds",
        "Init time allowed when a snapshot is taken: this, or the function's timeout if longer",
        LAMBDA_SNAPSTART_HOOKS,
    ),
    Limit(
        "lambda",
        "SnapStartRestoreTimeout",
        10,
        "seconds",
        "Time allowed to restore a snapshot and run the after-restore hooks",
        LAMBDA_SNAPSTART_HOOKS,
    ),
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
        "FileDescriptors",
        1024,
        "descriptors",
        "Open files per execution environment",
        LAMBDA_QUOTAS,
    ),
    Limit(
        "lambda",
        "Processes",
        1024,
        "processes and threads",
        "Processes and threads per execution environment",
        LAMBDA_QUOTAS,
    ),
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
        "GbSecondPriceArm",
        0.0000133334,
        "USD per GB-second",
        "Duration price, arm64 (UNVERIFIED: read from a third-party copy of the pricing "
        "page, not an AWS document; set your own with Cloud.set_quota)",
        LAMBDA_PRICING_PAGE,
        adjustable=True,
    ),
    Limit(
        "lambda",
        "ProvisionedGbSecondPrice",
        0.0000041667,
        "USD per GB-second",
        "Provisioned concurrency kept ready, x86 (UNVERIFIED: not confirmed against an AWS "
        "document; set your own with Cloud.set_quota)",
        LAMBDA_PRICING_PAGE,
        adjustable=True,
    ),
    Limit(
        "lambda",
        "ProvisionedDurationPrice",
        0.0000097222,
        "USD per GB-second",
        "Duration of calls served by provisioned concurrency, x86 (UNVERIFIED: not "
        "confirmed against an AWS document; set your own with Cloud.set_quota)",
        LAMBDA_PRICING_PAGE,
        adjustable=True,
    ),
    Limit(
        "lambda",
        "BillingGranularity",
        1,
        "ms",
        "Duration is rounded up to the nearest millisecond",
        LAMBDA_PRICING,
    ),
    Limit(
        "lambda",
        "CodeStorage",
        75 * 1024**3,
        "bytes",
        "Code of all functions and layers in a Region",
        LAMBDA_QUOTAS,
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
)
