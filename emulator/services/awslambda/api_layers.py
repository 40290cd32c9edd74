"""Lambda's layer calls: PublishLayerVersion, GetLayerVersion, ListLayers, ..."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.awslambda.api_common import page
from emulator.services.awslambda.backend import LambdaBackend, check_zip
from emulator.services.awslambda.errors import InvalidParameterValueException, ValidationException
from emulator.services.awslambda.layers import LayerVersion
from emulator.services.base import require

_NAME = re.compile(r"^[a-zA-Z0-9-_]{1,140}$")


def _name(params: dict[str, Any]) -> str:
    require(params, "LayerName")
    name = str(params["LayerName"])
    if ":layer:" in name:
        name = name.split(":layer:", 1)[1]
    if not _NAME.match(name):
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'layerName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+"
        )
    return name


def _stamp(when: float) -> str:
    moment = dt.datetime.fromtimestamp(when, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _answer(backend: LambdaBackend, layer: LayerVersion, *, content: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "LayerVersionArn": backend.layers.version_arn(layer),
        "Version": layer.version,
        "Description": layer.description,
        "CreatedDate": _stamp(layer.created),
        "CompatibleRuntimes": list(layer.runtimes),
        "CompatibleArchitectures": list(layer.architectures),
    }
    if layer.license:
        answer["LicenseInfo"] = layer.license
    if content:
        answer["LayerArn"] = backend.layers.layer_arn(layer.name)
        answer["Content"] = {
            "Location": (
                f"https://awslambda-{backend.region}-layers.s3.{backend.region}.amazonaws.com/"
                f"snapshots/{backend.account_id}/{layer.name}-{layer.version}"
            ),
            "CodeSha256": layer.code_sha256,
            "CodeSize": len(layer.code),
        }
    return answer


def publish_layer_version(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    name = _name(params)
    require(params, "Content")
    content = params["Content"] or {}
    if any(content.get(k) for k in ("S3Bucket", "S3Key")):
        raise NotSupportedByEmulator("Layer content from S3 (upload a ZipFile)")
    if not content.get("ZipFile"):
        raise InvalidParameterValueException("Please provide a source for the layer (a ZipFile).")
    check_zip(bytes(content["ZipFile"]))
    layer = backend.layers.publish(
        LayerVersion(
            name=name,
            version=0,
            code=bytes(content["ZipFile"]),
            description=params.get("Description", ""),
            runtimes=list(params.get("CompatibleRuntimes") or []),
            architectures=list(params.get("CompatibleArchitectures") or []),
            license=params.get("LicenseInfo", ""),
            created=backend.cloud.clock.now(),
        )
    )
    return _answer(backend, layer, content=True)


def _version(params: dict[str, Any]) -> int:
    require(params, "VersionNumber")
    return int(params["VersionNumber"])


def get_layer_version(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    layer = backend.layers.get(_name(params), _version(params))
    return _answer(backend, layer, content=True)


def get_layer_version_by_arn(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    require(params, "Arn")
    layer = backend.layers.by_arn(str(params["Arn"]))
    return _answer(backend, backend.layers.get(layer.name, layer.version), content=True)


def _matches(layer: LayerVersion, params: dict[str, Any]) -> bool:
    runtime, arch = params.get("CompatibleRuntime"), params.get("CompatibleArchitecture")
    return (runtime is None or runtime in layer.runtimes) and (
        arch is None or arch in layer.architectures
    )


def list_layer_versions(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    name = _name(params)
    versions = backend.layers.versions.get(name, {})
    items = [
        _answer(backend, layer, content=False)
        for _, layer in sorted(versions.items(), reverse=True)
        if not layer.deleted and _matches(layer, params)
    ]
    return page(items, params, "LayerVersions")


def list_layers(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    items = []
    for name, versions in sorted(backend.layers.versions.items()):
        live = [v for _, v in sorted(versions.items(), reverse=True) if not v.deleted]
        live = [v for v in live if _matches(v, params)]
        if live:
            items.append(
                {
                    "LayerName": name,
                    "LayerArn": backend.layers.layer_arn(name),
                    "LatestMatchingVersion": _answer(backend, live[0], content=False),
                }
            )
    return page(items, params, "Layers")


def delete_layer_version(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    backend.layers.delete(_name(params), _version(params))
    return {}


OPERATIONS = {
    "PublishLayerVersion": publish_layer_version,
    "GetLayerVersion": get_layer_version,
    "GetLayerVersionByArn": get_layer_version_by_arn,
    "ListLayers": list_layers,
    "ListLayerVersions": list_layer_versions,
    "DeleteLayerVersion": delete_layer_version,
}
