"""Lambda's CloudWatch metrics: invocations, errors, throttles, duration, concurrency, async."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from lambdakit import create, invoke

from emulator import ClientError, Cloud
from emulator.load import Load, Stage, run_load

ECHO = "def handler(event, context):\n    return event\n"
FAIL = "def handler(event, context):\n    raise RuntimeError('nope')\n"


def stat(
    cloud: Cloud, name: str, statistic: str = "Sum", dims: dict[str, str] | None = None
) -> float:
    """One statistic of an AWS/Lambda metric over the last day, as a learner would ask."""
    now = dt.datetime.fromtimestamp(cloud.clock.now(), dt.UTC)
    answer = cloud.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName=name,
        Dimensions=[{"Name": k, "Value": v} for k, v in (dims or {"FunctionName": "fn"}).items()],
        StartTime=now - dt.timedelta(hours=1),
        EndTime=now + dt.timedelta(minutes=1),
        Period=3600,
        Statistics=[statistic],
    )
    points = answer["Datapoints"]
    if statistic in ("Maximum", "Minimum"):
        values = [p[statistic] for p in points]
        return (max if statistic == "Maximum" else min)(values) if values else 0.0
    return float(sum(p[statistic] for p in points))


def test_invocations_errors_and_duration(cloud: Cloud) -> None:
    create(cloud, ECHO)
    create(cloud, FAIL, name="bad")
    for _ in range(3):
        invoke(cloud)
    invoke(cloud, "bad")
    cloud.clock.advance(1)
    assert stat(cloud, "Invocations") == 3
    assert stat(cloud, "Errors") == 0
    assert stat(cloud, "Errors", dims={"FunctionName": "bad"}) == 1
    assert stat(cloud, "Duration", "SampleCount") == 3
    assert 0 < stat(cloud, "Duration", "Maximum") < 1000
    listed = cloud.client("cloudwatch").list_metrics(Namespace="AWS/Lambda")["Metrics"]
    assert {"Invocations", "Errors", "Duration", "ConcurrentExecutions"} <= {
        m["MetricName"] for m in listed
    }


def test_throttles_are_counted_and_not_invocations(cloud: Cloud) -> None:
    create(cloud, ECHO)
    cloud.client("lambda").put_function_concurrency(
        FunctionName="fn", ReservedConcurrentExecutions=0
    )
    for _ in range(2):
        with pytest.raises(ClientError):
            invoke(cloud)
    assert stat(cloud, "Throttles") == 2
    assert stat(cloud, "Invocations") == 0


def test_versions_and_aliases_have_their_own_resource_dimension(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, ECHO, Publish=True)
    fn.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    invoke(cloud, Qualifier="live")
    invoke(cloud)
    assert stat(cloud, "Invocations") == 2
    assert stat(cloud, "Invocations", dims={"FunctionName": "fn", "Resource": "fn:live"}) == 1


def test_a_load_run_publishes_what_it_counted(cloud: Cloud) -> None:
    create(cloud, ECHO)
    cloud.client("lambda").put_function_concurrency(
        FunctionName="fn", ReservedConcurrentExecutions=20
    )
    result = run_load(cloud, Load("fn", (Stage(10, 100),), duration_ms=500, init_ms=100))
    totals = result.functions["fn"].totals
    assert stat(cloud, "Invocations") == totals.succeeded + totals.errors
    assert stat(cloud, "Throttles") == totals.throttled > 0
    assert stat(cloud, "ConcurrentExecutions", "Maximum") == totals.peak_concurrency == 20
    assert stat(cloud, "ConcurrentExecutions", "Maximum", dims={}) == 20  # account level
    assert stat(cloud, "Duration", "Average") == 500


def test_async_metrics(cloud: Cloud) -> None:
    create(cloud, FAIL, DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:123456789012:gone"})
    fn: Any = cloud.client("lambda")
    fn.put_function_event_invoke_config(FunctionName="fn", MaximumRetryAttempts=0)
    fn.invoke(FunctionName="fn", InvocationType="Event", Payload=b"{}")
    cloud.clock.advance(5)
    assert stat(cloud, "AsyncEventsReceived") == 1
    assert stat(cloud, "AsyncEventsDropped") == 1
    assert stat(cloud, "DeadLetterErrors") == 1
    assert stat(cloud, "AsyncEventAge", "SampleCount") == 1


def test_metrics_survive_a_fork(cloud: Cloud) -> None:
    create(cloud, ECHO)
    invoke(cloud)
    with cloud.fork() as copy:
        assert stat(copy, "Invocations") == 1
        invoke(copy)
        assert stat(copy, "Invocations") == 2
    assert stat(cloud, "Invocations") == 1
