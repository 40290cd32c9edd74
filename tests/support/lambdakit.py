"""Helpers shared by the Lambda tests: zipped handlers, create, invoke, errors."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from emulator import ClientError, Cloud

ROLE = "arn:aws:iam::123456789012:role/lambda-basic"


def zipped(source: str, name: str = "handler.py") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, source)
    return buffer.getvalue()


def create(cloud: Cloud, source: str, name: str = "fn", **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "FunctionName": name,
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "handler.handler",
        "Code": {"ZipFile": zipped(source)},
    }
    params.update(extra)
    return cloud.client("lambda").create_function(**params)


def invoke(
    cloud: Cloud, name: str = "fn", event: Any = None, **extra: Any
) -> tuple[dict[str, Any], Any]:
    answer = cloud.client("lambda").invoke(
        FunctionName=name, Payload=json.dumps(event or {}), **extra
    )
    raw = answer["Payload"].read()
    return answer, json.loads(raw) if raw else None


def error_of(call: Any, **params: Any) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value


def code_of(call: Any, **params: Any) -> str:
    return str(error_of(call, **params).response["Error"]["Code"])
