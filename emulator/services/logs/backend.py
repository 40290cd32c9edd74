"""Log groups and streams, with events stamped in virtual milliseconds."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.base import Backend
from emulator.services.logs.errors import (
    InvalidParameterException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)


@dataclass
class LogEvent:
    timestamp: int
    message: str
    ingestion: int


@dataclass
class Stream:
    name: str
    created: int
    events: list[LogEvent] = field(default_factory=list)


@dataclass
class Group:
    name: str
    created: int
    streams: dict[str, Stream] = field(default_factory=dict)


class LogsBackend(Backend):
    service = "logs"

    def __init__(self, cloud: Any, region: str) -> None:
        super().__init__(cloud, region)
        self.groups: dict[str, Group] = {}

    def now_ms(self) -> int:
        return int(self.cloud.clock.now() * 1000)

    def create_group(self, name: str) -> Group:
        if name in self.groups:
            raise ResourceAlreadyExistsException("The specified log group already exists")
        if not name or len(name) > 512 or not re.match(r"^[\.\-_/#A-Za-z0-9]+$", name):
            raise InvalidParameterException(
                f"1 validation error detected: Value '{name}' at 'logGroupName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
            )
        group = self.groups[name] = Group(name, self.now_ms())
        return group

    def group(self, name: str) -> Group:
        group = self.groups.get(name)
        if group is None:
            raise ResourceNotFoundException("The specified log group does not exist.")
        return group

    def stream(self, group_name: str, stream_name: str) -> Stream:
        stream = self.group(group_name).streams.get(stream_name)
        if stream is None:
            raise ResourceNotFoundException("The specified log stream does not exist.")
        return stream

    def create_stream(self, group_name: str, stream_name: str) -> Stream:
        group = self.group(group_name)
        if stream_name in group.streams:
            raise ResourceAlreadyExistsException("The specified log stream already exists")
        stream = group.streams[stream_name] = Stream(stream_name, self.now_ms())
        return stream

    def put_lines(self, group_name: str, stream_name: str, lines: list[tuple[int, str]]) -> None:
        """Append events, creating the group and stream as a service would (Lambda does)."""
        group = self.groups.get(group_name) or self.create_group(group_name)
        stream = group.streams.get(stream_name) or self.create_stream(group_name, stream_name)
        now = self.now_ms()
        stream.events.extend(LogEvent(ts, message, now) for ts, message in lines)

    def snapshot(self) -> dict[str, Any]:
        return {
            "groups": [
                {
                    "name": g.name,
                    "created": g.created,
                    "streams": [
                        {
                            "name": s.name,
                            "created": s.created,
                            "events": [[e.timestamp, e.message, e.ingestion] for e in s.events],
                        }
                        for s in g.streams.values()
                    ],
                }
                for g in self.groups.values()
            ]
        }

    def load(self, state: dict[str, Any]) -> None:
        for g in state.get("groups", []):
            group = self.groups[g["name"]] = Group(g["name"], g["created"])
            for s in g["streams"]:
                stream = group.streams[s["name"]] = Stream(s["name"], s["created"])
                stream.events = [LogEvent(ts, msg, ing) for ts, msg, ing in s["events"]]


def pattern_matcher(pattern: str | None) -> Any:
    """A filter pattern of plain terms and "quoted phrases": every one must appear."""
    if not pattern or not pattern.strip():
        return lambda message: True
    if any(c in pattern for c in "{}[]?") or pattern.strip().startswith("%"):
        raise NotSupportedByEmulator(
            "This filter pattern syntax (JSON, space-delimited, ? or regex)"
        )
    try:
        terms = shlex.split(pattern)
    except ValueError as error:
        raise InvalidParameterException(f"Invalid filter pattern: {error}") from None
    excluded = [t[1:] for t in terms if t.startswith("-") and len(t) > 1]
    required = [t for t in terms if not (t.startswith("-") and len(t) > 1)]
    return lambda message: (
        all(t in message for t in required) and not any(t in message for t in excluded)
    )


BACKEND = LogsBackend
