"""AWS's json and rest-json protocols: HTTP request -> operation call -> HTTP response."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from emulator.errors import ServiceError, UnknownOperationException, ValidationException
from emulator.wire import codec
from emulator.wire.models import group_name, json_targets, rest_routes, service_model

if TYPE_CHECKING:
    from botocore.model import OperationModel


@dataclass
class Request:
    """An HTTP request as the gateway received it."""

    method: str
    target: str  # path and query string
    headers: Mapping[str, str]  # names in lower case
    body: bytes


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """A decoded operation call, ready for ``Cloud.dispatch``."""

    service: str
    operation: OperationModel
    params: dict[str, Any]


# -- json protocol (DynamoDB, CloudWatch Logs) ----------------------------------------
def decode_json(request: Request) -> Call:
    prefix, _, name = request.headers.get("x-amz-target", "").partition(".")
    service = json_targets().get(prefix)
    if service is None:
        raise UnknownOperationException(f"the emulator does not serve target prefix {prefix!r}")
    model = service_model(service)
    if name not in model.operation_names:
        raise UnknownOperationException(f"{service} has no operation {name!r}")
    operation = model.operation_model(name)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise SerializationException(f"the request body is not JSON: {exc}") from None
    return Call(service, operation, codec.decode(operation.input_shape, body))


def encode_json(call: Call, result: dict[str, Any]) -> Response:
    result.pop("ResponseMetadata", None)
    body = codec.encode(call.operation.output_shape, result) or {}
    version = service_model(call.service).metadata.get("jsonVersion", "1.0")
    return Response(
        200, json.dumps(body).encode(), {"Content-Type": f"application/x-amz-json-{version}"}
    )


def json_error(error: ServiceError, service: str | None) -> Response:
    body: dict[str, Any] = {"__type": _qualified(error.code, service), "message": error.message}
    body.update(error.fields)
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    headers.update(_query_error(error))
    return Response(error.status, json.dumps(body).encode(), headers)


def _qualified(code: str, service: str | None) -> str:
    if service == "dynamodb":
        return f"com.amazonaws.dynamodb.v20120810#{code}"
    if service == "sqs":
        return f"com.amazonaws.sqs#{code}"
    return code


def _query_error(error: ServiceError) -> dict[str, str]:
    """The x-amzn-query-error header of services with the awsQueryCompatible trait (SQS).

    It carries the error code of the service's older query protocol, which botocore then
    reports as ``Error.Code``; errors that define no ``query_code`` send no header.
    """
    query_code = getattr(error, "query_code", None)
    if not query_code:
        return {}
    fault = "Sender" if error.sender_fault else "Receiver"
    return {"x-amzn-query-error": f"{query_code};{fault}"}


class SerializationException(ServiceError):
    code = "SerializationException"
    status = 400
    sender_fault = True


# -- rest-json protocol (Lambda) ------------------------------------------------------
def decode_rest(service: str, request: Request) -> Call:
    url = urlsplit(request.target)
    path = url.path
    query = parse_qs(url.query, keep_blank_values=True)
    for route in rest_routes(service):
        if route.method != request.method:
            continue
        match = route.pattern.match(path)
        if match is None or any(q not in query for q in route.query_required):
            continue
        return Call(
            service,
            route.operation,
            _rest_params(route.operation, match.groupdict(), query, request),
        )
    raise UnknownOperationException(f"{service} has no operation for {request.method} {path}")


def _rest_params(
    operation: OperationModel,
    labels: dict[str, str],
    query: dict[str, list[str]],
    request: Request,
) -> dict[str, Any]:
    shape = operation.input_shape
    params: dict[str, Any] = {}
    if shape is None:
        return params
    headers = request.headers
    body_members = {}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            raw = labels.get(group_name(wire_name))
            if raw is not None:
                params[name] = codec.scalar(member, unquote(raw))
        elif location == "querystring":
            if wire_name in query:
                values = query[wire_name]
                if member.type_name == "list":
                    params[name] = [codec.scalar(member.member, v) for v in values]
                else:
                    params[name] = codec.scalar(member, values[0])
        elif location == "header":
            if wire_name.lower() in headers:
                params[name] = codec.scalar(member, headers[wire_name.lower()])
        elif location is None:
            body_members[name] = member
    payload = shape.serialization.get("payload")
    if payload:
        member = shape.members[payload]
        if member.type_name == "blob":
            if request.body:
                params[payload] = request.body
        elif request.body:
            params[payload] = codec.decode(member, _json_body(request.body))
    elif body_members and request.body:
        body = _json_body(request.body)
        for name, value in body.items():
            params[name] = codec.decode(body_members.get(name), value)
    return params


def _json_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise SerializationException(f"the request body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ValidationException("the request body must be a JSON object")
    return body


def encode_rest(call: Call, result: dict[str, Any]) -> Response:
    result.pop("ResponseMetadata", None)
    operation = call.operation
    status = int(operation.http.get("responseCode", 200))
    shape = operation.output_shape
    if shape is None:
        return Response(status)
    headers: dict[str, str] = {}
    body_values: dict[str, Any] = {}
    raw_body: bytes | None = None
    payload = shape.serialization.get("payload")
    for name, value in result.items():
        member = shape.members.get(name)
        if member is None or value is None:
            continue
        location = member.serialization.get("location")
        if location == "statusCode":
            status = int(value)
        elif location == "header":
            headers[member.serialization.get("name", name)] = codec.header_text(value)
        elif name == payload:
            if member.type_name == "blob":
                data = value.read() if hasattr(value, "read") else value
                raw_body = data.encode() if isinstance(data, str) else bytes(data)
            else:
                raw_body = json.dumps(codec.encode(member, value)).encode()
        else:
            body_values[name] = codec.encode(member, value)
    if raw_body is None:
        raw_body = json.dumps(body_values).encode() if body_values or status != 204 else b""
        headers.setdefault("Content-Type", "application/json")
    return Response(status, raw_body, headers)


def rest_error(error: ServiceError) -> Response:
    body: dict[str, Any] = {
        "Type": "User" if error.sender_fault else "Service",
        "message": error.message,
    }
    headers = {"X-Amzn-ErrorType": error.code, "Content-Type": "application/json"}
    for name, value in error.fields.items():
        if name == "retryAfterSeconds":
            headers["Retry-After"] = str(value)
        else:
            body[name] = value
    return Response(error.status, json.dumps(body).encode(), headers)


# -- smithy-rpc-v2-cbor: refused, in CBOR so the client can read why ------------------
def cbor_refusal() -> Response:
    """A smithy-rpc-v2-cbor request: refuse it in CBOR, so botocore can read the error."""
    body = {
        "__type": "UnknownOperationException",
        "message": "the emulator's gateway speaks json and rest-json; this client sent "
        "smithy-rpc-v2-cbor, which it does not support",
    }
    data = _cbor_head(5, len(body)) + b"".join(
        _cbor_text(k) + _cbor_text(v) for k, v in body.items()
    )
    return Response(
        400, data, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
    )


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    if length < 256:
        return bytes([major << 5 | 24, length])
    if length < 65536:
        return bytes([major << 5 | 25]) + length.to_bytes(2, "big")
    return bytes([major << 5 | 26]) + length.to_bytes(4, "big")


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    return _cbor_head(3, len(data)) + data
