"""PutMetricData: the three ways to send values, and the limits and errors AWS documents."""

from __future__ import annotations

from typing import Any

import pytest

Tools = Any


def test_value_values_counts_and_statistic_sets_aggregate_into_one_datapoint(cw: Tools) -> None:
    cw.client.put_metric_data(
        Namespace="Shop",
        MetricData=[
            {"MetricName": "Latency", "Value": 10, "Unit": "Milliseconds"},
            {
                "MetricName": "Latency",
                "Values": [1, 2, 3],
                "Counts": [1, 1, 2],
                "Unit": "Milliseconds",
            },
            {
                "MetricName": "Latency",
                "StatisticValues": {"SampleCount": 2, "Sum": 30, "Minimum": 10, "Maximum": 20},
                "Unit": "Milliseconds",
            },
        ],
    )
    (point,) = cw.stats("Shop", "Latency")
    assert point == {
        "Timestamp": cw.at(),
        "SampleCount": 7.0,
        "Sum": 49.0,
        "Average": 7.0,
        "Minimum": 1.0,
        "Maximum": 20.0,
        "Unit": "Milliseconds",
    }


def test_values_without_counts_count_once_each(cw: Tools) -> None:
    cw.put(MetricName="Items", Values=[4, 4, 5])
    (point,) = cw.stats("Shop", "Items")
    assert (point["SampleCount"], point["Sum"], point["Unit"]) == (3.0, 13.0, "None")


def test_a_datum_without_timestamp_takes_the_virtual_now(cw: Tools) -> None:
    cw.cloud.clock.advance(125)
    cw.put(MetricName="Orders", Value=1)
    (point,) = cw.stats("Shop", "Orders")
    # Standard resolution keeps minutes: 00:02:05 lands in the 00:02:00 data point.
    assert point["Timestamp"] == cw.at(-5)


def test_timestamps_are_taken_as_datetimes_epoch_numbers_or_iso_text(cw: Tools) -> None:
    cw.put(MetricName="A", Value=1, Timestamp=cw.at(-120))
    cw.put(MetricName="A", Value=2, Timestamp=cw.cloud.clock.now() - 120)
    cw.put(MetricName="A", Value=3, Timestamp=cw.at(-120).isoformat().replace("+00:00", "Z"))
    cw.put(MetricName="A", Value=4, Timestamp=cw.at(-120).replace(tzinfo=None))  # naive = UTC
    (point,) = cw.stats("Shop", "A")
    assert (point["Timestamp"], point["Sum"]) == (cw.at(-120), 10.0)


def test_aws_namespaces_are_reserved(cw: Tools) -> None:
    error = cw.error(
        "put_metric_data", Namespace="AWS/Lambda", MetricData=[{"MetricName": "X", "Value": 1}]
    )
    assert error == {
        "Code": "InvalidParameterValue",
        "Message": "The value AWS/Lambda for parameter Namespace is invalid.",
    }


def test_errors_look_as_boto3_reports_them(cw: Tools) -> None:
    with pytest.raises(cw.client.exceptions.InvalidParameterValueException) as caught:
        cw.put("AWS/Lambda", MetricName="X", Value=1)
    assert caught.value.response["Error"] == {
        "Code": "InvalidParameterValue",
        "Message": "The value AWS/Lambda for parameter Namespace is invalid.",
        "QueryErrorCode": "InvalidParameterValueException",
        "Type": "Sender",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(cw.client.exceptions.MissingRequiredParameterException):
        cw.client.put_metric_data(Namespace="Shop")


def test_at_most_1000_metrics_per_request(cw: Tools) -> None:
    data = [{"MetricName": f"m{n}", "Value": n} for n in range(1001)]
    error = cw.error("put_metric_data", Namespace="Shop", MetricData=data)
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == "The collection MetricData must not have a size greater than 1000."
    cw.client.put_metric_data(Namespace="Shop", MetricData=data[:1000])
    assert len(cw.client.list_metrics(Namespace="Shop")["Metrics"]) == 500  # one full page


def test_at_most_150_values_and_30_dimensions(cw: Tools) -> None:
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[{"MetricName": "m", "Values": list(range(151))}],
    )
    assert error["Message"] == (
        "The collection MetricData.member.1.Values must not have a size greater than 150."
    )
    dims = [{"Name": f"d{n}", "Value": "v"} for n in range(31)]
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[{"MetricName": "m", "Value": 1, "Dimensions": dims}],
    )
    assert error["Message"] == (
        "The collection MetricData.member.1.Dimensions must not have a size greater than 30."
    )
    cw.put(MetricName="m", Values=list(range(150)), Dimensions=dims[:30])


@pytest.mark.parametrize(
    ("value", "shown"),
    [(float("nan"), "NaN"), (float("inf"), "Infinity"), (-1e109, "-1.0E109")],
)
def test_values_outside_plus_minus_2_to_the_360_are_refused(
    cw: Tools, value: float, shown: str
) -> None:
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[{"MetricName": "ok", "Value": 1}, {"MetricName": "bad", "Value": value}],
    )
    assert error == {
        "Code": "InvalidParameterValue",
        "Message": f"The value {shown} for parameter MetricData.member.2.Value is invalid.",
    }
    # Nothing of a refused request is stored.
    assert cw.client.list_metrics(Namespace="Shop")["Metrics"] == []


def test_value_forms_are_mutually_exclusive(cw: Tools) -> None:
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[
            {
                "MetricName": "m",
                "Value": 1,
                "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1},
            }
        ],
    )
    assert error == {
        "Code": "InvalidParameterCombination",
        "Message": "The parameters MetricData.member.1.Value and "
        "MetricData.member.1.StatisticValues are mutually exclusive and you have specified both.",
    }
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[{"MetricName": "m", "Values": [1, 2], "Counts": [1]}],
    )
    assert error == {
        "Code": "InvalidParameterValue",
        "Message": "The parameters MetricData.member.1.Values and MetricData.member.1.Counts "
        "must be of the same size.",
    }


def test_timestamps_older_than_two_weeks_are_all_reported(cw: Tools) -> None:
    old = cw.at(-15 * 86400)
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[
            {"MetricName": "a", "Value": 1, "Timestamp": old},
            {"MetricName": "b", "Value": 1},
            {"MetricName": "c", "Value": 1, "Timestamp": old},
        ],
    )
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"].split("\n") == [
        "The parameter MetricData.member.1.Timestamp must specify a time within the past two weeks.",
        "The parameter MetricData.member.3.Timestamp must specify a time within the past two weeks.",
    ]


def test_timestamps_up_to_two_hours_ahead_are_accepted(cw: Tools) -> None:
    cw.put(MetricName="ahead", Value=1, Timestamp=cw.at(7200))
    cw.put(MetricName="behind", Value=1, Timestamp=cw.at(-14 * 86400))
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[{"MetricName": "far", "Value": 1, "Timestamp": cw.at(7201)}],
    )
    assert error["Code"] == "InvalidParameterValue"
    assert "no more than two hours in the future" in error["Message"]


def test_storage_resolution_is_1_or_60_and_units_come_from_the_list(cw: Tools) -> None:
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[{"MetricName": "m", "Value": 1, "StorageResolution": 30}],
    )
    assert error == {
        "Code": "InvalidParameterValue",
        "Message": "The value 30 for parameter MetricData.member.1.StorageResolution is invalid.",
    }
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[{"MetricName": "m", "Value": 1, "Unit": "Furlongs"}],
    )
    assert error["Code"] == "ValidationError"
    assert "Member must satisfy enum value set" in error["Message"]


def test_missing_names_and_values(cw: Tools) -> None:
    assert cw.error("put_metric_data", Namespace="Shop", MetricData=[{"Value": 1}]) == {
        "Code": "MissingParameter",
        "Message": "The parameter MetricData.member.1.MetricName is required.",
    }
    assert cw.error("put_metric_data", MetricData=[{"MetricName": "m", "Value": 1}]) == {
        "Code": "MissingParameter",
        "Message": "The parameter Namespace is required.",
    }


def test_dimension_names_and_values_are_checked(cw: Tools) -> None:
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[
            {"MetricName": "m", "Value": 1, "Dimensions": [{"Name": ":odd", "Value": "v"}]}
        ],
    )
    assert error["Message"] == (
        "The value :odd for parameter MetricData.member.1.Dimensions.member.1.Name is invalid."
    )
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        MetricData=[
            {
                "MetricName": "m",
                "Value": 1,
                "Dimensions": [{"Name": "Api", "Value": "a"}, {"Name": "Api", "Value": "b"}],
            }
        ],
    )
    assert error["Code"] == "InvalidParameterValue"


def test_entity_metric_data_is_not_emulated(cw: Tools) -> None:
    error = cw.error(
        "put_metric_data",
        Namespace="Shop",
        EntityMetricData=[{"Entity": {}, "MetricData": []}],
    )
    assert error["Code"] == "NotSupportedByEmulator"
    assert "EntityMetricData" in error["Message"]
