"""DAX's state: clusters and parameter groups, as plain data.

Facts, from the DynamoDB developer guide unless said otherwise:

* "A DAX cluster can support up to 11 nodes per cluster (the primary node, plus a maximum
  of 10 read replicas)" ("DAX cluster components"); 50 nodes per Region (Service Quotas,
  kept in ``shared/reference/aws-facts.md``).
* The default parameter group is ``default.dax1.0``; its ``record-ttl-millis`` and
  ``query-ttl-millis`` are 300000 (five minutes), changed at once (``ChangeType``
  IMMEDIATE), and "0 = infinite" for records (the aws CLI's ``describe-parameters``
  example). ``record-ttl-millis`` and ``query-ttl-millis`` are "the only supported
  parameter names" (botocore, UpdateParameterGroup).
* A cluster ARN is ``arn:aws:dax:<region>:<account>:cache/<name>``, the name "stored as a
  lowercase string"; a new cluster reads ``creating`` with an endpoint of port 8111 only
  (the aws CLI's ``create-cluster`` example); clusters take "roughly 5-10 minutes to
  provision" (UNVERIFIED, third-party), modelled as ``CREATION_SECONDS``.
* Endpoints: ``<name>.<id>.dax-clusters.<region>.amazonaws.com`` and node endpoints
  ``<name>-a.<id>.nodes.dax-clusters...`` (moto's records); URL scheme ``dax://``, and
  ``daxs://`` on port 9111 for TLS (DAX client documentation).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_GROUP = "default.dax1.0"
#: Five minutes, in milliseconds, for both caches.
DEFAULT_TTL_MILLIS = 300_000
RECORD_TTL = "record-ttl-millis"
QUERY_TTL = "query-ttl-millis"
PARAMETERS = (QUERY_TTL, RECORD_TTL)
#: The primary node plus up to 10 read replicas.
NODES_PER_CLUSTER = 11
NODES_PER_REGION = 50
#: Virtual seconds a cluster reads ``creating`` and ``deleting``. UNVERIFIED.
CREATION_SECONDS = 300.0
DELETION_SECONDS = 120.0
PORT = 8111
TLS_PORT = 9111
_R4 = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge")
_R5 = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge")
NODE_TYPES = frozenset(
    ["dax.t2.small", "dax.t2.medium", "dax.t3.small", "dax.t3.medium"]
    + [f"dax.r4.{size}" for size in _R4]
    + [f"dax.r5.{size}" for size in _R5]
)


@dataclass
class ParameterGroup:
    """A named pair of cache TTLs.

    Attributes:
        name: ParameterGroupName.
        description: Description, "" when none was given.
        record_ttl_millis: how long the item cache keeps an entry (0 = until written over).
        query_ttl_millis: how long the query cache keeps a result (0 = until written over).
    """

    name: str
    description: str = ""
    record_ttl_millis: int = DEFAULT_TTL_MILLIS
    query_ttl_millis: int = DEFAULT_TTL_MILLIS

    def value(self, parameter: str) -> int:
        return self.record_ttl_millis if parameter == RECORD_TTL else self.query_ttl_millis


@dataclass
class Cluster:
    """One DAX cluster.

    Attributes:
        name: ClusterName, lowercase.
        node_type: NodeType.
        replication_factor: how many nodes.
        iam_role_arn: the role DAX would use to reach DynamoDB.
        parameter_group: ParameterGroupName.
        created: virtual time of CreateCluster.
        ready: when it turns ``available``.
        token: the six hex digits in its endpoints.
        description: Description, "" when none was given.
        sse: whether encryption at rest was asked for.
        encryption: ClusterEndpointEncryptionType, NONE or TLS.
        deleting: virtual time of DeleteCluster, None before.
    """

    name: str
    node_type: str
    replication_factor: int
    iam_role_arn: str
    parameter_group: str
    created: float
    ready: float
    token: str
    description: str = ""
    sse: bool = False
    encryption: str = "NONE"
    deleting: float | None = None

    @property
    def port(self) -> int:
        return TLS_PORT if self.encryption == "TLS" else PORT
