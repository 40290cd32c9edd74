"""GetMetricStatistics: exact dimensions, units, periods, percentiles, rounding and retention."""

from __future__ import annotations

from typing import Any

import pytest

Tools = Any
DAY = 86_400


def test_dimensions_must_match_exactly(cw: Tools) -> None:
    api = {"Name": "Api", "Value": "orders"}
    stage = {"Name": "Stage", "Value": "prod"}
    cw.put(MetricName="Hits", Value=1, Dimensions=[api, stage])
    cw.put(MetricName="Hits", Value=10, Dimensions=[api])
    cw.put(MetricName="Hits", Value=100)
    assert [p["Sum"] for p in cw.stats("Shop", "Hits", Dimensions=[stage, api])] == [1.0]
    assert [p["Sum"] for p in cw.stats("Shop", "Hits", Dimensions=[api])] == [10.0]
    assert [p["Sum"] for p in cw.stats("Shop", "Hits")] == [100.0]
    other = {"Name": "Api", "Value": "users"}
    assert cw.stats("Shop", "Hits", Dimensions=[other]) == []


def test_only_the_requested_statistics_and_the_label(cw: Tools) -> None:
    cw.put(MetricName="Hits", Values=[2, 4])
    answer = cw.client.get_metric_statistics(
        Namespace="Shop",
        MetricName="Hits",
        StartTime=cw.at(-60),
        EndTime=cw.at(60),
        Period=60,
        Statistics=["Maximum", "Average"],
    )
    assert answer["Label"] == "Hits"
    assert answer["Datapoints"] == [
        {"Timestamp": cw.at(), "Maximum": 4.0, "Average": 3.0, "Unit": "None"}
    ]


def test_each_unit_gets_its_own_datapoint_unless_one_is_asked_for(cw: Tools) -> None:
    cw.put(MetricName="T", Value=60, Unit="Seconds")
    cw.put(MetricName="T", Value=500, Unit="Milliseconds")
    cw.put(MetricName="T", Value=1500, Unit="Milliseconds")
    points = cw.stats("Shop", "T", Statistics=["Average"])
    assert [(p["Unit"], p["Average"]) for p in points] == [
        ("Milliseconds", 1000.0),
        ("Seconds", 60.0),
    ]
    points = cw.stats("Shop", "T", Statistics=["Average"], Unit="Seconds")
    assert [(p["Unit"], p["Average"]) for p in points] == [("Seconds", 60.0)]
    assert cw.stats("Shop", "T", Statistics=["Average"], Unit="Count") == []


def test_periods_sum_the_minutes_they_cover(cw: Tools) -> None:
    for minute in range(10):
        cw.put(MetricName="Orders", Value=minute, Timestamp=cw.at(minute * 60 - 600))
    by_minute = cw.stats("Shop", "Orders", StartTime=cw.at(-600), EndTime=cw.at())
    assert [p["Sum"] for p in by_minute] == [float(m) for m in range(10)]
    by_five = cw.stats("Shop", "Orders", StartTime=cw.at(-600), EndTime=cw.at(), Period=300)
    assert [(p["Timestamp"], p["Sum"]) for p in by_five] == [
        (cw.at(-600), 10.0),
        (cw.at(-300), 35.0),
    ]


def test_start_time_is_rounded_down_to_the_minute_and_end_time_is_exclusive(cw: Tools) -> None:
    cw.put(MetricName="Orders", Value=1, Timestamp=cw.at(-120))
    cw.put(MetricName="Orders", Value=2, Timestamp=cw.at(-60))
    points = cw.stats("Shop", "Orders", StartTime=cw.at(-100), EndTime=cw.at(-60))
    # 23:58:20 rounds down to 23:58:00; 23:59:00 is excluded as the end.
    assert [(p["Timestamp"], p["Sum"]) for p in points] == [(cw.at(-120), 1.0)]


def test_high_resolution_metrics_keep_seconds(cw: Tools) -> None:
    for second in range(12):
        cw.put(MetricName="Rps", Value=second, StorageResolution=1, Timestamp=cw.at(second))
    per_second = cw.stats("Shop", "Rps", StartTime=cw.at(), EndTime=cw.at(12), Period=1)
    assert [p["Sum"] for p in per_second] == [float(s) for s in range(12)]
    per_ten = cw.stats("Shop", "Rps", StartTime=cw.at(), EndTime=cw.at(20), Period=10)
    assert [(p["Timestamp"], p["Sum"]) for p in per_ten] == [(cw.at(0), 45.0), (cw.at(10), 21.0)]


def test_standard_resolution_data_stays_on_the_minute_at_short_periods(cw: Tools) -> None:
    for second in (5, 15, 25):
        cw.put(MetricName="Rps", Value=1, Timestamp=cw.at(second))
    points = cw.stats("Shop", "Rps", StartTime=cw.at(), EndTime=cw.at(60), Period=10)
    assert [(p["Timestamp"], p["SampleCount"]) for p in points] == [(cw.at(), 3.0)]


def test_sub_minute_periods_round_start_to_their_own_multiple(cw: Tools) -> None:
    cw.put(MetricName="Rps", Value=1, StorageResolution=1, Timestamp=cw.at(21))
    # 00:00:23 rounds down to 00:00:20 with a 10-second period, so 00:00:21 is inside.
    points = cw.stats("Shop", "Rps", StartTime=cw.at(23), EndTime=cw.at(40), Period=10)
    assert [(p["Timestamp"], p["Sum"]) for p in points] == [(cw.at(20), 1.0)]
    # 00:00:31 rounds down to 00:00:30, after the data.
    assert cw.stats("Shop", "Rps", StartTime=cw.at(31), EndTime=cw.at(40), Period=10) == []
    # A 1-second period rounds to the second: 00:00:21.5 still takes 00:00:21, 00:00:22 not.
    assert len(cw.stats("Shop", "Rps", StartTime=cw.at(21.5), EndTime=cw.at(40), Period=1)) == 1
    assert cw.stats("Shop", "Rps", StartTime=cw.at(22), EndTime=cw.at(40), Period=1) == []


def test_high_resolution_detail_lasts_three_hours(cw: Tools) -> None:
    for second in range(10):
        cw.put(MetricName="Rps", Value=1, StorageResolution=1, Timestamp=cw.at(second))
    start, end = cw.at(), cw.at(60)
    cw.cloud.clock.advance(3 * 3600)
    assert len(cw.stats("Shop", "Rps", StartTime=start, EndTime=end, Period=10)) == 1
    cw.cloud.clock.advance(1)
    assert cw.stats("Shop", "Rps", StartTime=start, EndTime=end, Period=10) == []
    (minute,) = cw.stats("Shop", "Rps", StartTime=start, EndTime=end, Period=60)
    assert minute["SampleCount"] == 10.0


def test_older_data_needs_coarser_periods_and_goes_after_455_days(cw: Tools) -> None:
    cw.put(MetricName="Orders", Value=7, Timestamp=cw.at(-60))
    start, end = cw.at(-3600), cw.at(3600)

    def sums(period: int) -> list[float]:
        return [
            p["Sum"]
            for p in cw.stats("Shop", "Orders", StartTime=start, EndTime=end, Period=period)
        ]

    cw.cloud.clock.advance(16 * DAY)
    assert (sums(60), sums(300)) == ([], [7.0])
    cw.cloud.clock.advance(48 * DAY)  # 64 days
    assert (sums(300), sums(3600)) == ([], [7.0])
    cw.cloud.clock.advance(391 * DAY)  # 455 days and a few seconds
    assert sums(3600) == []


def test_percentiles_come_from_raw_values(cw: Tools) -> None:
    cw.put(MetricName="Latency", Values=list(range(1, 101)), Unit="Milliseconds")
    (point,) = cw.stats(
        "Shop", "Latency", Statistics=None, ExtendedStatistics=["p50", "p99", "p99.5"]
    )
    assert point == {
        "Timestamp": cw.at(),
        "ExtendedStatistics": {"p50": 50.0, "p99": 99.0, "p99.5": 100.0},
        "Unit": "Milliseconds",
    }


def test_percentiles_need_raw_values_or_equal_statistic_sets(cw: Tools) -> None:
    cw.put(
        MetricName="Hidden",
        StatisticValues={"SampleCount": 2, "Sum": 30, "Minimum": 10, "Maximum": 20},
    )
    (point,) = cw.stats("Shop", "Hidden", Statistics=None, ExtendedStatistics=["p90"])
    assert "ExtendedStatistics" not in point
    cw.put(
        MetricName="Known",
        StatisticValues={"SampleCount": 3, "Sum": 15, "Minimum": 5, "Maximum": 5},
    )
    cw.put(MetricName="Known", Value=9)
    (point,) = cw.stats("Shop", "Known", Statistics=None, ExtendedStatistics=["p50", "p100"])
    assert point["ExtendedStatistics"] == {"p50": 5.0, "p100": 9.0}


def test_no_percentiles_over_negative_values(cw: Tools) -> None:
    cw.put(MetricName="Delta", Values=[-1, 2, 3])
    (point,) = cw.stats("Shop", "Delta", Statistics=None, ExtendedStatistics=["p50"])
    assert "ExtendedStatistics" not in point


def test_statistics_or_extended_statistics_but_not_both(cw: Tools) -> None:
    request = {
        "Namespace": "Shop",
        "MetricName": "m",
        "StartTime": cw.at(-60),
        "EndTime": cw.at(),
        "Period": 60,
    }
    error = cw.error(
        "get_metric_statistics", **request, Statistics=["Sum"], ExtendedStatistics=["p90"]
    )
    assert error == {
        "Code": "InvalidParameterCombination",
        "Message": "Must specify either Statistics or ExtendedStatistics, but not both.",
    }
    assert cw.error("get_metric_statistics", **request)["Code"] == "InvalidParameterCombination"
    assert cw.error("get_metric_statistics", **request, Statistics=["Median"])["Code"] == (
        "ValidationError"
    )
    error = cw.error("get_metric_statistics", **request, ExtendedStatistics=["p100.5"])
    assert error == {
        "Code": "InvalidParameterValue",
        "Message": "The value p100.5 for parameter ExtendedStatistics is not supported.",
    }
    error = cw.error("get_metric_statistics", **request, ExtendedStatistics=["tm90"])
    assert error["Code"] == "NotSupportedByEmulator"


def test_at_most_1440_datapoints(cw: Tools) -> None:
    request = {"Namespace": "Shop", "MetricName": "m", "Statistics": ["Sum"]}
    error = cw.error(
        "get_metric_statistics", **request, StartTime=cw.at(-DAY), EndTime=cw.at(), Period=1
    )
    assert error == {
        "Code": "InvalidParameterCombination",
        "Message": "You have requested up to 86400 datapoints, which exceeds the limit of 1440. "
        "You may reduce the datapoints requested by increasing Period, or decreasing the "
        "time range.",
    }
    cw.client.get_metric_statistics(**request, StartTime=cw.at(-DAY), EndTime=cw.at(), Period=60)


@pytest.mark.parametrize(
    ("period", "code"),
    [(7, "InvalidParameterValue"), (0, "ValidationError"), (90, "InvalidParameterValue")],
)
def test_periods_are_1_5_10_20_30_or_multiples_of_60(cw: Tools, period: int, code: str) -> None:
    error = cw.error(
        "get_metric_statistics",
        Namespace="Shop",
        MetricName="m",
        StartTime=cw.at(-60),
        EndTime=cw.at(),
        Period=period,
        Statistics=["Sum"],
    )
    assert error["Code"] == code


def test_start_time_must_come_before_end_time(cw: Tools) -> None:
    error = cw.error(
        "get_metric_statistics",
        Namespace="Shop",
        MetricName="m",
        StartTime=cw.at(),
        EndTime=cw.at(),
        Period=60,
        Statistics=["Sum"],
    )
    assert error == {
        "Code": "InvalidParameterValue",
        "Message": "The parameter StartTime must be less than the parameter EndTime.",
    }


def test_missing_parameters_are_named(cw: Tools) -> None:
    error = cw.error(
        "get_metric_statistics", Namespace="Shop", StartTime=cw.at(-60), EndTime=cw.at(), Period=60
    )
    assert error == {"Code": "MissingParameter", "Message": "The parameter MetricName is required."}
