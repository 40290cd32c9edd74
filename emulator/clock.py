"""The one clock of a cloud: virtual time with scheduled callbacks."""

from __future__ import annotations

import heapq
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from threading import get_ident
from typing import Any, Literal

Mode = Literal["manual", "live"]

#: The call that runs next, with its time: (when, callback, argument).
_Next = tuple[float, Callable[[Any], object], Any]

#: 2026-01-01T00:00:00Z: a fixed start, so a fresh cloud behaves the same every time.
DEFAULT_START = 1767225600.0


class Timer:
    """A callback due at ``when``; ``cancel()`` stops it from running."""

    __slots__ = ("callback", "cancelled", "when")

    def __init__(self, when: float, callback: Callable[[], object]) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


def _fire(timer: Timer) -> None:
    timer.callback()


def _live(callback: Callable[[Any], object], argument: Any) -> bool:
    """Whether a queued call is still to run: a Timer's (_fire, timer) may be cancelled."""
    return callback is not _fire or not argument.cancelled


def _pairs(calls: list[Any]) -> Iterator[tuple[Callable[[Any], object], Any]]:
    """The (callback, argument) pairs of one time's calls, kept flat in ``_calls``."""
    return zip(calls[::2], calls[1::2], strict=True)


class VirtualClock:
    """Seconds since the epoch that move only when told to (manual) or with the wall (live).

    Manual mode: ``advance(seconds)`` moves time and runs every callback that falls due,
    in time order, each seeing ``now()`` equal to its own due time.
    Live mode: time follows the wall clock times ``speed``; callbacks run when
    ``run_due()`` is called (the app calls it on a timer).

    Callbacks due at the same time run in the order they were scheduled. ``call_at`` and
    ``call_later`` return a Timer that can be cancelled; ``schedule`` is for callbacks that
    are scheduled by the hundred thousand and never cancelled (a load run's retries), and
    makes no Timer. Both kinds share one order.

    Args:
        start: the virtual time to begin at, in epoch seconds.
        mode: ``"manual"`` or ``"live"``.
        speed: in live mode, virtual seconds per wall second.
        wall: the wall-clock source for live mode (injected so tests control it).
    """

    def __init__(
        self,
        start: float = DEFAULT_START,
        *,
        mode: Mode = "manual",
        speed: float = 1.0,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wall = wall
        self._now = float(start)
        self._mode: Mode = "manual"
        self._speed = 1.0
        self._anchor_wall = 0.0
        # Calls wait by time: ``_times`` is a heap of the times that have any, each once, and
        # ``_calls`` holds each time's calls flat, callback then argument, the next one last
        # (there are seldom more than a few). A heap of bare floats compares fastest, and
        # flat pairs make no tuple per call, which matters for load runs: they schedule
        # hundreds of thousands of calls, often several for one time.
        self._times: list[float] = []
        self._calls: dict[float, list[Any]] = {}
        self._lock = threading.RLock()
        # The thread running due callbacks, which holds the lock meanwhile: what they schedule
        # (a load run's next turns, by the hundred thousand) needs no second acquire.
        self._running: int | None = None
        # While callbacks run up to ``_until``, a call they schedule within the run and before
        # everything waiting is simply the next to run: it waits in ``_next``, not the heap.
        # A load run's arrivals, each scheduling the one after it, mostly go this way.
        self._next: _Next | None = None
        self._until = -math.inf
        # Calls scheduled by other threads while one runs callbacks (a handler's request
        # arriving through the gateway while the clock waits for that handler): they wait
        # here, never for the lock, and join the rest at the next turn.
        self._incoming: deque[tuple[float, Callable[[Any], object], Any]] = deque()
        self.set_mode(mode, speed)

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> float:
        """The current virtual time in epoch seconds."""
        if self._mode == "live":
            return self._now + (self._wall() - self._anchor_wall) * self._speed
        return self._now

    def set_mode(self, mode: Mode, speed: float = 1.0) -> None:
        """Switch between manual and live time without a jump."""
        if mode not in ("manual", "live"):
            raise ValueError(f"clock mode must be 'manual' or 'live', not {mode!r}")
        if speed <= 0:
            raise ValueError("clock speed must be greater than 0")
        with self._lock:
            self._now = self.now()
            self._anchor_wall = self._wall()
            self._mode, self._speed = mode, float(speed)

    def call_at(self, when: float, callback: Callable[[], object]) -> Timer:
        """Run ``callback`` once virtual time reaches ``when``."""
        timer = Timer(float(when), callback)
        self.schedule(timer.when, _fire, timer)
        return timer

    def schedule(self, when: float, callback: Callable[[Any], object], argument: Any) -> None:
        """Run ``callback(argument)`` once virtual time reaches ``when``; no cancelling.

        In the same order as ``call_at``'s callbacks, behind any already due at ``when``. A
        caller that may no longer want the call checks when it runs (the async queue looks
        its event up by ``argument``).
        """
        when = float(when)
        held = self._running == get_ident()
        if held and self._next is None and when <= self._until:
            times = self._times
            if not times or when < times[0]:
                self._next = (when, callback, argument)
                return
        if not held and not self._lock.acquire(blocking=False):
            self._incoming.append((when, callback, argument))
            return
        try:
            self._take_incoming()
            calls = self._calls.get(when)
            if calls is None:
                self._calls[when] = [callback, argument]
                heapq.heappush(self._times, when)
            else:
                calls[:0] = (callback, argument)
        finally:
            if not held:
                self._lock.release()

    def call_later(self, delay: float, callback: Callable[[], object]) -> Timer:
        """Run ``callback`` ``delay`` seconds from now."""
        return self.call_at(self.now() + max(0.0, delay), callback)

    def advance(self, seconds: float) -> int:
        """Move time forward, running due callbacks in order. Returns how many ran."""
        if seconds < 0:
            raise ValueError("the clock only moves forward; seconds must be >= 0")
        if self._mode == "live":
            raise ValueError("advance() is for manual mode; the clock is live")
        with self._lock:
            target = self._now + seconds
            ran = self._run_until(target)
            self._now = target
        return ran

    def run_due(self) -> int:
        """Run every callback due by now (live mode calls this on a timer).

        When another thread is running callbacks already, this returns at once: that
        thread runs what is due, and waiting for it could wait for this very thread.
        """
        if not self._lock.acquire(blocking=False):
            return 0
        try:
            if self._mode == "manual":
                return self._run_until(self._now)
            return self._run_until(self.now())
        finally:
            self._lock.release()

    def running_elsewhere(self) -> bool:
        """Whether another thread is running due callbacks right now."""
        running = self._running
        return running is not None and running != get_ident()

    def _take_incoming(self) -> None:
        """Move calls other threads scheduled meanwhile among the waiting ones (lock held)."""
        incoming = self._incoming
        while incoming:
            when, callback, argument = incoming.popleft()
            calls = self._calls.get(when)
            if calls is None:
                self._calls[when] = [callback, argument]
                heapq.heappush(self._times, when)
            else:
                calls[:0] = (callback, argument)

    def next_due(self) -> float | None:
        """When the next pending callback falls due, or None."""
        with self._lock:
            self._take_incoming()
            times = self._times
            while times and not any(_live(*call) for call in _pairs(self._calls[times[0]])):
                del self._calls[heapq.heappop(times)]
            due = times[0] if times else None
            upcoming = self._next
            if upcoming is not None and _live(*upcoming[1:]) and (due is None or upcoming[0] < due):
                due = upcoming[0]
            return due

    def pending(self) -> int:
        """How many callbacks are waiting."""
        with self._lock:
            self._take_incoming()
            waiting = sum(_live(*call) for calls in self._calls.values() for call in _pairs(calls))
            upcoming = self._next
            return waiting + (upcoming is not None and _live(*upcoming[1:]))

    def _run_until(self, target: float) -> int:
        """Run the calls due by ``target``; the caller holds the lock."""
        ran = 0
        times, waiting = self._times, self._calls
        manual = self._mode == "manual"
        self._park_next()  # a callback of an outer run is running this one
        outer = self._running, self._until
        self._running, self._until = get_ident(), target
        try:
            while True:
                if self._incoming:
                    self._take_incoming()
                upcoming = self._next
                # _next was scheduled before any call waiting for its time, so it goes first.
                if upcoming is not None and (not times or upcoming[0] <= times[0]):
                    self._next = None
                    when, callback, argument = upcoming
                elif times and times[0] <= target:
                    when = times[0]
                    calls = waiting[when]
                    argument = calls.pop()
                    callback = calls.pop()
                    if not calls:  # before the call, which may schedule another for this time
                        heapq.heappop(times)
                        del waiting[when]
                else:
                    break
                if callback is _fire and argument.cancelled:
                    continue
                if manual and when > self._now:
                    self._now = when
                callback(argument)
                ran += 1
        finally:
            self._running, self._until = outer
            self._park_next()  # a callback raised: what it scheduled waits with the rest
        return ran

    def _park_next(self) -> None:
        """Move the call in ``_next`` among the waiting ones, first for its time."""
        upcoming = self._next
        if upcoming is None:
            return
        self._next = None
        when, callback, argument = upcoming
        calls = self._calls.get(when)
        if calls is None:
            self._calls[when] = [callback, argument]
            heapq.heappush(self._times, when)
        else:
            calls += (callback, argument)  # the next one is last

    def snapshot(self) -> dict[str, object]:
        """Time and mode; callbacks belong to the services, which schedule them again."""
        return {"now": self.now(), "mode": self._mode, "speed": self._speed}

    @classmethod
    def from_snapshot(cls, state: dict[str, object]) -> VirtualClock:
        return cls(
            float(state["now"]),  # type: ignore[arg-type]
            mode=state.get("mode", "manual"),  # type: ignore[arg-type]
            speed=float(state.get("speed", 1.0)),  # type: ignore[arg-type]
        )
