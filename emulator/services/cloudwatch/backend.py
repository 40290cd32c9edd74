"""CloudWatch behaviour in one region: metric ingestion on the hot path, and reading it back.

Other services publish through ``record`` and ``record_statistics``; both are built to
take hundreds of thousands of samples per second. The first call for a metric checks
its names and remembers where its cells live; later calls only touch one cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from emulator.services.base import Backend
from emulator.services.cloudwatch import quotas, stats
from emulator.services.cloudwatch.models import (
    Cells,
    DimensionKey,
    Series,
    add_set,
    add_values,
    dimension_key,
    new_cell,
    raw_values_of_set,
    series_from_json,
    series_to_json,
)

#: The units CloudWatch accepts (StandardUnit in the API model).
UNITS = frozenset(
    (
        "Seconds",
        "Microseconds",
        "Milliseconds",
        "Bytes",
        "Kilobytes",
        "Megabytes",
        "Gigabytes",
        "Terabytes",
        "Bits",
        "Kilobits",
        "Megabits",
        "Gigabits",
        "Terabits",
        "Percent",
        "Count",
        "Bytes/Second",
        "Kilobytes/Second",
        "Megabytes/Second",
        "Gigabytes/Second",
        "Terabytes/Second",
        "Bits/Second",
        "Kilobits/Second",
        "Megabits/Second",
        "Gigabits/Second",
        "Terabits/Second",
        "Count/Second",
        "None",
    )
)
#: StorageResolution: 1 keeps every second (high resolution), 60 keeps minutes.
RESOLUTIONS = (1, 60)

_MAGNITUDE = float(quotas.value("ValueMagnitude"))

#: Where one (namespace, name, dimensions, unit, resolution) writes: its cells, its
#: series and the cell width in seconds.
_Sink = tuple[Cells, Series, int]

Datapoint = tuple[int, str, dict[str, float]]


class CloudWatchBackend(Backend):
    service = "cloudwatch"

    def __init__(self, cloud: Any, region: str) -> None:
        super().__init__(cloud, region)
        self.series: dict[tuple[str, str, DimensionKey], Series] = {}
        self._sinks: dict[tuple[Any, ...], _Sink] = {}
        self._now = cloud.clock.now
        #: Services that buffer their own metrics (Lambda during load runs) register a
        #: flush here; every read and snapshot calls them first, so nothing is missed.
        self.sources: list[Callable[[], None]] = []

    def pull(self) -> None:
        """Bring in what other services have buffered."""
        for flush in list(self.sources):
            flush()

    # -- publishing (the hot path) --------------------------------------------------------
    def record(
        self,
        namespace: str,
        metric_name: str,
        dimensions: Mapping[str, str] | tuple[tuple[str, str], ...],
        value: float,
        unit: str = "Count",
        timestamp: float | None = None,
        *,
        resolution: int = 60,
    ) -> None:
        """Add one sample to a metric.

        Args:
            namespace: for example ``"AWS/Lambda"``.
            metric_name: for example ``"Invocations"``.
            dimensions: a dict, or a tuple of (name, value) pairs (faster: no copy).
            value: the sample; finite, with a magnitude of at most 2^360.
            unit: one of CloudWatch's standard units.
            timestamp: epoch seconds; the virtual clock's now by default.
            resolution: 60 (standard, kept per minute) or 1 (high resolution).

        Raises:
            ValueError: a value, name or unit CloudWatch would refuse (a caller's bug).
        """
        # One chained comparison also refuses NaN and the infinities.
        if not -_MAGNITUDE <= value <= _MAGNITUDE:
            raise ValueError(f"CloudWatch refuses the value {value!r} for {metric_name}")
        if type(dimensions) is tuple:
            dims = dimensions
        elif type(dimensions) is dict:
            dims = tuple(dimensions.items())
        else:
            dims = _pairs(dimensions)
        sink = self._sinks.get((namespace, metric_name, dims, unit, resolution))
        if sink is None:
            sink = self._sink(namespace, metric_name, dims, unit, resolution)
        cells, series, width = sink
        second = int(self._now() if timestamp is None else timestamp)
        if width != 1:
            second -= second % width
        cell = cells.get(second)
        if cell is None:
            cells[second] = [1.0, value, value, value, {value: 1.0}]
            if second > series.newest:
                series.newest = second
            return
        cell[0] += 1.0
        cell[1] += value
        if value < cell[2]:
            cell[2] = value
        elif value > cell[3]:
            cell[3] = value
        seen = cell[4]
        if seen is not None:
            seen[value] = seen.get(value, 0.0) + 1.0

    def record_statistics(
        self,
        namespace: str,
        metric_name: str,
        dimensions: Mapping[str, str] | tuple[tuple[str, str], ...],
        timestamp: float | None,
        sample_count: float,
        total: float,
        minimum: float,
        maximum: float,
        unit: str = "Count",
        values: Mapping[float, float] | Sequence[float] | None = None,
        *,
        resolution: int = 60,
    ) -> None:
        """Add a pre-aggregated statistic set, as PutMetricData's StatisticValues does.

        Args:
            values: the raw samples behind the set, as a list or as {value: count}, so
                percentiles stay available; without them a set only supports percentiles
                when all its samples are equal (CloudWatch's own rule).

        Raises:
            ValueError: numbers CloudWatch would refuse, or values that disagree with the set.
        """
        numbers = (sample_count, total, minimum, maximum)
        if not all(-_MAGNITUDE <= n <= _MAGNITUDE for n in numbers):
            raise ValueError(f"CloudWatch refuses the statistic set {numbers!r}")
        if sample_count <= 0 or minimum > maximum:
            raise ValueError(f"not a statistic set: {numbers!r}")
        raw: Mapping[float, float] | None
        if values is None:
            raw = raw_values_of_set(sample_count, total, minimum, maximum)
        else:
            raw = counted(values)
            if abs(sum(raw.values()) - sample_count) > 1e-9 * max(1.0, sample_count):
                raise ValueError("the raw values do not add up to sample_count")
        if type(dimensions) is tuple:
            dims = dimensions
        elif type(dimensions) is dict:
            dims = tuple(dimensions.items())
        else:
            dims = _pairs(dimensions)
        sink = self._sinks.get((namespace, metric_name, dims, unit, resolution))
        if sink is None:
            sink = self._sink(namespace, metric_name, dims, unit, resolution)
        self._merge(sink, self._now() if timestamp is None else timestamp, numbers, raw)

    def ingest(
        self,
        namespace: str,
        metric_name: str,
        dimensions: DimensionKey,
        unit: str,
        resolution: int,
        timestamp: float,
        values: Mapping[float, float] | None,
        statistic_set: tuple[float, float, float, float] | None = None,
    ) -> None:
        """Store one PutMetricData datum that the API layer has already validated."""
        sink = self._sinks.get((namespace, metric_name, dimensions, unit, resolution))
        if sink is None:
            sink = self._sink(namespace, metric_name, dimensions, unit, resolution)
        if statistic_set is None:
            assert values is not None
            self._merge(sink, timestamp, None, values)
        else:
            self._merge(sink, timestamp, statistic_set, values)

    def _merge(
        self,
        sink: _Sink,
        timestamp: float,
        statistic_set: tuple[float, float, float, float] | None,
        values: Mapping[float, float] | None,
    ) -> None:
        cells, series, width = sink
        second = int(timestamp)
        second -= second % width
        cell = cells.get(second)
        if statistic_set is not None:
            count, total, low, high = statistic_set
            if cell is None:
                cells[second] = new_cell(count, total, low, high, values)
            else:
                add_set(cell, count, total, low, high, values)
        else:
            assert values is not None
            live = {v: c for v, c in values.items() if c > 0}
            if not live:
                return
            if cell is None:
                first = min(live)
                cells[second] = new_cell(0.0, 0.0, first, first, {})
                add_values(cells[second], live)
            else:
                add_values(cell, live)
        if second > series.newest:
            series.newest = second

    def _sink(
        self,
        namespace: str,
        metric_name: str,
        dims: tuple[tuple[str, str], ...],
        unit: str,
        resolution: int,
    ) -> _Sink:
        """Check a metric's names once, then find or create where it writes."""
        for label, text in (("namespace", namespace), ("metric name", metric_name)):
            if not isinstance(text, str) or not 1 <= len(text) <= quotas.value("NameLength"):
                raise ValueError(f"invalid {label}: {text!r}")
        if unit not in UNITS:
            raise ValueError(f"{unit!r} is not a CloudWatch unit")
        if resolution not in RESOLUTIONS:
            raise ValueError(f"resolution must be 1 or 60, not {resolution!r}")
        key = dimension_key(dims)
        if len(key) > quotas.value("Dimensions"):
            raise ValueError(f"a metric has at most {quotas.value('Dimensions')} dimensions")
        longest_name = quotas.value("NameLength")
        longest_value = quotas.value("DimensionValueLength")
        for name, value in key:
            if not (0 < len(name) <= longest_name and 0 < len(value) <= longest_value):
                raise ValueError(f"invalid dimension {name!r}={value!r}")
        identity = (namespace, metric_name, key)
        series = self.series.get(identity)
        if series is None:
            series = self.series[identity] = Series(namespace, metric_name, key)
        sink = (series.units.setdefault(unit, {}), series, resolution)
        self._sinks[(namespace, metric_name, dims, unit, resolution)] = sink
        return sink

    # -- reading ------------------------------------------------------------------------
    def now(self) -> float:
        return float(self._now())

    def datapoints(
        self,
        namespace: str,
        metric_name: str,
        dimensions: DimensionKey,
        unit: str | None,
        span: stats.Window,
        statistics: Iterable[str],
    ) -> list[Datapoint]:
        """Each period bucket with data, per unit, with the statistics that exist for it.

        Dimensions match exactly: a metric published with more or other dimensions is a
        different metric, as in CloudWatch.
        """
        self.pull()
        series = self.series.get((namespace, metric_name, dimensions))
        if series is None:
            return []
        wanted = list(statistics)
        with_values = any(name not in stats.BASIC_STATISTICS for name in wanted)
        found: list[Datapoint] = []
        for unit_name in sorted(series.units):
            if unit is not None and unit_name != unit:
                continue
            buckets = stats.buckets(series.units[unit_name].items(), span, with_values)
            for start in sorted(buckets):
                bucket = buckets[start]
                values = {name: stats.statistic(bucket, name) for name in wanted}
                found.append((start, unit_name, {k: v for k, v in values.items() if v is not None}))
        return found

    def metrics(
        self,
        namespace: str | None,
        metric_name: str | None,
        filters: Sequence[tuple[str, str | None]],
        active_since: float,
    ) -> list[Series]:
        """Metrics that match the filters and received data since ``active_since``."""
        self.pull()
        found = []
        for series in self.series.values():
            if namespace is not None and series.namespace != namespace:
                continue
            if metric_name is not None and series.name != metric_name:
                continue
            if series.newest < active_since or not any(series.units.values()):
                continue
            names = dict(series.dimensions)
            if all(
                name in names and (value is None or names[name] == value) for name, value in filters
            ):
                found.append(series)
        found.sort(key=lambda s: s.key)
        return found

    # -- state --------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        self.pull()
        oldest = int(self.now() - quotas.value("HourRetention"))
        return {
            "series": [
                series_to_json(series, oldest)
                for _, series in sorted(self.series.items(), key=lambda item: item[0])
            ]
        }

    def load(self, state: dict[str, Any]) -> None:
        for data in state.get("series", []):
            series = series_from_json(data)
            self.series[series.key] = series


def _pairs(
    dimensions: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """Dimensions given as a mapping or as pairs other than a tuple -> a hashable tuple."""
    if isinstance(dimensions, Mapping):
        return tuple(dimensions.items())
    return tuple((name, value) for name, value in dimensions)


def counted(values: Mapping[float, float] | Sequence[float]) -> dict[float, float]:
    """Raw values as {value: count}, from a list of samples or a mapping."""
    if isinstance(values, Mapping):
        return {float(v): float(c) for v, c in values.items()}
    out: dict[float, float] = {}
    for value in values:
        out[value] = out.get(value, 0.0) + 1.0
    return out


BACKEND = CloudWatchBackend
