"""The internal publishing API other services call: record and record_statistics."""

from __future__ import annotations

from typing import Any

import pytest

Tools = Any


def test_dict_and_tuple_dimensions_name_the_same_metric(cw: Tools) -> None:
    lambda_dims = {"FunctionName": "orders", "Resource": "orders:live"}
    cw.backend.record("AWS/Lambda", "Invocations", lambda_dims, 1)
    cw.backend.record(
        "AWS/Lambda", "Invocations", (("Resource", "orders:live"), ("FunctionName", "orders")), 1
    )
    cw.backend.record(
        "AWS/Lambda", "Invocations", [("FunctionName", "orders"), ("Resource", "orders:live")], 1
    )
    dims = [
        {"Name": "FunctionName", "Value": "orders"},
        {"Name": "Resource", "Value": "orders:live"},
    ]
    (point,) = cw.stats("AWS/Lambda", "Invocations", Dimensions=dims)
    assert (point["Sum"], point["Unit"]) == (3.0, "Count")


def test_samples_default_to_the_virtual_now_and_count_unit(cw: Tools) -> None:
    cw.cloud.clock.advance(90)
    cw.backend.record("AWS/Lambda", "Errors", {"FunctionName": "f"}, 1)
    cw.backend.record(
        "AWS/Lambda",
        "Duration",
        {"FunctionName": "f"},
        120.5,
        "Milliseconds",
        cw.cloud.clock.now() - 60,
    )
    dims = [{"Name": "FunctionName", "Value": "f"}]
    assert [
        (p["Timestamp"], p["Unit"]) for p in cw.stats("AWS/Lambda", "Errors", Dimensions=dims)
    ] == [(cw.at(-30), "Count")]
    assert [
        (p["Timestamp"], p["Unit"]) for p in cw.stats("AWS/Lambda", "Duration", Dimensions=dims)
    ] == [(cw.at(-90), "Milliseconds")]


def test_a_load_run_aggregates_every_sample(cw: Tools) -> None:
    record = cw.backend.record
    dims = (("FunctionName", "orders"),)
    start = cw.cloud.clock.now()
    for n in range(100_000):
        record(
            "AWS/Lambda",
            "Duration",
            dims,
            float(n % 100),
            "Milliseconds",
            start + n / 100_000 * 120,
        )
    points = cw.stats(
        "AWS/Lambda",
        "Duration",
        Dimensions=[{"Name": "FunctionName", "Value": "orders"}],
        StartTime=cw.at(),
        EndTime=cw.at(120),
    )
    assert [p["SampleCount"] for p in points] == [50_000.0, 50_000.0]
    assert sum(p["Sum"] for p in points) == 100_000 * 49.5
    answer = cw.client.get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName="Duration",
        Dimensions=[{"Name": "FunctionName", "Value": "orders"}],
        StartTime=cw.at(),
        EndTime=cw.at(120),
        Period=120,
        ExtendedStatistics=["p50", "p99"],
    )
    assert answer["Datapoints"][0]["ExtendedStatistics"] == {"p50": 49.0, "p99": 98.0}


def test_high_resolution_samples(cw: Tools) -> None:
    for second in range(3):
        cw.backend.record(
            "Game", "Frames", {}, 60, timestamp=cw.cloud.clock.now() + second, resolution=1
        )
    points = cw.stats("Game", "Frames", StartTime=cw.at(), EndTime=cw.at(3), Period=1)
    assert [p["Timestamp"] for p in points] == [cw.at(0), cw.at(1), cw.at(2)]


def test_statistic_sets_with_and_without_raw_values(cw: Tools) -> None:
    now = cw.cloud.clock.now()
    cw.backend.record_statistics(
        "App", "Latency", {}, now, 4, 10, 1, 4, "Milliseconds", values=[1, 2, 3, 4]
    )
    cw.backend.record_statistics("App", "Latency", {}, now, 2, 10, 5, 5, "Milliseconds")
    (point,) = cw.stats("App", "Latency", Statistics=["SampleCount", "Sum"])
    assert (point["SampleCount"], point["Sum"]) == (6.0, 20.0)
    (point,) = cw.stats("App", "Latency", Statistics=None, ExtendedStatistics=["p50"])
    assert point["ExtendedStatistics"] == {"p50": 3.0}
    cw.backend.record_statistics("App", "Latency", {}, now, 2, 10, 4, 6, "Milliseconds")
    (point,) = cw.stats("App", "Latency", Statistics=None, ExtendedStatistics=["p50"])
    assert "ExtendedStatistics" not in point


def test_values_may_be_given_as_counts(cw: Tools) -> None:
    now = cw.cloud.clock.now()
    cw.backend.record_statistics(
        "App", "Size", {}, now, 10, 30, 1, 10, values={1.0: 5, 10.0: 2, 2.0: 3}
    )
    (point,) = cw.stats("App", "Size", Statistics=None, ExtendedStatistics=["p50", "p80", "p90"])
    assert point["ExtendedStatistics"] == {"p50": 1.0, "p80": 2.0, "p90": 10.0}


@pytest.mark.parametrize(
    ("args", "kwargs", "reason"),
    [
        (("App", "m", {}, float("nan")), {}, "refuses the value nan"),
        (("App", "m", {}, 2.0**361), {}, "refuses the value"),
        (("App", "m", {}, 1), {"unit": "Furlongs"}, "'Furlongs' is not a CloudWatch unit"),
        (("App", "m", {}, 1), {"resolution": 30}, "resolution must be 1 or 60"),
        (("App", "", {}, 1), {}, "invalid metric name"),
        (("App", "m", {f"d{n}": "v" for n in range(31)}, 1), {}, "at most 30 dimensions"),
        (("App", "m", (("a", "1"), ("a", "2")), 1), {}, "dimension 'a' is given twice"),
        (("App", "m", {"a": ""}, 1), {}, "invalid dimension"),
    ],
)
def test_record_refuses_what_cloudwatch_refuses(
    cw: Tools, args: tuple[Any, ...], kwargs: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        cw.backend.record(*args, **kwargs)


def test_record_statistics_refuses_sets_that_disagree(cw: Tools) -> None:
    now = cw.cloud.clock.now()
    with pytest.raises(ValueError, match="do not add up to sample_count"):
        cw.backend.record_statistics("App", "m", {}, now, 3, 6, 1, 3, values=[1, 2])
    with pytest.raises(ValueError, match="not a statistic set"):
        cw.backend.record_statistics("App", "m", {}, now, 1, 1, 2, 1)
    with pytest.raises(ValueError, match="not a statistic set"):
        cw.backend.record_statistics("App", "m", {}, now, 0, 0, 0, 0)


def test_the_largest_magnitudes_are_accepted(cw: Tools) -> None:
    cw.backend.record("App", "Big", {}, 2.0**360, "None")
    cw.backend.record("App", "Big", {}, -(2.0**360), "None")
    (point,) = cw.stats("App", "Big", Statistics=["Maximum", "Minimum"])
    assert (point["Maximum"], point["Minimum"]) == (2.0**360, -(2.0**360))
