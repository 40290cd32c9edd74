"""Application Auto Scaling behaviour in one region: DynamoDB table targets and policies."""

from __future__ import annotations

import uuid
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.applicationautoscaling.errors import (
    ObjectNotFoundException,
    ValidationException,
    target_not_found,
)
from emulator.services.applicationautoscaling.models import (
    DIMENSIONS,
    SERVICE_LINKED_ROLE,
    Activity,
    Policy,
    ScalableTarget,
    to_json,
)
from emulator.services.base import Backend
from emulator.services.dynamodb import scaling_hook
from emulator.services.dynamodb.autoscaling import ScalingPolicy
from emulator.services.dynamodb.backend import DynamoDBBackend

TargetKey = tuple[str, str]


class ApplicationAutoScalingBackend(Backend):
    service = "application-autoscaling"

    def __init__(self, cloud: Any, region: str) -> None:
        super().__init__(cloud, region)
        #: (ResourceId, ScalableDimension) -> target.
        self.targets: dict[TargetKey, ScalableTarget] = {}
        #: (ResourceId, ScalableDimension) -> its one target-tracking policy.
        self.policies: dict[TargetKey, Policy] = {}
        #: Oldest first.
        self.activities: list[Activity] = []

    @property
    def dynamodb(self) -> DynamoDBBackend:
        backend = self.cloud.backend("dynamodb", self.region)
        assert isinstance(backend, DynamoDBBackend)
        return backend

    def _scaler(self) -> scaling_hook.Scaler:
        return scaling_hook.attach(self.dynamodb, self._applied)

    def _id(self) -> str:
        return str(uuid.UUID(int=self.cloud.next_id()))

    # -- targets ----------------------------------------------------------------------
    def target(self, resource_id: str, dimension: str) -> ScalableTarget:
        found = self.targets.get((resource_id, dimension))
        if found is None:
            raise target_not_found(resource_id, dimension)
        return found

    def register_target(
        self,
        resource_id: str,
        dimension: str,
        min_capacity: int | None,
        max_capacity: int | None,
        role_arn: str | None,
    ) -> ScalableTarget:
        """Register a table's capacity, or change an existing target's limits."""
        table_name = resource_id.split("/", 1)[1]
        if table_name not in self.dynamodb.tables:
            raise ValidationException(f"DynamoDB table '{table_name}' does not exist")
        existing = self.targets.get((resource_id, dimension))
        if existing is None and (min_capacity is None or max_capacity is None):
            raise ValidationException(
                "MinCapacity and MaxCapacity are required when registering a new scalable target"
            )
        low = min_capacity if min_capacity is not None else existing.min_capacity  # type: ignore[union-attr]
        high = max_capacity if max_capacity is not None else existing.max_capacity  # type: ignore[union-attr]
        if low < 0 or high < 0:
            raise ValidationException("MinCapacity and MaxCapacity must be 0 or more")
        if low > high:
            raise ValidationException("Minimum capacity cannot be greater than maximum capacity")
        if existing is not None:
            existing.min_capacity, existing.max_capacity = low, high
            if role_arn:
                existing.role_arn = role_arn
            target = existing
        else:
            target = ScalableTarget(
                resource_id=resource_id,
                dimension=dimension,
                min_capacity=low,
                max_capacity=high,
                role_arn=role_arn or SERVICE_LINKED_ROLE.format(account=self.account_id),
                created=self.cloud.clock.now(),
                arn=self.arn(f"scalable-target/{uuid.UUID(int=self.cloud.next_id()).hex}"),
            )
            self.targets[(resource_id, dimension)] = target
        policy = self.policies.get((resource_id, dimension))
        if policy is not None:
            self._track(target, policy)
        return target

    def deregister_target(self, resource_id: str, dimension: str) -> None:
        """Remove a target and the policy on it."""
        target = self.target(resource_id, dimension)
        if self.policies.pop((resource_id, dimension), None) is not None:
            self._scaler().untrack(target.table_name, target.operation)
        del self.targets[(resource_id, dimension)]

    # -- policies ---------------------------------------------------------------------
    def put_policy(
        self,
        name: str,
        resource_id: str,
        dimension: str,
        *,
        target_value: float,
        metric: str,
        scale_in_cooldown: int,
        scale_out_cooldown: int,
        disable_scale_in: bool,
    ) -> Policy:
        """Create or replace the target-tracking policy of a registered target."""
        target = self.target(resource_id, dimension)
        existing = self.policies.get((resource_id, dimension))
        if existing is not None and existing.name != name:
            raise NotSupportedByEmulator(
                "More than one scaling policy on a scalable target "
                f"(policy {existing.name} already scales {resource_id} {dimension})"
            )
        policy_id = existing.policy_id if existing else self._id()
        policy = Policy(
            name=name,
            resource_id=resource_id,
            dimension=dimension,
            target_value=target_value,
            metric=metric,
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
            disable_scale_in=disable_scale_in,
            created=existing.created if existing else self.cloud.clock.now(),
            policy_id=policy_id,
            arn=self.arn(
                f"scalingPolicy:{policy_id}:resource/dynamodb/{resource_id}:policyName/{name}",
                "autoscaling",
            ),
        )
        self._track(target, policy)
        self.policies[(resource_id, dimension)] = policy
        return policy

    def delete_policy(self, name: str, resource_id: str, dimension: str) -> None:
        policy = self.policies.get((resource_id, dimension))
        if policy is None or policy.name != name:
            raise ObjectNotFoundException(
                f"No scaling policy found for service namespace: dynamodb, resource ID: "
                f"{resource_id}, scalable dimension: {dimension}: {name}"
            )
        del self.policies[(resource_id, dimension)]
        target = self.targets[(resource_id, dimension)]
        self._scaler().untrack(target.table_name, target.operation)

    def _track(self, target: ScalableTarget, policy: Policy) -> None:
        # The engine validates: TargetValue 20-90, MinCapacity at least 1.
        engine = ScalingPolicy(
            min_capacity=target.min_capacity,
            max_capacity=target.max_capacity,
            target_value=policy.target_value,
            scale_in_cooldown=policy.scale_in_cooldown,
            scale_out_cooldown=policy.scale_out_cooldown,
            disable_scale_in=policy.disable_scale_in,
        )
        self._scaler().track(target.table_name, target.operation, engine)

    # -- activities -------------------------------------------------------------------
    def _applied(self, change: scaling_hook.Applied) -> None:
        dimension = next(d for d, op in DIMENSIONS.items() if op == change.operation)
        resource_id = f"table/{change.table}"
        policy = self.policies[(resource_id, dimension)]
        decision = change.decision
        units = f"{change.operation} capacity units to {decision.capacity}"
        alarm = "AlarmHigh" if decision.direction == "out" else "AlarmLow"
        self.activities.append(
            Activity(
                activity_id=self._id(),
                resource_id=resource_id,
                dimension=dimension,
                description=f"Setting {units}.",
                cause=(
                    f"monitor alarm TargetTracking-{resource_id}-{alarm}-{policy.policy_id} "
                    f"in state ALARM triggered policy {policy.name}"
                ),
                status_message=(
                    f"Successfully set {units}. Change successfully fulfilled by dynamodb."
                ),
                started=decision.at,
            )
        )

    # -- state ------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "targets": [to_json(t) for t in self.targets.values()],
            "policies": [to_json(p) for p in self.policies.values()],
            "activities": [to_json(a) for a in self.activities],
        }

    def load(self, state: dict[str, Any]) -> None:
        """Targets, policies and activities come back; consumption history starts afresh."""
        for data in state.get("targets", []):
            target = ScalableTarget(**data)
            self.targets[(target.resource_id, target.dimension)] = target
        self.activities = [Activity(**data) for data in state.get("activities", [])]
        for data in state.get("policies", []):
            policy = Policy(**data)
            key = (policy.resource_id, policy.dimension)
            self.policies[key] = policy
            self._track(self.targets[key], policy)


BACKEND = ApplicationAutoScalingBackend
