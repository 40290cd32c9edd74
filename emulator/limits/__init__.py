"""Every quota the emulator enforces, with the AWS page it comes from.

Lessons quote this table, so what a lesson says and what the emulator does never drift.
Values marked ``adjustable`` are account quotas a lab may change with
``Cloud.set_quota``; the others are fixed by AWS. The rows live in one module per
service beside this one; ``LIMITS`` is the one table they make together.
"""

from __future__ import annotations

from emulator.limits import awslambda, cloudwatch, dynamodb, sqs
from emulator.limits.model import Limit

__all__ = ["LIMITS", "Limit", "for_service", "get", "value"]

_TABLE: tuple[Limit, ...] = (
    *awslambda.TABLE,
    *sqs.TABLE,
    *dynamodb.TABLE,
    *dynamodb.STREAMS,
    *cloudwatch.TABLE,
)

LIMITS: dict[tuple[str, str], Limit] = {(item.service, item.name): item for item in _TABLE}


def get(service: str, name: str) -> Limit:
    """The limit named ``name`` of ``service``; KeyError names what exists."""
    try:
        return LIMITS[(service, name)]
    except KeyError:
        known = ", ".join(sorted(n for s, n in LIMITS if s == service)) or "none"
        raise KeyError(f"no limit {service}.{name}; {service} has: {known}") from None


def value(service: str, name: str) -> int | float:
    """Shorthand for ``get(service, name).value``."""
    return get(service, name).value


def for_service(service: str) -> list[Limit]:
    return [item for item in _TABLE if item.service == service]
