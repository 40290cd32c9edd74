"""CloudWatch's fixed limits, read from the emulator's one table of limits."""

from __future__ import annotations

from emulator import limits


def value(name: str) -> int | float:
    """The value of the CloudWatch limit ``name``."""
    return limits.value("cloudwatch", name)
