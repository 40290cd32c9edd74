"""An AWS account in a process: services, a virtual clock and a wire gateway."""

from __future__ import annotations

from emulator.clock import VirtualClock
from emulator.cloud import Cloud
from emulator.errors import ClientError, ServiceError

__all__ = ["ClientError", "Cloud", "ServiceError", "VirtualClock"]
