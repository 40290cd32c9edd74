"""ListMetrics: filters, pages of 500, and the two-week and three-hour windows."""

from __future__ import annotations

from typing import Any

Tools = Any
DAY = 86_400


def names(answer: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [
        (m["Namespace"], m["MetricName"], [(d["Name"], d["Value"]) for d in m["Dimensions"]])
        for m in answer["Metrics"]
    ]


def test_filters_by_namespace_name_and_dimensions(cw: Tools) -> None:
    cw.put(
        MetricName="Hits",
        Value=1,
        Dimensions=[{"Name": "Stage", "Value": "prod"}, {"Name": "Api", "Value": "orders"}],
    )
    cw.put(MetricName="Hits", Value=1, Dimensions=[{"Name": "Api", "Value": "users"}])
    cw.put(MetricName="Errors", Value=1)
    cw.put("Other", MetricName="Hits", Value=1)
    assert names(cw.client.list_metrics(Namespace="Shop")) == [
        ("Shop", "Errors", []),
        ("Shop", "Hits", [("Api", "orders"), ("Stage", "prod")]),
        ("Shop", "Hits", [("Api", "users")]),
    ]
    assert len(cw.client.list_metrics(MetricName="Hits")["Metrics"]) == 3
    by_name = cw.client.list_metrics(Dimensions=[{"Name": "Stage"}])
    assert names(by_name) == [("Shop", "Hits", [("Api", "orders"), ("Stage", "prod")])]
    by_value = cw.client.list_metrics(Dimensions=[{"Name": "Api", "Value": "users"}])
    assert names(by_value) == [("Shop", "Hits", [("Api", "users")])]
    assert cw.client.list_metrics(Dimensions=[{"Name": "Api", "Value": "none"}])["Metrics"] == []


def test_services_metrics_are_listed_too(cw: Tools) -> None:
    cw.backend.record("AWS/Lambda", "Invocations", {"FunctionName": "orders"}, 1)
    assert names(cw.client.list_metrics(Namespace="AWS/Lambda")) == [
        ("AWS/Lambda", "Invocations", [("FunctionName", "orders")])
    ]


def test_pages_of_500(cw: Tools) -> None:
    cw.client.put_metric_data(
        Namespace="Shop", MetricData=[{"MetricName": f"m{n:04d}", "Value": 1} for n in range(501)]
    )
    first = cw.client.list_metrics(Namespace="Shop")
    assert len(first["Metrics"]) == 500
    second = cw.client.list_metrics(Namespace="Shop", NextToken=first["NextToken"])
    assert [m["MetricName"] for m in second["Metrics"]] == ["m0500"]
    assert "NextToken" not in second
    error = cw.error("list_metrics", Namespace="Shop", NextToken="not-a-token")
    assert error["Code"] == "InvalidParameterValue"


def test_metrics_without_data_for_two_weeks_drop_out(cw: Tools) -> None:
    cw.put(MetricName="Old", Value=1)
    cw.cloud.clock.advance(14 * DAY)
    cw.put(MetricName="New", Value=1)
    assert [m["MetricName"] for m in cw.client.list_metrics(Namespace="Shop")["Metrics"]] == [
        "New",
        "Old",
    ]
    cw.cloud.clock.advance(60)
    assert [m["MetricName"] for m in cw.client.list_metrics(Namespace="Shop")["Metrics"]] == ["New"]


def test_recently_active_keeps_the_last_three_hours(cw: Tools) -> None:
    cw.put(MetricName="Early", Value=1)
    cw.cloud.clock.advance(3 * 3600 + 60)
    cw.put(MetricName="Late", Value=1)
    recent = cw.client.list_metrics(Namespace="Shop", RecentlyActive="PT3H")
    assert [m["MetricName"] for m in recent["Metrics"]] == ["Late"]
    assert cw.error("list_metrics", RecentlyActive="PT1H")["Code"] == "ValidationError"


def test_linked_accounts_are_not_emulated(cw: Tools) -> None:
    assert cw.error("list_metrics", IncludeLinkedAccounts=True)["Code"] == "NotSupportedByEmulator"
    assert cw.client.list_metrics(IncludeLinkedAccounts=False)["Metrics"] == []
