"""Lambda layers: published, numbered, immutable zip files a function adds under /opt.

AWS's rules (Lambda quotas; "Adding layers to functions"): a function uses at most 5
layers, and its code together with every layer, unzipped, stays within 250 MB. A layer
version never changes; deleting one keeps it working for functions that already use it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import asdict, dataclass, field
from typing import Any

from emulator import limits
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    RequestTooLargeException,
    ResourceNotFoundException,
)


@dataclass
class LayerVersion:
    """One published version of a layer."""

    name: str
    version: int
    code: bytes
    description: str = ""
    runtimes: list[str] = field(default_factory=list)
    architectures: list[str] = field(default_factory=list)
    license: str = ""
    created: float = 0.0
    deleted: bool = False

    @property
    def code_sha256(self) -> str:
        return base64.b64encode(hashlib.sha256(self.code).digest()).decode()

    @property
    def unzipped(self) -> int:
        return unzipped_size(self.code)


def unzipped_size(code: bytes) -> int:
    """The size of a zip's contents once extracted."""
    with zipfile.ZipFile(io.BytesIO(code)) as archive:
        return sum(info.file_size for info in archive.infolist())


def check_unzipped(code: bytes) -> None:
    """A deployment package may not unzip to more than 250 MB."""
    limit = int(limits.value("lambda", "UnzippedPackage"))
    if unzipped_size(code) > limit:
        raise InvalidParameterValueException(f"Unzipped size must be smaller than {limit} bytes")


class Layers:
    """The layers of one region: publish, look up, list, delete; and checks for functions."""

    def __init__(self, arn: Any) -> None:
        self._arn = arn
        self.versions: dict[str, dict[int, LayerVersion]] = {}
        self.next: dict[str, int] = {}

    def layer_arn(self, name: str) -> str:
        return str(self._arn(f"layer:{name}"))

    def version_arn(self, layer: LayerVersion) -> str:
        return f"{self.layer_arn(layer.name)}:{layer.version}"

    def publish(self, layer: LayerVersion) -> LayerVersion:
        size = len(layer.code)
        if size > limits.value("lambda", "ZippedPackage"):
            raise RequestTooLargeException(
                f"Request must be smaller than {limits.value('lambda', 'ZippedPackage')} bytes "
                "for the PublishLayerVersion operation"
            )
        check_unzipped(layer.code)
        layer.version = self.next.get(layer.name, 1)
        self.next[layer.name] = layer.version + 1
        self.versions.setdefault(layer.name, {})[layer.version] = layer
        return layer

    def get(self, name: str, version: int) -> LayerVersion:
        found = self.versions.get(name, {}).get(version)
        if found is None or found.deleted:
            raise ResourceNotFoundException("The resource you requested does not exist.")
        return found

    def by_arn(self, arn: str) -> LayerVersion:
        """A layer version from its ARN, deleted ones included (functions keep them)."""
        parts = arn.split(":")
        if len(parts) != 8 or parts[5] != "layer" or not parts[7].isdigit():
            raise InvalidParameterValueException(
                f"Layer version {arn} does not exist: give a layer version ARN, "
                "arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION"
            )
        found = self.versions.get(parts[6], {}).get(int(parts[7]))
        if found is None or arn != self.version_arn(found):
            raise InvalidParameterValueException(f"Layer version {arn} does not exist.")
        return found

    def delete(self, name: str, version: int) -> None:
        found = self.versions.get(name, {}).get(version)
        if found is not None:
            found.deleted = True  # functions that use it keep it, as on AWS

    def for_function(self, arns: list[str], code: bytes) -> list[str]:
        """Check a function's Layers setting: at most 5, and 250 MB unzipped with its code."""
        most = int(limits.value("lambda", "Layers"))
        if len(arns) > most:
            raise InvalidParameterValueException(f"Cannot reference more than {most} layers.")
        names = [arn.rsplit(":", 1)[0] for arn in arns]
        if len(set(names)) != len(names):
            raise InvalidParameterValueException(
                "Two different versions of the same layer are not allowed to be referenced "
                "in the same function."
            )
        total = unzipped_size(code) + sum(self.by_arn(arn).unzipped for arn in arns)
        limit = int(limits.value("lambda", "UnzippedPackage"))
        if total > limit:
            raise InvalidParameterValueException(
                f"Function code combined with layers exceeds the maximum allowed size of "
                f"{limit} bytes. The actual size is {total} bytes."
            )
        return list(arns)

    # -- state --------------------------------------------------------------------------
    def snapshot(self, codes: dict[str, str]) -> list[dict[str, Any]]:
        found = []
        for versions in self.versions.values():
            for layer in versions.values():
                data = asdict(layer)
                codes.setdefault(layer.code_sha256, base64.b64encode(layer.code).decode())
                data["code"] = layer.code_sha256
                found.append(data)
        return found

    def load(self, state: list[dict[str, Any]], codes: dict[str, str]) -> None:
        for data in state:
            layer = LayerVersion(**{**data, "code": base64.b64decode(codes[data["code"]])})
            self.versions.setdefault(layer.name, {})[layer.version] = layer
            self.next[layer.name] = max(self.next.get(layer.name, 1), layer.version + 1)
