"""Functions, their versions and aliases, and queued events, as plain data."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

LATEST = "$LATEST"


@dataclass
class Config:
    """One configuration of a function: ``$LATEST`` (changeable) or a published version."""

    runtime: str
    role: str
    handler: str
    code: bytes
    timeout: int
    memory: int
    environment: dict[str, str] = field(default_factory=dict)
    description: str = ""
    architectures: list[str] = field(default_factory=lambda: ["x86_64"])
    ephemeral: int = 512
    dead_letter_arn: str = ""
    snap_start: str = "None"
    layers: list[str] = field(default_factory=list)
    last_modified: float = 0.0
    revision: str = ""
    version: str = LATEST
    #: ``Active``, or ``Failed`` when a SnapStart snapshot could not be taken (with the
    #: reason's code and text).
    state: str = "Active"
    state_reason_code: str = ""
    state_reason: str = ""

    @property
    def code_sha256(self) -> str:
        return base64.b64encode(hashlib.sha256(self.code).digest()).decode()

    def published(self, version: str, description: str, revision: str, when: float) -> Config:
        """The immutable copy ``PublishVersion`` makes."""
        return replace(
            self,
            version=version,
            description=description,
            revision=revision,
            last_modified=when,
            environment=dict(self.environment),
            architectures=list(self.architectures),
            layers=list(self.layers),
        )

    def same_as(self, other: Config) -> bool:
        """Code and every setting equal: publishing again would make nothing new."""
        skip = {"version", "description", "last_modified", "revision", "state"}
        skip |= {"state_reason_code", "state_reason"}
        return all(
            getattr(self, f.name) == getattr(other, f.name)
            for f in fields(self)
            if f.name not in skip
        )


@dataclass
class Alias:
    """A name for a version, optionally sending a share of calls to a second version."""

    name: str
    version: str
    description: str = ""
    weights: dict[str, float] = field(default_factory=dict)
    revision: str = ""


@dataclass
class EventInvokeConfig:
    """How asynchronous events of one function, version or alias are retried and routed."""

    max_retries: int = 2
    max_age: int = 21600
    on_success: str = ""
    on_failure: str = ""
    last_modified: float = 0.0


@dataclass
class Provisioned:
    """Provisioned concurrency asked for on a version or alias, and when it is ready."""

    requested: int
    ready_at: float
    last_modified: float


@dataclass
class Function:
    """A function: its ``$LATEST`` configuration, versions, aliases and concurrency."""

    name: str
    latest: Config
    versions: dict[str, Config] = field(default_factory=dict)
    next_version: int = 1
    aliases: dict[str, Alias] = field(default_factory=dict)
    reserved: int | None = None
    provisioned: dict[str, Provisioned] = field(default_factory=dict)
    event_invoke: dict[str, EventInvokeConfig] = field(default_factory=dict)

    def config(self, version: str) -> Config:
        return self.latest if version == LATEST else self.versions[version]

    def to_json(self, codes: dict[str, str]) -> dict[str, Any]:
        """Plain data; code bytes go once into ``codes`` (sha -> base64), shared by versions."""

        def config(c: Config) -> dict[str, Any]:
            data = asdict(c)
            sha = c.code_sha256
            codes.setdefault(sha, base64.b64encode(c.code).decode())
            data["code"] = sha
            return data

        return {
            "name": self.name,
            "latest": config(self.latest),
            "versions": {k: config(v) for k, v in self.versions.items()},
            "next_version": self.next_version,
            "aliases": {k: asdict(v) for k, v in self.aliases.items()},
            "reserved": self.reserved,
            "provisioned": {k: asdict(v) for k, v in self.provisioned.items()},
            "event_invoke": {k: asdict(v) for k, v in self.event_invoke.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], codes: dict[str, str]) -> Function:
        def config(d: dict[str, Any]) -> Config:
            return Config(**{**d, "code": base64.b64decode(codes[d["code"]])})

        return cls(
            name=data["name"],
            latest=config(data["latest"]),
            versions={k: config(v) for k, v in data["versions"].items()},
            next_version=data["next_version"],
            aliases={k: Alias(**v) for k, v in data["aliases"].items()},
            reserved=data["reserved"],
            provisioned={k: Provisioned(**v) for k, v in data["provisioned"].items()},
            event_invoke={k: EventInvokeConfig(**v) for k, v in data["event_invoke"].items()},
        )


@dataclass(slots=True)
class AsyncEvent:
    """An event waiting in a function's asynchronous queue.

    ``simulated`` events come from a load run: they occupy an environment for
    ``duration_ms`` (after ``init_ms`` when it is a new one) and end with ``error`` (the
    error payload, JSON) or, when it is empty, a success, instead of running the handler.
    """

    id: int
    function: str
    qualifier: str
    payload: str  # base64
    enqueued: float
    due: float
    attempt: int = 0
    throttles: int = 0
    simulated: bool = False
    duration_ms: float = 0.0
    init_ms: float = 0.0
    error: str = ""


def upgrade(state: dict[str, Any]) -> dict[str, Any]:
    """Read state saved before versions existed (one flat configuration per function)."""
    if "codes" in state:
        return state
    codes: dict[str, str] = {}
    functions = []
    for old in state.get("functions", []):
        data = {k: v for k, v in old.items() if k != "name"}
        config = Config(**{**data, "code": base64.b64decode(data["code"])})
        functions.append(Function(old["name"], config).to_json(codes))
    queue = [
        {
            "id": e["id"],
            "function": e["function"],
            "qualifier": LATEST,
            "payload": e["payload"],
            "enqueued": e["due"],
            "due": e["due"],
            "attempt": e.get("attempt", 0),
        }
        for e in state.get("queue", [])
    ]
    return {"functions": functions, "codes": codes, "queue": queue}
