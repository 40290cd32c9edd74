"""CloudWatch state: snapshots round-trip through JSON, forks are independent."""

from __future__ import annotations

import json
from typing import Any

from emulator import Cloud

Tools = Any
DAY = 86_400


def publish(cw: Tools) -> None:
    cw.put(
        MetricName="Latency",
        Values=[1, 2, 3, 40],
        Unit="Milliseconds",
        Dimensions=[{"Name": "Api", "Value": "orders"}],
    )
    cw.put(
        MetricName="Latency",
        StatisticValues={"SampleCount": 2, "Sum": 3, "Minimum": 1, "Maximum": 2},
        Timestamp=cw.at(-120),
    )
    cw.put(MetricName="Rps", Value=5, StorageResolution=1, Timestamp=cw.at(7))
    cw.backend.record("AWS/Lambda", "Invocations", {"FunctionName": "f"}, 1)


def readings(cloud: Cloud) -> list[Any]:
    client = cloud.client("cloudwatch")
    start = cloud.clock.now() - 3600
    answers = [client.list_metrics()["Metrics"]]
    for namespace, name, dims in [
        ("Shop", "Latency", [{"Name": "Api", "Value": "orders"}]),
        ("Shop", "Latency", []),
        ("Shop", "Rps", []),
        ("AWS/Lambda", "Invocations", [{"Name": "FunctionName", "Value": "f"}]),
    ]:
        for request in (
            {"Statistics": ["SampleCount", "Sum", "Minimum", "Maximum"]},
            {"ExtendedStatistics": ["p50", "p90"]},
        ):
            answer = client.get_metric_statistics(
                Namespace=namespace,
                MetricName=name,
                Dimensions=dims,
                StartTime=start + 3540 if name == "Rps" else start,
                EndTime=start + 3660 if name == "Rps" else start + 7200,
                Period=1 if name == "Rps" else 60,
                **request,
            )
            answers.append(answer["Datapoints"])
    return answers


def test_a_snapshot_round_trips_through_json(cw: Tools) -> None:
    publish(cw)
    before = readings(cw.cloud)
    restored = Cloud.restore(json.loads(json.dumps(cw.cloud.snapshot())))
    # Compared before reading: every request takes an id, which the snapshot keeps too.
    assert restored.snapshot() == cw.cloud.snapshot()
    assert readings(restored) == before


def test_restored_metrics_keep_taking_samples(cw: Tools) -> None:
    publish(cw)
    restored = Cloud.restore(json.loads(json.dumps(cw.cloud.snapshot())))
    restored.backend("cloudwatch").record("AWS/Lambda", "Invocations", {"FunctionName": "f"}, 1)  # type: ignore[attr-defined]
    answer = restored.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName="Invocations",
        Dimensions=[{"Name": "FunctionName", "Value": "f"}],
        StartTime=restored.clock.now() - 60,
        EndTime=restored.clock.now() + 60,
        Period=60,
        Statistics=["Sum"],
    )
    assert [p["Sum"] for p in answer["Datapoints"]] == [2.0]


def test_a_fork_is_independent(cw: Tools) -> None:
    publish(cw)
    fork = cw.cloud.fork()
    fork.backend("cloudwatch").record("AWS/Lambda", "Invocations", {"FunctionName": "f"}, 1)  # type: ignore[attr-defined]
    fork.client("cloudwatch").put_metric_data(
        Namespace="Forked", MetricData=[{"MetricName": "m", "Value": 1}]
    )
    cw.backend.record("AWS/Lambda", "Invocations", {"FunctionName": "f"}, 10)

    def invocations(cloud: Cloud) -> float:
        (point,) = cloud.client("cloudwatch").get_metric_statistics(
            Namespace="AWS/Lambda",
            MetricName="Invocations",
            Dimensions=[{"Name": "FunctionName", "Value": "f"}],
            StartTime=cloud.clock.now() - 60,
            EndTime=cloud.clock.now() + 60,
            Period=60,
            Statistics=["Sum"],
        )["Datapoints"]
        return float(point["Sum"])

    assert (invocations(cw.cloud), invocations(fork)) == (11.0, 2.0)
    assert cw.client.list_metrics(Namespace="Forked")["Metrics"] == []


def test_snapshots_leave_out_data_past_retention(cw: Tools) -> None:
    cw.put(MetricName="Old", Value=1)
    cw.cloud.clock.advance(456 * DAY)
    cw.backend.record("App", "New", {}, 1)
    (old,) = [
        s
        for s in cw.cloud.snapshot()["services"]["cloudwatch@us-east-1"]["series"]
        if s["name"] == "Old"
    ]
    assert old["units"] == {"None": []}
