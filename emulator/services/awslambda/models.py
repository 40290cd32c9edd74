"""A function's configuration and code, as plain data."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Function:
    name: str
    runtime: str
    role: str
    handler: str
    code: bytes
    timeout: int
    memory: int
    environment: dict[str, str] = field(default_factory=dict)
    description: str = ""
    architectures: list[str] = field(default_factory=lambda: ["x86_64"])
    last_modified: float = 0.0
    revision: str = ""

    @property
    def code_sha256(self) -> str:
        return base64.b64encode(hashlib.sha256(self.code).digest()).decode()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["code"] = base64.b64encode(self.code).decode()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Function:
        return cls(**{**data, "code": base64.b64decode(data["code"])})


@dataclass
class AsyncEvent:
    """An event waiting in a function's asynchronous queue."""

    id: int
    function: str
    payload: str  # base64
    due: float
    attempt: int = 0
