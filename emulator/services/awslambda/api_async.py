"""Lambda's asynchronous settings: the FunctionEventInvokeConfig calls."""

from __future__ import annotations

import datetime as dt
from typing import Any

from emulator import limits
from emulator.errors import NotSupportedByEmulator
from emulator.services.awslambda.api_common import page, target
from emulator.services.awslambda.backend import LambdaBackend
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
    ValidationException,
)
from emulator.services.awslambda.models import LATEST, EventInvokeConfig, Function

#: Destination services the emulator delivers to; AWS also offers SNS, EventBridge and S3.
_DELIVERS_TO = ("sqs", "lambda")


def _arn(backend: LambdaBackend, function: Function, qualifier: str) -> str:
    return backend.arn(f"function:{function.name}:{qualifier}")


def _qualifier(backend: LambdaBackend, function: Function, qualifier: str | None) -> str:
    qualifier = qualifier or LATEST
    if qualifier not in (LATEST, *function.versions, *function.aliases):
        raise ResourceNotFoundException(f"Function not found: {_arn(backend, function, qualifier)}")
    return qualifier


def _answer(
    backend: LambdaBackend, function: Function, qualifier: str, config: EventInvokeConfig
) -> dict[str, Any]:
    destinations: dict[str, Any] = {}
    if config.on_success:
        destinations["OnSuccess"] = {"Destination": config.on_success}
    if config.on_failure:
        destinations["OnFailure"] = {"Destination": config.on_failure}
    return {
        "LastModified": dt.datetime.fromtimestamp(config.last_modified, dt.UTC),
        "FunctionArn": _arn(backend, function, qualifier),
        "MaximumRetryAttempts": config.max_retries,
        "MaximumEventAgeInSeconds": config.max_age,
        "DestinationConfig": destinations,
    }


def _destination(params: dict[str, Any], which: str) -> str | None:
    section = (params.get("DestinationConfig") or {}).get(which)
    if section is None:
        return None
    arn = section.get("Destination") or ""
    if not arn:
        return ""
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        raise InvalidParameterValueException(f"The destination ARN {arn} is invalid.")
    if parts[2] not in _DELIVERS_TO:
        raise NotSupportedByEmulator(
            f"A {parts[2]} destination (the emulator delivers to SQS queues and Lambda functions)"
        )
    return arn


def _settings(params: dict[str, Any], base: EventInvokeConfig, now: float) -> EventInvokeConfig:
    retries = params.get("MaximumRetryAttempts", base.max_retries)
    most = int(limits.value("lambda", "AsyncMaxRetries"))
    if not isinstance(retries, int) or not 0 <= retries <= most:
        raise ValidationException(
            f"1 validation error detected: Value '{retries}' at 'maximumRetryAttempts' failed "
            f"to satisfy constraint: Member must have value less than or equal to {most} "
            "and greater than or equal to 0"
        )
    age = params.get("MaximumEventAgeInSeconds", base.max_age)
    low = int(limits.value("lambda", "AsyncMinEventAge"))
    high = int(limits.value("lambda", "AsyncMaxEventAge"))
    if not isinstance(age, int) or not low <= age <= high:
        raise ValidationException(
            f"1 validation error detected: Value '{age}' at 'maximumEventAgeInSeconds' failed "
            f"to satisfy constraint: Member must have value less than or equal to {high} "
            f"and greater than or equal to {low}"
        )
    success = _destination(params, "OnSuccess")
    failure = _destination(params, "OnFailure")
    return EventInvokeConfig(
        max_retries=retries,
        max_age=age,
        on_success=base.on_success if success is None else success,
        on_failure=base.on_failure if failure is None else failure,
        last_modified=now,
    )


def put_function_event_invoke_config(
    backend: LambdaBackend, params: dict[str, Any]
) -> dict[str, Any]:
    function, inline = target(backend, params)
    qualifier = _qualifier(backend, function, inline)
    config = _settings(params, EventInvokeConfig(), backend.cloud.clock.now())
    function.event_invoke[qualifier] = config
    return _answer(backend, function, qualifier, config)


def _existing(backend: LambdaBackend, function: Function, qualifier: str) -> EventInvokeConfig:
    config = function.event_invoke.get(qualifier)
    if config is None:
        raise ResourceNotFoundException(
            f"The function {_arn(backend, function, qualifier)} doesn't have an EventInvokeConfig"
        )
    return config


def update_function_event_invoke_config(
    backend: LambdaBackend, params: dict[str, Any]
) -> dict[str, Any]:
    function, inline = target(backend, params)
    qualifier = _qualifier(backend, function, inline)
    current = _existing(backend, function, qualifier)
    config = _settings(params, current, backend.cloud.clock.now())
    function.event_invoke[qualifier] = config
    return _answer(backend, function, qualifier, config)


def get_function_event_invoke_config(
    backend: LambdaBackend, params: dict[str, Any]
) -> dict[str, Any]:
    function, inline = target(backend, params)
    qualifier = _qualifier(backend, function, inline)
    return _answer(backend, function, qualifier, _existing(backend, function, qualifier))


def delete_function_event_invoke_config(
    backend: LambdaBackend, params: dict[str, Any]
) -> dict[str, Any]:
    function, inline = target(backend, params)
    qualifier = _qualifier(backend, function, inline)
    _existing(backend, function, qualifier)
    del function.event_invoke[qualifier]
    return {}


def list_function_event_invoke_configs(
    backend: LambdaBackend, params: dict[str, Any]
) -> dict[str, Any]:
    function, _ = target(backend, params)
    items = [_answer(backend, function, q, c) for q, c in sorted(function.event_invoke.items())]
    return page(items, params, "FunctionEventInvokeConfigs")


OPERATIONS = {
    "PutFunctionEventInvokeConfig": put_function_event_invoke_config,
    "UpdateFunctionEventInvokeConfig": update_function_event_invoke_config,
    "GetFunctionEventInvokeConfig": get_function_event_invoke_config,
    "DeleteFunctionEventInvokeConfig": delete_function_event_invoke_config,
    "ListFunctionEventInvokeConfigs": list_function_event_invoke_configs,
}
