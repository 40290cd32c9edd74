"""Fixtures of the SQS tests: a fresh cloud, its SQS client, and a queue named work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from emulator import Cloud


@pytest.fixture
def cloud() -> Iterator[Cloud]:
    with Cloud() as cloud:
        yield cloud


@pytest.fixture
def sqs(cloud: Cloud) -> Any:
    return cloud.client("sqs")


@pytest.fixture
def url(sqs: Any) -> str:
    return str(sqs.create_queue(QueueName="work")["QueueUrl"])
