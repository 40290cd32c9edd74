"""Who may start an execution now: account, reserved and provisioned concurrency, scaling rate.

A pure engine on virtual time, shared by real invocations and simulated load. It counts
executions in flight; it does not know about processes.

How AWS decides (Lambda developer guide, "Configuring reserved concurrency" and "Lambda
scaling behavior"):

* A function with reserved concurrency R runs at most R executions at once, and those R
  are taken out of the account's pool, so no other function can use them. R = 0 throttles
  every call.
* Functions without a reservation share what is left: the account quota minus every
  reservation (and minus provisioned concurrency of unreserved functions, which is held for
  them whether used or not).
* Provisioned environments of a version or alias serve its calls first; calls beyond them
  spill over to on-demand concurrency.
* Each function may add at most 1,000 new execution environments every 10 seconds; the
  allowance refills continuously and never exceeds 1,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RESERVED_REASON = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_REASON = "ConcurrentInvocationLimitExceeded"


@dataclass
class ScalingBucket:
    """New-environment allowance of one function: ``capacity`` refilled over ``window`` s."""

    capacity: float
    window: float
    tokens: float
    at: float

    def take(self, now: float) -> bool:
        if now > self.at:
            self.tokens = min(
                self.capacity, self.tokens + (now - self.at) * self.capacity / self.window
            )
            self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass(frozen=True)
class Throttle:
    """Why a call was refused: AWS's ``Reason`` and a sentence for the learner."""

    reason: str
    message: str


@dataclass
class Pool:
    """Executions in flight across the account, by function.

    Args:
        account_limit: the account's ConcurrentExecutions quota.
        scaling_capacity: new environments a function may add per ``scaling_window``.
        scaling_window: seconds over which the scaling allowance refills.
    """

    account_limit: int
    scaling_capacity: int = 1000
    scaling_window: float = 10.0
    reserved: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)  # provisioned, unreserved functions
    in_flight: dict[str, int] = field(default_factory=dict)
    on_provisioned: dict[tuple[str, str], int] = field(default_factory=dict)
    buckets: dict[str, ScalingBucket] = field(default_factory=dict)
    unreserved_busy: int = 0
    _throttles: dict[tuple[str, int], Throttle] = field(default_factory=dict)

    # -- settings ---------------------------------------------------------------------
    def set_reserved(self, function: str, value: int | None) -> None:
        if value is None:
            self.reserved.pop(function, None)
        else:
            self.reserved[function] = value
        self._recount()

    def set_held(self, function: str, provisioned_total: int) -> None:
        """Provisioned concurrency configured on any of the function's versions or aliases."""
        if provisioned_total:
            self.held[function] = provisioned_total
        else:
            self.held.pop(function, None)

    def unreserved_limit(self) -> int:
        """What functions without a reservation share (GetAccountSettings' figure)."""
        return self.account_limit - sum(self.reserved.values())

    def on_demand_limit(self) -> int:
        """Unreserved concurrency that is not held by provisioned environments."""
        held = sum(n for f, n in self.held.items() if f not in self.reserved)
        return self.unreserved_limit() - held

    # -- admission --------------------------------------------------------------------
    def start(
        self,
        function: str,
        now: float,
        *,
        new_environment: bool,
        provisioned_slot: tuple[str, str] | None = None,
        provisioned_limit: int = 0,
    ) -> tuple[bool, Throttle | None]:
        """Count one execution in, or say why not.

        Returns ``(on_provisioned, throttle)``: whether a provisioned environment serves
        it, or the throttle that refused it.
        """
        reserved = self.reserved.get(function)
        busy = self.in_flight.get(function, 0)
        if provisioned_slot is not None and provisioned_limit > 0:
            used = self.on_provisioned.get(provisioned_slot, 0)
            fits_reserved = reserved is None or busy < reserved
            if used < provisioned_limit and fits_reserved:
                self.on_provisioned[provisioned_slot] = used + 1
                self.in_flight[function] = busy + 1
                return True, None
        if reserved is not None:
            if busy >= reserved:
                return False, self._throttle("reserved", reserved)
        elif self.unreserved_busy >= self.on_demand_limit():
            return False, self._throttle("account", self.on_demand_limit())
        if new_environment and not self._bucket(function, now).take(now):
            return False, self._throttle("scaling", self.scaling_capacity)
        self.in_flight[function] = busy + 1
        if reserved is None:
            self.unreserved_busy += 1
        return False, None

    def finish(
        self, function: str, *, on_provisioned: bool, provisioned_slot: tuple[str, str] | None
    ) -> None:
        """Count one execution out."""
        self.in_flight[function] = max(0, self.in_flight.get(function, 0) - 1)
        if on_provisioned and provisioned_slot is not None:
            left = self.on_provisioned.get(provisioned_slot, 0) - 1
            if left > 0:
                self.on_provisioned[provisioned_slot] = left
            else:
                self.on_provisioned.pop(provisioned_slot, None)
        elif function not in self.reserved:
            self.unreserved_busy = max(0, self.unreserved_busy - 1)

    def _throttle(self, kind: str, limit: int) -> Throttle:
        # One object per kind and limit: load runs throttle hundreds of thousands of times.
        key = (kind, limit)
        found = self._throttles.get(key)
        if found is None:
            if kind == "reserved":
                found = Throttle(
                    RESERVED_REASON,
                    f"Rate Exceeded. The function's reserved concurrency ({limit}) is fully in use.",
                )
            elif kind == "account":
                found = Throttle(
                    ACCOUNT_REASON,
                    f"Rate Exceeded. The account's unreserved concurrency ({limit}) is fully in use.",
                )
            else:
                found = Throttle(
                    ACCOUNT_REASON,
                    "Rate Exceeded. The function is adding execution environments faster than "
                    f"{limit} every {self.scaling_window:g} seconds.",
                )
            self._throttles[key] = found
        return found

    def total_in_flight(self) -> int:
        return sum(self.in_flight.values())

    def _bucket(self, function: str, now: float) -> ScalingBucket:
        bucket = self.buckets.get(function)
        if bucket is None:
            bucket = self.buckets[function] = ScalingBucket(
                float(self.scaling_capacity), self.scaling_window, float(self.scaling_capacity), now
            )
        return bucket

    def _recount(self) -> None:
        self.unreserved_busy = sum(
            n for f, n in self.in_flight.items() if f not in self.reserved
        ) - sum(n for (f, _), n in self.on_provisioned.items() if f not in self.reserved)
