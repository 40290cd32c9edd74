"""The virtual clock: manual and live time, callbacks in order."""

from __future__ import annotations

import pytest

from emulator.clock import DEFAULT_START, VirtualClock


def test_manual_clock_moves_only_when_told() -> None:
    clock = VirtualClock()
    assert clock.now() == DEFAULT_START
    clock.advance(90)
    assert clock.now() == DEFAULT_START + 90


def test_callbacks_run_in_time_order_each_at_its_own_time() -> None:
    clock = VirtualClock(start=0)
    seen: list[tuple[str, float]] = []
    clock.call_at(30, lambda: seen.append(("b", clock.now())))
    clock.call_at(10, lambda: seen.append(("a", clock.now())))
    clock.call_at(10, lambda: seen.append(("a2", clock.now())))
    clock.call_at(99, lambda: seen.append(("late", clock.now())))
    assert clock.advance(50) == 3
    assert seen == [("a", 10), ("a2", 10), ("b", 30)]
    assert clock.now() == 50
    assert clock.pending() == 1
    assert clock.next_due() == 99


def test_callback_scheduled_by_a_callback_runs_in_the_same_advance() -> None:
    clock = VirtualClock(start=0)
    seen: list[float] = []

    def first() -> None:
        seen.append(clock.now())
        clock.call_later(5, lambda: seen.append(clock.now()))

    clock.call_later(1, first)
    clock.advance(10)
    assert seen == [1, 6]


def test_cancelled_timer_never_runs() -> None:
    clock = VirtualClock(start=0)
    seen: list[int] = []
    timer = clock.call_later(1, lambda: seen.append(1))
    timer.cancel()
    assert clock.advance(5) == 0
    assert seen == []


def test_live_clock_follows_the_wall_with_speed() -> None:
    wall = [100.0]
    clock = VirtualClock(start=0, mode="live", speed=60, wall=lambda: wall[0])
    seen: list[float] = []
    clock.call_at(120, lambda: seen.append(clock.now()))
    wall[0] += 1
    assert clock.now() == 60
    assert clock.run_due() == 0
    wall[0] += 2
    assert clock.run_due() == 1
    with pytest.raises(ValueError, match="manual mode"):
        clock.advance(1)


def test_switching_modes_does_not_jump() -> None:
    wall = [0.0]
    clock = VirtualClock(start=1000, mode="live", wall=lambda: wall[0])
    wall[0] = 5
    clock.set_mode("manual")
    assert clock.now() == 1005
    wall[0] = 50
    assert clock.now() == 1005


def test_bad_input_is_refused_with_a_reason() -> None:
    clock = VirtualClock()
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="mode"):
        clock.set_mode("fast")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="speed"):
        clock.set_mode("live", 0)


def test_snapshot_round_trip() -> None:
    clock = VirtualClock(start=42)
    clock.advance(8)
    again = VirtualClock.from_snapshot(clock.snapshot())
    assert again.now() == 50
    assert again.mode == "manual"


def test_scheduled_calls_and_timers_share_one_order() -> None:
    clock = VirtualClock(start=0)
    seen: list[tuple[object, float]] = []

    def note(what: object) -> None:
        seen.append((what, clock.now()))
        if what == "s1":  # scheduled from a callback, due at the same time: runs after
            clock.schedule(10, note, "s3")
            clock.call_at(10, lambda: note("t3"))
        if what == "s3":  # due at a time already passed: runs next, and time stays
            clock.schedule(7, note, "past")

    clock.call_at(10, lambda: note("t1"))
    clock.schedule(10, note, "s1")
    clock.call_at(5, lambda: note("t0"))
    cancelled = clock.call_at(10, lambda: note("never"))
    clock.schedule(10, note, "s2")
    clock.schedule(20, note, "late")
    cancelled.cancel()
    assert clock.pending() == 5
    assert clock.advance(15) == 7
    assert seen == [
        ("t0", 5),
        ("t1", 10),
        ("s1", 10),
        ("s2", 10),
        ("s3", 10),
        ("past", 10),
        ("t3", 10),
    ]
    assert clock.next_due() == 20
    clock.advance(5)
    assert seen[-1] == ("late", 20)
    assert clock.pending() == 0


def test_a_chain_of_calls_keeps_its_place_among_those_already_waiting() -> None:
    clock = VirtualClock(start=0)
    seen: list[object] = []

    def chain(n: int) -> None:
        seen.append((n, clock.now()))
        seen.append((clock.pending(), clock.next_due()))
        if n < 3:  # due before everything waiting, so the very next to run
            clock.schedule(clock.now() + 1, chain, n + 1)
            seen.append((clock.pending(), clock.next_due()))

    clock.schedule(1, chain, 1)
    clock.schedule(3, seen.append, "waiting since the start")
    assert clock.advance(10) == 4
    assert seen == [
        (1, 1),
        (1, 3),
        (2, 2),
        (2, 2),
        (1, 3),
        (2, 3),
        "waiting since the start",  # due at 3 too, and scheduled before chain(3)
        (3, 3),
        (0, None),
    ]


def test_what_a_failing_callback_scheduled_still_runs() -> None:
    clock = VirtualClock(start=0)
    seen: list[str] = []

    def fail(_: object) -> None:
        clock.schedule(2, seen.append, "after the failure")
        raise RuntimeError("boom")

    clock.schedule(1, fail, None)
    clock.schedule(4, seen.append, "later")
    with pytest.raises(RuntimeError, match="boom"):
        clock.advance(5)
    assert (clock.pending(), clock.next_due()) == (2, 2)
    clock.advance(5)
    assert seen == ["after the failure", "later"]


def test_a_callback_that_runs_the_clock_runs_what_is_due_first() -> None:
    clock = VirtualClock(start=0)
    seen: list[str] = []

    def first() -> None:
        seen.append("first")
        clock.run_due()  # as an API call does on a live clock
        seen.append("first done")

    clock.call_at(10, first)
    clock.schedule(10, seen.append, "second")
    clock.advance(10)
    assert seen == ["first", "second", "first done"]
