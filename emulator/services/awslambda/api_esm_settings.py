"""Checking the settings a CreateEventSourceMapping or UpdateEventSourceMapping carries.

Turns AWS's PascalCase parameters into ``Mapping`` field values, with AWS's bounds (from
botocore's lambda model and "Lambda parameters for Amazon DynamoDB event source
mappings") and its errors; wording marked UNVERIFIED is the emulator's own.
"""

from __future__ import annotations

from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    ValidationException,
)
from emulator.services.awslambda.esm_filters import MAX_FILTERS, PatternError, compile_pattern

#: Stream sources: BatchSize default and most ("Lambda parameters for Amazon DynamoDB event
#: source mappings"; botocore BatchSize doc: "Amazon DynamoDB Streams – Default 100. Max 10,000").
BATCH_DEFAULT, BATCH_MAX = 100, 10_000
#: MaximumBatchingWindowInSeconds 0–300 (botocore).
WINDOW_MAX = 300
#: MaximumRetryAttempts -1 (no limit) or 0–10,000 (botocore).
RETRIES_MAX = 10_000
#: MaximumRecordAgeInSeconds -1 (no limit) or 60–604,800 ("from 60 seconds to 7 days",
#: AWS What's New, 2019-11-25; botocore max 604800).
AGE_MIN, AGE_MAX = 60, 604_800
#: ParallelizationFactor 1–10 (botocore).
PARALLEL_MAX = 10


def _member(name: str) -> str:
    return name[0].lower() + name[1:]


def number(params: dict[str, Any], name: str, low: int, high: int) -> int | None:
    """A whole-number parameter within AWS's bounds, or None when it is not given."""
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationException(f"{name} must be a whole number, not {value!r}")
    for bad, which, bound in ((value < low, "greater", low), (value > high, "less", high)):
        if bad:
            raise ValidationException(
                f"1 validation error detected: Value '{value}' at '{_member(name)}' failed to "
                f"satisfy constraint: Member must have value {which} than or equal to {bound}"
            )
    return value


def _flag(params: dict[str, Any], name: str) -> bool | None:
    value = params.get(name)
    if value is not None and not isinstance(value, bool):
        raise ValidationException(f"{name} must be true or false, not {value!r}")
    return value


# -- the settings a Create or an Update may carry -------------------------------------------
def settings(params: dict[str, Any]) -> dict[str, Any]:
    """Checked settings as Mapping field values (only those given)."""
    values: dict[str, Any] = {}
    numbers = (
        ("BatchSize", "batch_size", 1, BATCH_MAX),
        ("MaximumBatchingWindowInSeconds", "window", 0, WINDOW_MAX),
        ("ParallelizationFactor", "parallelization", 1, PARALLEL_MAX),
        ("MaximumRetryAttempts", "max_retries", -1, RETRIES_MAX),
        ("MaximumRecordAgeInSeconds", "max_age", -1, AGE_MAX),
    )
    for name, field, low, high in numbers:
        value = number(params, name, low, high)
        if value is not None:
            values[field] = value
    if 0 <= values.get("max_age", -1) < AGE_MIN:
        # UNVERIFIED wording; the bound is AWS's (60 seconds to 7 days, or -1).
        raise InvalidParameterValueException(
            f"MaximumRecordAgeInSeconds must be -1 or between {AGE_MIN} and {AGE_MAX} seconds"
        )
    for name, field in (("BisectBatchOnFunctionError", "bisect"), ("Enabled", "enabled")):
        flag = _flag(params, name)
        if flag is not None:
            values[field] = flag
    if "DestinationConfig" in params:
        values["on_failure"] = _destination(params["DestinationConfig"])
    if "FilterCriteria" in params:
        values["filters"] = _filters(params["FilterCriteria"])
    if "FunctionResponseTypes" in params:
        values["report_failures"] = _response_types(params["FunctionResponseTypes"])
    return values


def _destination(config: Any) -> str:
    if config is None:
        return ""
    if not isinstance(config, dict):
        raise ValidationException("DestinationConfig takes {'OnFailure': {'Destination': arn}}")
    if config.get("OnSuccess"):
        raise InvalidParameterValueException(
            "Unsupported DestinationConfig parameter for given event source mapping type."
        )
    arn = (config.get("OnFailure") or {}).get("Destination") or ""
    if not arn:
        return ""
    parts = arn.split(":") if isinstance(arn, str) else []
    service = parts[2] if len(parts) >= 6 and parts[0] == "arn" else ""
    if service in ("sns", "s3") or str(arn).startswith("kafka://"):
        raise NotSupportedByEmulator(f"An OnFailure destination of type {service or 'kafka'}")
    if service != "sqs":
        # UNVERIFIED wording: stream sources take an SQS queue, SNS topic, S3 bucket or Kafka.
        raise InvalidParameterValueException(
            f"The OnFailure destination {arn} is not an Amazon SQS queue, Amazon SNS topic, "
            "Amazon S3 bucket or Kafka topic."
        )
    if arn.endswith(".fifo"):
        # UNVERIFIED wording; AWS documents "Standard Amazon SQS queue" destinations only.
        raise InvalidParameterValueException(
            f"The OnFailure destination {arn} is a FIFO queue; use a standard queue."
        )
    return str(arn)


def _filters(criteria: Any) -> list[str]:
    if criteria is None:
        return []
    if not isinstance(criteria, dict):
        raise ValidationException("FilterCriteria takes {'Filters': [{'Pattern': text}]}")
    filters = criteria.get("Filters") or []
    if not isinstance(filters, list):
        raise ValidationException("FilterCriteria.Filters takes a list of filters")
    if len(filters) > MAX_FILTERS:
        # UNVERIFIED wording; the quota (5 by default, up to 10 on request) is AWS's.
        raise InvalidParameterValueException(
            f"The FilterCriteria holds {len(filters)} filters; the quota is {MAX_FILTERS} "
            "filters per event source mapping."
        )
    patterns: list[str] = []
    for item in filters:
        text = item.get("Pattern") if isinstance(item, dict) else None
        try:
            compile_pattern(text)
        except PatternError:
            raise InvalidParameterValueException("Invalid filter pattern definition.") from None
        patterns.append(str(text))
    return patterns


def _response_types(types: Any) -> bool:
    types = types or []
    if (
        not isinstance(types, list)
        or len(types) > 1
        or any(t != "ReportBatchItemFailures" for t in types)
    ):
        raise ValidationException(
            f"1 validation error detected: Value '{types}' at 'functionResponseTypes' failed "
            "to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum "
            "value set: [ReportBatchItemFailures]]"
        )
    return bool(types)
