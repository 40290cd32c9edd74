"""Lambda's CloudWatch metrics (namespace AWS/Lambda), gathered per second, sent in sets.

A load run produces hundreds of thousands of invocations; one CloudWatch sample per metric
per invocation would cost more than the run. So each second's figures for a function (and
for each version or alias it was called through) are summed here and handed to CloudWatch
as statistic sets when anyone reads metrics or saves the account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.cloud import Cloud

NAMESPACE = "AWS/Lambda"

#: Counters summed per second: metric name -> unit.
COUNTS = {
    "Invocations": "Count",
    "Errors": "Count",
    "Throttles": "Count",
    "ProvisionedConcurrencySpilloverInvocations": "Count",
    "ProvisionedConcurrencyInvocations": "Count",
    "AsyncEventsReceived": "Count",
    "AsyncEventsDropped": "Count",
    "DeadLetterErrors": "Count",
    "DestinationDeliveryFailures": "Count",
}


@dataclass
class Stat:
    """A running statistic set: count, sum, minimum, maximum."""

    count: int = 0
    total: float = 0.0
    low: float = float("inf")
    high: float = float("-inf")

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        if value < self.low:
            self.low = value
        if value > self.high:
            self.high = value


@dataclass
class Second:
    """One second of one function (or one of its versions or aliases)."""

    counts: dict[str, int] = field(default_factory=dict)
    duration: Stat = field(default_factory=Stat)
    event_age: Stat = field(default_factory=Stat)
    concurrency: int = 0


Dimensions = tuple[tuple[str, str], ...]


class Metrics:
    """The AWS/Lambda metrics of one region, buffered until CloudWatch is read."""

    def __init__(self, cloud: Cloud, region: str) -> None:
        self.cloud = cloud
        self.region = region
        self._seconds: dict[tuple[int, Dimensions], Second] = {}
        self._account: dict[int, int] = {}
        self._hooked = False
        self._clock_now = cloud.clock.now
        # The second being filled (_now, and as floats [_from, _until)) and, for each function
        # and resource called in it, its entries: most calls land in the same second as the
        # one before. The key is (function, resource), or for calls of $LATEST, the most by
        # far, the bare function name: looking those up builds no tuple.
        self._now = -1
        self._from = self._until = -1.0
        self._current: dict[str | tuple[str, str], tuple[Second, ...]] = {}
        self._dimensions: dict[tuple[str, str | None], list[Dimensions]] = {}

    def _entries(
        self, key: str | tuple[str, str], function: str, resource: str | None, now: float
    ) -> tuple[Second, ...]:
        """The entries of ``now``'s second for a call of ``function`` through ``resource``.

        The recording methods look in ``_current`` themselves first (by ``key``) and call
        this only when the second or the function is new: they run once or twice per
        request.
        """
        if not self._from <= now < self._until:
            self._now = int(now)
            self._from, self._until = float(self._now), self._now + 1.0
            self._current = {}
        found = self._current.get(key)
        if found is None:
            found = self._current[key] = tuple(
                self._second(self._now, dims) for dims in self.dimensions(function, resource)
            )
        return found

    def _second(self, now: int, dims: Dimensions) -> Second:
        key = (now, dims)
        found = self._seconds.get(key)
        if found is None:
            found = self._seconds[key] = Second()
            if not self._hooked:
                cw: Any = self.cloud.backend("cloudwatch", self.region)
                cw.sources.append(self.flush)
                self._hooked = True
        return found

    def dimensions(self, function: str, resource: str | None) -> list[Dimensions]:
        """By function, and by function and version or alias when the call named one."""
        key = (function, resource)
        found = self._dimensions.get(key)
        if found is None:
            found = [(("FunctionName", function),)]
            if resource:
                found.append((("FunctionName", function), ("Resource", f"{function}:{resource}")))
            self._dimensions[key] = found
        return found

    # -- what happened ------------------------------------------------------------------
    def ran(
        self,
        function: str,
        resource: str | None,
        duration_ms: float,
        *,
        error: bool,
        concurrency: int,
        account_concurrency: int,
        provisioned: bool,
        spillover: bool,
    ) -> None:
        """One invocation that ran."""
        now = self._clock_now()
        key = function if resource is None else (function, resource)
        entries = self._current.get(key) if self._from <= now < self._until else None
        for second in entries or self._entries(key, function, resource, now):
            counts = second.counts
            counts["Invocations"] = counts.get("Invocations", 0) + 1
            if error:
                counts["Errors"] = counts.get("Errors", 0) + 1
            if provisioned:
                name = "ProvisionedConcurrencyInvocations"
                counts[name] = counts.get(name, 0) + 1
            if spillover:
                name = "ProvisionedConcurrencySpilloverInvocations"
                counts[name] = counts.get(name, 0) + 1
            duration = second.duration  # Stat.add, spelled out: once per invocation
            duration.count += 1
            duration.total += duration_ms
            if duration_ms < duration.low:
                duration.low = duration_ms
            if duration_ms > duration.high:
                duration.high = duration_ms
            if concurrency > second.concurrency:
                second.concurrency = concurrency
        when = self._now  # the second just looked at
        if account_concurrency > self._account.get(when, 0):
            self._account[when] = account_concurrency

    def count(
        self, function: str, resource: str | None, name: str, now: float | None = None
    ) -> None:
        """One more of a counted metric (Throttles, AsyncEventsDropped, ...).

        ``now`` spares a look at the clock for a caller that has just read it.
        """
        if now is None:
            now = self._clock_now()
        key = function if resource is None else (function, resource)
        entries = self._current.get(key) if self._from <= now < self._until else None
        for second in entries or self._entries(key, function, resource, now):
            counts = second.counts
            counts[name] = counts.get(name, 0) + 1

    def event_age(self, function: str, resource: str | None, age_ms: float, now: float) -> None:
        """AsyncEventAge: how long an event waited before the turn it has at ``now``."""
        key = function if resource is None else (function, resource)
        entries = self._current.get(key) if self._from <= now < self._until else None
        for second in entries or self._entries(key, function, resource, now):
            age = second.event_age  # Stat.add, spelled out: once per turn that runs
            age.count += 1
            age.total += age_ms
            if age_ms < age.low:
                age.low = age_ms
            if age_ms > age.high:
                age.high = age_ms

    # -- to CloudWatch ------------------------------------------------------------------
    def flush(self) -> None:
        """Hand every buffered second to CloudWatch as statistic sets."""
        if not self._seconds and not self._account:
            return
        cw: Any = self.cloud.backend("cloudwatch", self.region)
        seconds, self._seconds = self._seconds, {}
        account, self._account = self._account, {}
        self._now, self._from, self._until, self._current = -1, -1.0, -1.0, {}
        for (when, dims), second in seconds.items():
            for name, value in second.counts.items():
                cw.record_statistics(
                    NAMESPACE, name, dims, when, value, value, 1, 1, COUNTS[name], resolution=1
                )
            for name, stat, unit in (
                ("Duration", second.duration, "Milliseconds"),
                ("AsyncEventAge", second.event_age, "Milliseconds"),
            ):
                if stat.count:
                    cw.record_statistics(
                        NAMESPACE,
                        name,
                        dims,
                        when,
                        stat.count,
                        stat.total,
                        stat.low,
                        stat.high,
                        unit,
                        resolution=1,
                    )
            if second.concurrency:
                c = second.concurrency
                cw.record_statistics(
                    NAMESPACE,
                    "ConcurrentExecutions",
                    dims,
                    when,
                    1,
                    c,
                    c,
                    c,
                    "Count",
                    resolution=1,
                )
        for when, c in account.items():
            cw.record_statistics(
                NAMESPACE, "ConcurrentExecutions", (), when, 1, c, c, c, "Count", resolution=1
            )
