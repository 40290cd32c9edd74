"""CloudWatch Logs: groups, streams, events, paging and filtering."""

from __future__ import annotations

import pytest

from emulator import ClientError, Cloud


def test_groups_streams_and_events() -> None:
    cloud = Cloud()
    logs = cloud.client("logs")
    logs.create_log_group(logGroupName="/app/orders")
    with pytest.raises(ClientError) as caught:
        logs.create_log_group(logGroupName="/app/orders")
    assert caught.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    logs.create_log_stream(logGroupName="/app/orders", logStreamName="a")
    logs.create_log_stream(logGroupName="/app/orders", logStreamName="b")
    base = int(cloud.clock.now() * 1000)
    logs.put_log_events(
        logGroupName="/app/orders",
        logStreamName="a",
        logEvents=[{"timestamp": base + n, "message": f"order {n} saved"} for n in range(5)],
    )
    logs.put_log_events(
        logGroupName="/app/orders",
        logStreamName="b",
        logEvents=[{"timestamp": base + 9, "message": "ERROR order 9 failed"}],
    )
    assert [
        g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="/app")["logGroups"]
    ] == ["/app/orders"]
    streams = logs.describe_log_streams(
        logGroupName="/app/orders", orderBy="LastEventTime", descending=True
    )["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["b", "a"]
    page = logs.get_log_events(
        logGroupName="/app/orders", logStreamName="a", startFromHead=True, limit=2
    )
    assert [e["message"] for e in page["events"]] == ["order 0 saved", "order 1 saved"]
    following = logs.get_log_events(
        logGroupName="/app/orders", logStreamName="a", nextToken=page["nextForwardToken"], limit=2
    )
    assert [e["message"] for e in following["events"]] == ["order 2 saved", "order 3 saved"]
    latest = logs.get_log_events(logGroupName="/app/orders", logStreamName="a", limit=1)
    assert [e["message"] for e in latest["events"]] == ["order 4 saved"]
    assert (
        len(
            logs.filter_log_events(logGroupName="/app/orders", filterPattern="order saved")[
                "events"
            ]
        )
        == 5
    )
    assert [
        e["logStreamName"]
        for e in logs.filter_log_events(logGroupName="/app/orders", filterPattern='"order 9"')[
            "events"
        ]
    ] == ["b"]
    assert (
        len(
            logs.filter_log_events(logGroupName="/app/orders", filterPattern="order -ERROR")[
                "events"
            ]
        )
        == 5
    )
    with pytest.raises(ClientError) as caught:
        logs.filter_log_events(logGroupName="/app/orders", filterPattern="{ $.level = 1 }")
    assert caught.value.response["Error"]["Code"] == "NotSupportedByEmulator"
    with pytest.raises(ClientError) as caught:
        logs.get_log_events(logGroupName="/nope", logStreamName="a")
    assert caught.value.response["Error"]["Message"] == "The specified log group does not exist."
    logs.delete_log_group(logGroupName="/app/orders")
    assert logs.describe_log_groups()["logGroups"] == []
