"""Target-tracking auto scaling on a manual clock: AWS's 2-minute scale-out, 15-minute scale-in."""

from __future__ import annotations

import pytest

from emulator.clock import VirtualClock
from emulator.services.dynamodb.autoscaling import ScalingDecision, ScalingPolicy, TargetTracker
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.throughput import (
    DecreaseLedger,
)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()  # starts on a whole minute


def _load(tracker: TargetTracker, clock: VirtualClock, per_second: float, minutes: int) -> None:
    """Consume ``per_second`` units every second for ``minutes`` minutes."""
    for _ in range(minutes * 60):
        tracker.record(per_second)
        clock.advance(1)


def _tracker(clock: VirtualClock, provisioned: int = 10, **policy: float) -> TargetTracker:
    settings = {"min_capacity": 5, "max_capacity": 1000, "target_value": 70.0, **policy}
    return TargetTracker(ScalingPolicy(**settings), provisioned=provisioned, clock=clock)  # type: ignore[arg-type]


def test_policy_limits() -> None:
    with pytest.raises(ValidationException, match="between 20 and 90"):
        ScalingPolicy(min_capacity=1, max_capacity=10, target_value=95)
    with pytest.raises(ValidationException, match="between 20 and 90"):
        ScalingPolicy(min_capacity=1, max_capacity=10, target_value=19.9)
    with pytest.raises(ValidationException, match="MinCapacity"):
        ScalingPolicy(min_capacity=0, max_capacity=10, target_value=70)
    with pytest.raises(ValidationException, match="MaxCapacity"):
        ScalingPolicy(min_capacity=10, max_capacity=5, target_value=70)
    ScalingPolicy(min_capacity=1, max_capacity=1, target_value=20)
    ScalingPolicy(min_capacity=1, max_capacity=1, target_value=90)


def test_scale_out_after_two_consecutive_minutes_above_target(clock: VirtualClock) -> None:
    tracker = _tracker(clock)
    _load(tracker, clock, 10, 1)  # 100% of 10 units
    assert tracker.evaluate() is None  # one minute is not enough
    _load(tracker, clock, 10, 1)
    decision = tracker.evaluate()
    assert decision == ScalingDecision(15, "out", clock.now(), 100.0)  # 10 / 0.7 -> 15
    assert tracker.provisioned == 15
    assert tracker.evaluate() is None  # the same minutes now sit below the target


def test_one_busy_minute_is_not_enough(clock: VirtualClock) -> None:
    tracker = _tracker(clock)
    _load(tracker, clock, 10, 1)
    _load(tracker, clock, 6, 1)  # 60%: under the 70% target
    _load(tracker, clock, 10, 1)
    assert tracker.evaluate() is None
    assert tracker.datapoints(3) == [10.0, 6.0, 10.0]


def test_exactly_on_target_does_not_scale(clock: VirtualClock) -> None:
    tracker = _tracker(clock)
    _load(tracker, clock, 7, 2)  # exactly 70%
    assert tracker.evaluate() is None


def test_scale_out_stops_at_max_capacity(clock: VirtualClock) -> None:
    tracker = _tracker(clock, max_capacity=12)
    _load(tracker, clock, 10, 2)
    decision = tracker.evaluate()
    assert decision is not None
    assert decision.capacity == 12
    _load(tracker, clock, 12, 2)
    assert tracker.evaluate() is None  # already at the maximum


def test_scale_out_cooldown(clock: VirtualClock) -> None:
    tracker = _tracker(clock, scale_out_cooldown=300)
    _load(tracker, clock, 10, 2)
    assert tracker.evaluate() is not None  # -> 15
    _load(tracker, clock, 15, 2)  # 100% again, 120 s after the scale-out
    assert tracker.evaluate() is None
    _load(tracker, clock, 15, 3)  # 300 s after it
    decision = tracker.evaluate()
    assert decision is not None
    assert decision.capacity == 22  # 15 / 0.7 = 21.4 -> 22


def test_scale_in_after_15_minutes_20_points_below_target(clock: VirtualClock) -> None:
    tracker = _tracker(clock, provisioned=100)
    _load(tracker, clock, 40, 14)  # 40%: more than 20 points under 70%
    assert tracker.evaluate() is None
    _load(tracker, clock, 40, 1)
    decision = tracker.evaluate()
    assert decision == ScalingDecision(58, "in", clock.now(), 40.0)  # 40 / 0.7 = 57.1 -> 58
    assert tracker.evaluate() is None


def test_no_scale_in_while_within_20_points_of_target(clock: VirtualClock) -> None:
    tracker = _tracker(clock, provisioned=100)
    _load(tracker, clock, 55, 30)  # 55%: under the target but not 20 points under
    assert tracker.evaluate() is None
    _load(tracker, clock, 50, 15)  # exactly 50%: not below 50
    assert tracker.evaluate() is None


def test_idle_table_scales_in_to_min_capacity(clock: VirtualClock) -> None:
    tracker = _tracker(clock, provisioned=100)
    clock.advance(14 * 60)
    assert tracker.evaluate() is None
    clock.advance(60)
    decision = tracker.evaluate()
    assert decision is not None
    assert (decision.capacity, decision.direction, decision.utilization) == (5, "in", 0.0)


def test_minutes_before_the_policy_started_do_not_count(clock: VirtualClock) -> None:
    clock.advance(3600)
    tracker = _tracker(clock, provisioned=100)
    clock.advance(14 * 60)
    assert tracker.datapoints(15) == [0.0] * 14
    assert tracker.evaluate() is None


def test_disable_scale_in(clock: VirtualClock) -> None:
    tracker = _tracker(clock, provisioned=100, disable_scale_in=True)
    clock.advance(60 * 60)
    assert tracker.evaluate() is None


def test_scale_in_cooldown_holds_scale_in_but_not_scale_out(clock: VirtualClock) -> None:
    tracker = _tracker(clock, provisioned=100, scale_in_cooldown=3600)
    _load(tracker, clock, 20, 15)
    assert tracker.evaluate() == ScalingDecision(29, "in", clock.now(), 20.0)  # 20/0.7 -> 29
    _load(tracker, clock, 5, 15)  # 17% of 29: low again, inside the cooldown
    assert tracker.evaluate() is None
    _load(tracker, clock, 29, 2)  # 100%: scale-out ignores the scale-in cooldown
    decision = tracker.evaluate()
    assert decision is not None
    assert (decision.capacity, decision.direction) == (42, "out")  # 29 / 0.7 = 41.4 -> 42


def test_scale_in_waits_for_the_decrease_quota(clock: VirtualClock) -> None:
    ledger = DecreaseLedger()
    for _ in range(4):  # the day's four free decreases are spent
        ledger.record(clock.now())
    policy = ScalingPolicy(min_capacity=5, max_capacity=1000, target_value=70)
    tracker = TargetTracker(policy, provisioned=100, clock=clock, ledger=ledger)
    clock.advance(15 * 60)
    assert tracker.evaluate() is None  # 15 idle minutes, but no decrease allowed yet
    clock.advance(45 * 60 - 1)
    assert tracker.evaluate() is None
    clock.advance(1)  # 3600 s after the last decrease
    decision = tracker.evaluate()
    assert decision is not None
    assert decision.capacity == 5


def test_manual_changes_are_taken_into_account(clock: VirtualClock) -> None:
    tracker = _tracker(clock)
    _load(tracker, clock, 10, 2)
    tracker.set_provisioned(50)  # raised by hand: 10 of 50 is 20%
    assert tracker.evaluate() is None
    assert tracker.provisioned == 50


def test_half_units_round_to_the_capacity_that_meets_the_target(clock: VirtualClock) -> None:
    tracker = _tracker(clock, provisioned=10, target_value=50)
    _load(tracker, clock, 7.5, 2)  # eventually consistent halves: 75% of 10
    decision = tracker.evaluate()
    assert decision is not None
    assert decision.capacity == 15  # 7.5 / 0.5 exactly, not 16
