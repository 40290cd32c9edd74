"""Simulated execution environments: busy until a virtual time, then idle and warm.

A load run does not start a process per request. Each simulated request occupies an
environment of its function version for a known duration; the fleet remembers when each
one frees up and hands the concurrency back to the pool lazily, the next time anyone asks
at a later virtual time. So 100,000 requests cost heap operations, not timers.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from emulator.services.awslambda.concurrency import Pool


@dataclass
class Fleet:
    """Simulated environments per function version, and the executions running in them."""

    pool: Pool
    idle: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    _busy: list[tuple[float, int, str, str, bool, tuple[str, str] | None]] = field(
        default_factory=list
    )
    _seq: int = 0
    #: When the first running execution ends: ``settle`` has nothing to do before then, so
    #: the hottest callers look here before calling it.
    next_end: float = math.inf

    def settle(self, now: float) -> None:
        """Finish every execution that has ended by ``now``."""
        if now < self.next_end:
            return
        busy = self._busy
        while busy and busy[0][0] <= now:
            _, _, function, key, on_provisioned, slot = heapq.heappop(busy)
            self.pool.finish(function, on_provisioned=on_provisioned, provisioned_slot=slot)
            if not on_provisioned:
                self.idle[key] = self.idle.get(key, 0) + 1
        self.next_end = busy[0][0] if busy else math.inf

    def has_idle(self, key: str) -> bool:
        return self.idle.get(key, 0) > 0

    def occupy(
        self,
        until: float,
        function: str,
        key: str,
        *,
        on_provisioned: bool,
        slot: tuple[str, str] | None,
        new_environment: bool,
    ) -> None:
        """Run one execution until ``until`` in an idle environment or a new one."""
        if not on_provisioned:
            if new_environment:
                self.created[key] = self.created.get(key, 0) + 1
            else:
                self.idle[key] -= 1
        self._seq += 1
        heapq.heappush(self._busy, (until, self._seq, function, key, on_provisioned, slot))
        if until < self.next_end:
            self.next_end = until

    def forget(self, prefix: str) -> None:
        """Drop the idle environments of a function (its code or configuration changed)."""
        for key in [k for k in self.idle if k.startswith(prefix)]:
            del self.idle[key]
