"""DAX behaviour in one Region: clusters on the clock, parameter groups, caches and metrics."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

from emulator.services.base import Backend
from emulator.services.dax.cache import ClusterCache
from emulator.services.dax.errors import (
    ClusterAlreadyExistsFault,
    ClusterNotFoundFault,
    InvalidClusterStateFault,
    InvalidParameterGroupStateFault,
    InvalidParameterValueException,
    NodeQuotaForClusterExceededFault,
    NodeQuotaForCustomerExceededFault,
    ParameterGroupAlreadyExistsFault,
    ParameterGroupNotFoundFault,
)
from emulator.services.dax.models import (
    CREATION_SECONDS,
    DEFAULT_GROUP,
    DELETION_SECONDS,
    NODE_TYPES,
    NODES_PER_CLUSTER,
    NODES_PER_REGION,
    PARAMETERS,
    QUERY_TTL,
    RECORD_TTL,
    Cluster,
    ParameterGroup,
)

NAMESPACE = "AWS/DAX"
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,19}$")
BAD_NAME = (
    "Cluster ID specified is not a valid identifier. Identifiers must begin with a letter; "
    "must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or "
    "contain two consecutive hyphens."
)
_GROUP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,254}$")


class DaxBackend(Backend):
    """Clusters and parameter groups of one Region, with each cluster's cache.

    ``creation_seconds`` and ``deletion_seconds`` are how long a cluster reads
    ``creating`` and ``deleting``; a lab may shorten them.
    """

    service = "dax"

    def __init__(self, cloud: Any, region: str) -> None:
        super().__init__(cloud, region)
        self.clusters: dict[str, Cluster] = {}
        self.parameter_groups: dict[str, ParameterGroup] = {
            DEFAULT_GROUP: ParameterGroup(DEFAULT_GROUP)
        }
        self.caches: dict[str, ClusterCache] = {}
        self.creation_seconds = CREATION_SECONDS
        self.deletion_seconds = DELETION_SECONDS

    # -- clusters -------------------------------------------------------------------------
    def create_cluster(
        self,
        name: str,
        node_type: str,
        replication_factor: int,
        iam_role_arn: str,
        *,
        parameter_group: str | None = None,
        description: str = "",
        sse: bool = False,
        encryption: str = "NONE",
    ) -> Cluster:
        name = check_cluster_name(name)
        check_role_arn(iam_role_arn)
        if node_type not in NODE_TYPES:
            raise InvalidParameterValueException(
                f"Invalid node type: {node_type}; the emulator knows {', '.join(sorted(NODE_TYPES))}"
            )
        if not isinstance(replication_factor, int) or replication_factor < 1:
            raise InvalidParameterValueException(
                "ReplicationFactor must be at least 1 (a single-node cluster)"
            )
        if replication_factor > NODES_PER_CLUSTER:
            raise NodeQuotaForClusterExceededFault(
                f"A DAX cluster has at most {NODES_PER_CLUSTER} nodes: the primary node and "
                f"up to {NODES_PER_CLUSTER - 1} read replicas"
            )
        group = self.parameter_group(parameter_group or DEFAULT_GROUP)
        if name in self.live_clusters():
            raise ClusterAlreadyExistsFault(f"Cluster {name} already exists.")
        used = sum(c.replication_factor for c in self.live_clusters().values())
        if used + replication_factor > NODES_PER_REGION:
            raise NodeQuotaForCustomerExceededFault(
                f"You have attempted to exceed the maximum number of nodes ({NODES_PER_REGION}) "
                f"for your account in {self.region}: {used} are in use"
            )
        now = self.cloud.clock.now()
        token = hashlib.md5(
            f"{self.account_id}:{self.region}:{name}".encode(), usedforsecurity=False
        ).hexdigest()[:6]
        cluster = Cluster(
            name=name,
            node_type=node_type,
            replication_factor=replication_factor,
            iam_role_arn=iam_role_arn,
            parameter_group=group.name,
            created=now,
            ready=now + self.creation_seconds,
            token=token,
            description=description,
            sse=sse,
            encryption=encryption,
        )
        self.clusters[name] = cluster
        self.caches[name] = ClusterCache()
        return cluster

    def live_clusters(self) -> dict[str, Cluster]:
        """Every cluster not yet gone, dropping those whose deletion has finished."""
        now = self.cloud.clock.now()
        for name, cluster in list(self.clusters.items()):
            if cluster.deleting is not None and now >= cluster.deleting + self.deletion_seconds:
                del self.clusters[name]
                self.caches.pop(name, None)
        return self.clusters

    def cluster(self, name: str, *, message: str | None = None) -> Cluster:
        found = self.live_clusters().get(name.lower() if isinstance(name, str) else name)
        if found is None:
            raise ClusterNotFoundFault(message or f"Cluster {name} not found.")
        return found

    def status(self, cluster: Cluster) -> str:
        """creating, available or deleting, by the clock."""
        if cluster.deleting is not None:
            return "deleting"
        return "creating" if self.cloud.clock.now() < cluster.ready else "available"

    def delete_cluster(self, name: str) -> Cluster:
        cluster = self.cluster(name, message="Cluster not found.")
        if cluster.deleting is not None:
            raise InvalidClusterStateFault(f"Cluster {cluster.name} is already being deleted.")
        cluster.deleting = self.cloud.clock.now()
        return cluster

    def available(self, name: str) -> Cluster:
        """A cluster that can serve requests, for the data plane."""
        cluster = self.cluster(name)
        state = self.status(cluster)
        if state != "available":
            raise InvalidClusterStateFault(
                f"Cluster {cluster.name} is {state}, not available: it serves requests once "
                "DescribeClusters shows it as available"
            )
        return cluster

    # -- parameter groups -----------------------------------------------------------------
    def parameter_group(self, name: str) -> ParameterGroup:
        group = self.parameter_groups.get(name)
        if group is None:
            raise ParameterGroupNotFoundFault(f"Parameter group {name} not found.")
        return group

    def create_parameter_group(self, name: str, description: str = "") -> ParameterGroup:
        if not isinstance(name, str) or not _GROUP_NAME.match(name):
            raise InvalidParameterValueException(
                "A parameter group name begins with a letter and holds only letters, digits "
                "and hyphens, at most 255 of them"
            )
        if name in self.parameter_groups:
            raise ParameterGroupAlreadyExistsFault(f"Parameter group {name} already exists.")
        group = self.parameter_groups[name] = ParameterGroup(name, description)
        return group

    def update_parameter_group(self, name: str, values: dict[str, int]) -> ParameterGroup:
        group = self.parameter_group(name)
        if name == DEFAULT_GROUP:
            raise InvalidParameterGroupStateFault(
                f"The default parameter group {DEFAULT_GROUP} cannot be modified; create your own"
            )
        for parameter, value in values.items():
            if parameter not in PARAMETERS:
                raise InvalidParameterValueException(
                    f"Unknown parameter {parameter}: only {RECORD_TTL} and {QUERY_TTL} can be set"
                )
            if value < 0:
                raise InvalidParameterValueException(f"{parameter} must be 0 or more")
        if RECORD_TTL in values:
            group.record_ttl_millis = values[RECORD_TTL]
        if QUERY_TTL in values:
            group.query_ttl_millis = values[QUERY_TTL]
        return group

    def delete_parameter_group(self, name: str) -> None:
        self.parameter_group(name)
        if name == DEFAULT_GROUP:
            raise InvalidParameterGroupStateFault(
                f"The default parameter group {DEFAULT_GROUP} cannot be deleted"
            )
        users = sorted(c.name for c in self.live_clusters().values() if c.parameter_group == name)
        if users:
            raise InvalidParameterGroupStateFault(
                f"Parameter group {name} is in use by cluster(s): {', '.join(users)}"
            )
        del self.parameter_groups[name]

    # -- caches and metrics ---------------------------------------------------------------
    def cache(self, cluster: Cluster) -> ClusterCache:
        return self.caches.setdefault(cluster.name, ClusterCache())

    def ttls(self, cluster: Cluster) -> tuple[int, int]:
        """The cluster's (record, query) TTLs in milliseconds, from its parameter group."""
        group = self.parameter_groups.get(cluster.parameter_group) or ParameterGroup(DEFAULT_GROUP)
        return group.record_ttl_millis, group.query_ttl_millis

    def count(self, cluster: Cluster, metric: str, amount: int = 1) -> None:
        """Count a metric on the cluster and publish it to CloudWatch (AWS/DAX, ClusterId)."""
        if amount <= 0:
            return  # DAX "sends metrics to CloudWatch only when they have a non-zero value"
        self.cache(cluster).counters[metric] += amount
        cw: Any = self.cloud.backend("cloudwatch", self.region)
        cw.record(NAMESPACE, metric, (("ClusterId", cluster.name),), float(amount), "Count")

    # -- state ----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        self.live_clusters()
        return {
            "creation_seconds": self.creation_seconds,
            "deletion_seconds": self.deletion_seconds,
            "clusters": [dataclasses.asdict(c) for c in self.clusters.values()],
            "parameter_groups": [dataclasses.asdict(g) for g in self.parameter_groups.values()],
            "caches": {name: cache.snapshot() for name, cache in sorted(self.caches.items())},
        }

    def load(self, state: dict[str, Any]) -> None:
        self.creation_seconds = float(state.get("creation_seconds", self.creation_seconds))
        self.deletion_seconds = float(state.get("deletion_seconds", self.deletion_seconds))
        for data in state.get("clusters", []):
            self.clusters[data["name"]] = Cluster(**data)
        for data in state.get("parameter_groups", []):
            self.parameter_groups[data["name"]] = ParameterGroup(**data)
        for name, data in state.get("caches", {}).items():
            cache = self.caches[name] = ClusterCache()
            cache.load(data)


def check_cluster_name(name: Any) -> str:
    """A valid ClusterName, lowercased as DAX stores it."""
    if not isinstance(name, str):
        raise InvalidParameterValueException(BAD_NAME)
    lowered = name.lower()
    if not _NAME.match(lowered) or lowered.endswith("-") or "--" in lowered:
        raise InvalidParameterValueException(BAD_NAME)
    return lowered


def check_role_arn(arn: Any) -> None:
    """The ARN checks (and moto's record of their messages) for IamRoleArn."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        raise InvalidParameterValueException(f"ARNs must start with 'arn:': {arn}")
    sections = arn.split(":")
    for needed, message in (
        (3, "Second colon partition not found"),
        (4, "Third colon vendor not found"),
        (5, "Fourth colon (region/namespace delimiter) not found"),
        (6, "Fifth colon (namespace/relative-id delimiter) not found"),
    ):
        if len(sections) < needed:
            raise InvalidParameterValueException(f"{message}: {arn}")


BACKEND = DaxBackend
