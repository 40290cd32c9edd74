"""The one clock of a cloud: virtual time with scheduled callbacks."""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

Mode = Literal["manual", "live"]

#: A scheduled call: (callback, argument); a Timer's is (_fire, timer).
_Call = tuple[Callable[[Any], object], Any]

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


def _live(call: _Call) -> bool:
    """Whether a queued call is still to run: a Timer's may have been cancelled."""
    return call[0] is not _fire or not call[1].cancelled


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
        # ``_calls`` holds each time's calls, the next one last (there are seldom more than a
        # few). A heap of bare floats compares fastest, which matters for load runs: they
        # schedule hundreds of thousands of calls, often several for one time.
        self._times: list[float] = []
        self._calls: dict[float, list[_Call]] = {}
        self._lock = threading.RLock()
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
        with self._lock:
            calls = self._calls.get(when)
            if calls is None:
                self._calls[when] = [(callback, argument)]
                heapq.heappush(self._times, when)
            else:
                calls.insert(0, (callback, argument))

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
        """Run every callback due by now (live mode calls this on a timer)."""
        with self._lock:
            if self._mode == "manual":
                return self._run_until(self._now)
            return self._run_until(self.now())

    def next_due(self) -> float | None:
        """When the next pending callback falls due, or None."""
        with self._lock:
            times = self._times
            while times and not any(_live(call) for call in self._calls[times[0]]):
                del self._calls[heapq.heappop(times)]
            return times[0] if times else None

    def pending(self) -> int:
        """How many callbacks are waiting."""
        with self._lock:
            return sum(1 for calls in self._calls.values() for call in calls if _live(call))

    def _run_until(self, target: float) -> int:
        ran = 0
        times, waiting = self._times, self._calls
        manual = self._mode == "manual"
        while times and times[0] <= target:
            when = times[0]
            calls = waiting[when]
            callback, argument = calls.pop()
            if not calls:  # before the call, which may schedule another for the same time
                heapq.heappop(times)
                del waiting[when]
            if callback is _fire and argument.cancelled:
                continue
            if manual and when > self._now:
                self._now = when
            callback(argument)
            ran += 1
        return ran

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
