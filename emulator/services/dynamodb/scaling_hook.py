"""Feeds the capacity DynamoDB requests consume to auto scaling and applies its decisions.

A region's DynamoDB backend gets a ``Scaler`` once Application Auto Scaling puts a
target-tracking policy on one of its tables. Until then ``record`` is one dictionary
lookup. While any policy exists, one clock callback at every whole minute evaluates each
``TargetTracker`` and sets the table's provisioned units the way UpdateTable does (the
decrease ledger counts a scale-in, LastIncreaseDateTime notes a scale-out).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from weakref import WeakKeyDictionary

from emulator.services.dynamodb.autoscaling import (
    PERIOD,
    ScalingDecision,
    ScalingPolicy,
    TargetTracker,
)
from emulator.services.dynamodb.throughput import is_decrease

if TYPE_CHECKING:
    from emulator.clock import Timer
    from emulator.services.dynamodb.backend import DynamoDBBackend
    from emulator.services.dynamodb.models import Table

Operation = Literal["read", "write"]
Key = tuple[str, Operation]


@dataclass(frozen=True)
class Applied:
    """A decision that changed a table's provisioned units."""

    table: str
    operation: Operation
    old: int
    decision: ScalingDecision


class Scaler:
    """The trackers of one region's tables and the per-minute evaluation.

    Args:
        backend: the region's DynamoDB backend.
        on_applied: told of every change made, to record it as a scaling activity.
    """

    def __init__(self, backend: DynamoDBBackend, on_applied: Callable[[Applied], None]) -> None:
        self.backend = backend
        self.on_applied = on_applied
        self.trackers: dict[Key, TargetTracker] = {}
        self._timer: Timer | None = None

    def track(self, table_name: str, operation: Operation, policy: ScalingPolicy) -> None:
        """Scale ``operation`` capacity of the table by ``policy`` (a new one replaces the old,
        keeping the consumption seen so far)."""
        tracker = self.trackers.get((table_name, operation))
        if tracker is not None:
            tracker.policy = policy
        else:
            table = self.backend.tables.get(table_name)
            self.trackers[(table_name, operation)] = TargetTracker(
                policy,
                provisioned=_units(table, operation) if table else policy.min_capacity,
                clock=self.backend.cloud.clock,
                ledger=table.decrease_ledger if table else None,
            )
        self._schedule()

    def untrack(self, table_name: str, operation: Operation) -> None:
        """Stop scaling that capacity; the minute callback stops with the last policy."""
        self.trackers.pop((table_name, operation), None)
        if not self.trackers and self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _schedule(self) -> None:
        if self._timer is None and self.trackers:
            clock = self.backend.cloud.clock
            minute = math.floor(clock.now() / PERIOD) + 1
            self._timer = clock.call_at(minute * PERIOD, self._tick)

    def _tick(self) -> None:
        self._timer = None
        self.evaluate()
        self._schedule()

    def evaluate(self) -> list[Applied]:
        """Evaluate every tracker now and apply what they decide."""
        applied: list[Applied] = []
        for (name, operation), tracker in list(self.trackers.items()):
            table = self.backend.tables.get(name)
            if table is None or table.billing_mode != "PROVISIONED":
                continue
            # UpdateTable by hand, or a table deleted and made again, changes the units
            # and the ledger behind the tracker's back.
            tracker.set_provisioned(_units(table, operation))
            tracker.ledger = table.decrease_ledger
            old = tracker.provisioned
            decision = tracker.evaluate()
            if decision is None:
                continue
            _apply(table, operation, decision)
            change = Applied(name, operation, old, decision)
            applied.append(change)
            self.on_applied(change)
        return applied


_SCALERS: WeakKeyDictionary[DynamoDBBackend, Scaler] = WeakKeyDictionary()


def attach(backend: DynamoDBBackend, on_applied: Callable[[Applied], None]) -> Scaler:
    """The backend's scaler, made on first use; ``on_applied`` replaces any earlier one."""
    scaler = _SCALERS.get(backend)
    if scaler is None:
        scaler = _SCALERS[backend] = Scaler(backend, on_applied)
    scaler.on_applied = on_applied
    return scaler


def record(backend: DynamoDBBackend, table: Table, read_units: float, write_units: float) -> None:
    """A request on ``table`` consumed these units (table and LSI units; not GSIs')."""
    scaler = _SCALERS.get(backend)
    if scaler is None:
        return
    trackers = scaler.trackers
    if read_units:
        tracker = trackers.get((table.name, "read"))
        if tracker is not None:
            tracker.record(read_units)
    if write_units:
        tracker = trackers.get((table.name, "write"))
        if tracker is not None:
            tracker.record(write_units)


def _units(table: Table, operation: Operation) -> int:
    return table.read_capacity if operation == "read" else table.write_capacity


def _apply(table: Table, operation: Operation, decision: ScalingDecision) -> None:
    """Set the units as UpdateTable does; the tracker has checked the decrease ledger."""
    read, write = table.read_capacity, table.write_capacity
    if operation == "read":
        read = decision.capacity
    else:
        write = decision.capacity
    if is_decrease(table.read_capacity, table.write_capacity, read, write):
        table.decrease_ledger.record(decision.at)
    else:
        table.last_increase = decision.at
    table.read_capacity, table.write_capacity = read, write
    table.capacity.set_throughput(read=read, write=write)
