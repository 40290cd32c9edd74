"""Target-tracking auto scaling of one table's or GSI's read or write capacity, on virtual time.

A pure engine: it is told what was consumed, reads the clock, and says what the
provisioned capacity should become. Applying that (UpdateTable) is the caller's job.

How AWS decides (developer guide, "Managing throughput capacity automatically with
DynamoDB auto scaling", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/AutoScaling.html):

* Consumed capacity is published per one-minute period. Utilisation is consumed over
  provisioned capacity, as a percentage; the target is set between 20 and 90 percent.
* Scale out "when your consumed capacity breaches the configured target utilization for
  two consecutive minutes"; scale in "when 15 consecutive data points are lower than the
  target utilization". The AWS knowledge-center article "Why isn't DynamoDB auto scaling
  working?" (https://repost.aws/knowledge-center/dynamodb-auto-scaling) is more precise
  about scale-in: utilisation "20% or more below the target for 15 consecutive minutes"
  (its example: target 70 percent, scale in below 50), which is what is modelled.
* The new capacity keeps utilisation at or near the target, so it is consumed divided by
  the target, between MinCapacity and MaxCapacity. AWS does not give the formula's
  rounding or which minute's consumption it uses: here it is the busiest minute of the
  evaluated window, rounded up to a whole unit, so no minute of it would breach the target.
* Cooldowns (ScaleInCooldown, ScaleOutCooldown) default to 0 seconds for DynamoDB; a
  scale-out is never held back by a scale-in cooldown. DisableScaleIn stops scale-in.
* DynamoDB quotas stay in force, so a scale-in waits while the decrease ledger refuses.

Not modelled: the "few minutes" before an alarm fires and the minutes UpdateTable takes;
a decision applies from the moment the caller applies it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.throughput import (
    Clock,
    DecreaseLedger,
)

PERIOD = 60.0
SCALE_OUT_DATAPOINTS = 2
SCALE_IN_DATAPOINTS = 15
#: Percentage points below the target that count as low, from the knowledge-center article.
SCALE_IN_MARGIN = 20.0
TARGET_MIN = 20.0
TARGET_MAX = 90.0
# Consumption arrives as float sums of halves and doubles; a ratio a hair above a whole
# number (70.00000001 units) must not buy a whole extra unit.
_ROUNDING_SLACK = 1e-9


@dataclass(frozen=True)
class ScalingPolicy:
    """Application Auto Scaling's scalable target and target-tracking configuration.

    Args:
        min_capacity: MinCapacity, the fewest units scale-in leaves.
        max_capacity: MaxCapacity, the most units scale-out sets.
        target_value: TargetValue, the utilisation to keep, in percent (20 to 90).
        scale_in_cooldown: ScaleInCooldown, seconds after a scale-in before the next one.
        scale_out_cooldown: ScaleOutCooldown, seconds after a scale-out before the next one.
        disable_scale_in: DisableScaleIn.
    """

    min_capacity: int
    max_capacity: int
    target_value: float
    scale_in_cooldown: float = 0.0
    scale_out_cooldown: float = 0.0
    disable_scale_in: bool = False

    def __post_init__(self) -> None:
        # UNVERIFIED wording: Application Auto Scaling's own messages are not published;
        # the limits are (target 20-90 percent, minimum capacity 1 unit).
        if not TARGET_MIN <= self.target_value <= TARGET_MAX:
            raise ValidationException(
                f"TargetValue must be between {TARGET_MIN:g} and {TARGET_MAX:g} percent "
                f"for DynamoDB, not {self.target_value:g}"
            )
        if self.min_capacity < 1:
            raise ValidationException("MinCapacity must be at least 1 capacity unit")
        if self.max_capacity < self.min_capacity:
            raise ValidationException(
                f"MaxCapacity ({self.max_capacity}) must be at least MinCapacity "
                f"({self.min_capacity})"
            )


@dataclass(frozen=True)
class ScalingDecision:
    """What the policy wants: ``capacity`` units, and why."""

    capacity: int
    direction: Literal["out", "in"]
    at: float
    utilization: float
    """The busiest minute's utilisation of the old capacity, in percent."""


class TargetTracker:
    """Per-minute consumption of one capacity (table or GSI, read or write) and its policy.

    Args:
        policy: the scaling policy.
        provisioned: the capacity in force now.
        clock: the cloud's clock; minutes are whole minutes of virtual time.
        ledger: the table's (or GSI's) decrease ledger, consulted before a scale-in.
    """

    def __init__(
        self,
        policy: ScalingPolicy,
        *,
        provisioned: int,
        clock: Clock,
        ledger: DecreaseLedger | None = None,
    ) -> None:
        self.policy = policy
        self.provisioned = provisioned
        self.ledger = ledger
        self._clock = clock
        self._first = self._minute()
        self._sums: dict[int, float] = {}
        self._last_out = -math.inf
        self._last_in = -math.inf

    def _minute(self) -> int:
        return int(self._clock.now() // PERIOD)

    def record(self, units: float) -> None:
        """``units`` were consumed now."""
        minute = self._minute()
        self._sums[minute] = self._sums.get(minute, 0.0) + units
        if len(self._sums) > SCALE_IN_DATAPOINTS + 1:
            for old in sorted(self._sums)[: -(SCALE_IN_DATAPOINTS + 1)]:
                del self._sums[old]

    def datapoints(self, count: int) -> list[float]:
        """Units per second in the last ``count`` complete minutes, oldest first.

        A minute without traffic is 0; minutes before the tracker started are left out,
        so fewer than ``count`` may come back.
        """
        now = self._minute()
        start = max(self._first, now - count)
        return [self._sums.get(minute, 0.0) / PERIOD for minute in range(start, now)]

    def set_provisioned(self, capacity: int) -> None:
        """The capacity changed another way (UpdateTable by hand)."""
        self.provisioned = capacity

    def evaluate(self) -> ScalingDecision | None:
        """The scaling the policy wants now, or None; assumes the caller applies it."""
        policy, now = self.policy, self._clock.now()
        target = policy.target_value
        high = self.datapoints(SCALE_OUT_DATAPOINTS)
        if (
            len(high) == SCALE_OUT_DATAPOINTS
            and all(self._utilization(rate) > target for rate in high)
            and now >= self._last_out + policy.scale_out_cooldown
        ):
            capacity = min(policy.max_capacity, self._capacity_for(max(high)))
            if capacity > self.provisioned:
                return self._decide(capacity, "out", now, max(high))
        if policy.disable_scale_in or now < self._last_in + policy.scale_in_cooldown:
            return None
        low = self.datapoints(SCALE_IN_DATAPOINTS)
        if len(low) < SCALE_IN_DATAPOINTS or not all(
            self._utilization(rate) < target - SCALE_IN_MARGIN for rate in low
        ):
            return None
        capacity = max(policy.min_capacity, self._capacity_for(max(low)))
        if capacity >= self.provisioned or (self.ledger and not self.ledger.allows(now)):
            return None
        return self._decide(capacity, "in", now, max(low))

    def _utilization(self, rate: float) -> float:
        return rate / self.provisioned * 100.0

    def _capacity_for(self, rate: float) -> int:
        return max(1, math.ceil(rate / (self.policy.target_value / 100.0) - _ROUNDING_SLACK))

    def _decide(
        self, capacity: int, direction: Literal["out", "in"], now: float, rate: float
    ) -> ScalingDecision:
        decision = ScalingDecision(capacity, direction, now, self._utilization(rate))
        if direction == "out":
            self._last_out = now
        else:
            self._last_in = now
        self.provisioned = capacity
        return decision
