"""Target-tracking scaling of a DynamoDB table's write capacity, minute by minute."""

from __future__ import annotations

import math
from typing import Any

import pytest

from emulator import ClientError, Cloud
from emulator.services.dynamodb import scaling_hook

WRITE = "dynamodb:table:WriteCapacityUnits"
READ = "dynamodb:table:ReadCapacityUnits"
TABLE = "table/Orders"


def register(aas: Any, low: int = 5, high: int = 12, dimension: str = WRITE) -> dict[str, Any]:
    return aas.register_scalable_target(  # type: ignore[no-any-return]
        ServiceNamespace="dynamodb",
        ResourceId=TABLE,
        ScalableDimension=dimension,
        MinCapacity=low,
        MaxCapacity=high,
    )


def policy(aas: Any, target: float = 50.0, **config: Any) -> dict[str, Any]:
    return aas.put_scaling_policy(  # type: ignore[no-any-return]
        PolicyName="writes",
        ServiceNamespace="dynamodb",
        ResourceId=TABLE,
        ScalableDimension=WRITE,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": target,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "DynamoDBWriteCapacityUtilization"
            },
        }
        | config,
    )


class Traffic:
    """Writes 1 KB-or-less items (1 WCU each) as fast as the table admits them."""

    def __init__(self, cloud: Cloud, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cloud = cloud
        self.ddb = cloud.client("dynamodb")
        self.backend: Any = cloud.backend("dynamodb")
        self.hooked = 0
        self.count = 0
        real = scaling_hook.record

        def spy(*args: Any) -> None:
            self.hooked += 1
            real(*args)

        monkeypatch.setattr(scaling_hook, "record", spy)

    def write(self, attempts: int) -> int:
        """Try ``attempts`` writes now; the units consumed (throttled writes cost none)."""
        consumed = 0
        for _ in range(attempts):
            self.count += 1
            hooked = self.hooked
            try:
                answer = self.ddb.put_item(
                    TableName="Orders",
                    Item={"pk": {"S": f"o{self.count}"}},
                    ReturnConsumedCapacity="TOTAL",
                )
            except self.ddb.exceptions.ProvisionedThroughputExceededException:
                continue
            consumed += answer["ConsumedCapacity"]["CapacityUnits"]
            assert self.hooked == hooked + 1  # every served write feeds the scaler
        return consumed

    def minute(self, per_second: int) -> float:
        """Try ``per_second`` writes each second for a minute; the units consumed.

        The minute ends on a whole minute, when the scaler evaluates.
        """
        consumed = 0.0
        for _ in range(60):
            consumed += self.write(per_second)
            self.cloud.clock.advance(1)
        return consumed

    def wcu(self) -> int:
        table = self.ddb.describe_table(TableName="Orders")["Table"]
        return table["ProvisionedThroughput"]["WriteCapacityUnits"]  # type: ignore[no-any-return]


@pytest.fixture
def traffic(cloud: Cloud, monkeypatch: pytest.MonkeyPatch) -> Traffic:
    return Traffic(cloud, monkeypatch)


# -- scaling ---------------------------------------------------------------------------
def test_sustained_writes_scale_out_then_in_when_traffic_stops(aas: Any, traffic: Traffic) -> None:
    register(aas)
    policy(aas)
    # 4 units a second on 5 WCU: 80 percent, above the 50 percent target.
    assert traffic.minute(4) == 240
    assert traffic.wcu() == 5, "one minute above target is not enough"
    assert traffic.minute(4) == 240
    # Busiest minute 4 units a second, at 50 percent: 8 units.
    assert traffic.wcu() == 8
    for _ in range(4):
        # 8 to 10 a second want 16 to 20 units; MaxCapacity is 12.
        traffic.minute(10)
        assert traffic.wcu() <= 12
    assert traffic.wcu() == 12
    for _ in range(14):
        traffic.minute(0)
        assert traffic.wcu() == 12, "scale-in waits for 15 low minutes"
    traffic.minute(0)
    assert traffic.wcu() == 5
    table = traffic.ddb.describe_table(TableName="Orders")["Table"]
    assert table["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 1

    activities = aas.describe_scaling_activities(ServiceNamespace="dynamodb")["ScalingActivities"]
    assert [a["Description"] for a in activities] == [
        "Setting write capacity units to 5.",
        "Setting write capacity units to 12.",
        "Setting write capacity units to 8.",
    ]
    assert {a["StatusCode"] for a in activities} == {"Successful"}
    assert all(a["ResourceId"] == TABLE and a["ScalableDimension"] == WRITE for a in activities)
    assert "triggered policy writes" in activities[0]["Cause"]
    assert "AlarmLow" in activities[0]["Cause"]
    assert "AlarmHigh" in activities[-1]["Cause"]
    # 2026-01-01T00:00:00Z + 2 minutes, when the first scale-out was evaluated.
    assert activities[-1]["StartTime"].isoformat() == "2026-01-01T00:02:00+00:00"


def test_throttled_writes_are_not_counted_and_capacity_follows(aas: Any, traffic: Traffic) -> None:
    register(aas, high=40)
    policy(aas, target=70.0)
    assert traffic.write(2000) == 5, "a fresh 5 WCU table holds one second of capacity"
    traffic.cloud.clock.advance(60)
    # 10 a second are tried; about 5 a second get through: 100 percent of 5 WCU.
    consumed = [traffic.minute(10), traffic.minute(10)]
    assert all(250 <= units < 600 for units in consumed)
    # The busiest minute's rate over the 70 percent target.
    assert traffic.wcu() == math.ceil(max(consumed) / 60 / 0.7)


def test_disable_scale_in_keeps_the_raised_capacity(aas: Any, traffic: Traffic) -> None:
    register(aas)
    policy(aas, DisableScaleIn=True)
    traffic.minute(4)
    traffic.minute(4)
    assert traffic.wcu() == 8
    for _ in range(20):
        traffic.minute(0)
    assert traffic.wcu() == 8


def test_no_policy_means_no_change_and_no_clock_callback(
    cloud: Cloud, aas: Any, traffic: Traffic
) -> None:
    register(aas)
    pending = cloud.clock.pending()
    traffic.minute(4)
    traffic.minute(4)
    assert traffic.wcu() == 5
    policy(aas)
    assert cloud.clock.pending() == pending + 1
    aas.delete_scaling_policy(
        PolicyName="writes", ServiceNamespace="dynamodb", ResourceId=TABLE, ScalableDimension=WRITE
    )
    cloud.clock.advance(60)
    assert cloud.clock.pending() == pending


def test_policy_and_history_survive_a_snapshot(cloud: Cloud, aas: Any, traffic: Traffic) -> None:
    register(aas)
    policy(aas)
    traffic.minute(4)
    traffic.minute(4)
    forked = cloud.fork()
    forked_aas = forked.client("application-autoscaling")
    assert (
        len(forked_aas.describe_scaling_policies(ServiceNamespace="dynamodb")["ScalingPolicies"])
        == 1
    )
    assert (
        len(
            forked_aas.describe_scaling_activities(ServiceNamespace="dynamodb")["ScalingActivities"]
        )
        == 1
    )
    assert forked.backend("dynamodb").tables["Orders"].write_capacity == 8  # type: ignore[attr-defined]


# -- shapes ----------------------------------------------------------------------------
def test_describe_scalable_targets_shape(aas: Any) -> None:
    arn = register(aas)["ScalableTargetARN"]
    assert arn.startswith("arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/")
    (target,) = aas.describe_scalable_targets(ServiceNamespace="dynamodb")["ScalableTargets"]
    created = target.pop("CreationTime")
    assert created.isoformat() == "2026-01-01T00:00:00+00:00"
    assert target == {
        "ServiceNamespace": "dynamodb",
        "ResourceId": TABLE,
        "ScalableDimension": WRITE,
        "MinCapacity": 5,
        "MaxCapacity": 12,
        "RoleARN": "arn:aws:iam::123456789012:role/aws-service-role/dynamodb.application-"
        "autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
        "SuspendedState": {
            "DynamicScalingInSuspended": False,
            "DynamicScalingOutSuspended": False,
            "ScheduledScalingSuspended": False,
        },
        "ScalableTargetARN": arn,
    }


def test_reregistering_updates_limits_and_filters_work(aas: Any) -> None:
    register(aas)
    register(aas, dimension=READ)
    aas.register_scalable_target(
        ServiceNamespace="dynamodb", ResourceId=TABLE, ScalableDimension=WRITE, MaxCapacity=30
    )
    found = aas.describe_scalable_targets(
        ServiceNamespace="dynamodb", ResourceIds=[TABLE], ScalableDimension=WRITE
    )["ScalableTargets"]
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in found] == [(5, 30)]
    first = aas.describe_scalable_targets(ServiceNamespace="dynamodb", MaxResults=1)
    assert len(first["ScalableTargets"]) == 1
    rest = aas.describe_scalable_targets(
        ServiceNamespace="dynamodb", MaxResults=1, NextToken=first["NextToken"]
    )
    assert "NextToken" not in rest
    assert rest["ScalableTargets"][0]["ScalableDimension"] == READ


def test_scaling_policy_shape(aas: Any) -> None:
    register(aas)
    answer = policy(aas, ScaleInCooldown=60, ScaleOutCooldown=30)
    assert answer["PolicyARN"].startswith(
        "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:"
    )
    assert answer["PolicyARN"].endswith(":resource/dynamodb/table/Orders:policyName/writes")
    (found,) = aas.describe_scaling_policies(ServiceNamespace="dynamodb", ResourceId=TABLE)[
        "ScalingPolicies"
    ]
    found.pop("CreationTime")
    assert found == {
        "PolicyARN": answer["PolicyARN"],
        "PolicyName": "writes",
        "ServiceNamespace": "dynamodb",
        "ResourceId": TABLE,
        "ScalableDimension": WRITE,
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": 50.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "DynamoDBWriteCapacityUtilization"
            },
            "ScaleOutCooldown": 30,
            "ScaleInCooldown": 60,
            "DisableScaleIn": False,
        },
        "Alarms": [],
    }
    assert policy(aas, target=60.0)["PolicyARN"] == answer["PolicyARN"], "same name: replaced"


def test_deregistering_removes_the_policy(aas: Any) -> None:
    register(aas)
    policy(aas)
    aas.deregister_scalable_target(
        ServiceNamespace="dynamodb", ResourceId=TABLE, ScalableDimension=WRITE
    )
    assert aas.describe_scalable_targets(ServiceNamespace="dynamodb")["ScalableTargets"] == []
    assert aas.describe_scaling_policies(ServiceNamespace="dynamodb")["ScalingPolicies"] == []


# -- errors ----------------------------------------------------------------------------
def _code(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_policy_needs_a_registered_target(aas: Any) -> None:
    assert _code(policy, aas=aas) == (
        "ObjectNotFoundException",
        "No scalable target registered for service namespace: dynamodb, resource ID: "
        "table/Orders, scalable dimension: dynamodb:table:WriteCapacityUnits",
    )


@pytest.mark.parametrize(
    ("params", "code", "words"),
    [
        ({"ServiceNamespace": "ecs"}, "NotSupportedByEmulator", "ServiceNamespace ecs"),
        ({"ResourceId": "table/Orders/index/byDate"}, "NotSupportedByEmulator", "secondary"),
        ({"ResourceId": "Orders"}, "ValidationException", "Unsupported resource ID"),
        ({"ScalableDimension": "dynamodb:table:Size"}, "ValidationException", "dimension"),
        ({"ResourceId": "table/Missing"}, "ValidationException", "does not exist"),
        ({"MinCapacity": 20}, "ValidationException", "cannot be greater than maximum"),
        ({"MinCapacity": None}, "ValidationException", "required when registering a new"),
        ({"ServiceNamespace": None}, "ValidationException", "'serviceNamespace'"),
    ],
)
def test_register_errors(aas: Any, params: dict[str, Any], code: str, words: str) -> None:
    request = {
        "ServiceNamespace": "dynamodb",
        "ResourceId": TABLE,
        "ScalableDimension": WRITE,
        "MinCapacity": 5,
        "MaxCapacity": 12,
    } | params
    request = {k: v for k, v in request.items() if v is not None}
    found, message = _code(aas.register_scalable_target, **request)
    assert found == code
    assert words in message


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"PolicyType": "StepScaling"}, "NotSupportedByEmulator", "StepScaling"),
        ({"TargetValue": 95.0}, "ValidationException", "between 20 and 90"),
        ({"TargetValue": 10.0}, "ValidationException", "between 20 and 90"),
        (
            {"Metric": "DynamoDBReadCapacityUtilization"},
            "ValidationException",
            "cannot be used with scalable dimension",
        ),
        ({"PolicyName": "other"}, "NotSupportedByEmulator", "More than one scaling policy"),
    ],
)
def test_put_policy_errors(aas: Any, change: dict[str, Any], code: str, words: str) -> None:
    register(aas)
    policy(aas)
    request = {
        "PolicyName": change.get("PolicyName", "writes"),
        "ServiceNamespace": "dynamodb",
        "ResourceId": TABLE,
        "ScalableDimension": WRITE,
        "PolicyType": change.get("PolicyType", "TargetTrackingScaling"),
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": change.get("TargetValue", 50.0),
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": change.get("Metric", "DynamoDBWriteCapacityUtilization")
            },
        },
    }
    found, message = _code(aas.put_scaling_policy, **request)
    assert found == code
    assert words in message


def test_deleting_what_is_not_there(aas: Any) -> None:
    register(aas)
    code, message = _code(
        aas.delete_scaling_policy,
        PolicyName="writes",
        ServiceNamespace="dynamodb",
        ResourceId=TABLE,
        ScalableDimension=WRITE,
    )
    assert code == "ObjectNotFoundException"
    assert "No scaling policy found" in message
    code, _ = _code(
        aas.deregister_scalable_target,
        ServiceNamespace="dynamodb",
        ResourceId=TABLE,
        ScalableDimension=READ,
    )
    assert code == "ObjectNotFoundException"
