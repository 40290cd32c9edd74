"""Load runs: drive functions with a request rate on the virtual clock and count what happens.

No process is started per request. Each request occupies an execution environment for a
duration that is declared, or measured once from a real run of the function, and the
account's concurrency, reserved and provisioned concurrency and the scaling rate decide
whether it runs or is throttled, exactly as for real invocations. Arrivals are spread
evenly (no randomness), so the same inputs give the same numbers on every run.
"""

from __future__ import annotations

import base64
import bisect
import itertools
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.errors import ValidationException

if TYPE_CHECKING:
    from emulator.services.awslambda.backend import LambdaBackend
    from emulator.services.awslambda.models import AsyncEvent, Function

#: Results kept in the account's state for the inspector and graders.
KEPT_RUNS = 5
#: Arrival times and error flags are worked out this many at a time: a run takes one of
#: each per request, and a list comprehension makes them for a fraction of the cost of a
#: generator's step.
_CHUNK = 1024


@dataclass(frozen=True)
class Stage:
    """``seconds`` of traffic starting at ``rate`` requests a second, ramping to ``to_rate``."""

    seconds: float
    rate: float
    to_rate: float | None = None

    def arrivals(self, start: float) -> Iterator[float]:
        """Arrival times: the k-th request comes when the cumulative count reaches k."""
        return itertools.chain.from_iterable(self._arrival_chunks(start))

    def _arrival_chunks(self, start: float) -> Iterator[list[float]]:
        """The arrival times, ``_CHUNK`` to a list."""
        r0 = self.rate
        r1 = self.rate if self.to_rate is None else self.to_rate
        total = r0 * self.seconds + (r1 - r0) * self.seconds / 2
        slope = (r1 - r0) / (2 * self.seconds) if self.seconds else 0.0
        count = math.ceil(total - 1e-9)
        for first in range(0, count, _CHUNK):
            ks = range(first, min(count, first + _CHUNK))
            if slope == 0:
                offsets = [k / r0 for k in ks]
            else:
                offsets = [(-r0 + math.sqrt(r0 * r0 + 4 * slope * k)) / (2 * slope) for k in ks]
            # Offsets only grow with k, so the first one at or past the end ends the stage.
            end = bisect.bisect_left(offsets, self.seconds)
            yield [start + offset for offset in offsets[:end]]
            if end < len(offsets):
                return


@dataclass(frozen=True)
class Load:
    """Traffic for one function.

    Args:
        function: name, ``name:qualifier`` or ARN.
        stages: the traffic shape, one stage after another.
        asynchronous: ``Event`` invocations (queued, retried) instead of synchronous ones.
        duration_ms: how long each request runs; measured from one real invocation if None.
        init_ms: how long a new environment takes to initialise; measured if None.
        error_rate: the share of requests that end in a function error, spread evenly.
        event: the event each request carries.
    """

    function: str
    stages: tuple[Stage, ...]
    asynchronous: bool = False
    duration_ms: float | None = None
    init_ms: float | None = None
    error_rate: float = 0.0
    event: Any = None


@dataclass
class Counts:
    """What happened to one function's requests, over the run or in one second of it."""

    requests: int = 0
    succeeded: int = 0
    errors: int = 0
    throttles: dict[str, int] = field(default_factory=dict)
    cold_starts: int = 0
    spillover: int = 0
    retries: int = 0
    dead_lettered: int = 0
    expired: int = 0
    exhausted: int = 0
    peak_concurrency: int = 0

    @property
    def throttled(self) -> int:
        return sum(self.throttles.values())

    def throttle(self, reason: str) -> None:
        self.throttles[reason] = self.throttles.get(reason, 0) + 1

    def add(self, other: Counts) -> None:
        """Add another period's counts to these (all but the peak, which is not a sum)."""
        self.requests += other.requests
        self.succeeded += other.succeeded
        self.errors += other.errors
        for reason, count in other.throttles.items():
            self.throttles[reason] = self.throttles.get(reason, 0) + count
        self.cold_starts += other.cold_starts
        self.spillover += other.spillover
        self.retries += other.retries
        self.dead_lettered += other.dead_lettered
        self.expired += other.expired
        self.exhausted += other.exhausted


@dataclass
class FunctionResult:
    """One function's side of a run: totals, latency percentiles, a per-second series."""

    function: str
    asynchronous: bool
    duration_ms: float
    init_ms: float
    totals: Counts = field(default_factory=Counts)
    latency_ms: dict[str, float] = field(default_factory=dict)
    series: list[Counts] = field(default_factory=list)
    pending_events: int = 0


@dataclass
class LoadResult:
    """The whole run: when, how long, and each function's result."""

    started: float
    seconds: float
    functions: dict[str, FunctionResult]

    def to_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self)))

    def summary(self) -> str:
        """A few lines a learner can read at a glance."""
        lines = [f"Load run of {self.seconds:g} s (virtual time)"]
        for name, result in self.functions.items():
            t = result.totals
            kind = "async" if result.asynchronous else "sync"
            lines.append(
                f"{name} ({kind}, {result.duration_ms:g} ms each): {t.requests} requests, "
                f"{t.succeeded} succeeded, {t.errors} errors, {t.throttled} throttled, "
                f"{t.cold_starts} cold starts, peak concurrency {t.peak_concurrency}"
            )
            for reason, count in sorted(t.throttles.items()):
                lines.append(f"  throttled {count} x {reason}")
            if result.latency_ms:
                shown = ", ".join(f"{k} {v:g} ms" for k, v in result.latency_ms.items())
                lines.append(f"  latency {shown}")
            if result.asynchronous:
                lines.append(
                    f"  retries {t.retries}, dead-lettered {t.dead_lettered}, "
                    f"too old {t.expired}, out of retries {t.exhausted}, "
                    f"still queued {result.pending_events}"
                )
            if t.spillover:
                lines.append(f"  {t.spillover} spilled over from provisioned concurrency")
        return "\n".join(lines)


class Runner:
    """Plays a set of loads on a region's Lambda backend, on the cloud's clock."""

    def __init__(self, backend: LambdaBackend, loads: Sequence[Load]) -> None:
        if not loads:
            raise ValidationException("a load run needs at least one load")
        self.backend = backend
        self.cloud = backend.cloud
        self.loads = list(loads)
        self.results: dict[str, FunctionResult] = {}
        self._latencies: dict[str, list[float]] = {}
        self._start = 0.0
        self._end = 0.0
        # What happens is counted in the second it happens in; the totals are those
        # seconds added up at the end, apart from the peak, which is kept as it rises.
        self._series: dict[str, list[Counts]] = {}
        # The pool's executions in flight by function, looked at on every throttled turn.
        self._in_flight = backend.pool.in_flight

    def run(self) -> LoadResult:
        clock = self.cloud.clock
        if clock.mode != "manual":
            raise ValidationException(
                "a load run moves the virtual clock itself; switch the clock to manual first"
            )
        plans = [self._plan(load) for load in self.loads]
        self.backend.sync_pool()
        self._start = clock.now()
        self._end = self._start + max(sum(s.seconds for s in load.stages) for load in self.loads)
        seconds = math.ceil(self._end - self._start)
        for name, result in self.results.items():
            result.series = [Counts() for _ in range(max(1, seconds))]
            self._series[name] = result.series
        queue = self.backend.queue
        queue.observer = self._observe
        try:
            for plan in plans:
                plan()
            clock.advance(self._end - clock.now())
        finally:
            queue.observer = None
        return self._finish()

    # -- set-up -------------------------------------------------------------------------
    def _plan(self, load: Load) -> Callable[[], None]:
        """Measure what needs measuring and return what schedules the load's arrivals."""
        backend = self.backend
        name, qualifier = backend.split(load.function)
        function = backend.function(name)
        backend.resolve(function, qualifier)
        if not load.stages or any(s.seconds <= 0 or s.rate < 0 for s in load.stages):
            raise ValidationException("every stage needs seconds > 0 and a rate of 0 or more")
        if not 0.0 <= load.error_rate <= 1.0:
            raise ValidationException("error_rate is a share between 0 and 1")
        if name in self.results:
            raise ValidationException(f"{name} has two loads; give each function one load")
        event = json.dumps(load.event if load.event is not None else {})
        duration, init, error = self._measure(function, qualifier, load, event)
        encoded = base64.b64encode(event.encode()).decode()  # once, not per request
        self.results[name] = FunctionResult(name, load.asynchronous, duration, init)
        self._latencies[name] = []
        errors = _spread(load.error_rate)
        always_failing = bool(error and not load.error_rate)  # the measured run failed
        error_text = error or json.dumps(
            {
                "errorMessage": f"Failed as the load profile asked ({load.error_rate:.0%} of requests)",
                "errorType": "LoadProfileError",
            }
        )
        times = self._times(load)
        at = self.cloud.clock.schedule
        asynchronous = load.asynchronous
        enqueue = self.backend.queue.enqueue_simulated

        def arrive(now: float) -> None:  # scheduled for ``now``, so it runs at ``now``
            failing = next(errors) or always_failing
            series = self._series[name]
            try:
                second = series[int(now - self._start)]
            except IndexError:  # at the very end of the run: counted in its last second
                second = series[-1]
            second.requests += 1
            if asynchronous:
                enqueue(
                    function,
                    qualifier,
                    encoded,
                    duration_ms=duration,
                    init_ms=init,
                    error=error_text if failing else "",
                    now=now,
                )
            else:
                self._arrive_sync(function, qualifier, duration, init, failing, second)
            upcoming = next(times, None)
            if upcoming is not None:
                at(upcoming, arrive, upcoming)

        def schedule() -> None:
            first = next(times, None)
            if first is not None:
                at(first, arrive, first)

        return schedule

    def _times(self, load: Load) -> Iterator[float]:
        """Every arrival of the load, the stages one after another from when it starts."""
        return itertools.chain.from_iterable(self._stage_arrivals(load))

    def _stage_arrivals(self, load: Load) -> Iterator[Iterator[float]]:
        start = self.cloud.clock.now()  # read when the first arrival is asked for
        for stage in load.stages:
            yield stage.arrivals(start)
            start += stage.seconds

    def _measure(
        self, function: Function, qualifier: str | None, load: Load, event: str
    ) -> tuple[float, float, str]:
        """Declared figures, or one real invocation's: duration, init time, error payload."""
        if load.duration_ms is not None and load.init_ms is not None:
            return load.duration_ms, load.init_ms, ""
        self.backend.invoker.retire(function.name)  # so the measured run is a cold start
        # A measurement, not traffic: it runs outside concurrency, so a function still busy
        # with the last run's requests can be measured again.
        target = self.backend.resolve(function, qualifier)
        outcome = self.backend.invoker.run(target, event.encode())
        duration = load.duration_ms if load.duration_ms is not None else outcome.duration_ms
        init = load.init_ms if load.init_ms is not None else outcome.environment_init_ms
        error = outcome.payload.decode() if outcome.function_error else ""
        return round(duration, 3), round(init, 3), error

    # -- arrivals -----------------------------------------------------------------------
    def _arrive_sync(
        self,
        function: Function,
        qualifier: str | None,
        duration: float,
        init: float,
        failing: bool,
        second: Counts,
    ) -> None:
        name = function.name
        ran = self.backend.simulate(
            function, qualifier, duration_ms=duration, init_ms=init, error=failing
        )
        if ran.throttle is not None:
            second.throttle(ran.throttle.reason)
            busy = self.backend.pool.in_flight.get(name, 0)
            if busy > second.peak_concurrency:
                second.peak_concurrency = busy
            return
        self._ran(name, second, ran.cold, ran.spillover)
        if failing:
            second.errors += 1
        else:
            second.succeeded += 1
            self._latencies[name].append(ran.busy_ms)

    def _ran(self, name: str, second: Counts, cold: bool, spill: bool) -> None:
        if cold:
            second.cold_starts += 1
        if spill:
            second.spillover += 1
        busy = self.backend.pool.in_flight.get(name, 0)
        if busy > second.peak_concurrency:
            second.peak_concurrency = busy
        totals = self.results[name].totals
        if busy > totals.peak_concurrency:
            totals.peak_concurrency = busy

    def _observe(self, what: str, event: AsyncEvent, detail: Any, now: float) -> None:
        """A turn of an asynchronous event: counted while the run is on.

        Called for every turn, so finding the second and ``Counts.throttle`` are spelled out.
        """
        series = self._series.get(event.function)
        if series is None or not event.simulated:
            return
        try:
            second = series[int(now - self._start)]
        except IndexError:  # at the very end of the run: counted in its last second
            second = series[-1]
        if what == "throttled":
            busy = self._in_flight.get(event.function, 0)
            if busy > second.peak_concurrency:
                second.peak_concurrency = busy
            throttles = second.throttles
            throttles[detail] = throttles.get(detail, 0) + 1
            second.retries += 1
        elif what in ("success", "error"):
            if what == "success":
                second.succeeded += 1
            else:
                second.errors += 1
            # ``detail`` is the backend's Simulated: cold start, spill-over, as for sync calls.
            self._ran(event.function, second, detail.cold, detail.spillover)
        elif what == "retry":
            second.retries += 1
        elif what == "dead_letter":
            second.dead_lettered += 1
        elif what == "EventAgeExceeded":
            second.expired += 1
        elif what == "RetriesExhausted":
            second.exhausted += 1

    # -- the end ------------------------------------------------------------------------
    def _finish(self) -> LoadResult:
        for name, result in self.results.items():
            for second in result.series:
                result.totals.add(second)
            latencies = sorted(self._latencies[name])
            if latencies:
                result.latency_ms = {f"p{p}": _percentile(latencies, p) for p in (50, 90, 99)}
                result.latency_ms["max"] = round(latencies[-1], 3)
            result.pending_events = self.backend.queue.pending(name)
        outcome = LoadResult(self._start, round(self._end - self._start, 3), self.results)
        self.backend.remember_run(outcome.to_json())
        self.cloud.events.emit(
            "lambda",
            "load_run",
            ",".join(self.results),
            seconds=outcome.seconds,
            requests=sum(r.totals.requests for r in self.results.values()),
        )
        return outcome


def _percentile(ordered: list[float], p: int) -> float:
    """The nearest-rank percentile of a sorted list."""
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return round(ordered[rank - 1], 3)


def _spread(share: float) -> Iterator[bool]:
    """True for ``share`` of the items, spread evenly: the k-th fails when floor jumps."""
    return itertools.chain.from_iterable(_spread_chunks(share))


def _spread_chunks(share: float) -> Iterator[list[bool]]:
    """What ``_spread`` yields, ``_CHUNK`` to a list."""
    for first in itertools.count(0, _CHUNK):
        floors = [math.floor(k * share + 1e-9) for k in range(first, first + _CHUNK + 1)]
        yield [after > before for before, after in itertools.pairwise(floors)]
