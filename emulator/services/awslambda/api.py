"""Lambda's request and response shapes over the backend."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from emulator import limits
from emulator.errors import NotSupportedByEmulator
from emulator.services.awslambda import (
    api_async,
    api_concurrency,
    api_eventsources,
    api_layers,
    api_versions,
    runtimes,
)
from emulator.services.awslambda.api_common import configuration, named_config, page, target
from emulator.services.awslambda.backend import LambdaBackend
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    RequestTooLargeException,
    ValidationException,
)
from emulator.services.awslambda.models import Config
from emulator.services.base import require

_ROLE = re.compile(r"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$")
_NAME = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
_HANDLER = re.compile(r"^[^\s]+$")


class Payload:
    """The Invoke answer's payload, read like botocore's StreamingBody."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._read = False

    def read(self, amount: int | None = None) -> bytes:
        if self._read:
            return b""
        self._read = True
        return self._data

    def close(self) -> None:
        self._read = True


def _validated(params: dict[str, Any]) -> dict[str, Any]:
    """Configuration members, checked against AWS's limits; returns Function field values."""
    values: dict[str, Any] = {}
    if "Runtime" in params:
        values["runtime"] = runtimes.validate(params["Runtime"]).name
    if "Role" in params:
        if not isinstance(params["Role"], str) or not _ROLE.match(params["Role"]):
            raise ValidationException(
                f"1 validation error detected: Value '{params['Role']}' at 'role' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"
            )
        values["role"] = params["Role"]
    if "Handler" in params:
        if (
            not isinstance(params["Handler"], str)
            or not _HANDLER.match(params["Handler"])
            or len(params["Handler"]) > 128
        ):
            raise ValidationException(
                f"1 validation error detected: Value '{params['Handler']}' at 'handler' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: [^\\s]+"
            )
        values["handler"] = params["Handler"]
    if "Timeout" in params:
        low, high = limits.value("lambda", "TimeoutMin"), limits.value("lambda", "TimeoutMax")
        timeout = params["Timeout"]
        if not isinstance(timeout, int) or not low <= timeout <= high:
            raise InvalidParameterValueException(
                f"Timeout must be a whole number of seconds from {low} to {high} (15 minutes); got {timeout}"
            )
        values["timeout"] = timeout
    if "MemorySize" in params:
        low, high = limits.value("lambda", "MemoryMin"), limits.value("lambda", "MemoryMax")
        memory = params["MemorySize"]
        if not isinstance(memory, int) or not low <= memory <= high:
            raise InvalidParameterValueException(
                f"'MemorySize' value failed to satisfy constraint: Member must have value between {low} and {high} (MB); got {memory}"
            )
        values["memory"] = memory
    if "Environment" in params:
        variables = (params["Environment"] or {}).get("Variables") or {}
        measured = _environment_json(variables)
        if len(measured.encode()) > limits.value("lambda", "EnvironmentSize"):
            raise InvalidParameterValueException(
                "Lambda was unable to configure your environment variables because the environment "
                f"variables you have provided exceeded the 4KB limit. String measured: {measured}"
            )
        reserved = sorted(k for k in variables if k in _RESERVED_VARIABLES)
        if reserved:
            raise InvalidParameterValueException(
                f"Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {', '.join(reserved)}"
            )
        values["environment"] = {str(k): str(v) for k, v in variables.items()}
    if "Description" in params:
        values["description"] = params["Description"]
    if "Architectures" in params:
        if params["Architectures"] not in (["x86_64"], ["arm64"]):
            raise ValidationException("Architectures takes one of ['x86_64'] or ['arm64']")
        values["architectures"] = list(params["Architectures"])
    if "EphemeralStorage" in params:
        low = limits.value("lambda", "EphemeralStorageMin")
        high = limits.value("lambda", "EphemeralStorageMax")
        size = (params["EphemeralStorage"] or {}).get("Size")
        if not isinstance(size, int) or not low <= size <= high:
            raise ValidationException(
                f"1 validation error detected: Value '{size}' at 'ephemeralStorage.size' failed to satisfy constraint: "
                f"Member must have value less than or equal to {high} and greater than or equal to {low}"
            )
        values["ephemeral"] = size
    if "DeadLetterConfig" in params:
        target = (params["DeadLetterConfig"] or {}).get("TargetArn") or ""
        if target and target.split(":")[2:3] not in (["sqs"], ["sns"]):
            raise InvalidParameterValueException(
                f"The provided target ARN {target} is not an Amazon SQS queue or Amazon SNS topic."
            )
        if target.split(":")[2:3] == ["sns"]:
            raise NotSupportedByEmulator("An Amazon SNS topic as a dead-letter queue")
        values["dead_letter_arn"] = target
    if "SnapStart" in params:
        apply_on = (params["SnapStart"] or {}).get("ApplyOn", "None")
        if apply_on not in ("PublishedVersions", "None"):
            raise ValidationException(
                f"1 validation error detected: Value '{apply_on}' at 'snapStart.applyOn' failed to satisfy constraint: "
                "Member must satisfy enum value set: [PublishedVersions, None]"
            )
        values["snap_start"] = apply_on
    if "Layers" in params:
        layers = params["Layers"] or []
        if not isinstance(layers, list) or not all(isinstance(a, str) for a in layers):
            raise ValidationException("Layers takes a list of layer version ARNs")
        values["layers"] = list(layers)
    for name in (
        "VpcConfig",
        "KMSKeyArn",
        "TracingConfig",
        "FileSystemConfigs",
        "ImageConfig",
        "LoggingConfig",
        "CodeSigningConfigArn",
        "Tags",
    ):
        if params.get(name):
            raise NotSupportedByEmulator(f"{name} on functions")
    return values


_RESERVED_VARIABLES = frozenset(
    {
        "_HANDLER",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


def _environment_json(variables: dict[str, Any]) -> str:
    return json.dumps({str(k): str(v) for k, v in variables.items()}, separators=(",", ":"))


def _zip(params: dict[str, Any]) -> bytes:
    code = params.get("Code") or {}
    if (
        any(code.get(k) for k in ("S3Bucket", "S3Key", "ImageUri"))
        or params.get("PackageType") == "Image"
    ):
        raise NotSupportedByEmulator("Code from S3 or a container image (upload a ZipFile)")
    data = code.get("ZipFile", params.get("ZipFile"))
    if not data:
        raise InvalidParameterValueException(
            "Please provide a source for function code (a ZipFile)."
        )
    size = len(data)
    if size > limits.value("lambda", "ZippedPackage"):
        raise RequestTooLargeException(
            f"Request must be smaller than {limits.value('lambda', 'ZippedPackage')} bytes for the CreateFunction operation"
        )
    return bytes(data)


def create_function(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    require(params, "FunctionName", "Role", "Code")
    name = params["FunctionName"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ (1 to 64 characters)"
        )
    if "Runtime" not in params or "Handler" not in params:
        raise InvalidParameterValueException(
            "Runtime and Handler are mandatory parameters for functions created with deployment packages."
        )
    values = _validated(params)
    values.setdefault("timeout", limits.value("lambda", "TimeoutDefault"))
    values.setdefault("memory", limits.value("lambda", "MemoryDefault"))
    _check_snap_start(values)
    function = backend.create(name, Config(code=_zip(params), **values))
    config = function.latest
    if params.get("Publish"):
        config = backend.publish(function)
    return configuration(backend, name, config)


def _check_snap_start(values: dict[str, Any]) -> None:
    """SnapStart's documented limits: Python 3.12+, ephemeral storage of 512 MB."""
    if values.get("snap_start", "None") == "None":
        return
    runtime = values.get("runtime", "")
    known = runtimes.RUNTIMES.get(runtime)
    if known is None or not known.snapstart:
        raise InvalidParameterValueException(
            f"{runtime} is not supported for SnapStart enabled functions."
        )
    if values.get("ephemeral", 512) > 512:
        raise InvalidParameterValueException(
            "SnapStart is not supported for functions with ephemeral storage greater than 512 MB."
        )


def get_function(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, qualifier = target(backend, params)
    config = named_config(backend, function, qualifier)
    answer: dict[str, Any] = {
        "Configuration": configuration(backend, function.name, config),
        "Code": {
            "RepositoryType": "S3",
            "Location": (
                f"https://awslambda-{backend.region}-tasks.s3.{backend.region}.amazonaws.com/"
                f"snapshots/{backend.account_id}/{function.name}-{config.revision}"
            ),
        },
    }
    if function.reserved is not None:
        answer["Concurrency"] = {"ReservedConcurrentExecutions": function.reserved}
    return answer


def get_function_configuration(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, qualifier = target(backend, params)
    return configuration(backend, function.name, named_config(backend, function, qualifier))


def list_functions(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    names = sorted(backend.functions)
    everything = params.get("FunctionVersion") == "ALL"
    configs = [
        (n, c)
        for n in names
        for c in (
            [backend.functions[n].latest, *backend.functions[n].versions.values()]
            if everything
            else [backend.functions[n].latest]
        )
    ]
    return page([configuration(backend, n, c) for n, c in configs], params, "Functions")


def update_function_code(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    code = _zip(
        {
            "Code": {
                k: params[k] for k in ("ZipFile", "S3Bucket", "S3Key", "ImageUri") if k in params
            }
        }
    )
    config = backend.update(function, code=code)
    if params.get("Publish"):
        config = backend.publish(function)
    return configuration(backend, function.name, config)


def update_function_configuration(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    values = _validated(params)
    merged = {
        "runtime": function.latest.runtime,
        "ephemeral": function.latest.ephemeral,
        "snap_start": function.latest.snap_start,
        **values,
    }
    _check_snap_start(merged)
    return configuration(backend, function.name, backend.update(function, **values))


def delete_function(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, qualifier = target(backend, params)
    backend.delete(function, qualifier)
    return {}


def _payload(raw: Any) -> bytes:
    if raw is None:
        return b"{}"
    if hasattr(raw, "read"):
        raw = raw.read()
    if isinstance(raw, str):
        raw = raw.encode()
    return bytes(raw) or b"{}"


def invoke(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, qualifier = target(backend, params)
    payload = _payload(params.get("Payload"))
    kind = params.get("InvocationType", "RequestResponse")
    if kind not in ("Event", "RequestResponse", "DryRun"):
        raise ValidationException(
            f"1 validation error detected: Value '{kind}' at 'invocationType' failed to satisfy constraint: "
            "Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
        )
    if kind != "Event" and len(payload) > limits.value("lambda", "SyncPayload"):
        raise RequestTooLargeException(
            f"Request must be smaller than {limits.value('lambda', 'SyncPayload')} bytes for the InvokeFunction operation"
        )
    try:
        json.loads(payload)
    except ValueError:
        raise InvalidRequestContentException(
            "Could not parse request body into json: the payload is not valid JSON"
        ) from None
    if kind == "DryRun":
        backend.resolve(function, qualifier)
        return {"StatusCode": 204, "Payload": Payload(b"")}
    if kind == "Event":
        backend.queue.enqueue(function, qualifier, payload)
        return {"StatusCode": 202, "Payload": Payload(b"")}
    outcome = backend.invoke(function, qualifier, payload)
    answer: dict[str, Any] = {
        "StatusCode": 200,
        "ExecutedVersion": outcome.version,
        "Payload": Payload(outcome.payload),
    }
    if outcome.function_error:
        answer["FunctionError"] = outcome.function_error
    if params.get("LogType") == "Tail":
        tail = ("\n".join(outcome.log) + "\n").encode()[-4096:]
        answer["LogResult"] = base64.b64encode(tail).decode()
    return answer


OPERATIONS = {
    "CreateFunction": create_function,
    "GetFunction": get_function,
    "GetFunctionConfiguration": get_function_configuration,
    "ListFunctions": list_functions,
    "UpdateFunctionCode": update_function_code,
    "UpdateFunctionConfiguration": update_function_configuration,
    "DeleteFunction": delete_function,
    "Invoke": invoke,
    **api_versions.OPERATIONS,
    **api_concurrency.OPERATIONS,
    **api_async.OPERATIONS,
    **api_layers.OPERATIONS,
    **api_eventsources.OPERATIONS,
}
