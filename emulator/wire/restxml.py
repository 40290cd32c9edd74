"""AWS's rest-xml protocol (Amazon S3, path-style): HTTP request -> call -> HTTP response.

Driven by botocore's model: an operation is found by method, URI template (greedy
``{Key+}`` labels too), the query keys it names and the members it requires in headers
or the query string (CopyObject is PutObject plus ``x-amz-copy-source``). Members come
from URI labels, the query string, headers, ``x-amz-meta-*`` maps and the payload (raw
bytes for a blob, an XML document for a structure). Answers go back the same way, and
errors as S3's ``<Error><Code/><Message/>...</Error>`` with their HTTP status.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from emulator.errors import NotSupportedByEmulator, ServiceError, UnknownOperationException
from emulator.wire import xmlshapes
from emulator.wire.models import service_model
from emulator.wire.protocols import Call, Request, Response

if TYPE_CHECKING:
    from botocore.model import OperationModel

#: S3's XML namespace, on the root of every document it sends.
NAMESPACES = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
#: Root elements of answers whose output has no payload member, as S3 names them.
_ROOTS = {
    "ListBuckets": "ListAllMyBucketsResult",
    "ListObjects": "ListBucketResult",
    "ListObjectsV2": "ListBucketResult",
    "DeleteObjects": "DeleteResult",
}
_LABEL = re.compile(r"\{([^}]+)\}")


def serves(service: str) -> bool:
    """Whether ``service`` speaks rest-xml."""
    return bool(service_model(service).metadata.get("protocol") == "rest-xml")


# -- routing --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    #: Query keys the request must carry, with the value they must have (or None).
    query: tuple[tuple[str, str | None], ...]
    headers: tuple[str, ...]
    operation: OperationModel

    @property
    def weight(self) -> tuple[int, bool]:
        """The more a route requires, the better it fits a request that has it all."""
        return len(self.query) + len(self.headers), not self.operation.deprecated


@cache
def _routes(service: str) -> tuple[_Route, ...]:
    model = service_model(service)
    routes = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        path, _, query_text = operation.http["requestUri"].partition("?")
        query: list[tuple[str, str | None]] = []
        for part in filter(None, query_text.split("&")):
            key, equals, value = part.partition("=")
            query.append((key, value if equals and not _LABEL.search(value) else None))
        headers: list[str] = []
        shape = operation.input_shape
        for member_name in shape.required_members if shape is not None else ():
            member = shape.members[member_name]
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", member_name)
            if location == "header":
                headers.append(wire_name.lower())
            elif location == "querystring":
                query.append((wire_name, None))
        routes.append(
            _Route(
                operation.http["method"], _compile(path), tuple(query), tuple(headers), operation
            )
        )
    return tuple(routes)


def _compile(path: str) -> re.Pattern[str]:
    regex = ""
    for piece in re.split(r"(\{[^}]+\})", path):
        label = _LABEL.fullmatch(piece)
        if label is None:
            regex += re.escape(piece)
        elif label.group(1).endswith("+"):
            regex += f"(?P<{_group(label.group(1))}>.+)"
        else:
            regex += f"(?P<{_group(label.group(1))}>[^/]+)"
    # Some SDKs end a bucket's path with a slash; a greedy key label keeps its own.
    return re.compile(f"^{regex}$" if regex.endswith(".+)") else f"^{regex}/?$")


def _group(label: str) -> str:
    return re.sub(r"\W", "_", label.rstrip("+"))


def _find(
    service: str,
    request: Request,
    path: str,
    query: dict[str, list[str]],
    supported: Collection[str],
) -> tuple[_Route, dict[str, str]]:
    best: tuple[tuple[int, bool, bool], _Route, dict[str, str]] | None = None
    for route in _routes(service):
        if route.method != request.method:
            continue
        match = route.pattern.match(path)
        if match is None:
            continue
        if any(k not in query or (v is not None and query[k][0] != v) for k, v in route.query):
            continue
        if any(h not in request.headers for h in route.headers):
            continue
        rank = (*route.weight, route.operation.name in supported)
        if best is None or rank > best[0]:
            best = (rank, route, match.groupdict())
    if best is None:
        raise UnknownOperationException(f"{service} has no operation for {request.method} {path}")
    return best[1], best[2]


# -- requests -------------------------------------------------------------------------
def decode(service: str, request: Request, supported: Collection[str]) -> Call:
    """The operation call a request makes; NotSupportedByEmulator if it is not emulated."""
    url = urlsplit(request.target)
    query = parse_qs(url.query, keep_blank_values=True)
    route, labels = _find(service, request, url.path, query, supported)
    operation = route.operation
    if operation.name not in supported:
        raise NotSupportedByEmulator(f"{service_model(service).service_id}'s {operation.name}")
    headers, body = _unchunked(request)
    params = _params(operation, labels, query, headers, body)
    _integrity(operation, headers, body)
    return Call(service, operation, params)


def _unchunked(request: Request) -> tuple[dict[str, str], bytes]:
    """The headers and body with an ``aws-chunked`` body decoded and its trailers merged."""
    headers = dict(request.headers)
    encodings = [e.strip() for e in headers.get("content-encoding", "").split(",") if e.strip()]
    if "aws-chunked" not in encodings:
        return headers, request.body
    body, trailers = _dechunk(request.body)
    headers.update(trailers)
    encodings.remove("aws-chunked")
    if encodings:
        headers["content-encoding"] = ",".join(encodings)
    else:
        headers.pop("content-encoding")
    headers["content-length"] = headers.pop("x-amz-decoded-content-length", str(len(body)))
    return headers, body


def _dechunk(raw: bytes) -> tuple[bytes, dict[str, str]]:
    out = bytearray()
    position = 0
    try:
        while True:
            end = raw.index(b"\r\n", position)
            size = int(raw[position:end].split(b";")[0], 16)
            position = end + 2
            if size == 0:
                break
            out += raw[position : position + size]
            position += size + 2
    except ValueError:
        raise xmlshapes.IncompleteBody("The aws-chunked body ended before its last chunk") from None
    trailers = {}
    for line in raw[position:].split(b"\r\n"):
        name, colon, value = line.partition(b":")
        if colon:
            trailers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return bytes(out), trailers


def _params(
    operation: OperationModel,
    labels: dict[str, str],
    query: dict[str, list[str]],
    headers: Mapping[str, str],
    body: bytes,
) -> dict[str, Any]:
    shape = operation.input_shape
    params: dict[str, Any] = {}
    if shape is None:
        return params
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            raw = labels.get(_group(wire))
            if raw is not None:
                params[name] = unquote(raw)
        elif location == "querystring" and wire in query:
            values = query[wire]
            params[name] = (
                [xmlshapes.scalar(member.member, v, name) for v in values]
                if member.type_name == "list"
                else xmlshapes.scalar(member, values[0], name)
            )
        elif location == "header" and wire.lower() in headers:
            params[name] = xmlshapes.scalar(member, headers[wire.lower()], name)
        elif location == "headers":
            prefix = wire.lower()
            found = {h[len(prefix) :]: v for h, v in headers.items() if h.startswith(prefix)}
            if found:
                params[name] = found
    payload = shape.serialization.get("payload")
    if payload:
        member = shape.members[payload]
        if member.type_name == "blob":
            params[payload] = body
        elif body.strip():
            params[payload] = xmlshapes.from_xml(member, xmlshapes.read_document(body, member))
    return params


# -- integrity of bodies the operation has no member for ------------------------------
_CHECKSUMS: dict[str, Any] = {
    "crc32": lambda data: zlib.crc32(data).to_bytes(4, "big"),
    "sha1": lambda data: hashlib.sha1(data, usedforsecurity=False).digest(),
    "sha256": lambda data: hashlib.sha256(data).digest(),
    "sha512": lambda data: hashlib.sha512(data).digest(),
    "md5": lambda data: hashlib.md5(data, usedforsecurity=False).digest(),
}
#: The checksum headers S3 knows: x-amz-checksum-<algorithm>.
_CHECKSUM_HEADERS = {
    f"x-amz-checksum-{a}"
    for a in (
        *("crc32", "crc32c", "crc64nvme", "sha1", "sha256", "sha512", "md5"),
        *("xxhash64", "xxhash3", "xxhash128"),
    )
}


def _integrity(operation: OperationModel, headers: Mapping[str, str], body: bytes) -> None:
    """Check Content-MD5 and x-amz-checksum-* headers the operation does not take itself.

    An operation that requires one (DeleteObjects) is refused without, as S3 does.
    """
    mapped = {
        str(m.serialization.get("name", n)).lower()
        for n, m in (operation.input_shape.members.items() if operation.input_shape else ())
    }
    given = [h for h in headers if h == "content-md5" or h in _CHECKSUM_HEADERS]
    required = operation.http_checksum_required or operation.http_checksum.get(
        "requestChecksumRequired"
    )
    if required and not given:
        raise xmlshapes.InvalidRequest(
            "Missing required header for this request: Content-MD5 OR x-amz-checksum-*"
        )
    for header in given:
        if header in mapped:
            continue
        expected = headers[header]
        if header == "content-md5":
            actual = hashlib.md5(body, usedforsecurity=False).digest()
            try:
                if len(base64.b64decode(expected, validate=True)) != 16:
                    raise binascii.Error
            except binascii.Error:
                raise xmlshapes.InvalidDigest(
                    "The Content-MD5 you specified is not valid."
                ) from None
        else:
            algorithm = header.removeprefix("x-amz-checksum-")
            compute = _CHECKSUMS.get(algorithm)
            if compute is None:
                raise NotSupportedByEmulator(f"{algorithm.upper()} checksums")
            actual = compute(body)
        if base64.b64encode(actual).decode("ascii") != expected:
            raise xmlshapes.BadDigest(f"The {header} you specified did not match what we received.")


# -- responses ------------------------------------------------------------------------
def encode(call: Call, result: dict[str, Any], method: str) -> Response:
    """The HTTP answer for a call's result."""
    operation = call.operation
    metadata = result.pop("ResponseMetadata", None) or {}
    status = int(metadata.get("HTTPStatusCode") or operation.http.get("responseCode", 200))
    shape = operation.output_shape
    if shape is None:
        return Response(status)
    headers: dict[str, str] = {}
    body = b""
    in_body: dict[str, Any] = {}
    payload = shape.serialization.get("payload")
    for name, value in result.items():
        member = shape.members[name]
        location = member.serialization.get("location")
        wire = str(member.serialization.get("name", name))
        if value is None:
            continue
        if location == "header":
            # The gateway counts the body it sends; a HEAD answer reports the object's.
            if wire.lower() != "content-length" or method == "HEAD":
                headers[wire] = xmlshapes.header_text(member, value)
        elif location == "headers":
            headers.update({wire + str(k): str(v) for k, v in value.items()})
        elif location == "statusCode":
            status = int(value)
        elif name == payload and member.type_name == "blob":
            data = value.read() if hasattr(value, "read") else value
            body = data.encode() if isinstance(data, str) else bytes(data)
        elif name == payload:
            root = str(member.serialization.get("name", member.name))
            body = xmlshapes.write_document(root, NAMESPACES.get(call.service), member, value)
            headers["Content-Type"] = "application/xml"
        else:
            in_body[name] = value
    if in_body:
        root = _ROOTS.get(operation.name, f"{operation.name}Result")
        body = xmlshapes.write_document(root, NAMESPACES.get(call.service), shape, in_body)
        headers["Content-Type"] = "application/xml"
    return Response(status, body, headers)


def error(failure: ServiceError, method: str) -> Response:
    """S3's error answer: an ``<Error>`` document, or only the status for HEAD and 304."""
    if method == "HEAD" or failure.code.isdigit():
        return Response(failure.status)
    return Response(
        failure.status, xmlshapes.error_document(failure), {"Content-Type": "application/xml"}
    )
