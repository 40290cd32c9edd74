"""A real boto3 DAX client against the wire gateway: the JSON protocol and its errors."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from emulator import Cloud

ROLE = "arn:aws:iam::123456789012:role/DAX"


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with Cloud() as cloud:
        yield cloud


def _dax(cloud: Cloud):  # type: ignore[no-untyped-def]
    return boto3.client(
        "dax",
        endpoint_url=cloud.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )


def test_clusters_over_the_wire(cloud: Cloud) -> None:
    dax = _dax(cloud)
    created = dax.create_cluster(
        ClusterName="wire", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=ROLE
    )["Cluster"]
    assert created["Status"] == "creating"
    cloud.clock.advance(cloud.backend("dax").creation_seconds)  # type: ignore[attr-defined]
    (cluster,) = dax.describe_clusters(ClusterNames=["wire"])["Clusters"]
    assert cluster["Status"] == "available"
    assert cluster["Nodes"][0]["NodeCreateTime"].year == 2026
    groups = dax.describe_parameter_groups()["ParameterGroups"]
    assert groups[0]["ParameterGroupName"] == "default.dax1.0"


def test_faults_over_the_wire(cloud: Cloud) -> None:
    dax = _dax(cloud)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        dax.describe_clusters(ClusterNames=["absent"])
    assert caught.value.response["Error"]["Code"] == "ClusterNotFoundFault"
    with pytest.raises(dax.exceptions.ClusterNotFoundFault):
        dax.delete_cluster(ClusterName="absent")
