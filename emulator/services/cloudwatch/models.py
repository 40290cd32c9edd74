"""Metric series and their per-second cells: plain data that round-trips through JSON.

A metric is its namespace, name and set of dimensions. Each metric keeps one table of
cells per unit, because CloudWatch never mixes units: a statistic is computed over the
data points that share a unit. A cell aggregates the samples of one second (high
resolution) or one minute (standard resolution) as ``[count, sum, min, max, values]``,
where ``values`` maps each raw value to how many times it occurred, or is ``None`` once a
statistic set without raw values arrived (CloudWatch cannot give percentiles then).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

#: Dimensions as sorted (name, value) pairs: the identity CloudWatch gives them, where
#: the order a caller listed them in does not matter.
DimensionKey: TypeAlias = tuple[tuple[str, str], ...]
#: ``[count, sum, minimum, maximum, {value: count} | None]``; a list so updates are cheap.
Cell: TypeAlias = list[Any]
Cells: TypeAlias = dict[int, Cell]


@dataclass(slots=True)
class Series:
    """One metric: its identity, its cells by unit, and when it last received data."""

    namespace: str
    name: str
    dimensions: DimensionKey
    units: dict[str, Cells] = field(default_factory=dict)
    #: The newest cell's second, for ListMetrics' "data in the past two weeks".
    newest: int = 0

    @property
    def key(self) -> tuple[str, str, DimensionKey]:
        return (self.namespace, self.name, self.dimensions)


def dimension_key(dimensions: Mapping[str, str] | Iterable[tuple[str, str]]) -> DimensionKey:
    """Dimensions in CloudWatch's identity form; a name given twice is refused."""
    pairs = dimensions.items() if isinstance(dimensions, Mapping) else dimensions
    key = tuple(sorted((str(name), str(value)) for name, value in pairs))
    for first, second in itertools.pairwise(key):
        if first[0] == second[0]:
            raise ValueError(f"dimension {first[0]!r} is given twice")
    return key


def raw_values_of_set(
    count: float, total: float, low: float, high: float
) -> dict[float, float] | None:
    """The raw values a statistic set stands for, when CloudWatch can know them.

    PutMetricData's documentation names the two cases: a set of one sample whose minimum,
    maximum and sum agree, and a set whose minimum equals its maximum with a sum of
    minimum times count. Any other set hides its values, so no percentile covers it.
    """
    if low == high and (total == low * count or (count == 1 and total == low)):
        return {low: count}
    return None


def add_values(cell: Cell, values: Mapping[float, float]) -> None:
    """Merge counted raw values into ``cell``."""
    count = total = 0.0
    low, high = cell[2], cell[3]
    for value, times in values.items():
        count += times
        total += value * times
        if value < low:
            low = value
        if value > high:
            high = value
    cell[0] += count
    cell[1] += total
    cell[2], cell[3] = low, high
    seen = cell[4]
    if seen is not None:
        for value, times in values.items():
            seen[value] = seen.get(value, 0.0) + times


def add_set(
    cell: Cell,
    count: float,
    total: float,
    low: float,
    high: float,
    values: Mapping[float, float] | None,
) -> None:
    """Merge a statistic set (with its raw values when known) into ``cell``."""
    cell[0] += count
    cell[1] += total
    if low < cell[2]:
        cell[2] = low
    if high > cell[3]:
        cell[3] = high
    seen = cell[4]
    if seen is None:
        return
    if values is None:
        cell[4] = None
        return
    for value, times in values.items():
        seen[value] = seen.get(value, 0.0) + times


def new_cell(
    count: float, total: float, low: float, high: float, values: Mapping[float, float] | None
) -> Cell:
    return [count, total, low, high, None if values is None else dict(values)]


# -- JSON ------------------------------------------------------------------------------
def series_to_json(series: Series, oldest: int) -> dict[str, Any]:
    """A series as JSON data, leaving out cells older than ``oldest`` (past retention)."""
    return {
        "namespace": series.namespace,
        "name": series.name,
        "dimensions": [list(pair) for pair in series.dimensions],
        "newest": series.newest,
        "units": {
            unit: [
                [second, c[0], c[1], c[2], c[3], None if c[4] is None else list(c[4].items())]
                for second, c in sorted(cells.items())
                if second >= oldest
            ]
            for unit, cells in series.units.items()
        },
    }


def series_from_json(data: dict[str, Any]) -> Series:
    series = Series(
        namespace=data["namespace"],
        name=data["name"],
        dimensions=tuple((name, value) for name, value in data["dimensions"]),
        newest=data["newest"],
    )
    for unit, rows in data["units"].items():
        series.units[unit] = {
            second: [count, total, low, high, None if values is None else dict(values)]
            for second, count, total, low, high, values in rows
        }
    return series
