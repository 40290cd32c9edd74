"""Scalable targets, target-tracking policies and scaling activities, as plain data."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Operation = Literal["read", "write"]

NAMESPACE = "dynamodb"
READ_DIMENSION = "dynamodb:table:ReadCapacityUnits"
WRITE_DIMENSION = "dynamodb:table:WriteCapacityUnits"
#: Scalable dimension -> the capacity it scales.
DIMENSIONS: dict[str, Operation] = {READ_DIMENSION: "read", WRITE_DIMENSION: "write"}
#: The predefined metric that tracks each dimension.
METRICS: dict[str, str] = {
    READ_DIMENSION: "DynamoDBReadCapacityUtilization",
    WRITE_DIMENSION: "DynamoDBWriteCapacityUtilization",
}
#: The role Application Auto Scaling uses for DynamoDB when RoleARN is left out.
SERVICE_LINKED_ROLE = (
    "arn:aws:iam::{account}:role/aws-service-role/dynamodb.application-autoscaling."
    "amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"
)
MAX_RESULTS = 50


@dataclass
class ScalableTarget:
    """One registered table capacity (RegisterScalableTarget)."""

    resource_id: str
    """``table/NAME``."""
    dimension: str
    """The ScalableDimension, read or write capacity units of the table."""
    min_capacity: int
    """MinCapacity."""
    max_capacity: int
    """MaxCapacity."""
    role_arn: str
    """RoleARN, the service-linked role unless one was given."""
    created: float
    """CreationTime, virtual seconds."""
    arn: str
    """ScalableTargetARN."""

    @property
    def table_name(self) -> str:
        return self.resource_id.split("/", 1)[1]

    @property
    def operation(self) -> Operation:
        return DIMENSIONS[self.dimension]


@dataclass
class Policy:
    """One TargetTrackingScaling policy (PutScalingPolicy) of a scalable target."""

    name: str
    """PolicyName."""
    resource_id: str
    """The target's ResourceId."""
    dimension: str
    """The target's ScalableDimension."""
    target_value: float
    """TargetValue, utilisation in percent."""
    metric: str
    """PredefinedMetricType."""
    scale_in_cooldown: int
    """ScaleInCooldown, seconds."""
    scale_out_cooldown: int
    """ScaleOutCooldown, seconds."""
    disable_scale_in: bool
    """DisableScaleIn."""
    created: float
    """CreationTime, virtual seconds."""
    policy_id: str
    """The id in PolicyARN and in the names of the alarms it would own."""
    arn: str
    """PolicyARN."""


@dataclass
class Activity:
    """One capacity change made by a policy (DescribeScalingActivities)."""

    activity_id: str
    """ActivityId."""
    resource_id: str
    """ResourceId."""
    dimension: str
    """ScalableDimension."""
    description: str
    """Description: what was set."""
    cause: str
    """Cause: which alarm and policy."""
    status_message: str
    """StatusMessage."""
    started: float
    """StartTime (and EndTime: the change applies at once), virtual seconds."""


def to_json(record: ScalableTarget | Policy | Activity) -> dict[str, Any]:
    """A record as JSON data, for snapshots."""
    return asdict(record)
