"""Statistics over cells: time windows, period buckets, the five statistics and percentiles.

A pure engine: no clock, no state. The backend hands it cells and the current time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from emulator.services.cloudwatch import quotas
from emulator.services.cloudwatch.models import Cell

BASIC_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
#: Periods a high-resolution metric may be read at besides the multiples of 60.
SUB_MINUTE_PERIODS = (1, 5, 10, 20, 30)

#: ``p`` and a number from 0 to 100 with at most two decimals, as in p95 or p99.99.
_PERCENTILE = re.compile(r"^p(\d{1,3}(?:\.\d{1,2})?)$")
#: The other extended statistics CloudWatch knows (trimmed and winsorized means, trimmed
#: counts and sums, percentile ranks, IQM); recognised so the emulator can say it lacks them.
_OTHER_EXTENDED = re.compile(r"^(?:(?:tm|wm|tc|ts)\d|(?:TM|WM|TC|TS|PR)\(|IQM$)")

_HOUR = 3600
_DAY = 86_400


def percentile_of(statistic: str) -> float | None:
    """The percentile a statistic names (``p99`` -> 99.0), or None if it names none."""
    match = _PERCENTILE.match(statistic)
    if match is None:
        return None
    value = float(match.group(1))
    return value if value <= 100 else None


def is_other_extended(statistic: str) -> bool:
    """A trimmed mean, winsorized mean, trimmed count or sum, percentile rank or IQM."""
    return _OTHER_EXTENDED.match(statistic) is not None


def valid_period(period: int) -> bool:
    """1, 5, 10, 20, 30, or a positive multiple of 60, as CloudWatch accepts."""
    return period in SUB_MINUTE_PERIODS or (period >= 60 and period % 60 == 0)


@dataclass(frozen=True)
class Window:
    """The part of the time line a query reads, after CloudWatch's rounding and retention.

    Attributes:
        start: the first bucket's start, rounded down as CloudWatch rounds StartTime.
        end: EndTime, exclusive.
        period: bucket length in seconds.
        oldest: data older than this second has passed retention.
        readable: False when the period is too fine for how old StartTime is, in which
            case CloudWatch returns no data points for the range.
    """

    start: int
    end: float
    period: int
    oldest: int
    readable: bool

    @property
    def datapoints(self) -> int:
        """How many data points the window can hold at most."""
        return max(0, math.ceil((self.end - self.start) / self.period))


def window(now: float, start: float, end: float, period: int) -> Window:
    """Apply CloudWatch's StartTime rounding, period-by-age rules and retention.

    StartTime less than 15 days old is rounded down to the minute, up to 63 days to five
    minutes, older to the hour; sub-minute periods round to their own multiple instead.
    A start older than 3 hours needs a period that is a multiple of 60, older than 15
    days a multiple of 300, older than 63 days a multiple of 3600, or no data is returned.
    """
    age = now - start
    minute_days = quotas.value("MinuteRetention")
    five_minute_days = quotas.value("FiveMinuteRetention")
    if period < 60:
        step = period
    elif age < minute_days:
        step = 60
    elif age < five_minute_days:
        step = 300
    else:
        step = _HOUR
    aligned = math.floor(start / step) * step
    readable = not (
        (age > quotas.value("HighResolutionRetention") and period % 60)
        or (age > minute_days and period % 300)
        or (age > five_minute_days and period % _HOUR)
    )
    oldest = math.floor(now - quotas.value("HourRetention"))
    return Window(int(aligned), float(end), int(period), oldest, readable)


def buckets(cells: Iterable[tuple[int, Cell]], span: Window, with_values: bool) -> dict[int, Cell]:
    """Cells summed into the window's period buckets, keyed by bucket start.

    A bucket is ``[count, sum, min, max, values]``; ``values`` is only gathered when
    ``with_values`` (percentiles were asked for), and is None when any cell in the bucket
    lacks raw values.
    """
    if not span.readable:
        return {}
    start, end, period = span.start, span.end, span.period
    lowest = max(start, span.oldest)
    out: dict[int, Cell] = {}
    for second, cell in cells:
        if second < lowest or second >= end:
            continue
        key = start + (second - start) // period * period
        values = cell[4]
        bucket = out.get(key)
        if bucket is None:
            copied = dict(values) if with_values and values is not None else None
            out[key] = [cell[0], cell[1], cell[2], cell[3], copied]
            continue
        bucket[0] += cell[0]
        bucket[1] += cell[1]
        if cell[2] < bucket[2]:
            bucket[2] = cell[2]
        if cell[3] > bucket[3]:
            bucket[3] = cell[3]
        if with_values:
            if values is None:
                bucket[4] = None
            elif bucket[4] is not None:
                merged = bucket[4]
                for value, times in values.items():
                    merged[value] = merged.get(value, 0.0) + times
    return out


def statistic(bucket: Cell, name: str) -> float | None:
    """One statistic of a bucket, or None when CloudWatch could not compute it."""
    count = bucket[0]
    if name == "SampleCount":
        return float(count)
    if name == "Sum":
        return float(bucket[1])
    if name == "Average":
        return float(bucket[1]) / count if count else None
    if name == "Minimum":
        return float(bucket[2])
    if name == "Maximum":
        return float(bucket[3])
    wanted = percentile_of(name)
    if wanted is None:
        raise ValueError(f"not a statistic the emulator computes: {name}")
    values = bucket[4]
    # CloudWatch gives no percentile over hidden values or over negative values.
    if not values or bucket[2] < 0:
        return None
    return percentile(values, wanted)


def percentile(values: dict[float, float], wanted: float) -> float:
    """The nearest-rank percentile of counted values: the smallest value with at least
    ``wanted`` percent of the samples at or below it."""
    ordered = sorted((value, times) for value, times in values.items() if times > 0)
    total = sum(times for _, times in ordered)
    if wanted <= 0:
        return float(ordered[0][0])
    target = wanted * total / 100
    seen = 0.0
    for value, times in ordered:
        seen += times
        if seen >= target:
            return float(value)
    return float(ordered[-1][0])
