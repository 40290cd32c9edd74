"""One AWS account in one Python object: services, clock, events, quotas, wire gateway."""

from __future__ import annotations

import copy
import importlib
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

from emulator import limits
from emulator.clock import VirtualClock
from emulator.errors import ValidationException
from emulator.events import EventLog
from emulator.services import REGISTRY

if TYPE_CHECKING:
    from emulator.client import Client
    from emulator.services.base import Backend, Operation
    from emulator.wire.gateway import Gateway

SNAPSHOT_FORMAT = 1


class StateLock:
    """A re-entrant lock that a thread can fully give up while it waits on the outside.

    Every API call holds it. A Lambda invoke lets go while the handler runs, so the
    handler's own boto3 calls (arriving on the gateway's threads) can get in.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._depth = 0

    @contextmanager
    def hold(self) -> Iterator[None]:
        me = threading.get_ident()
        if self._owner == me:
            self._depth += 1
        else:
            self._lock.acquire()
            self._owner, self._depth = me, 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._lock.release()

    @contextmanager
    def released(self) -> Iterator[None]:
        """Give the lock up entirely for the block, if this thread holds it."""
        if self._owner != threading.get_ident():
            yield
            return
        depth = self._depth
        self._owner, self._depth = None, 0
        self._lock.release()
        try:
            yield
        finally:
            self._lock.acquire()
            self._owner, self._depth = threading.get_ident(), depth


class Cloud:
    """An AWS account: ``client(name)`` for boto3-shaped access to its services.

    Args:
        clock: the virtual clock; a manual clock at a fixed start time by default.
        account_id: the 12-digit account id in every ARN.
        region: the default region of clients.
    """

    def __init__(
        self,
        *,
        clock: VirtualClock | None = None,
        account_id: str = "123456789012",
        region: str = "us-east-1",
    ) -> None:
        if not (len(account_id) == 12 and account_id.isdigit()):
            raise ValueError(f"account_id must be 12 digits, not {account_id!r}")
        self.clock = clock or VirtualClock()
        self.account_id = account_id
        self.region = region
        self.events = EventLog(self.clock.now)
        self.lock = StateLock()
        self._backends: dict[tuple[str, str], Backend] = {}
        self._quotas: dict[tuple[str, str], int | float] = {}
        self._ids = itertools.count(1)
        self._gateway: Gateway | None = None
        self._closed = False

    # -- access -----------------------------------------------------------------------
    def client(self, service_name: str, region_name: str | None = None, **_: Any) -> Client:
        """A boto3-shaped client: ``cloud.client("dynamodb").put_item(...)``.

        Keyword arguments boto3 takes (credentials, endpoint_url, config) are accepted and
        ignored, so code that builds a boto3 client can be handed this one instead.
        """
        from emulator.client import Client

        self._package(service_name)
        return Client(self, service_name, region_name or self.region)

    def api(self, service_name: str) -> dict[str, Operation]:
        """The operation table of a service's ``api.py``."""
        module = importlib.import_module(f"{self._package(service_name)}.api")
        return module.OPERATIONS  # type: ignore[no-any-return]

    def backend(self, service_name: str, region: str | None = None) -> Backend:
        """The state of a service in a region, created on first use."""
        key = (service_name, region or self.region)
        backend = self._backends.get(key)
        if backend is None:
            module: ModuleType = importlib.import_module(f"{self._package(service_name)}.backend")
            backend = module.BACKEND(self, key[1])
            self._backends[key] = backend
        return backend

    def dispatch(
        self, service_name: str, region: str, operation: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """Run one API operation under the state lock (in-process client and gateway)."""
        from emulator.client import lookup

        handler = lookup(self.api(service_name), operation, service_name)
        with self.lock.hold():
            if self.clock.mode == "live":
                self.clock.run_due()
            return handler(self.backend(service_name, region), params)

    def next_id(self) -> int:
        """A counter for request ids and other names that must differ but not be random."""
        return next(self._ids)

    @staticmethod
    def _package(service_name: str) -> str:
        package = REGISTRY.get(service_name)
        if package is None:
            raise ValueError(
                f"unknown service {service_name!r}; the emulator has: {', '.join(sorted(REGISTRY))}"
            )
        return f"emulator.services.{package}"

    # -- quotas -----------------------------------------------------------------------
    def quota(self, service: str, name: str) -> int | float:
        """An account quota: the value a lab set, or AWS's default from ``limits``."""
        if (service, name) in self._quotas:
            return self._quotas[(service, name)]
        return limits.value(service, name)

    def set_quota(self, service: str, name: str, value: int | float) -> None:
        """Set an adjustable account quota, as a Service Quotas increase would."""
        limit = limits.get(service, name)
        if not limit.adjustable:
            raise ValidationException(f"{service}.{name} is fixed by AWS and cannot be adjusted")
        if value < 0:
            raise ValidationException(f"{service}.{name} must be 0 or more")
        self._quotas[(service, name)] = value

    # -- state ------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The whole account as JSON-serialisable data (round-trips through json)."""
        with self.lock.hold():
            state = {
                "format": SNAPSHOT_FORMAT,
                "account_id": self.account_id,
                "region": self.region,
                "clock": self.clock.snapshot(),
                "quotas": [[s, n, v] for (s, n), v in sorted(self._quotas.items())],
                # Ids go on from here after a restore, so none is handed out twice.
                "next_id": self._ids.__reduce__()[1][0],
                "services": {
                    f"{name}@{region}": backend.snapshot()
                    for (name, region), backend in sorted(self._backends.items())
                },
            }
        return copy.deepcopy(state)

    @classmethod
    def restore(cls, state: dict[str, Any], *, clock: VirtualClock | None = None) -> Cloud:
        """A new cloud from ``snapshot()``'s data; ``clock`` replaces the saved clock."""
        if not isinstance(state, dict) or state.get("format") != SNAPSHOT_FORMAT:
            found = state.get("format") if isinstance(state, dict) else type(state).__name__
            raise ValueError(f"not a cloud snapshot of format {SNAPSHOT_FORMAT} (found {found!r})")
        cloud = cls(
            clock=clock or VirtualClock.from_snapshot(state["clock"]),
            account_id=state["account_id"],
            region=state["region"],
        )
        for service, name, value in state.get("quotas", []):
            cloud._quotas[(service, name)] = value
        cloud._ids = itertools.count(int(state.get("next_id", 1)))
        services = copy.deepcopy(state.get("services", {}))
        for key, service_state in services.items():
            name, _, region = key.partition("@")
            cloud.backend(name, region).load(service_state)
        return cloud

    def fork(self) -> Cloud:
        """An independent copy at the same virtual time: grading runs here."""
        return Cloud.restore(self.snapshot(), clock=VirtualClock(self.clock.now()))

    # -- gateway and lifetime ---------------------------------------------------------
    @property
    def endpoint_url(self) -> str:
        """The wire gateway's URL on 127.0.0.1, starting it on first use."""
        if self._gateway is None:
            from emulator.wire.gateway import Gateway

            self._gateway = Gateway(self)
            self._gateway.start()
        return self._gateway.url

    def close(self) -> None:
        """Stop worker processes and the gateway. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for backend in self._backends.values():
            backend.close()
        if self._gateway is not None:
            self._gateway.stop()
            self._gateway = None

    def __enter__(self) -> Cloud:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
