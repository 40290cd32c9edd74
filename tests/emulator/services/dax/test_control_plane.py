"""DAX's control plane: clusters on the clock, parameter groups, shapes and errors."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from emulator import Cloud

ROLE = "arn:aws:iam::123456789012:role/DAXServiceRoleForDynamoDBAccess"


def test_a_new_cluster_is_creating_then_available(kit: Any) -> None:
    created = kit.dax.create_cluster(
        ClusterName="My-Cache",
        NodeType="dax.r5.large",
        ReplicationFactor=3,
        IamRoleArn=ROLE,
        Description="orders",
    )["Cluster"]
    assert created == {
        "ClusterName": "my-cache",
        "Description": "orders",
        "ClusterArn": "arn:aws:dax:us-east-1:123456789012:cache/my-cache",
        "TotalNodes": 3,
        "ActiveNodes": 0,
        "NodeType": "dax.r5.large",
        "Status": "creating",
        "ClusterDiscoveryEndpoint": {"Port": 8111},
        "PreferredMaintenanceWindow": "thu:13:00-thu:14:00",
        "SubnetGroup": "default",
        "IamRoleArn": ROLE,
        "ParameterGroup": {
            "ParameterGroupName": "default.dax1.0",
            "ParameterApplyStatus": "in-sync",
            "NodeIdsToReboot": [],
        },
        "SSEDescription": {"Status": "DISABLED"},
        "ClusterEndpointEncryptionType": "NONE",
    }
    kit.cloud.clock.advance(kit.backend.creation_seconds - 1)
    assert kit.dax.describe_clusters()["Clusters"][0]["Status"] == "creating"
    kit.cloud.clock.advance(1)
    (cluster,) = kit.dax.describe_clusters(ClusterNames=["my-cache"])["Clusters"]
    assert cluster["Status"] == "available"
    assert cluster["ActiveNodes"] == 3
    endpoint = cluster["ClusterDiscoveryEndpoint"]
    assert endpoint["Address"].startswith("my-cache.")
    assert endpoint["Address"].endswith(".dax-clusters.us-east-1.amazonaws.com")
    assert endpoint["URL"] == f"dax://{endpoint['Address']}"
    assert [n["NodeId"] for n in cluster["Nodes"]] == ["my-cache-a", "my-cache-b", "my-cache-c"]
    assert cluster["Nodes"][1]["AvailabilityZone"] == "us-east-1b"
    assert cluster["Nodes"][0]["NodeCreateTime"] == dt.datetime.fromtimestamp(
        kit.cloud.clock.now(), dt.UTC
    )


def test_tls_endpoints_use_daxs_and_port_9111(kit: Any) -> None:
    cluster = kit.cluster(ClusterEndpointEncryptionType="TLS", SSESpecification={"Enabled": True})
    described = kit.dax.describe_clusters()["Clusters"][0]
    assert described["ClusterDiscoveryEndpoint"]["Port"] == 9111
    assert described["ClusterDiscoveryEndpoint"]["URL"].startswith("daxs://")
    assert cluster["SSEDescription"] == {"Status": "ENABLED"}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"ClusterName": "9lives"}, "InvalidParameterValueException"),
        ({"ClusterName": "two--hyphens"}, "InvalidParameterValueException"),
        ({"ClusterName": "ends-"}, "InvalidParameterValueException"),
        ({"ClusterName": "a" * 21}, "InvalidParameterValueException"),
        ({"ReplicationFactor": 0}, "InvalidParameterValueException"),
        ({"ReplicationFactor": 12}, "NodeQuotaForClusterExceededFault"),
        ({"NodeType": "cache.m5.large"}, "InvalidParameterValueException"),
        ({"IamRoleArn": "role/DAX"}, "InvalidParameterValueException"),
        ({"ParameterGroupName": "missing"}, "ParameterGroupNotFoundFault"),
        ({"SubnetGroupName": "private"}, "NotSupportedByEmulator"),
    ],
)
def test_create_cluster_refusals(kit: Any, params: dict[str, object], code: str) -> None:
    request = {
        "ClusterName": "cache",
        "NodeType": "dax.t3.small",
        "ReplicationFactor": 1,
        "IamRoleArn": ROLE,
    } | params
    assert kit.error(kit.dax.create_cluster, **request)[0] == code


def test_refusal_messages(kit: Any) -> None:
    assert kit.error(
        kit.dax.create_cluster,
        ClusterName="bad--name",
        NodeType="dax.t3.small",
        ReplicationFactor=1,
        IamRoleArn=ROLE,
    )[1] == (
        "Cluster ID specified is not a valid identifier. Identifiers must begin with a letter; "
        "must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen "
        "or contain two consecutive hyphens."
    )
    assert kit.error(
        kit.dax.create_cluster,
        ClusterName="cache",
        NodeType="dax.t3.small",
        ReplicationFactor=1,
        IamRoleArn="arn:aws:iam",
    ) == ("InvalidParameterValueException", "Third colon vendor not found: arn:aws:iam")
    assert kit.error(kit.dax.describe_clusters, ClusterNames=["nope"]) == (
        "ClusterNotFoundFault",
        "Cluster nope not found.",
    )
    assert kit.error(kit.dax.delete_cluster, ClusterName="nope") == (
        "ClusterNotFoundFault",
        "Cluster not found.",
    )
    kit.cluster()
    assert kit.error(
        kit.dax.create_cluster,
        ClusterName="CACHE",
        NodeType="dax.t3.small",
        ReplicationFactor=1,
        IamRoleArn=ROLE,
    )[0] == ("ClusterAlreadyExistsFault")


def test_fifty_nodes_per_region(kit: Any) -> None:
    for n in range(4):
        kit.dax.create_cluster(
            ClusterName=f"c{n}", NodeType="dax.t3.small", ReplicationFactor=11, IamRoleArn=ROLE
        )
    code, _ = kit.error(
        kit.dax.create_cluster,
        ClusterName="c5",
        NodeType="dax.t3.small",
        ReplicationFactor=7,
        IamRoleArn=ROLE,
    )
    assert code == "NodeQuotaForCustomerExceededFault"
    kit.dax.create_cluster(
        ClusterName="c5", NodeType="dax.t3.small", ReplicationFactor=6, IamRoleArn=ROLE
    )


def test_delete_cluster_deleting_then_gone(kit: Any) -> None:
    kit.cluster()
    deleted = kit.dax.delete_cluster(ClusterName="cache")["Cluster"]
    assert deleted["Status"] == "deleting"
    assert "Nodes" not in deleted
    assert kit.error(kit.dax.delete_cluster, ClusterName="cache")[0] == "InvalidClusterStateFault"
    kit.cloud.clock.advance(kit.backend.deletion_seconds)
    assert kit.dax.describe_clusters()["Clusters"] == []
    kit.cluster()  # the name is free again


def test_describe_clusters_pages(kit: Any) -> None:
    for n in range(25):
        kit.dax.create_cluster(
            ClusterName=f"c{n:02d}", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=ROLE
        )
    first = kit.dax.describe_clusters(MaxResults=20)
    assert len(first["Clusters"]) == 20
    rest = kit.dax.describe_clusters(MaxResults=20, NextToken=first["NextToken"])
    assert [c["ClusterName"] for c in rest["Clusters"]] == [f"c{n}" for n in range(20, 25)]
    assert "NextToken" not in rest
    assert kit.error(kit.dax.describe_clusters, MaxResults=5)[0] == (
        "InvalidParameterValueException"
    )


def test_parameter_groups(kit: Any) -> None:
    made = kit.dax.create_parameter_group(ParameterGroupName="short", Description="fast")
    assert made["ParameterGroup"] == {"ParameterGroupName": "short", "Description": "fast"}
    kit.dax.update_parameter_group(
        ParameterGroupName="short",
        ParameterNameValues=[
            {"ParameterName": "record-ttl-millis", "ParameterValue": "60000"},
            {"ParameterName": "query-ttl-millis", "ParameterValue": "1000"},
        ],
    )
    names = [
        g["ParameterGroupName"] for g in kit.dax.describe_parameter_groups()["ParameterGroups"]
    ]
    assert names == ["default.dax1.0", "short"]
    parameters = kit.dax.describe_parameters(ParameterGroupName="short")["Parameters"]
    assert {p["ParameterName"]: p["ParameterValue"] for p in parameters} == {
        "query-ttl-millis": "1000",
        "record-ttl-millis": "60000",
    }
    assert parameters[0] == {
        "ParameterName": "query-ttl-millis",
        "ParameterType": "DEFAULT",
        "ParameterValue": "1000",
        "NodeTypeSpecificValues": [],
        "Description": "Duration in milliseconds for queries to remain cached",
        "Source": "user",
        "DataType": "integer",
        "AllowedValues": "0-",
        "IsModifiable": "TRUE",
        "ChangeType": "IMMEDIATE",
    }
    defaults = kit.dax.describe_default_parameters()["Parameters"]
    assert {p["ParameterValue"] for p in defaults} == {"300000"}
    kit.cluster(ParameterGroupName="short")
    assert kit.error(kit.dax.delete_parameter_group, ParameterGroupName="short")[0] == (
        "InvalidParameterGroupStateFault"
    )


def test_parameter_group_refusals(kit: Any) -> None:
    kit.dax.create_parameter_group(ParameterGroupName="mine")
    assert kit.error(kit.dax.create_parameter_group, ParameterGroupName="mine")[0] == (
        "ParameterGroupAlreadyExistsFault"
    )
    for pairs, code in (
        (
            [{"ParameterName": "max-memory", "ParameterValue": "1"}],
            "InvalidParameterValueException",
        ),
        (
            [{"ParameterName": "record-ttl-millis", "ParameterValue": "-5"}],
            "InvalidParameterValueException",
        ),
        (
            [{"ParameterName": "record-ttl-millis", "ParameterValue": "soon"}],
            "InvalidParameterValueException",
        ),
    ):
        error = kit.error(
            kit.dax.update_parameter_group, ParameterGroupName="mine", ParameterNameValues=pairs
        )
        assert error[0] == code
    error = kit.error(
        kit.dax.update_parameter_group,
        ParameterGroupName="default.dax1.0",
        ParameterNameValues=[{"ParameterName": "record-ttl-millis", "ParameterValue": "1"}],
    )
    assert error[0] == "InvalidParameterGroupStateFault"
    assert kit.error(kit.dax.describe_parameters, ParameterGroupName="nope")[0] == (
        "ParameterGroupNotFoundFault"
    )
    assert kit.dax.delete_parameter_group(ParameterGroupName="mine")["DeletionMessage"]
    assert kit.error(kit.dax.delete_parameter_group, ParameterGroupName="default.dax1.0")[0] == (
        "InvalidParameterGroupStateFault"
    )


def test_state_round_trips(kit: Any) -> None:
    kit.dax.create_parameter_group(ParameterGroupName="mine")
    kit.cluster(ParameterGroupName="mine")
    kit.dax.create_cluster(
        ClusterName="later", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=ROLE
    )
    state = kit.cloud.snapshot()
    json.dumps(state)
    copy = Cloud.restore(state)
    dax = copy.client("dax")
    assert [c["Status"] for c in dax.describe_clusters()["Clusters"]] == ["available", "creating"]
    assert dax.describe_clusters()["Clusters"][0]["ParameterGroup"]["ParameterGroupName"] == "mine"
