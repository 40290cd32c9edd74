"""GetMetricData: MetricStat queries, default labels, ordering and MaxDatapoints pages."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.cloudwatch import params, quotas, stats
from emulator.services.cloudwatch.backend import CloudWatchBackend
from emulator.services.cloudwatch.errors import InvalidNextToken, ValidationError
from emulator.services.cloudwatch.models import DimensionKey

_KNOWN = (
    "MetricDataQueries",
    "StartTime",
    "EndTime",
    "NextToken",
    "ScanBy",
    "MaxDatapoints",
    "LabelOptions",
)
_QUERY_KNOWN = frozenset(
    ("Id", "MetricStat", "Expression", "Label", "ReturnData", "Period", "AccountId")
)
_STAT_KNOWN = frozenset(("Metric", "Period", "Stat", "Unit"))
_METRIC_KNOWN = frozenset(("Namespace", "MetricName", "Dimensions"))
_ID = re.compile(r"^[a-z][a-zA-Z0-9_]*$")
_TIMEZONE = re.compile(r"^[+-]\d{4}$")
_ORDERS = ("TimestampDescending", "TimestampAscending")


@dataclass(frozen=True)
class Query:
    """One MetricStat query, checked."""

    id: str
    label: str | None
    return_data: bool
    namespace: str
    metric_name: str
    dimensions: DimensionKey
    period: int
    stat: str
    unit: str | None


@dataclass
class Found:
    """What one query found, newest or oldest first as ScanBy asks."""

    query: Query
    label: str
    points: list[tuple[int, float]]
    messages: list[dict[str, str]]


def get_metric_data(backend: CloudWatchBackend, request: dict[str, Any]) -> dict[str, Any]:
    params.accept("GetMetricData", request, _KNOWN, _KNOWN)
    queries = _queries(backend, params.required(request, "MetricDataQueries"))
    start = params.timestamp(params.required(request, "StartTime"), "StartTime")
    end = params.timestamp(params.required(request, "EndTime"), "EndTime")
    if start == end:
        raise ValidationError("The parameter StartTime must not equal parameter EndTime.")
    if start > end:
        raise ValidationError("The parameter EndTime must be greater than StartTime.")
    order = params.enum(request.get("ScanBy", _ORDERS[0]), "ScanBy", _ORDERS)
    budget = int(quotas.value("MetricDataDatapoints"))
    if request.get("MaxDatapoints") is not None:
        budget = params.integer(request["MaxDatapoints"], "MaxDatapoints", minimum=1)
    _label_options(request.get("LabelOptions"))
    offset = 0
    if request.get("NextToken") is not None:
        offset = _read_token(request["NextToken"], start, end)

    now = backend.now()
    labels = _default_labels(queries)
    found = [
        _run(backend, query, labels[query.id], now, start, end, order)
        for query in queries
        if query.return_data
    ]
    return _page(found, offset, budget, start, end)


def _run(
    backend: CloudWatchBackend,
    query: Query,
    label: str,
    now: float,
    start: float,
    end: float,
    order: str,
) -> Found:
    span = stats.window(now, start, end, query.period)
    points = backend.datapoints(
        query.namespace, query.metric_name, query.dimensions, query.unit, span, [query.stat]
    )
    units = sorted({unit for _, unit, _ in points})
    messages = []
    if query.unit is None and len(units) > 1:
        # A value is only meaningful in one unit: CloudWatch answers for one of them and
        # says so. Which one it picks is not documented; the emulator takes the first name.
        messages.append(
            {"Code": "MultipleUnits", "Value": f"Multiple units returned: '[{', '.join(units)}]'"}
        )
    chosen = units[0] if units else None
    series = [
        (when, values[query.stat])
        for when, unit, values in points
        if unit == chosen and query.stat in values
    ]
    series.sort(reverse=order == "TimestampDescending")
    return Found(query, query.label or label, series, messages)


def _page(found: list[Found], offset: int, budget: int, start: float, end: float) -> dict[str, Any]:
    """One page of MaxDatapoints values, counted across the queries in order."""
    total = sum(len(s.points) for s in found)
    if offset > total:
        raise InvalidNextToken("The NextToken is not valid for this request.")
    stop = offset + budget
    results = []
    position = 0
    for series in found:
        first, last = position, position + len(series.points)
        position = last
        taken = series.points[max(0, offset - first) : max(0, min(last, stop) - first)]
        result: dict[str, Any] = {
            "Id": series.query.id,
            "Label": series.label,
            "Timestamps": [params.as_datetime(when) for when, _ in taken],
            "Values": [value for _, value in taken],
            "StatusCode": "PartialData" if last > stop else "Complete",
        }
        if series.messages:
            result["Messages"] = series.messages
        results.append(result)
    answer: dict[str, Any] = {"MetricDataResults": results, "Messages": []}
    if stop < total:
        answer["NextToken"] = _make_token(stop, start, end)
    return answer


def _default_labels(queries: list[Query]) -> dict[str, str]:
    """The metric name, plus the statistic and the period when the queries differ in them."""
    with_stat = len({q.stat for q in queries}) > 1
    with_period = len({q.period for q in queries}) > 1
    labels = {}
    for q in queries:
        parts = [q.metric_name]
        if with_stat:
            parts.append(q.stat)
        if with_period:
            parts.append(str(q.period))
        labels[q.id] = " ".join(parts)
    return labels


# -- request checking -------------------------------------------------------------------
def _queries(backend: CloudWatchBackend, value: Any) -> list[Query]:
    items = params.listing(
        value, "MetricDataQueries", maximum=int(quotas.value("MetricDataQueries"))
    )
    if not items:
        raise ValidationError(
            "The parameter MetricDataQueries must contain at least one MetricDataQuery."
        )
    queries = []
    seen: set[str] = set()
    for n, item in enumerate(items, 1):
        query = _query(backend, item, f"MetricDataQueries.member.{n}")
        if query.id in seen:
            raise ValidationError(
                f"The value {query.id} for parameter MetricDataQueries.member.{n}.Id is not "
                "unique: each query needs its own Id."
            )
        seen.add(query.id)
        queries.append(query)
    return queries


def _query(backend: CloudWatchBackend, item: Any, path: str) -> Query:
    if not isinstance(item, dict):
        raise ValidationError(f"Invalid type for parameter {path}, must be dict")
    _known(item, _QUERY_KNOWN, path)
    query_id = params.string(params.required(item, "Id", f"{path}.Id"), f"{path}.Id")
    if not _ID.match(query_id):
        raise ValidationError(
            f"The value {query_id} for parameter {path}.Id is invalid: an Id starts with a "
            "lowercase letter and holds only letters, numbers and underscores."
        )
    if item.get("Expression") is not None:
        raise NotSupportedByEmulator(
            f"Metric math and Metrics Insights expressions ({path}.Expression)"
        )
    if item.get("AccountId") not in (None, backend.account_id):
        raise NotSupportedByEmulator(f"Reading another account's metrics ({path}.AccountId)")
    if item.get("Period") is not None:
        raise NotSupportedByEmulator(f"{path}.Period beside a MetricStat (it goes with Expression)")
    stat_given = item.get("MetricStat")
    if stat_given is None:
        raise ValidationError(f"The parameter {path}.MetricStat is required.\n")
    where = f"{path}.MetricStat"
    if not isinstance(stat_given, dict):
        raise ValidationError(f"Invalid type for parameter {where}, must be dict")
    _known(stat_given, _STAT_KNOWN, where)
    metric = params.required(stat_given, "Metric", f"{where}.Metric")
    if not isinstance(metric, dict):
        raise ValidationError(f"Invalid type for parameter {where}.Metric, must be dict")
    _known(metric, _METRIC_KNOWN, f"{where}.Metric")
    namespace = params.namespace(
        params.required(metric, "Namespace", f"{where}.Metric.Namespace"),
        f"{where}.Metric.Namespace",
    )
    metric_name = params.string(
        params.required(metric, "MetricName", f"{where}.Metric.MetricName"),
        f"{where}.Metric.MetricName",
    )
    dims = params.dimensions(metric.get("Dimensions"), f"{where}.Metric.Dimensions")
    period = params.integer(
        params.required(stat_given, "Period", f"{where}.Period"), f"{where}.Period", minimum=1
    )
    if not stats.valid_period(period):
        raise ValidationError(
            f"The parameter {where}.Period must be 1, 5, 10, 20, 30, 60 or a multiple of 60."
        )
    stat = params.string(params.required(stat_given, "Stat", f"{where}.Stat"), f"{where}.Stat")
    if stats.is_other_extended(stat):
        raise NotSupportedByEmulator(f"The statistic {stat} (only the five and pNN.NN are)")
    if stat not in stats.BASIC_STATISTICS and stats.percentile_of(stat) is None:
        raise ValidationError(f"The value {stat} for parameter {where}.Stat is invalid.")
    unit = None
    if stat_given.get("Unit") is not None:
        unit = params.unit(stat_given["Unit"], f"{where}.Unit")
    label = item.get("Label")
    if label is not None and label != "":
        label = params.string(label, f"{path}.Label", maximum=2048)
        if "${" in label:
            raise NotSupportedByEmulator(f"Dynamic labels ({path}.Label)")
    return_data = item.get("ReturnData", True)
    if not isinstance(return_data, bool):
        raise ValidationError(f"Invalid type for parameter {path}.ReturnData, must be bool")
    return Query(query_id, label, return_data, namespace, metric_name, dims, period, stat, unit)


def _known(item: dict[str, Any], known: frozenset[str], path: str) -> None:
    unknown = sorted(set(item) - known)
    if unknown:
        raise ValidationError(f'Unknown parameter in {path}: "{unknown[0]}"')


def _label_options(value: Any) -> None:
    """Timezone only shifts dynamic labels, which the emulator refuses; still check it."""
    if value is None:
        return
    if not isinstance(value, dict) or set(value) - {"Timezone"}:
        raise ValidationError("LabelOptions takes only Timezone")
    zone = value.get("Timezone")
    if zone is not None and not (isinstance(zone, str) and _TIMEZONE.match(zone)):
        raise ValidationError(
            f"The value {zone} for parameter LabelOptions.Timezone is invalid: use + or - "
            "and four digits, such as +0130."
        )


def _make_token(offset: int, start: float, end: float) -> str:
    data = json.dumps({"offset": offset, "start": start, "end": end})
    return base64.urlsafe_b64encode(data.encode()).decode()


def _read_token(token: Any, start: float, end: float) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(str(token).encode()))
    except (ValueError, binascii.Error):
        data = None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("offset"), int)
        or data.get("start") != start
        or data.get("end") != end
    ):
        raise InvalidNextToken("The NextToken is not valid for this request.")
    return int(data["offset"])
