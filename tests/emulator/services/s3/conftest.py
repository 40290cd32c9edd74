"""Fixtures of the S3 tests: a fresh cloud, its S3 client, and a bucket named media."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from emulator import ClientError, Cloud


@pytest.fixture
def cloud() -> Iterator[Cloud]:
    with Cloud() as cloud:
        yield cloud


@pytest.fixture
def s3(cloud: Cloud) -> Any:
    return cloud.client("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    s3.create_bucket(Bucket="media")
    return "media"


@pytest.fixture
def failure() -> Any:
    """``failure(call, **params)``: the ``response`` of the ClientError the call raises."""

    def run(call: Any, **params: Any) -> dict[str, Any]:
        with pytest.raises(ClientError) as caught:
            call(**params)
        return caught.value.response

    return run
