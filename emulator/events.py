"""The typed event log: what the cloud did, for the learner to see and graders to read."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal[
    "api_call",
    "cold_start",
    "invoke",
    "function_error",
    "timeout",
    "throttle",
    "retry",
    "async_queued",
    "async_dropped",
    "dead_letter",
    "destination",
    "ttl_delete",
    "cache_hit",
    "auth_deny",
    "worker_stopped",
    "load_run",
    "snapshot_taken",
    "restore",
    "replication_conflict",
]


@dataclass(frozen=True)
class Event:
    """One thing that happened, stamped with virtual time."""

    time: float
    service: str
    kind: Kind
    resource: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


class EventLog:
    """A bounded, ordered log of events with subscribers (the app's live views)."""

    def __init__(self, clock_now: Callable[[], float], maxlen: int = 10_000) -> None:
        self._now = clock_now
        self._events: deque[Event] = deque(maxlen=maxlen)
        self._subscribers: list[Callable[[Event], None]] = []

    def emit(self, service: str, kind: Kind, resource: str = "", **detail: Any) -> Event:
        event = Event(self._now(), service, kind, resource, detail)
        self._events.append(event)
        for callback in list(self._subscribers):
            callback(event)
        return event

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``callback`` for each new event; returns a function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def filter(
        self, *, kind: Kind | None = None, service: str | None = None, resource: str | None = None
    ) -> list[Event]:
        return [
            e
            for e in self._events
            if (kind is None or e.kind == kind)
            and (service is None or e.service == service)
            and (resource is None or e.resource == resource)
        ]

    def __iter__(self) -> Iterator[Event]:
        return iter(list(self._events))

    def __len__(self) -> int:
        return len(self._events)
