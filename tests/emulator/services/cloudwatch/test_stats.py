"""The statistics engine on its own: percentiles, statistic names, periods and time windows."""

from __future__ import annotations

import datetime as dt

import pytest

from emulator.services.cloudwatch import stats
from emulator.services.cloudwatch.models import raw_values_of_set

DAY = 86_400


def epoch(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [(0, 1.0), (10, 1.0), (50, 5.0), (90, 9.0), (95, 10.0), (100, 10.0)],
)
def test_nearest_rank_percentiles(wanted: float, expected: float) -> None:
    values = {float(v): 1.0 for v in range(1, 11)}
    assert stats.percentile(values, wanted) == expected


def test_percentiles_weigh_counts() -> None:
    assert stats.percentile({1.0: 98.0, 500.0: 2.0}, 98) == 1.0
    assert stats.percentile({1.0: 98.0, 500.0: 2.0}, 98.5) == 500.0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("p99", 99.0),
        ("p99.9", 99.9),
        ("p99.99", 99.99),
        ("p0", 0.0),
        ("p100", 100.0),
        ("p0.5", 0.5),
    ],
)
def test_percentile_names(name: str, value: float) -> None:
    assert stats.percentile_of(name) == value


@pytest.mark.parametrize("name", ["p100.01", "p101", "p99.999", "P99", "p", "p-1", "99", "tm90"])
def test_not_percentile_names(name: str) -> None:
    assert stats.percentile_of(name) is None


@pytest.mark.parametrize("name", ["tm90", "wm98", "tc90", "ts90", "TM(10%:90%)", "PR(:300)", "IQM"])
def test_other_extended_statistics_are_recognised(name: str) -> None:
    assert stats.is_other_extended(name)


@pytest.mark.parametrize(
    ("period", "valid"),
    [
        (1, True),
        (5, True),
        (10, True),
        (20, True),
        (30, True),
        (60, True),
        (120, True),
        (3600, True),
        (2, False),
        (45, False),
        (90, False),
        (0, False),
    ],
)
def test_valid_periods(period: int, valid: bool) -> None:
    assert stats.valid_period(period) is valid


@pytest.mark.parametrize(
    ("age_days", "rounded"),
    [(1, "2026-03-01T12:32:00"), (20, "2026-03-01T12:30:00"), (70, "2026-03-01T12:00:00")],
)
def test_start_time_rounding_follows_its_age(age_days: int, rounded: str) -> None:
    start = epoch("2026-03-01T12:32:34")
    span = stats.window(start + age_days * DAY, start, start + 3600, 3600)
    assert span.start == epoch(rounded)


def test_sub_minute_periods_round_within_the_minute() -> None:
    now = epoch("2026-03-01T01:05:23")
    span = stats.window(now, now - 10, now, 10)
    assert span.start == epoch("2026-03-01T01:05:10")
    span = stats.window(now, epoch("2026-03-01T01:02:17"), now, 5)
    assert span.start == epoch("2026-03-01T01:02:15")


@pytest.mark.parametrize(
    ("age", "period", "readable"),
    [
        (3 * 3600, 10, True),
        (3 * 3600 + 1, 10, False),
        (3 * 3600 + 1, 60, True),
        (15 * DAY + 1, 60, False),
        (15 * DAY + 1, 300, True),
        (63 * DAY + 1, 300, False),
        (63 * DAY + 1, 3600, True),
    ],
)
def test_old_start_times_need_coarse_periods(age: int, period: int, readable: bool) -> None:
    now = epoch("2026-06-01T00:00:00")
    assert stats.window(now, now - age, now, period).readable is readable


def test_buckets_sum_cells_and_drop_values_they_cannot_know() -> None:
    span = stats.window(600.0, 0.0, 600.0, 300)
    cells = {
        0: [1.0, 5.0, 5.0, 5.0, {5.0: 1.0}],
        60: [2.0, 3.0, 1.0, 2.0, {1.0: 1.0, 2.0: 1.0}],
        360: [2.0, 10.0, 4.0, 6.0, None],
    }
    buckets = stats.buckets(cells.items(), span, with_values=True)
    assert buckets == {
        0: [3.0, 8.0, 1.0, 5.0, {5.0: 1.0, 1.0: 1.0, 2.0: 1.0}],
        300: [2.0, 10.0, 4.0, 6.0, None],
    }
    assert stats.statistic(buckets[0], "p50") == 2.0
    assert stats.statistic(buckets[300], "p50") is None
    assert stats.statistic(buckets[300], "Average") == 5.0


def test_which_statistic_sets_reveal_their_values() -> None:
    assert raw_values_of_set(1, 7, 7, 7) == {7: 1}
    assert raw_values_of_set(4, 20, 5, 5) == {5: 4}
    assert raw_values_of_set(2, 30, 10, 20) is None
    assert raw_values_of_set(2, 11, 5, 5) is None
