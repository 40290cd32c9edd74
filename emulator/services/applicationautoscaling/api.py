"""Application Auto Scaling's request and response shapes, as botocore's model has them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from emulator.errors import NotSupportedByEmulator
from emulator.services.applicationautoscaling.backend import ApplicationAutoScalingBackend
from emulator.services.applicationautoscaling.errors import (
    InvalidNextTokenException,
    ValidationException,
)
from emulator.services.applicationautoscaling.models import (
    DIMENSIONS,
    MAX_RESULTS,
    METRICS,
    NAMESPACE,
    Activity,
    Policy,
    ScalableTarget,
)

T = TypeVar("T")


def _need(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None:
        member = name[0].lower() + name[1:]
        raise ValidationException(
            f"1 validation error detected: Value null at '{member}' failed to satisfy "
            "constraint: Member must not be null"
        )
    return value


def _namespace(params: dict[str, Any]) -> None:
    namespace = _need(params, "ServiceNamespace")
    if namespace != NAMESPACE:
        raise NotSupportedByEmulator(f"Application Auto Scaling of ServiceNamespace {namespace}")


def _resource(params: dict[str, Any]) -> tuple[str, str]:
    """ResourceId and ScalableDimension of a DynamoDB table's capacity."""
    _namespace(params)
    resource_id = _need(params, "ResourceId")
    dimension = _need(params, "ScalableDimension")
    parts = str(resource_id).split("/")
    if len(parts) == 4 and parts[0] == "table" and parts[2] == "index":
        raise NotSupportedByEmulator("Auto scaling of global secondary indexes")
    if str(dimension).startswith("dynamodb:index:"):
        raise NotSupportedByEmulator("Auto scaling of global secondary indexes")
    if len(parts) != 2 or parts[0] != "table" or not parts[1]:
        raise ValidationException(
            f"Unsupported resource ID: {resource_id}. A DynamoDB table's resource ID is "
            "table/TABLE_NAME"
        )
    if dimension not in DIMENSIONS:
        raise ValidationException(
            f"Unsupported scalable dimension: {dimension}. A DynamoDB table's is one of: "
            f"{', '.join(DIMENSIONS)}"
        )
    return resource_id, dimension


def _capacity(params: dict[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationException(f"{name} must be a whole number, not {value!r}")
    return value


def _timestamp(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _page(
    params: dict[str, Any], found: list[T], key: str, shape: Callable[[T], Any]
) -> dict[str, Any]:
    """One page of ``found`` under ``key``, with NextToken when more are left."""
    limit = params.get("MaxResults") or MAX_RESULTS
    if not 1 <= limit <= MAX_RESULTS:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'maxResults' failed to satisfy "
            f"constraint: Member must have value less than or equal to {MAX_RESULTS}"
        )
    token = params.get("NextToken")
    start = 0
    if token is not None:
        if not (isinstance(token, str) and token.isdigit() and int(token) <= len(found)):
            raise InvalidNextTokenException("Invalid token")
        start = int(token)
    page: dict[str, Any] = {key: [shape(x) for x in found[start : start + limit]]}
    if start + limit < len(found):
        page["NextToken"] = str(start + limit)
    return page


def _matching(
    records: Iterable[T], params: dict[str, Any], ids: Iterable[str] | None = None
) -> list[T]:
    dimension = params.get("ScalableDimension")
    wanted = set(ids) if ids else None
    return [
        r
        for r in records
        if (wanted is None or r.resource_id in wanted)  # type: ignore[attr-defined]
        and (dimension is None or r.dimension == dimension)  # type: ignore[attr-defined]
    ]


# -- scalable targets ------------------------------------------------------------------
def _target(target: ScalableTarget) -> dict[str, Any]:
    return {
        "ServiceNamespace": NAMESPACE,
        "ResourceId": target.resource_id,
        "ScalableDimension": target.dimension,
        "MinCapacity": target.min_capacity,
        "MaxCapacity": target.max_capacity,
        "RoleARN": target.role_arn,
        "CreationTime": _timestamp(target.created),
        "SuspendedState": {
            "DynamicScalingInSuspended": False,
            "DynamicScalingOutSuspended": False,
            "ScheduledScalingSuspended": False,
        },
        "ScalableTargetARN": target.arn,
    }


def register_scalable_target(
    backend: ApplicationAutoScalingBackend, params: dict[str, Any]
) -> dict[str, Any]:
    resource_id, dimension = _resource(params)
    suspended = params.get("SuspendedState") or {}
    if any(suspended.values()):
        raise NotSupportedByEmulator("Suspending scaling (SuspendedState)")
    if params.get("Tags"):
        raise NotSupportedByEmulator("Tags on scalable targets")
    target = backend.register_target(
        resource_id,
        dimension,
        _capacity(params, "MinCapacity"),
        _capacity(params, "MaxCapacity"),
        params.get("RoleARN"),
    )
    return {"ScalableTargetARN": target.arn}


def describe_scalable_targets(
    backend: ApplicationAutoScalingBackend, params: dict[str, Any]
) -> dict[str, Any]:
    _namespace(params)
    found = _matching(backend.targets.values(), params, params.get("ResourceIds"))
    return _page(params, found, "ScalableTargets", _target)


def deregister_scalable_target(
    backend: ApplicationAutoScalingBackend, params: dict[str, Any]
) -> dict[str, Any]:
    backend.deregister_target(*_resource(params))
    return {}


# -- scaling policies ------------------------------------------------------------------
def _policy(policy: Policy) -> dict[str, Any]:
    return {
        "PolicyARN": policy.arn,
        "PolicyName": policy.name,
        "ServiceNamespace": NAMESPACE,
        "ResourceId": policy.resource_id,
        "ScalableDimension": policy.dimension,
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": policy.target_value,
            "PredefinedMetricSpecification": {"PredefinedMetricType": policy.metric},
            "ScaleOutCooldown": policy.scale_out_cooldown,
            "ScaleInCooldown": policy.scale_in_cooldown,
            "DisableScaleIn": policy.disable_scale_in,
        },
        "Alarms": [],
        "CreationTime": _timestamp(policy.created),
    }


def put_scaling_policy(
    backend: ApplicationAutoScalingBackend, params: dict[str, Any]
) -> dict[str, Any]:
    name = _need(params, "PolicyName")
    resource_id, dimension = _resource(params)
    # AWS's default PolicyType is StepScaling.
    kind = params.get("PolicyType") or "StepScaling"
    if kind != "TargetTrackingScaling":
        raise NotSupportedByEmulator(f"PolicyType {kind}")
    config = params.get("TargetTrackingScalingPolicyConfiguration")
    if not config:
        raise ValidationException(
            "TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling "
            "policy"
        )
    if config.get("CustomizedMetricSpecification"):
        raise NotSupportedByEmulator("CustomizedMetricSpecification")
    spec = config.get("PredefinedMetricSpecification")
    if not spec:
        raise ValidationException(
            "PredefinedMetricSpecification is required: DynamoDBReadCapacityUtilization or "
            "DynamoDBWriteCapacityUtilization"
        )
    metric = spec.get("PredefinedMetricType")
    if metric != METRICS[dimension]:
        raise ValidationException(
            f"Predefined metric type {metric} cannot be used with scalable dimension "
            f"{dimension}; use {METRICS[dimension]}"
        )
    target_value = _need(config, "TargetValue")
    cooldowns = {}
    for member in ("ScaleInCooldown", "ScaleOutCooldown"):
        value = _capacity(config, member) or 0
        if value < 0:
            raise ValidationException(f"{member} must be 0 or more seconds")
        cooldowns[member] = value
    policy = backend.put_policy(
        name,
        resource_id,
        dimension,
        target_value=float(target_value),
        metric=metric,
        scale_in_cooldown=cooldowns["ScaleInCooldown"],
        scale_out_cooldown=cooldowns["ScaleOutCooldown"],
        disable_scale_in=bool(config.get("DisableScaleIn", False)),
    )
    return {"PolicyARN": policy.arn, "Alarms": []}


def describe_scaling_policies(
    backend: ApplicationAutoScalingBackend, params: dict[str, Any]
) -> dict[str, Any]:
    _namespace(params)
    resource_id = params.get("ResourceId")
    found = _matching(backend.policies.values(), params, [resource_id] if resource_id else None)
    names = params.get("PolicyNames")
    if names:
        found = [p for p in found if p.name in names]
    return _page(params, found, "ScalingPolicies", _policy)


def delete_scaling_policy(
    backend: ApplicationAutoScalingBackend, params: dict[str, Any]
) -> dict[str, Any]:
    name = _need(params, "PolicyName")
    backend.delete_policy(name, *_resource(params))
    return {}


# -- activities ------------------------------------------------------------------------
def _activity(activity: Activity) -> dict[str, Any]:
    when = _timestamp(activity.started)
    return {
        "ActivityId": activity.activity_id,
        "ServiceNamespace": NAMESPACE,
        "ResourceId": activity.resource_id,
        "ScalableDimension": activity.dimension,
        "Description": activity.description,
        "Cause": activity.cause,
        "StartTime": when,
        "EndTime": when,
        "StatusCode": "Successful",
        "StatusMessage": activity.status_message,
    }


def describe_scaling_activities(
    backend: ApplicationAutoScalingBackend, params: dict[str, Any]
) -> dict[str, Any]:
    _namespace(params)
    if params.get("IncludeNotScaledActivities"):
        raise NotSupportedByEmulator("IncludeNotScaledActivities")
    resource_id = params.get("ResourceId")
    newest_first = list(reversed(backend.activities))
    found = _matching(newest_first, params, [resource_id] if resource_id else None)
    return _page(params, found, "ScalingActivities", _activity)


OPERATIONS = {
    "RegisterScalableTarget": register_scalable_target,
    "DescribeScalableTargets": describe_scalable_targets,
    "DeregisterScalableTarget": deregister_scalable_target,
    "PutScalingPolicy": put_scaling_policy,
    "DescribeScalingPolicies": describe_scaling_policies,
    "DeleteScalingPolicy": delete_scaling_policy,
    "DescribeScalingActivities": describe_scaling_activities,
}
