"""Lambda's event source mapping calls: Create, Get, List, Update, DeleteEventSourceMapping.

The emulator maps DynamoDB streams. Other sources AWS offers (Kinesis, Kafka, MQ,
DocumentDB, SQS) and settings it does not reproduce (tumbling windows, scaling, metrics,
logging, provisioned pollers, encryption of filters, tags) answer NotSupportedByEmulator.

Messages come from AWS where one was found: "Invalid filter pattern definition." (an
AWS answer quoted in user reports), and, from answers recorded against AWS by
LocalStack's parity tests, the starting-position and duplicate-mapping messages and
"Stream not found" (an InvalidParameterValueException, not ResourceNotFoundException).
Messages marked UNVERIFIED are the emulator's own wording.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.awslambda.api_common import named_config
from emulator.services.awslambda.api_esm_settings import BATCH_DEFAULT, number
from emulator.services.awslambda.api_esm_settings import settings as settings_of
from emulator.services.awslambda.backend import LambdaBackend
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from emulator.services.awslambda.esm_models import Mapping
from emulator.services.awslambda.esm_records import function_arn
from emulator.services.awslambda.eventsources import EventSources, engine_of
from emulator.services.base import require
from emulator.services.dynamodbstreams.backend import check_arn

#: A ListEventSourceMappings page holds at most 100 mappings (botocore MaxItems doc).
PAGE_MAX = 100

_SETTINGS = {
    "Enabled",
    "BatchSize",
    "FilterCriteria",
    "MaximumBatchingWindowInSeconds",
    "ParallelizationFactor",
    "DestinationConfig",
    "MaximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "TumblingWindowInSeconds",
    "FunctionResponseTypes",
    "FunctionName",
}
_ACCEPTED: dict[str, set[str]] = {
    "CreateEventSourceMapping": _SETTINGS
    | {"EventSourceArn", "StartingPosition", "StartingPositionTimestamp"},
    "UpdateEventSourceMapping": _SETTINGS | {"UUID"},
}
#: Event sources AWS maps that the emulator does not, by the ARN's service.
_OTHER_SOURCES = {
    "kinesis": "Amazon Kinesis",
    "kafka": "Amazon MSK",
    "mq": "Amazon MQ",
    "rds": "Amazon DocumentDB",
    "docdb-elastic": "Amazon DocumentDB",
    "sqs": "Amazon SQS",
}
_POSITIONS = ("LATEST", "AT_TIMESTAMP", "TRIM_HORIZON")


def _accept(operation: str, params: dict[str, Any]) -> None:
    for name in sorted(set(params) - _ACCEPTED[operation]):
        if params[name] not in (None, [], {}):
            raise NotSupportedByEmulator(f"{operation} with {name}")
    if params.get("TumblingWindowInSeconds"):
        raise NotSupportedByEmulator("Tumbling windows (TumblingWindowInSeconds)")


def _function(backend: LambdaBackend, name_or_arn: Any) -> tuple[str, str | None]:
    """(name, qualifier) of an existing function, version or alias."""
    name, qualifier = backend.split(str(name_or_arn))
    function = backend.function(name)
    if qualifier is not None:
        named_config(backend, function, qualifier)
    return name, qualifier


def _conflict(
    engine: EventSources, source_arn: str, target: tuple[str, str | None], itself: str = ""
) -> None:
    """ResourceConflictException when another mapping joins the same stream and function."""
    for other in engine.mappings.values():
        if (
            other.uuid != itself
            and other.source_arn == source_arn
            and (other.function, other.qualifier) == target
        ):
            raise ResourceConflictException(
                f'The event source arn (" {source_arn} ") and function (" {target[0]} ") '
                "provided mapping already exists. Please update or delete the existing "
                f"mapping with UUID {other.uuid}"
            )


# -- answers --------------------------------------------------------------------------------
def configuration(
    backend: LambdaBackend, mapping: Mapping, state: str | None = None
) -> dict[str, Any]:
    """EventSourceMappingConfiguration of a DynamoDB stream mapping."""
    answer: dict[str, Any] = {
        "UUID": mapping.uuid,
        "StartingPosition": mapping.starting_position,
        "BatchSize": mapping.batch_size,
        "MaximumBatchingWindowInSeconds": mapping.window,
        "ParallelizationFactor": mapping.parallelization,
        "EventSourceArn": mapping.source_arn,
    }
    if mapping.filters:
        answer["FilterCriteria"] = {"Filters": [{"Pattern": p} for p in mapping.filters]}
    answer.update(
        {
            "FunctionArn": function_arn(backend, mapping),
            "LastModified": dt.datetime.fromtimestamp(mapping.last_modified, dt.UTC),
            "LastProcessingResult": mapping.last_result,
            "State": state or mapping.state,
            "StateTransitionReason": "User action",
            "DestinationConfig": {
                "OnFailure": {"Destination": mapping.on_failure} if mapping.on_failure else {}
            },
            "MaximumRecordAgeInSeconds": mapping.max_age,
            "BisectBatchOnFunctionError": mapping.bisect,
            "MaximumRetryAttempts": mapping.max_retries,
            "TumblingWindowInSeconds": 0,
            "FunctionResponseTypes": ["ReportBatchItemFailures"] if mapping.report_failures else [],
            "EventSourceMappingArn": backend.arn(f"event-source-mapping:{mapping.uuid}"),
        }
    )
    return answer


def _accepted(answer: dict[str, Any]) -> dict[str, Any]:
    """Create, Update and Delete answer 202 Accepted: the change settles after the call."""
    answer["ResponseMetadata"] = {"HTTPStatusCode": 202}
    return answer


def _mapping(engine: EventSources, params: dict[str, Any]) -> Mapping:
    require(params, "UUID")
    mapping = engine.mappings.get(str(params["UUID"]))
    if mapping is None:
        raise ResourceNotFoundException("The resource you requested does not exist.")
    return mapping


# -- the operations -------------------------------------------------------------------------
def create_event_source_mapping(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("CreateEventSourceMapping", params)
    require(params, "FunctionName")
    arn = params.get("EventSourceArn")
    if not arn:
        raise InvalidParameterValueException("Unrecognized event source.")
    parts = str(arn).split(":")
    service = parts[2] if len(parts) >= 6 and parts[0] == "arn" else ""
    if service in _OTHER_SOURCES:
        raise NotSupportedByEmulator(f"An event source mapping for {_OTHER_SOURCES[service]}")
    if service != "dynamodb":
        raise InvalidParameterValueException("Unrecognized event source.")
    position = params.get("StartingPosition")
    if not position:
        raise InvalidParameterValueException(
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
            "constraint: Member must not be null."
        )
    if position not in _POSITIONS:
        raise ValidationException(
            f"1 validation error detected: Value '{position}' at 'startingPosition' failed to "
            f"satisfy constraint: Member must satisfy enum value set: [{', '.join(_POSITIONS)}]"
        )
    if position == "AT_TIMESTAMP":
        raise InvalidParameterValueException(f"Unsupported starting position for arn type: {arn}")
    if params.get("StartingPositionTimestamp") is not None:
        # UNVERIFIED wording: a timestamp goes only with AT_TIMESTAMP.
        raise InvalidParameterValueException(
            "StartingPositionTimestamp is only for the AT_TIMESTAMP starting position."
        )
    settings = {"batch_size": BATCH_DEFAULT, **settings_of(params)}
    name, qualifier = _function(backend, params["FunctionName"])
    try:
        check_arn(arn)
    except ValidationException:
        raise InvalidParameterValueException(f"Stream not found: {arn}") from None
    engine = engine_of(backend)
    stream = engine.reader.stream(str(arn))
    if stream is None:
        raise InvalidParameterValueException(f"Stream not found: {arn}")
    enabled = settings.pop("enabled", True)
    mapping = Mapping(
        uuid=str(uuid.UUID(int=backend.cloud.next_id())),
        source_arn=str(arn),
        function=name,
        qualifier=qualifier,
        starting_position=str(position),
        state="Enabled" if enabled else "Disabled",
        last_modified=backend.cloud.clock.now(),
        **settings,
    )
    _conflict(engine, mapping.source_arn, (name, qualifier))
    engine.add(mapping, stream)
    return _accepted(configuration(backend, mapping, "Creating"))


def get_event_source_mapping(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    return configuration(backend, _mapping(engine_of(backend), params))


def update_event_source_mapping(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("UpdateEventSourceMapping", params)
    engine = engine_of(backend)
    mapping = _mapping(engine, params)
    settings = settings_of(params)
    target = (mapping.function, mapping.qualifier)
    if params.get("FunctionName") is not None:
        target = _function(backend, params["FunctionName"])
    enabled = settings.pop("enabled", None)
    if target != (mapping.function, mapping.qualifier):
        _conflict(engine, mapping.source_arn, target, mapping.uuid)
        mapping.function, mapping.qualifier = target
    for field, value in settings.items():
        setattr(mapping, field, value)
    state = "Updating"
    if enabled is not None and enabled != mapping.enabled:
        state = "Enabling" if enabled else "Disabling"
        mapping.state = "Enabled" if enabled else "Disabled"
    mapping.last_modified = backend.cloud.clock.now()
    engine.changed()
    return _accepted(configuration(backend, mapping, state))


def delete_event_source_mapping(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    engine = engine_of(backend)
    mapping = _mapping(engine, params)
    engine.remove(mapping.uuid)
    return _accepted(configuration(backend, mapping, "Deleting"))


def list_event_source_mappings(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    engine = engine_of(backend)
    source = params.get("EventSourceArn")
    name = qualifier = None
    if params.get("FunctionName") is not None:
        name, qualifier = backend.split(str(params["FunctionName"]))
    mappings = [
        m
        for m in engine.mappings.values()
        if (source is None or m.source_arn == source)
        and (name is None or m.function == name)
        and (qualifier is None or m.qualifier == qualifier)
    ]
    most = number(params, "MaxItems", 1, 10_000) or PAGE_MAX
    marker = params.get("Marker")
    start = int(marker) if isinstance(marker, str) and marker.isdigit() else 0
    end = start + min(most, PAGE_MAX)
    answer: dict[str, Any] = {
        "EventSourceMappings": [configuration(backend, m) for m in mappings[start:end]]
    }
    if end < len(mappings):
        answer["NextMarker"] = str(end)
    return answer


OPERATIONS = {
    "CreateEventSourceMapping": create_event_source_mapping,
    "GetEventSourceMapping": get_event_source_mapping,
    "ListEventSourceMappings": list_event_source_mappings,
    "UpdateEventSourceMapping": update_event_source_mapping,
    "DeleteEventSourceMapping": delete_event_source_mapping,
}
