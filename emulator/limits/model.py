"""One AWS limit: its value, unit, where AWS documents it, and whether it is adjustable."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """One AWS limit: its value, unit, where AWS documents it, and whether it is adjustable."""

    service: str
    name: str
    value: int | float
    unit: str
    description: str
    source: str
    adjustable: bool = False
