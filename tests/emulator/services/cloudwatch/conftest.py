"""The fixture the CloudWatch tests start from: a fresh cloud with a few helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from emulator import ClientError, Cloud


class Tools:
    """A cloud, its CloudWatch client and backend, and times relative to its clock."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.client = cloud.client("cloudwatch")
        self.backend: Any = cloud.backend("cloudwatch")

    def at(self, seconds: float = 0) -> dt.datetime:
        """The virtual time ``seconds`` from now, as boto3 hands timestamps over."""
        return dt.datetime.fromtimestamp(self.cloud.clock.now() + seconds, dt.UTC)

    def error(self, operation: str, **params: Any) -> dict[str, Any]:
        """The Code and Message of the ClientError an operation raises."""
        with pytest.raises(ClientError) as caught:
            getattr(self.client, operation)(**params)
        error = caught.value.response["Error"]
        return {"Code": error["Code"], "Message": error["Message"]}

    def stats(self, namespace: str, name: str, **params: Any) -> list[dict[str, Any]]:
        """GetMetricStatistics' data points in time order, from an hour ago to an hour ahead."""
        request: dict[str, Any] = {
            "Namespace": namespace,
            "MetricName": name,
            "StartTime": self.at(-3600),
            "EndTime": self.at(3600),
            "Period": 60,
            "Statistics": ["SampleCount", "Sum", "Average", "Minimum", "Maximum"],
        }
        request.update(params)
        answer = self.client.get_metric_statistics(**request)
        return sorted(answer["Datapoints"], key=lambda p: (p["Timestamp"], p["Unit"]))

    def put(self, namespace: str = "Shop", **datum: Any) -> None:
        """PutMetricData with one datum."""
        self.client.put_metric_data(Namespace=namespace, MetricData=[datum])


@pytest.fixture
def cw() -> Iterator[Tools]:
    with Cloud() as cloud:
        yield Tools(cloud)
