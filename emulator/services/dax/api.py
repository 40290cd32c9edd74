"""DAX's control-plane request and response shapes (botocore's dax model, JSON protocol)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from emulator.errors import NotSupportedByEmulator
from emulator.services.base import require
from emulator.services.dax.backend import DaxBackend
from emulator.services.dax.errors import InvalidParameterValueException
from emulator.services.dax.models import (
    DEFAULT_TTL_MILLIS,
    PARAMETERS,
    QUERY_TTL,
    Cluster,
    ParameterGroup,
)

_ACCEPTED = {
    "CreateCluster": {
        "ClusterName",
        "NodeType",
        "ReplicationFactor",
        "IamRoleArn",
        "ParameterGroupName",
        "Description",
        "SSESpecification",
        "ClusterEndpointEncryptionType",
    },
    "DescribeClusters": {"ClusterNames", "MaxResults", "NextToken"},
    "DeleteCluster": {"ClusterName"},
    "CreateParameterGroup": {"ParameterGroupName", "Description"},
    "UpdateParameterGroup": {"ParameterGroupName", "ParameterNameValues"},
    "DescribeParameterGroups": {"ParameterGroupNames", "MaxResults", "NextToken"},
    "DescribeParameters": {"ParameterGroupName", "Source", "MaxResults", "NextToken"},
    "DescribeDefaultParameters": {"MaxResults", "NextToken"},
    "DeleteParameterGroup": {"ParameterGroupName"},
}
#: A maintenance window DAX picks when none is asked for (the aws CLI example's).
_WINDOW = "thu:13:00-thu:14:00"
_DESCRIPTIONS = {
    QUERY_TTL: "Duration in milliseconds for queries to remain cached",
    "record-ttl-millis": "Duration in milliseconds for records to remain valid in cache "
    "(Default: 0 = infinite)",
}


def _accept(operation: str, params: dict[str, Any]) -> None:
    extra = sorted(set(params) - _ACCEPTED[operation])
    if extra:
        raise NotSupportedByEmulator(f"DAX {operation} with {extra[0]}")


def _address(backend: DaxBackend, cluster: Cluster, node: str | None = None) -> str:
    where = f"{cluster.token}.dax-clusters.{backend.region}.amazonaws.com"
    if node is None:
        return f"{cluster.name}.{where}"
    return f"{node}.{cluster.token}.nodes.dax-clusters.{backend.region}.amazonaws.com"


def describe_cluster(backend: DaxBackend, cluster: Cluster) -> dict[str, Any]:
    """A Cluster shape; endpoints and nodes only once it is available, as DAX shows them."""
    status = backend.status(cluster)
    available = status == "available"
    endpoint: dict[str, Any] = {"Port": cluster.port}
    if available:
        address = _address(backend, cluster)
        scheme = "daxs" if cluster.encryption == "TLS" else "dax"
        endpoint = {"Address": address, "Port": cluster.port, "URL": f"{scheme}://{address}"}
    shape: dict[str, Any] = {
        "ClusterName": cluster.name,
        "ClusterArn": backend.arn(f"cache/{cluster.name}"),
        "TotalNodes": cluster.replication_factor,
        "ActiveNodes": cluster.replication_factor if available else 0,
        "NodeType": cluster.node_type,
        "Status": status,
        "ClusterDiscoveryEndpoint": endpoint,
        "PreferredMaintenanceWindow": _WINDOW,
        "SubnetGroup": "default",
        "IamRoleArn": cluster.iam_role_arn,
        "ParameterGroup": {
            "ParameterGroupName": cluster.parameter_group,
            "ParameterApplyStatus": "in-sync",
            "NodeIdsToReboot": [],
        },
        "SSEDescription": {"Status": "ENABLED" if cluster.sse else "DISABLED"},
        "ClusterEndpointEncryptionType": cluster.encryption,
    }
    if cluster.description:
        shape["Description"] = cluster.description
    if available:
        created = dt.datetime.fromtimestamp(cluster.ready, dt.UTC)
        shape["Nodes"] = [
            {
                "NodeId": node,
                "Endpoint": {"Address": _address(backend, cluster, node), "Port": cluster.port},
                "NodeCreateTime": created,
                "AvailabilityZone": f"{backend.region}{'abc'[index % 3]}",
                "NodeStatus": "available",
                "ParameterGroupStatus": "in-sync",
            }
            for index, node in enumerate(
                f"{cluster.name}-{chr(ord('a') + i)}" for i in range(cluster.replication_factor)
            )
        ]
    return shape


def create_cluster(backend: DaxBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("CreateCluster", params)
    require(params, "ClusterName", "NodeType", "ReplicationFactor", "IamRoleArn")
    encryption = params.get("ClusterEndpointEncryptionType", "NONE")
    if encryption not in ("NONE", "TLS"):
        raise InvalidParameterValueException(
            f"ClusterEndpointEncryptionType must be NONE or TLS, not {encryption}"
        )
    sse = params.get("SSESpecification") or {}
    cluster = backend.create_cluster(
        params["ClusterName"],
        params["NodeType"],
        params["ReplicationFactor"],
        params["IamRoleArn"],
        parameter_group=params.get("ParameterGroupName"),
        description=params.get("Description", ""),
        sse=bool(sse.get("Enabled", False)),
        encryption=encryption,
    )
    return {"Cluster": describe_cluster(backend, cluster)}


def describe_clusters(backend: DaxBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DescribeClusters", params)
    names = params.get("ClusterNames")
    if names:
        found = [backend.cluster(name) for name in names]
    else:
        found = sorted(backend.live_clusters().values(), key=lambda c: c.name)
    page, token = _page(found, params)
    answer: dict[str, Any] = {"Clusters": [describe_cluster(backend, c) for c in page]}
    if token is not None:
        answer["NextToken"] = token
    return answer


def delete_cluster(backend: DaxBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DeleteCluster", params)
    require(params, "ClusterName")
    cluster = backend.delete_cluster(params["ClusterName"])
    return {"Cluster": describe_cluster(backend, cluster)}


def _group_shape(group: ParameterGroup) -> dict[str, Any]:
    return {"ParameterGroupName": group.name, "Description": group.description}


def create_parameter_group(backend: DaxBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("CreateParameterGroup", params)
    require(params, "ParameterGroupName")
    group = backend.create_parameter_group(
        params["ParameterGroupName"], params.get("Description", "")
    )
    return {"ParameterGroup": _group_shape(group)}


def update_parameter_group(backend: DaxBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("UpdateParameterGroup", params)
    require(params, "ParameterGroupName", "ParameterNameValues")
    values: dict[str, int] = {}
    for pair in params["ParameterNameValues"]:
        name, value = pair.get("ParameterName"), pair.get("ParameterValue")
        if name is None or value is None:
            raise InvalidParameterValueException(
                "Each ParameterNameValues entry needs ParameterName and ParameterValue"
            )
        if not isinstance(value, str) or not value.isdigit():
            raise InvalidParameterValueException(
                f"Invalid value {value!r} for {name}: a whole number of milliseconds, 0 or more"
            )
        values[name] = int(value)
    group = backend.update_parameter_group(params["ParameterGroupName"], values)
    return {"ParameterGroup": _group_shape(group)}


def describe_parameter_groups(backend: DaxBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DescribeParameterGroups", params)
    names = params.get("ParameterGroupNames")
    if names:
        groups = [backend.parameter_group(name) for name in names]
    else:
        groups = sorted(backend.parameter_groups.values(), key=lambda g: g.name)
    page, token = _page(groups, params)
    answer: dict[str, Any] = {"ParameterGroups": [_group_shape(g) for g in page]}
    if token is not None:
        answer["NextToken"] = token
    return answer


def _parameters(values: dict[str, int], source: str) -> list[dict[str, Any]]:
    return [
        {
            "ParameterName": name,
            "ParameterType": "DEFAULT",
            "ParameterValue": str(values[name]),
            "NodeTypeSpecificValues": [],
            "Description": _DESCRIPTIONS[name],
            "Source": source,
            "DataType": "integer",
            "AllowedValues": "0-",
            "IsModifiable": "TRUE",
            "ChangeType": "IMMEDIATE",
        }
        for name in PARAMETERS
    ]


def describe_parameters(backend: DaxBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DescribeParameters", params)
    require(params, "ParameterGroupName")
    group = backend.parameter_group(params["ParameterGroupName"])
    source = params.get("Source")
    found = _parameters({name: group.value(name) for name in PARAMETERS}, "user")
    if source is not None and source != "user":
        found = []
    page, token = _page(found, params)
    answer: dict[str, Any] = {"Parameters": page}
    if token is not None:
        answer["NextToken"] = token
    return answer


def describe_default_parameters(backend: DaxBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DescribeDefaultParameters", params)
    found = _parameters(dict.fromkeys(PARAMETERS, DEFAULT_TTL_MILLIS), "system")
    page, token = _page(found, params)
    answer: dict[str, Any] = {"Parameters": page}
    if token is not None:
        answer["NextToken"] = token
    return answer


def delete_parameter_group(backend: DaxBackend, params: dict[str, Any]) -> dict[str, Any]:
    _accept("DeleteParameterGroup", params)
    require(params, "ParameterGroupName")
    backend.delete_parameter_group(params["ParameterGroupName"])
    return {"DeletionMessage": f"Parameter group {params['ParameterGroupName']} deleted."}


def _page(found: list[Any], params: dict[str, Any]) -> tuple[list[Any], str | None]:
    """One page of results; ``NextToken`` is the offset of the next one."""
    limit = params.get("MaxResults", 100)
    if not isinstance(limit, int) or not 20 <= limit <= 100:
        raise InvalidParameterValueException("The value for MaxResults must be between 20 and 100.")
    token = params.get("NextToken")
    start = 0
    if token is not None:
        if not isinstance(token, str) or not token.isdigit():
            raise InvalidParameterValueException(f"Invalid NextToken: {token}")
        start = int(token)
    end = start + limit
    return found[start:end], (str(end) if end < len(found) else None)


OPERATIONS = {
    "CreateCluster": create_cluster,
    "DescribeClusters": describe_clusters,
    "DeleteCluster": delete_cluster,
    "CreateParameterGroup": create_parameter_group,
    "UpdateParameterGroup": update_parameter_group,
    "DescribeParameterGroups": describe_parameter_groups,
    "DescribeParameters": describe_parameters,
    "DescribeDefaultParameters": describe_default_parameters,
    "DeleteParameterGroup": delete_parameter_group,
}
