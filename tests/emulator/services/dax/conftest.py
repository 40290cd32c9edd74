"""What the DAX tests start from: a cloud with a table, a cluster, and helpers.

Tests reach the helpers through the ``kit`` fixture (``kit.item(...)``), since test modules
are imported on their own and cannot import this one.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator import ClientError, Cloud

ROLE = "arn:aws:iam::123456789012:role/DAXServiceRoleForDynamoDBAccess"
TABLE = "Orders"


class Kit:
    """A cloud with table Orders (pk S, sk N) and the DAX control-plane client."""

    ROLE = ROLE
    TABLE = TABLE

    def __init__(self) -> None:
        self.cloud = Cloud()
        self.ddb = self.cloud.client("dynamodb")
        self.dax = self.cloud.client("dax")
        self.backend: Any = self.cloud.backend("dax")
        self.ddb.create_table(
            TableName=TABLE,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )

    def cluster(self, name: str = "cache", **extra: Any) -> dict[str, Any]:
        """Create a cluster and wait until it is available."""
        answer = self.dax.create_cluster(
            ClusterName=name,
            NodeType="dax.t3.small",
            ReplicationFactor=extra.pop("ReplicationFactor", 1),
            IamRoleArn=ROLE,
            **extra,
        )
        self.cloud.clock.advance(self.backend.creation_seconds)
        return answer["Cluster"]  # type: ignore[no-any-return]

    @staticmethod
    def item(pk: str, sk: int = 1, **values: str) -> dict[str, Any]:
        """An item of Orders; keyword values become S attributes."""
        return {"pk": {"S": pk}, "sk": {"N": str(sk)}} | {k: {"S": v} for k, v in values.items()}

    @staticmethod
    def key(pk: str, sk: int = 1) -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": {"N": str(sk)}}

    def error(self, call: Any, **params: Any) -> tuple[str, str]:
        with pytest.raises(ClientError) as caught:
            call(**params)
        error = caught.value.response["Error"]
        return error["Code"], error["Message"]


@pytest.fixture
def kit() -> Kit:
    return Kit()
