"""Event source mappings: the poller that feeds DynamoDB stream records to functions.

An ``EventSources`` engine belongs to one region's Lambda backend (``engine_of(backend)``,
made on first use). It keeps the mappings and polls their streams on the virtual clock:
Lambda "polls shards in your DynamoDB stream for records at a base rate of 4 times per
second" ("Using AWS Lambda with Amazon DynamoDB",
https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html), so polls fall on a grid of
quarter seconds. How a poll reads and sends batches is ``esm_streams``'s business.

Polling costs nothing it does not need:

* With no enabled mapping the engine schedules nothing and follows no change feed.
* While a mapping has work (records to send, a batch to retry, a batching window open)
  there is one clock callback per poll interval, for all mappings together.
* Once every mapping has caught up, polls stop; the DynamoDB change feed wakes the engine
  for the next poll after a write, which is when a real poller would first see it.
  Nothing happens in manual mode until time is advanced.

Invocations run real code through ``LambdaBackend.invoke``, which lets go of the cloud's
lock while the handler runs, as the async queue's turns do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from emulator.clock import Timer
from emulator.services.awslambda.esm_filters import Matcher, compile_filters
from emulator.services.awslambda.esm_models import Mapping
from emulator.services.awslambda.esm_streams import StreamReader
from emulator.services.dynamodb.changes import Change, Feed

if TYPE_CHECKING:
    from emulator.services.awslambda.backend import LambdaBackend
    from emulator.services.dynamodb.backend import DynamoDBBackend
    from emulator.services.dynamodbstreams.models import Stream

#: Seconds between polls of a shard: "a base rate of 4 times per second".
POLL_INTERVAL = 0.25


class EventSources:
    """The event source mappings of one region's Lambda backend, and their poller.

    Args:
        backend: the Lambda backend whose functions the mappings invoke.
    """

    def __init__(self, backend: LambdaBackend) -> None:
        self.backend = backend
        self.cloud = backend.cloud
        self.clock = backend.cloud.clock
        #: uuid -> mapping, in the order they were created.
        self.mappings: dict[str, Mapping] = {}
        self.reader = StreamReader(backend, self.filters)
        self._timer: Timer | None = None
        self._compiled: dict[str, tuple[tuple[str, ...], Matcher]] = {}
        #: Regions whose DynamoDB change feed this engine follows.
        self._following: set[str] = set()
        #: The earliest change a blocked thread saw and could not poll after, if any.
        self._missed: float | None = None
        self._unsubscribe: Callable[[], None] | None = None

    # -- the mappings ---------------------------------------------------------------------
    def add(self, mapping: Mapping, stream: Stream) -> None:
        """Register a new mapping, starting where its StartingPosition says."""
        self.reader.establish(mapping, stream)
        self.mappings[mapping.uuid] = mapping
        self.changed()

    def remove(self, uuid: str) -> Mapping | None:
        mapping = self.mappings.pop(uuid, None)
        self._compiled.pop(uuid, None)
        self.reader.forget(uuid)
        self.changed()
        return mapping

    def changed(self) -> None:
        """Settings or states changed: follow the right feeds and poll soon, or stop."""
        self._follow()
        if any(m.enabled for m in self.mappings.values()):
            self._wake(self.clock.now())
        elif self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def filters(self, mapping: Mapping) -> Matcher:
        """The compiled FilterCriteria of a mapping (compiled again when they change)."""
        key = tuple(mapping.filters)
        cached = self._compiled.get(mapping.uuid)
        if cached is None or cached[0] != key:
            cached = self._compiled[mapping.uuid] = (key, compile_filters(mapping.filters))
        return cached[1]

    # -- polling --------------------------------------------------------------------------
    def _arm(self, after: float) -> None:
        """Poll at the first grid point after ``after``, unless a poll is already due."""
        if self._timer is not None:
            return
        when = (math.floor(after / POLL_INTERVAL) + 1) * POLL_INTERVAL
        self._timer = self.clock.call_at(when, self._poll)

    def _poll(self) -> None:
        self._timer = None
        self._missed = None  # this poll reads whatever was written before it
        now = self.clock.now()
        busy = False
        for uuid in list(self.mappings):
            mapping = self.mappings.get(uuid)  # a handler may have deleted it meanwhile
            if mapping is not None and mapping.enabled:
                busy = self.reader.serve(mapping, now) or busy
        if busy:
            self._arm(now)

    def _on_change(self, change: Change) -> None:
        """A table changed somewhere in a followed region: poll after it."""
        self._wake(change.when)

    def _wake(self, after: float) -> None:
        """Poll at the first grid point after ``after``, from whichever thread asks."""
        if self._timer is not None:
            return
        if self._blocked():
            # A handler run by a clock callback asked, on another thread: scheduling now would
            # wait for the clock, which waits for the handler. The thread running the clock
            # arms the poll once the invocation is over (``_after_event``).
            self._missed = after if self._missed is None else min(self._missed, after)
            return
        self._arm(after)

    def _after_event(self, event: Any) -> None:
        """Every event (an invocation ends with one): arm a poll a blocked change could not."""
        if self._missed is not None and not self._blocked():
            missed, self._missed = self._missed, None
            self._arm(missed)

    def _blocked(self) -> bool:
        """Whether another thread is running the clock's callbacks (and so holds its lock)."""
        return bool(self.clock.running_elsewhere())

    def _follow(self) -> None:
        """Follow the change feeds of the regions that enabled mappings read, no others."""
        wanted = {m.region for m in self.mappings.values() if m.enabled}
        for region in wanted - self._following:
            self._feed(region).subscribe(self._on_change)
        for region in self._following - wanted:
            self._feed(region).unsubscribe(self._on_change)
        self._following = wanted
        if wanted and self._unsubscribe is None:
            self._unsubscribe = self.cloud.events.subscribe(self._after_event)
        elif not wanted and self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
            self._missed = None

    def _feed(self, region: str) -> Feed:
        return cast("DynamoDBBackend", self.cloud.backend("dynamodb", region)).changes

    # -- state ----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {"mappings": [m.to_json() for m in self.mappings.values()]}

    def load(self, state: dict[str, Any]) -> None:
        for data in state.get("mappings", []):
            mapping = Mapping.from_json(data)
            self.mappings[mapping.uuid] = mapping
        self.changed()


def engine_of(backend: LambdaBackend) -> EventSources:
    """The event source mappings of a Lambda backend, made on first use and kept on it."""
    engine: EventSources | None = getattr(backend, "event_sources", None)
    if engine is None:
        engine = EventSources(backend)
        backend.event_sources = engine  # type: ignore[attr-defined]
    return engine


def snapshot(backend: LambdaBackend) -> dict[str, Any] | None:
    """For the backend's snapshot: the mappings, None when the backend never had any."""
    engine: EventSources | None = getattr(backend, "event_sources", None)
    return None if engine is None else engine.snapshot()


def load(backend: LambdaBackend, state: dict[str, Any] | None) -> None:
    """For the backend's load: restore ``snapshot``'s mappings and resume polling."""
    if state is not None:
        engine_of(backend).load(state)
