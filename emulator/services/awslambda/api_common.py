"""Shapes shared by Lambda's API modules: FunctionConfiguration, qualifiers, paging."""

from __future__ import annotations

import datetime as dt
from typing import Any

from emulator.services.awslambda.backend import LambdaBackend
from emulator.services.awslambda.errors import ResourceNotFoundException
from emulator.services.awslambda.models import LATEST, Config, Function
from emulator.services.base import require


def configuration(backend: LambdaBackend, name: str, c: Config) -> dict[str, Any]:
    """FunctionConfiguration for ``$LATEST`` or a published version."""
    modified = dt.datetime.fromtimestamp(c.last_modified, dt.UTC)
    arn = backend.arn(f"function:{name}")
    answer: dict[str, Any] = {
        "FunctionName": name,
        "FunctionArn": arn if c.version == LATEST else f"{arn}:{c.version}",
        "Runtime": c.runtime,
        "Role": c.role,
        "Handler": c.handler,
        "CodeSize": len(c.code),
        "Description": c.description,
        "Timeout": c.timeout,
        "MemorySize": c.memory,
        "LastModified": modified.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{modified.microsecond // 1000:03d}+0000",
        "CodeSha256": c.code_sha256,
        "Version": c.version,
        "TracingConfig": {"Mode": "PassThrough"},
        "RevisionId": c.revision,
        "State": c.state,
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": list(c.architectures),
        "EphemeralStorage": {"Size": c.ephemeral},
        "SnapStart": {
            "ApplyOn": c.snap_start,
            "OptimizationStatus": "On" if c.snap_start != "None" and c.version != LATEST else "Off",
        },
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"},
    }
    if c.state_reason_code:
        answer["StateReason"] = c.state_reason
        answer["StateReasonCode"] = c.state_reason_code
    if c.environment:
        answer["Environment"] = {"Variables": dict(c.environment)}
    if c.dead_letter_arn:
        answer["DeadLetterConfig"] = {"TargetArn": c.dead_letter_arn}
    if c.layers:
        answer["Layers"] = [
            {"Arn": arn, "CodeSize": len(backend.layers.by_arn(arn).code)} for arn in c.layers
        ]
    return answer


def target(backend: LambdaBackend, params: dict[str, Any]) -> tuple[Function, str | None]:
    require(params, "FunctionName")
    name, qualifier = backend.split(params["FunctionName"], params.get("Qualifier"))
    return backend.function(name), qualifier


def named_config(backend: LambdaBackend, function: Function, qualifier: str | None) -> Config:
    """The configuration a qualifier names; an alias names its main version."""
    if qualifier in (None, LATEST):
        return function.latest
    assert qualifier is not None
    if qualifier in function.versions:
        return function.versions[qualifier]
    if qualifier in function.aliases:
        return function.config(function.aliases[qualifier].version)
    raise ResourceNotFoundException(
        f"Function not found: {backend.arn(f'function:{function.name}:{qualifier}')}"
    )


def page(items: list[dict[str, Any]], params: dict[str, Any], key: str) -> dict[str, Any]:
    """Marker/MaxItems paging: the marker is the index of the next item."""
    marker = params.get("Marker")
    start = int(marker) if isinstance(marker, str) and marker.isdigit() else 0
    limit = int(params.get("MaxItems") or 50)
    answer: dict[str, Any] = {key: items[start : start + limit]}
    if start + limit < len(items):
        answer["NextMarker"] = str(start + limit)
    return answer
