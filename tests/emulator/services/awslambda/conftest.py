"""The fixture every Lambda test starts from: a fresh cloud, closed afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator import Cloud


@pytest.fixture
def cloud() -> Iterator[Cloud]:
    with Cloud() as cloud:
        yield cloud
