"""Fixtures of the Application Auto Scaling tests: a cloud with a 5 WCU table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from emulator import Cloud


@pytest.fixture
def cloud() -> Iterator[Cloud]:
    with Cloud() as cloud:
        cloud.client("dynamodb").create_table(
            TableName="Orders",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        )
        yield cloud


@pytest.fixture
def aas(cloud: Cloud) -> Any:
    return cloud.client("application-autoscaling")
