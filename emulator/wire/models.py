"""botocore's service models, loaded once, and the routing tables built from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel


@cache
def service_model(service: str) -> ServiceModel:
    """The botocore model of a service by its boto3 client name."""
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


@dataclass(frozen=True)
class Route:
    """One rest-json operation: HTTP method and a compiled URI template."""

    method: str
    pattern: re.Pattern[str]
    literal_segments: int
    query_required: tuple[str, ...]
    operation: OperationModel


def _compile(template: str) -> tuple[re.Pattern[str], int, tuple[str, ...]]:
    path, _, query = template.partition("?")
    parts = []
    literals = 0
    for segment in path.strip("/").split("/"):
        chunks = re.split(r"(\{[^}]+\})", segment)
        regex = ""
        for chunk in chunks:
            if chunk.startswith("{") and chunk.endswith("}"):
                name = chunk[1:-1]
                if name.endswith("+"):
                    regex += f"(?P<{_group(name[:-1])}>.+)"
                else:
                    regex += f"(?P<{_group(name)}>[^/]+)"
            elif chunk:
                regex += re.escape(chunk)
                literals += 1
        parts.append(regex)
    pattern = re.compile("^/" + "/".join(parts) + "/?$")
    required = tuple(q.split("=")[0] for q in query.split("&") if q)
    return pattern, literals, required


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


def group_name(name: str) -> str:
    """The regex group a URI label ``{Name}`` or ``{Name+}`` was compiled to."""
    return _group(name.rstrip("+"))


@cache
def rest_routes(service: str) -> tuple[Route, ...]:
    """Every operation of a rest protocol service, most specific first."""
    model = service_model(service)
    routes = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        http = operation.http
        pattern, literals, required = _compile(http["requestUri"])
        routes.append(Route(http["method"], pattern, literals, required, operation))
    routes.sort(key=lambda r: (-len(r.query_required), -r.literal_segments))
    return tuple(routes)


@cache
def json_targets() -> dict[str, str]:
    """JSON-protocol target prefix (``DynamoDB_20120810``) -> boto3 service name."""
    from emulator.services import REGISTRY

    targets = {}
    for service in REGISTRY:
        metadata = service_model(service).metadata
        # A service may offer several protocols (CloudWatch: cbor, json, query); the
        # gateway serves any that includes json.
        if "json" in metadata.get("protocols", [metadata.get("protocol")]):
            targets[metadata["targetPrefix"]] = service
    return targets


@cache
def signing_names() -> dict[str, str]:
    """The SigV4 service name in a request's credential scope -> boto3 service name."""
    from emulator.services import REGISTRY

    names = {}
    for service in REGISTRY:
        metadata = service_model(service).metadata
        names[metadata.get("signingName", metadata["endpointPrefix"])] = service
    return names
