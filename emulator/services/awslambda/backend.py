"""Lambda behaviour: functions, versions, aliases, concurrency, invocation, the async queue."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from emulator import limits
from emulator.services.awslambda import cost, eventsources, snapstart
from emulator.services.awslambda.asyncqueue import AsyncQueue
from emulator.services.awslambda.concurrency import Pool, Throttle
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    TooManyRequestsException,
)
from emulator.services.awslambda.fleet import Fleet
from emulator.services.awslambda.invoker import Invoker, Outcome, Target
from emulator.services.awslambda.layers import Layers, check_unzipped
from emulator.services.awslambda.loadrun import KEPT_RUNS, Load, LoadResult, Runner
from emulator.services.awslambda.metrics import Metrics
from emulator.services.awslambda.models import (
    LATEST,
    Alias,
    Config,
    EventInvokeConfig,
    Function,
    upgrade,
)
from emulator.services.awslambda.settings import ConcurrencySettings
from emulator.services.base import Backend

#: Low-discrepancy step for weighted alias routing: the fractional parts of n·φ spread
#: evenly over [0, 1), so over any run of calls each version gets its share, the same
#: way every time, without a random generator.
_GOLDEN = 0.6180339887498949


@dataclass(slots=True)
class Simulated:
    """How one simulated request went: throttled, or run (cold or warm) for ``busy_ms``."""

    version: str
    throttle: Throttle | None
    cold: bool = False
    spillover: bool = False
    busy_ms: float = 0.0


class LambdaBackend(ConcurrencySettings, Backend):
    service = "lambda"

    def __init__(self, cloud: Any, region: str) -> None:
        super().__init__(cloud, region)
        self.functions: dict[str, Function] = {}
        self.invoker = Invoker(cloud, region, self.arn)
        self.pool = Pool(
            int(cloud.quota("lambda", "ConcurrentExecutions")),
            scaling_capacity=int(limits.value("lambda", "ScalingEnvironments")),
            scaling_window=float(limits.value("lambda", "ScalingWindow")),
        )
        self.fleet = Fleet(self.pool)
        self.queue = AsyncQueue(self)
        self.load_runs: list[dict[str, Any]] = []
        self.ledger = cost.Ledger()
        self.metrics = Metrics(cloud, region)
        self.layers = Layers(self.arn)
        self._routed = 0
        self._latest: dict[str, Target] = {}
        # One answer per version and throttle: load runs are refused thousands of times.
        self._refusals: dict[tuple[str, Throttle], Simulated] = {}

    # -- names --------------------------------------------------------------------------
    @staticmethod
    def split(name_or_arn: str, qualifier: str | None = None) -> tuple[str, str | None]:
        """``name``, ``name:qualifier``, a partial or a full ARN -> (name, qualifier)."""
        text = name_or_arn
        if ":function:" in text:
            text = text.split(":function:", 1)[1]
        elif text.count(":") == 2:  # 123456789012:function:name
            text = text.split(":", 2)[2]
        name, _, inline = text.partition(":")
        if inline and qualifier and inline != qualifier:
            raise InvalidParameterValueException(
                "The derived qualifier from the function name does not match the specified qualifier."
            )
        return name, (inline or qualifier or None)

    def function(self, name_or_arn: str) -> Function:
        name, _ = self.split(name_or_arn)
        function = self.functions.get(name)
        if function is None:
            raise ResourceNotFoundException(f"Function not found: {self.arn('function:' + name)}")
        return function

    def resolve(self, function: Function, qualifier: str | None) -> Target:
        """The configuration a call runs: $LATEST, a version, or an alias's pick."""
        if qualifier is None or qualifier == LATEST:
            latest = function.latest
            cached = self._latest.get(function.name)
            # Cached per function: load runs resolve hundreds of thousands of times.
            if cached is None or cached.config is not latest or cached.revision != latest.revision:
                cached = self._latest[function.name] = Target(function.name, latest)
            return cached
        assert qualifier is not None
        if qualifier in function.versions:
            return Target(function.name, function.versions[qualifier])
        alias = function.aliases.get(qualifier)
        if alias is None:
            raise ResourceNotFoundException(
                f"Function not found: {self.arn(f'function:{function.name}:{qualifier}')}"
            )
        version = alias.version
        if alias.weights:
            self._routed += 1
            share = (self._routed * _GOLDEN) % 1.0
            for extra, weight in alias.weights.items():
                if share < weight:
                    version = extra
                    break
                share -= weight
        return Target(function.name, function.config(version), alias.name)

    # -- functions ----------------------------------------------------------------------
    def create(self, name: str, config: Config) -> Function:
        if name in self.functions:
            raise ResourceConflictException(f"Function already exist: {name}")
        check_zip(config.code)
        check_unzipped(config.code)
        config.layers = self.layers.for_function(config.layers, config.code)
        self._stamp(config)
        function = Function(name, config)
        self.functions[name] = function
        return function

    def update(self, function: Function, **changes: Any) -> Config:
        if "code" in changes:
            check_zip(changes["code"])
            check_unzipped(changes["code"])
        if "code" in changes or "layers" in changes:
            changes["layers"] = self.layers.for_function(
                changes.get("layers", function.latest.layers),
                changes.get("code", function.latest.code),
            )
        for key, value in changes.items():
            setattr(function.latest, key, value)
        self._stamp(function.latest)
        self.invoker.retire(function.name, LATEST)
        self.fleet.forget(f"{function.name}:{LATEST}:")
        return function.latest

    def delete(self, function: Function, qualifier: str | None = None) -> None:
        if qualifier in (None, LATEST):
            for held in list(function.provisioned):
                self._bill_ready(function, held)
            self.invoker.retire(function.name)
            self.fleet.forget(f"{function.name}:")
            self.pool.set_reserved(function.name, None)
            self.pool.set_held(function.name, 0)
            del self.functions[function.name]
            return
        assert qualifier is not None
        if qualifier not in function.versions:
            if qualifier in function.aliases:
                raise InvalidParameterValueException(
                    "Deletion of aliases is not supported by DeleteFunction; use DeleteAlias."
                )
            raise ResourceNotFoundException(
                f"Function not found: {self.arn(f'function:{function.name}:{qualifier}')}"
            )
        users = sorted(
            a.name for a in function.aliases.values() if qualifier in (a.version, *a.weights)
        )
        if users:
            raise ResourceConflictException(
                f"Unable to delete version because the following aliases reference it: {users}"
            )
        self.invoker.retire(function.name, qualifier)
        function.provisioned.pop(qualifier, None)
        function.event_invoke.pop(qualifier, None)
        del function.versions[qualifier]
        self._held_changed(function)

    def _stamp(self, config: Config) -> None:
        config.last_modified = self.cloud.clock.now()
        config.revision = str(uuid.UUID(int=self.cloud.next_id()))

    # -- versions and aliases -----------------------------------------------------------
    def publish(self, function: Function, description: str | None = None) -> Config:
        """PublishVersion: a new version unless the latest one is identical."""
        if function.versions:
            newest = function.versions[max(function.versions, key=int)]
            if newest.same_as(function.latest):
                return newest
        number = str(function.next_version)
        function.next_version += 1
        version = function.latest.published(
            number,
            function.latest.description if description is None else description,
            str(uuid.UUID(int=self.cloud.next_id())),
            self.cloud.clock.now(),
        )
        function.versions[number] = version
        if version.snap_start == snapstart.ON:
            self.invoker.snapshots.take(Target(function.name, version))
        return version

    def put_alias(self, function: Function, alias: Alias, *, create: bool) -> Alias:
        if create and alias.name in function.aliases:
            raise ResourceConflictException(
                f"Alias already exists: {self.arn(f'function:{function.name}:{alias.name}')}"
            )
        if not create and alias.name not in function.aliases:
            raise ResourceNotFoundException(
                f"Alias not found: {self.arn(f'function:{function.name}:{alias.name}')}"
            )
        for version in (alias.version, *alias.weights):
            if version != LATEST and version not in function.versions:
                raise ResourceNotFoundException(
                    f"Function not found: {self.arn(f'function:{function.name}:{version}')}"
                )
        if alias.weights and alias.version == LATEST:
            raise InvalidParameterValueException(
                "$LATEST is not supported for an alias pointing to more than 1 version"
            )
        alias.revision = str(uuid.UUID(int=self.cloud.next_id()))
        function.aliases[alias.name] = alias
        return alias

    def delete_alias(self, function: Function, name: str) -> None:
        self._bill_ready(function, name)
        function.aliases.pop(name, None)
        function.provisioned.pop(name, None)
        function.event_invoke.pop(name, None)
        self._held_changed(function)

    def invoke(self, function: Function, qualifier: str | None, payload: bytes) -> Outcome:
        """Run the function once, synchronously, if concurrency allows; else throttle."""
        self.sync_pool()
        now = self.cloud.clock.now()
        self.fleet.settle(now)
        target = self.resolve(function, qualifier)
        slot_key, slot_limit = self._provisioned_for(function, target)
        slot = (function.name, slot_key) if slot_key else None
        on_provisioned, throttle = self.pool.start(
            function.name,
            now,
            new_environment=not self.invoker.has_idle(target),
            provisioned_slot=slot,
            provisioned_limit=slot_limit,
        )
        resource = None if qualifier in (None, LATEST) else qualifier
        if throttle is not None:
            self.cloud.events.emit(
                "lambda", "throttle", function.name, reason=throttle.reason, version=target.version
            )
            self.metrics.count(function.name, resource, "Throttles")
            raise TooManyRequestsException(throttle.message, Reason=throttle.reason)
        concurrency = self.pool.in_flight.get(function.name, 0)
        account = self.pool.total_in_flight()
        try:
            outcome = self.invoker.run(target, payload, provisioned=on_provisioned)
        finally:
            self.pool.finish(function.name, on_provisioned=on_provisioned, provisioned_slot=slot)
        config = target.config
        self.ledger.add(
            function.name,
            outcome.duration_ms,
            config.memory,
            config.architectures[0],
            on_provisioned,
        )
        self.metrics.ran(
            function.name,
            resource,
            outcome.duration_ms,
            error=outcome.function_error is not None,
            concurrency=concurrency,
            account_concurrency=account,
            provisioned=on_provisioned,
            spillover=slot is not None and not on_provisioned,
        )
        return outcome

    def simulate(
        self,
        function: Function,
        qualifier: str | None,
        *,
        duration_ms: float,
        init_ms: float,
        error: bool = False,
    ) -> Simulated:
        """One request of a load run: admitted or throttled, never running any code."""
        now = self.cloud.clock.now()
        name, fleet, pool = function.name, self.fleet, self.pool
        fleet.settle(now)
        target = self.resolve(function, qualifier)
        # Without any provisioned concurrency configured there is no slot to look for.
        if function.provisioned:
            slot_key, slot_limit = self._provisioned_for(function, target)
        else:
            slot_key, slot_limit = None, 0
        slot = (name, slot_key) if slot_key else None
        key = target.pool_key
        new = not fleet.has_idle(key)
        on_provisioned, throttle = pool.start(
            name,
            now,
            new_environment=new,
            provisioned_slot=slot,
            provisioned_limit=slot_limit,
        )
        resource = None if qualifier is None or qualifier == LATEST else qualifier
        if throttle is not None:
            self.metrics.count(name, resource, "Throttles")
            refused = self._refusals.get((target.version, throttle))
            if refused is None:
                refused = self._refusals[(target.version, throttle)] = Simulated(
                    target.version, throttle
                )
            return refused
        cold = new and not on_provisioned
        busy_ms = duration_ms + (init_ms if cold else 0.0)
        fleet.occupy(
            now + busy_ms / 1000.0,
            name,
            key,
            on_provisioned=on_provisioned,
            slot=slot,
            new_environment=new,
        )
        spillover = slot is not None and not on_provisioned
        config = target.config
        self.ledger.add(name, duration_ms, config.memory, config.architectures[0], on_provisioned)
        self.metrics.ran(
            name,
            resource,
            duration_ms,
            error=error,
            concurrency=pool.in_flight.get(name, 0),
            account_concurrency=pool.total_in_flight(),
            provisioned=on_provisioned,
            spillover=spillover,
        )
        return Simulated(target.version, None, cold, spillover, busy_ms)

    def load_run(self, loads: Sequence[Load]) -> LoadResult:
        """Drive functions with traffic on the virtual clock; see ``loadrun``."""
        return Runner(self, loads).run()

    def remember_run(self, result: dict[str, Any]) -> None:
        self.load_runs = [*self.load_runs, result][-KEPT_RUNS:]

    def event_config(self, function: Function, qualifier: str | None) -> EventInvokeConfig:
        """The asynchronous settings that apply to a call with this qualifier."""
        found = function.event_invoke.get(qualifier or LATEST)
        return found or EventInvokeConfig()

    # -- state --------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        codes: dict[str, str] = {}
        functions = [f.to_json(codes) for f in self.functions.values()]
        return {
            "functions": functions,
            "codes": codes,
            "queue": self.queue.snapshot(),
            "event_sources": eventsources.snapshot(self),
            "routed": self._routed,
            "load_runs": self.load_runs,
            "ledger": self.ledger.to_json(),
            "layers": self.layers.snapshot(codes),
        }

    def load(self, state: dict[str, Any]) -> None:
        state = upgrade(state)
        codes = state.get("codes", {})
        for data in state.get("functions", []):
            function = Function.from_json(data, codes)
            self.functions[function.name] = function
            self.pool.set_reserved(function.name, function.reserved)
            self._held_changed(function)
        self._routed = state.get("routed", 0)
        self.load_runs = state.get("load_runs", [])
        self.ledger = cost.Ledger.from_json(state.get("ledger", {}))
        self.layers.load(state.get("layers", []), codes)
        self.queue.load(state.get("queue", []))
        eventsources.load(self, state.get("event_sources"))

    def close(self) -> None:
        self.invoker.close()

    def live_workers(self) -> int:
        """How many worker processes are running (for tests and the inspector)."""
        return self.invoker.live_workers()


def check_zip(code: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(code)) as archive:
            archive.testzip()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidParameterValueException(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from None


BACKEND = LambdaBackend
