"""What every service backend and API module has in common."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from emulator.cloud import Cloud

#: An API operation: takes the backend and the request's parameters (boto3 shapes,
#: PascalCase, Python values: bytes for blobs, datetime for timestamps) and returns the
#: response dict without ResponseMetadata.
Operation = Callable[[Any, dict[str, Any]], dict[str, Any]]


class Backend:
    """The state and behaviour of one service in one region.

    Subclasses keep their state as plain data so ``snapshot()`` is JSON-serialisable, and
    ``load()`` rebuilds it (rescheduling any clock callbacks the state implies).
    """

    service: ClassVar[str] = ""

    def __init__(self, cloud: Cloud, region: str) -> None:
        self.cloud = cloud
        self.region = region

    @property
    def account_id(self) -> str:
        return self.cloud.account_id

    def arn(self, resource: str, service: str | None = None) -> str:
        return f"arn:aws:{service or self.service}:{self.region}:{self.account_id}:{resource}"

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON-serialisable data."""
        return {}

    def load(self, state: dict[str, Any]) -> None:
        """Replace the state with a snapshot's (the backend is fresh when this is called)."""

    def close(self) -> None:
        """Release processes, threads or files the backend holds."""


def require(params: dict[str, Any], *names: str) -> None:
    """Raise AWS's ValidationException when a required parameter is missing."""
    from emulator.errors import ValidationException

    missing = [n for n in names if params.get(n) is None]
    if missing:
        name = missing[0]
        raise ValidationException(
            f"1 validation error detected: Value null at '{name[0].lower() + name[1:]}' "
            "failed to satisfy constraint: Member must not be null"
        )
