"""DAX's error codes (botocore's dax model).

Messages: "Cluster <name> not found." (DescribeClusters) and "Cluster not found."
(DeleteCluster), the identifier rule and the ARN messages are the ones moto records for
AWS; the others are written here and UNVERIFIED against AWS's wording.
"""

from __future__ import annotations

from emulator.errors import ServiceError


class _Fault(ServiceError):
    status = 400
    sender_fault = True


class ClusterAlreadyExistsFault(_Fault):
    code = "ClusterAlreadyExistsFault"


class ClusterNotFoundFault(_Fault):
    code = "ClusterNotFoundFault"


class InvalidClusterStateFault(_Fault):
    code = "InvalidClusterStateFault"


class NodeQuotaForClusterExceededFault(_Fault):
    code = "NodeQuotaForClusterExceededFault"


class NodeQuotaForCustomerExceededFault(_Fault):
    code = "NodeQuotaForCustomerExceededFault"


class ParameterGroupAlreadyExistsFault(_Fault):
    code = "ParameterGroupAlreadyExistsFault"


class ParameterGroupNotFoundFault(_Fault):
    code = "ParameterGroupNotFoundFault"


class InvalidParameterGroupStateFault(_Fault):
    code = "InvalidParameterGroupStateFault"


class InvalidParameterValueException(_Fault):
    code = "InvalidParameterValueException"


class InvalidParameterCombinationException(_Fault):
    code = "InvalidParameterCombinationException"
