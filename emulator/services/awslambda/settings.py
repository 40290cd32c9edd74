"""Concurrency settings of a region's functions: reserved and provisioned, with AWS's checks.

A part of ``LambdaBackend``, kept apart because the rules are many: what must stay
unreserved, what provisioned concurrency may ask for, and how long it is billed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.services.awslambda import cost
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from emulator.services.awslambda.models import LATEST, Function, Provisioned

if TYPE_CHECKING:
    from emulator.cloud import Cloud
    from emulator.services.awslambda.concurrency import Pool
    from emulator.services.awslambda.invoker import Target

#: Seconds from PutProvisionedConcurrencyConfig to READY. AWS gives no figure (it says
#: allocation takes "a few minutes"), so the emulator uses a round one.
PROVISIONING_SECONDS = 60


class ConcurrencySettings:
    """Reserved and provisioned concurrency of the backend's functions."""

    cloud: Cloud
    functions: dict[str, Function]
    pool: Pool
    ledger: cost.Ledger

    if TYPE_CHECKING:

        def arn(self, resource: str, service: str | None = None) -> str: ...  # from Backend

    # -- concurrency --------------------------------------------------------------------
    def account_limit(self) -> int:
        return int(self.cloud.quota("lambda", "ConcurrentExecutions"))

    def unreserved_minimum(self) -> int:
        return int(self.cloud.quota("lambda", "UnreservedMinimum"))

    def sync_pool(self) -> None:
        self.pool.account_limit = self.account_limit()

    def put_reserved(self, function: Function, value: int) -> None:
        self.sync_pool()
        others = sum(f.reserved or 0 for f in self.functions.values() if f.name != function.name)
        minimum = self.unreserved_minimum()
        if self.account_limit() - others - value < minimum:
            raise InvalidParameterValueException(
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{minimum}]."
            )
        provisioned = sum(p.requested for p in function.provisioned.values())
        if value < provisioned:
            raise ResourceConflictException(
                f"Function {function.name} has provisioned concurrency of {provisioned}; "
                "reserved concurrency cannot be set below it."
            )
        function.reserved = value
        self.pool.set_reserved(function.name, value)

    def delete_reserved(self, function: Function) -> None:
        function.reserved = None
        self.pool.set_reserved(function.name, None)

    def put_provisioned(self, function: Function, qualifier: str, amount: int) -> Provisioned:
        if qualifier == LATEST or (
            qualifier not in function.versions and qualifier not in function.aliases
        ):
            if qualifier == LATEST:
                raise InvalidParameterValueException(
                    "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
                )
            raise ResourceNotFoundException(
                f"Function not found: {self.arn(f'function:{function.name}:{qualifier}')}"
            )
        alias = function.aliases.get(qualifier)
        if alias is not None and alias.version == LATEST:
            raise InvalidParameterValueException(
                "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
            )
        if qualifier in function.versions and function.versions[qualifier].snap_start != "None":
            raise InvalidParameterValueException(
                "Provisioned concurrency is not supported on versions with SnapStart enabled."
            )
        others = sum(p.requested for q, p in function.provisioned.items() if q != qualifier)
        if function.reserved is not None and others + amount > function.reserved:
            raise InvalidParameterValueException(
                "Requested Provisioned Concurrency should not be greater than the "
                f"reservedConcurrentExecution for function: {function.reserved}"
            )
        if function.reserved is None:
            self.sync_pool()
            held_elsewhere = sum(
                sum(p.requested for p in f.provisioned.values())
                for f in self.functions.values()
                if f.reserved is None and f.name != function.name
            )
            room = self.pool.unreserved_limit() - held_elsewhere - others - amount
            if room < self.unreserved_minimum():
                raise InvalidParameterValueException(
                    "Requested Provisioned Concurrency decreases account's "
                    "UnreservedConcurrentExecution below its minimum value of "
                    f"[{self.unreserved_minimum()}]."
                )
        now = self.cloud.clock.now()
        self._bill_ready(function, qualifier)
        config = Provisioned(amount, now + PROVISIONING_SECONDS, now)
        function.provisioned[qualifier] = config
        self._held_changed(function)
        return config

    def delete_provisioned(self, function: Function, qualifier: str) -> None:
        self._bill_ready(function, qualifier)
        if function.provisioned.pop(qualifier, None) is None:
            raise ResourceNotFoundException(
                f"No Provisioned Concurrency Config found for this function: {function.name}:{qualifier}"
            )
        self._held_changed(function)

    def _bill_ready(
        self, function: Function, qualifier: str, ledger: cost.Ledger | None = None
    ) -> None:
        """Count provisioned concurrency kept configured until now into the ledger."""
        config = function.provisioned.get(qualifier)
        if config is None:
            return
        alias = function.aliases.get(qualifier)
        version = alias.version if alias else qualifier
        memory = function.config(version).memory if version in function.versions else 128
        (ledger or self.ledger).ready(
            function.name, config.requested, memory, self.cloud.clock.now() - config.last_modified
        )

    def cost_estimate(self) -> dict[str, Any]:
        """What the usage so far would cost, provisioned concurrency counted up to now."""
        ledger = cost.Ledger.from_json(self.ledger.to_json())
        for function in self.functions.values():
            for qualifier in function.provisioned:
                self._bill_ready(function, qualifier, ledger)
        return cost.estimate(self.cloud, ledger)

    def provisioned_ready(self, config: Provisioned) -> int:
        """Environments allocated so far (all of them once the allocation is READY)."""
        return config.requested if self.cloud.clock.now() >= config.ready_at else 0

    def _held_changed(self, function: Function) -> None:
        self.pool.set_held(function.name, sum(p.requested for p in function.provisioned.values()))

    def _provisioned_for(self, function: Function, target: Target) -> tuple[str | None, int]:
        """The provisioned slot a call may use: the alias's, else the version's."""
        for key in (target.alias, target.version):
            if key and key in function.provisioned:
                return key, self.provisioned_ready(function.provisioned[key])
        return None, 0

    # -- invocation ---------------------------------------------------------------------
