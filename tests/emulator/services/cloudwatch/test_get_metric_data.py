"""GetMetricData: MetricStat queries, labels, ScanBy, ReturnData, units and pagination."""

from __future__ import annotations

from typing import Any

import pytest

Tools = Any


def query(
    query_id: str, name: str, stat: str = "Sum", period: int = 60, **extra: Any
) -> dict[str, Any]:
    metric_stat: dict[str, Any] = {
        "Metric": {"Namespace": "Shop", "MetricName": name},
        "Period": period,
        "Stat": stat,
    }
    if "Unit" in extra:
        metric_stat["Unit"] = extra.pop("Unit")
    if "Dimensions" in extra:
        metric_stat["Metric"]["Dimensions"] = extra.pop("Dimensions")
    return {"Id": query_id, "MetricStat": metric_stat, **extra}


def fetch(cw: Tools, *queries: dict[str, Any], **params: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "MetricDataQueries": list(queries),
        "StartTime": cw.at(-600),
        "EndTime": cw.at(600),
    }
    request.update(params)
    answer: dict[str, Any] = cw.client.get_metric_data(**request)
    answer.pop("ResponseMetadata")
    return answer


@pytest.fixture
def orders(cw: Tools) -> Tools:
    """Orders 1..5 in the five minutes before now, one a minute."""
    for minute in range(5):
        cw.put(MetricName="Orders", Value=minute + 1, Timestamp=cw.at(minute * 60 - 300))
    return cw


def test_newest_first_by_default_and_oldest_first_on_request(orders: Tools) -> None:
    cw = orders
    answer = fetch(cw, query("orders", "Orders"))
    assert answer == {
        "MetricDataResults": [
            {
                "Id": "orders",
                "Label": "Orders",
                "Timestamps": [cw.at(-60 * n) for n in range(1, 6)],
                "Values": [5.0, 4.0, 3.0, 2.0, 1.0],
                "StatusCode": "Complete",
            }
        ],
        "Messages": [],
    }
    answer = fetch(cw, query("orders", "Orders"), ScanBy="TimestampAscending")
    assert answer["MetricDataResults"][0]["Values"] == [1.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.parametrize(
    ("pairs", "labels"),
    [
        ([("Sum", 60), ("Minimum", 300)], ["Orders Sum 60", "Orders Minimum 300"]),
        ([("Sum", 60), ("Minimum", 60)], ["Orders Sum", "Orders Minimum"]),
        ([("Sum", 60), ("Sum", 300)], ["Orders 60", "Orders 300"]),
        ([("Sum", 60), ("Sum", 60)], ["Orders", "Orders"]),
    ],
)
def test_default_labels_add_what_differs_between_queries(
    orders: Tools, pairs: list[tuple[str, int]], labels: list[str]
) -> None:
    queries = [query(f"q{n}", "Orders", stat, period) for n, (stat, period) in enumerate(pairs)]
    answer = fetch(orders, *queries)
    assert [r["Label"] for r in answer["MetricDataResults"]] == labels


def test_own_labels_and_return_data_false(orders: Tools) -> None:
    answer = fetch(
        orders,
        query("total", "Orders", Label="Orders per minute"),
        query("hidden", "Orders", "Maximum", ReturnData=False),
    )
    assert [(r["Id"], r["Label"]) for r in answer["MetricDataResults"]] == [
        ("total", "Orders per minute")
    ]


def test_statistics_and_percentiles(orders: Tools) -> None:
    answer = fetch(
        orders,
        query("avg", "Orders", "Average", 600),
        query("p80", "Orders", "p80", 600),
        query("n", "Orders", "SampleCount", 600),
        StartTime=orders.at(-600),
        EndTime=orders.at(),
    )
    assert [r["Values"] for r in answer["MetricDataResults"]] == [[3.0], [4.0], [5.0]]


def test_max_datapoints_pages_across_queries(orders: Tools) -> None:
    cw = orders
    queries = (query("a", "Orders"), query("b", "Orders", "Maximum"))
    full = fetch(cw, *queries)
    first = fetch(cw, *queries, MaxDatapoints=4)
    assert [(r["Id"], r["StatusCode"], len(r["Values"])) for r in first["MetricDataResults"]] == [
        ("a", "PartialData", 4),
        ("b", "PartialData", 0),
    ]
    second = fetch(cw, *queries, MaxDatapoints=4, NextToken=first["NextToken"])
    assert [(r["Id"], r["StatusCode"], len(r["Values"])) for r in second["MetricDataResults"]] == [
        ("a", "Complete", 1),
        ("b", "PartialData", 3),
    ]
    third = fetch(cw, *queries, MaxDatapoints=4, NextToken=second["NextToken"])
    assert "NextToken" not in third
    assert [r["StatusCode"] for r in third["MetricDataResults"]] == ["Complete", "Complete"]
    for n, result in enumerate(full["MetricDataResults"]):
        pages = [first, second, third]
        assert result["Values"] == [v for p in pages for v in p["MetricDataResults"][n]["Values"]]
        assert result["Timestamps"] == [
            t for p in pages for t in p["MetricDataResults"][n]["Timestamps"]
        ]


def test_a_token_from_another_request_is_refused(orders: Tools) -> None:
    first = fetch(orders, query("a", "Orders"), MaxDatapoints=2)
    error = orders.error(
        "get_metric_data",
        MetricDataQueries=[query("a", "Orders")],
        StartTime=orders.at(-1200),
        EndTime=orders.at(600),
        NextToken=first["NextToken"],
    )
    assert error["Code"] == "InvalidNextToken"


def test_several_units_answer_for_one_with_a_message(cw: Tools) -> None:
    cw.put(MetricName="T", Value=60000, Unit="Milliseconds")
    cw.put(MetricName="T", Value=60, Unit="Seconds")
    cw.put(MetricName="T", Value=5, Unit="Count")
    (result,) = fetch(cw, query("t", "T"))["MetricDataResults"]
    assert result["Messages"] == [
        {
            "Code": "MultipleUnits",
            "Value": "Multiple units returned: '[Count, Milliseconds, Seconds]'",
        }
    ]
    assert result["Values"] == [5.0]
    (result,) = fetch(cw, query("t", "T", Unit="Seconds"))["MetricDataResults"]
    assert (result["Values"], "Messages" in result) == ([60.0], False)
    (result,) = fetch(cw, query("t", "T", Unit="Bytes"))["MetricDataResults"]
    assert result["Values"] == []


def test_dimensions_match_exactly(cw: Tools) -> None:
    cw.put(MetricName="Hits", Value=1, Dimensions=[{"Name": "Api", "Value": "orders"}])
    (result,) = fetch(cw, query("h", "Hits"))["MetricDataResults"]
    assert result["Values"] == []
    (result,) = fetch(cw, query("h", "Hits", Dimensions=[{"Name": "Api", "Value": "orders"}]))[
        "MetricDataResults"
    ]
    assert result["Values"] == [1.0]


def test_expressions_are_not_emulated(cw: Tools) -> None:
    error = cw.error(
        "get_metric_data",
        MetricDataQueries=[query("a", "Orders"), {"Id": "rate", "Expression": "a / 60"}],
        StartTime=cw.at(-60),
        EndTime=cw.at(),
    )
    assert error["Code"] == "NotSupportedByEmulator"
    assert "MetricDataQueries.member.2.Expression" in error["Message"]


def test_request_errors(cw: Tools) -> None:
    def error_for(queries: list[dict[str, Any]], **params: Any) -> dict[str, Any]:
        request = {"MetricDataQueries": queries, "StartTime": cw.at(-60), "EndTime": cw.at()}
        request.update(params)
        return cw.error("get_metric_data", **request)  # type: ignore[no-any-return]

    assert error_for([{"Id": "a"}]) == {
        "Code": "ValidationError",
        "Message": "The parameter MetricDataQueries.member.1.MetricStat is required.\n",
    }
    assert error_for([query("a", "Orders")], EndTime=cw.at(-60)) == {
        "Code": "ValidationError",
        "Message": "The parameter StartTime must not equal parameter EndTime.",
    }
    assert error_for([query("Upper", "Orders")])["Code"] == "ValidationError"
    assert error_for([query("a", "Orders"), query("a", "Other")])["Code"] == "ValidationError"
    assert error_for([query("a", "Orders", period=45)])["Code"] == "ValidationError"
    assert error_for([query("a", "Orders", stat="Median")])["Code"] == "ValidationError"
    assert error_for([query("a", "Orders")], ScanBy="Sideways")["Code"] == "ValidationError"
    dynamic = error_for([query("a", "Orders", Label="${MAX}")])
    assert dynamic["Code"] == "NotSupportedByEmulator"
