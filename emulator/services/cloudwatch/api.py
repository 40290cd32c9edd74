"""CloudWatch's request and response shapes over the backend; GetMetricData is in metricdata."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.cloudwatch import params, quotas, stats
from emulator.services.cloudwatch.backend import CloudWatchBackend
from emulator.services.cloudwatch.errors import (
    InvalidParameterCombinationException,
    InvalidParameterValueException,
    ValidationError,
    invalid_value,
    missing,
)
from emulator.services.cloudwatch.metricdata import get_metric_data
from emulator.services.cloudwatch.models import DimensionKey, raw_values_of_set

_PUT_KNOWN = ("Namespace", "MetricData", "EntityMetricData", "StrictEntityValidation")
_STATISTICS_KNOWN = (
    "Namespace",
    "MetricName",
    "Dimensions",
    "StartTime",
    "EndTime",
    "Period",
    "Statistics",
    "ExtendedStatistics",
    "Unit",
)
_LIST_KNOWN = (
    "Namespace",
    "MetricName",
    "Dimensions",
    "NextToken",
    "RecentlyActive",
    "IncludeLinkedAccounts",
    "OwningAccount",
)
_DATUM_KNOWN = frozenset(
    (
        "MetricName",
        "Dimensions",
        "Timestamp",
        "Value",
        "StatisticValues",
        "Values",
        "Counts",
        "Unit",
        "StorageResolution",
    )
)
_SET_MEMBERS = ("SampleCount", "Sum", "Minimum", "Maximum")


# -- PutMetricData ----------------------------------------------------------------------
def put_metric_data(backend: CloudWatchBackend, request: dict[str, Any]) -> dict[str, Any]:
    supported = ("Namespace", "MetricData", "StrictEntityValidation")
    params.accept("PutMetricData", request, supported, _PUT_KNOWN)
    namespace = params.namespace(params.required(request, "Namespace"), publishing=True)
    data = params.listing(
        params.required(request, "MetricData"),
        "MetricData",
        maximum=int(quotas.value("MetricsPerPut")),
    )
    if not data:
        raise missing("MetricData")
    now = backend.now()
    late: list[str] = []
    parsed = []
    # Everything is checked before anything is stored, so a bad datum stores nothing.
    for n, datum in enumerate(data, 1):
        entry = _datum(datum, f"MetricData.member.{n}", now, late)
        parsed.append(entry)
    if late:
        raise InvalidParameterValueException("\n".join(late))
    for name, dims, unit, resolution, when, values, statistic_set in parsed:
        backend.ingest(namespace, name, dims, unit, resolution, when, values, statistic_set)
    return {}


def _datum(datum: Any, path: str, now: float, late: list[str]) -> tuple[Any, ...]:
    if not isinstance(datum, dict):
        raise ValidationError(f"Invalid type for parameter {path}, must be dict")
    unknown = sorted(set(datum) - _DATUM_KNOWN)
    if unknown:
        raise ValidationError(f'Unknown parameter in {path}: "{unknown[0]}"')
    name = params.string(
        params.required(datum, "MetricName", f"{path}.MetricName"), f"{path}.MetricName"
    )
    dims = params.dimensions(datum.get("Dimensions"), f"{path}.Dimensions")
    unit = params.unit(datum.get("Unit", "None"), f"{path}.Unit")
    resolution = datum.get("StorageResolution", 60)
    params.integer(resolution, f"{path}.StorageResolution", minimum=1)
    if resolution not in (1, 60):
        raise invalid_value(resolution, f"{path}.StorageResolution")
    when = now
    if datum.get("Timestamp") is not None:
        when = params.timestamp(datum["Timestamp"], f"{path}.Timestamp")
        if when < now - quotas.value("TimestampPast"):
            late.append(
                f"The parameter {path}.Timestamp must specify a time within the past two weeks."
            )
        elif when > now + quotas.value("TimestampFuture"):
            late.append(
                f"The parameter {path}.Timestamp must specify a time no more than two hours "
                "in the future."
            )
    values, statistic_set = _datum_values(datum, path)
    return name, dims, unit, resolution, when, values, statistic_set


def _datum_values(
    datum: dict[str, Any], path: str
) -> tuple[dict[float, float] | None, tuple[float, float, float, float] | None]:
    """A datum's samples: {value: count}, or a statistic set with its raw values if known."""
    given = [k for k in ("Value", "Values", "StatisticValues") if datum.get(k) is not None]
    if len(given) > 1:
        raise InvalidParameterCombinationException(
            f"The parameters {path}.{given[0]} and {path}.{given[1]} are mutually exclusive "
            "and you have specified both."
        )
    counts = datum.get("Counts")
    if counts is not None and "Values" not in given:
        raise InvalidParameterCombinationException(
            f"The parameter {path}.Counts can only be used with {path}.Values."
        )
    if not given:
        raise missing(f"{path}.Value")
    if given == ["Value"]:
        return {params.number(datum["Value"], f"{path}.Value"): 1.0}, None
    if given == ["Values"]:
        values = params.listing(
            datum["Values"], f"{path}.Values", maximum=int(quotas.value("ValuesPerMetric"))
        )
        numbers = [params.number(v, f"{path}.Values") for v in values]
        if counts is None:
            weights = [1.0] * len(numbers)
        else:
            weights = [
                params.number(c, f"{path}.Counts") for c in params.listing(counts, f"{path}.Counts")
            ]
            if len(weights) != len(numbers):
                raise InvalidParameterValueException(
                    f"The parameters {path}.Values and {path}.Counts must be of the same size."
                )
            for weight in weights:
                if weight < 0:
                    raise invalid_value(params.java_number(weight), f"{path}.Counts")
        counted: dict[float, float] = {}
        for value, weight in zip(numbers, weights, strict=True):
            counted[value] = counted.get(value, 0.0) + weight
        return counted, None
    given_set = datum["StatisticValues"]
    if not isinstance(given_set, dict):
        raise ValidationError(f"Invalid type for parameter {path}.StatisticValues, must be dict")
    where = f"{path}.StatisticValues"
    count, total, low, high = (
        params.number(params.required(given_set, m, f"{where}.{m}"), f"{where}.{m}")
        for m in _SET_MEMBERS
    )
    if count <= 0:
        raise invalid_value(params.java_number(count), f"{where}.SampleCount")
    if low > high:
        raise InvalidParameterValueException(
            f"The parameter {where}.Minimum must be less than or equal to {where}.Maximum."
        )
    return raw_values_of_set(count, total, low, high), (count, total, low, high)


# -- GetMetricStatistics ----------------------------------------------------------------
def get_metric_statistics(backend: CloudWatchBackend, request: dict[str, Any]) -> dict[str, Any]:
    params.accept("GetMetricStatistics", request, _STATISTICS_KNOWN, _STATISTICS_KNOWN)
    namespace = params.namespace(params.required(request, "Namespace"))
    name = params.string(params.required(request, "MetricName"), "MetricName")
    dims = params.dimensions(request.get("Dimensions"), "Dimensions")
    start = params.timestamp(params.required(request, "StartTime"), "StartTime")
    end = params.timestamp(params.required(request, "EndTime"), "EndTime")
    period = params.integer(params.required(request, "Period"), "Period", minimum=1)
    if not stats.valid_period(period):
        raise InvalidParameterValueException(
            "The parameter Period must be 1, 5, 10, 20, 30, 60 or a multiple of 60."
        )
    basic, extended = _statistics(request)
    unit = None if request.get("Unit") is None else params.unit(request["Unit"], "Unit")
    if start >= end:
        raise InvalidParameterValueException(
            "The parameter StartTime must be less than the parameter EndTime."
        )
    span = stats.window(backend.now(), start, end, period)
    limit = int(quotas.value("StatisticsDatapoints"))
    if span.datapoints > limit:
        raise InvalidParameterCombinationException(
            f"You have requested up to {span.datapoints} datapoints, which exceeds the limit of "
            f"{limit}. You may reduce the datapoints requested by increasing Period, or "
            "decreasing the time range."
        )
    found = backend.datapoints(namespace, name, dims, unit, span, basic + extended)
    datapoints = []
    for when, unit_name, values in found:
        point: dict[str, Any] = {"Timestamp": params.as_datetime(when)}
        point.update({k: values[k] for k in basic if k in values})
        got = {k: values[k] for k in extended if k in values}
        if got:
            point["ExtendedStatistics"] = got
        point["Unit"] = unit_name
        datapoints.append(point)
    return {"Label": name, "Datapoints": datapoints}


def _statistics(request: dict[str, Any]) -> tuple[list[str], list[str]]:
    basic_given = request.get("Statistics")
    extended_given = request.get("ExtendedStatistics")
    if basic_given and extended_given:
        raise InvalidParameterCombinationException(
            "Must specify either Statistics or ExtendedStatistics, but not both."
        )
    if not basic_given and not extended_given:
        raise InvalidParameterCombinationException(
            "Must specify either Statistics or ExtendedStatistics."
        )
    basic = [
        params.enum(s, "Statistics", stats.BASIC_STATISTICS)
        for s in params.listing(
            basic_given or [], "Statistics", maximum=int(quotas.value("Statistics"))
        )
    ]
    extended = []
    for s in params.listing(
        extended_given or [], "ExtendedStatistics", maximum=int(quotas.value("ExtendedStatistics"))
    ):
        if isinstance(s, str) and stats.is_other_extended(s):
            raise NotSupportedByEmulator(f"The extended statistic {s} (only pNN.NN is)")
        if not isinstance(s, str) or stats.percentile_of(s) is None:
            raise InvalidParameterValueException(
                f"The value {s} for parameter ExtendedStatistics is not supported."
            )
        extended.append(s)
    return list(dict.fromkeys(basic)), list(dict.fromkeys(extended))


# -- ListMetrics ------------------------------------------------------------------------
def list_metrics(backend: CloudWatchBackend, request: dict[str, Any]) -> dict[str, Any]:
    supported = _LIST_KNOWN[:-1]
    params.accept("ListMetrics", request, supported, _LIST_KNOWN)
    if request.get("IncludeLinkedAccounts"):
        raise NotSupportedByEmulator("ListMetrics across linked accounts (IncludeLinkedAccounts)")
    namespace = None
    if request.get("Namespace") is not None:
        namespace = params.namespace(request["Namespace"])
    name = None
    if request.get("MetricName") is not None:
        name = params.string(request["MetricName"], "MetricName")
    filters = _dimension_filters(request.get("Dimensions"))
    window = quotas.value("ListMetricsWindow")
    if request.get("RecentlyActive") is not None:
        params.enum(request["RecentlyActive"], "RecentlyActive", ("PT3H",))
        window = quotas.value("RecentlyActive")
    found = backend.metrics(namespace, name, filters, backend.now() - window)
    token = request.get("NextToken")
    if token is not None:
        after = _read_token(token)
        found = [s for s in found if _token_key(s.key) > after]
    page_size = int(quotas.value("ListMetricsPage"))
    page = found[:page_size]
    answer: dict[str, Any] = {
        "Metrics": [
            {
                "Namespace": s.namespace,
                "MetricName": s.name,
                "Dimensions": [{"Name": n, "Value": v} for n, v in s.dimensions],
            }
            for s in page
        ]
    }
    if len(found) > page_size:
        answer["NextToken"] = _make_token(page[-1].key)
    return answer


def _dimension_filters(value: Any) -> list[tuple[str, str | None]]:
    if value is None:
        return []
    items = params.listing(value, "Dimensions", maximum=int(quotas.value("DimensionFilters")))
    filters = []
    for n, item in enumerate(items, 1):
        where = f"Dimensions.member.{n}"
        if not isinstance(item, dict):
            raise ValidationError(f"Invalid type for parameter {where}, must be dict")
        name = params.string(params.required(item, "Name", f"{where}.Name"), f"{where}.Name")
        wanted = item.get("Value")
        if wanted is not None:
            wanted = params.string(
                wanted, f"{where}.Value", maximum=int(quotas.value("DimensionValueLength"))
            )
        filters.append((name, wanted))
    return filters


def _token_key(key: tuple[str, str, DimensionKey]) -> list[Any]:
    namespace, name, dims = key
    return [namespace, name, [list(pair) for pair in dims]]


def _make_token(key: tuple[str, str, DimensionKey]) -> str:
    return base64.urlsafe_b64encode(json.dumps(_token_key(key)).encode()).decode()


def _read_token(token: Any) -> list[Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(str(token).encode()))
    except (ValueError, binascii.Error):
        decoded = None
    if not (
        isinstance(decoded, list)
        and len(decoded) == 3
        and all(isinstance(part, str) for part in decoded[:2])
        and isinstance(decoded[2], list)
        and all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
            for pair in decoded[2]
        )
    ):
        raise InvalidParameterValueException("The value for parameter NextToken is invalid.")
    return decoded


OPERATIONS = {
    "PutMetricData": put_metric_data,
    "GetMetricStatistics": get_metric_statistics,
    "GetMetricData": get_metric_data,
    "ListMetrics": list_metrics,
}
