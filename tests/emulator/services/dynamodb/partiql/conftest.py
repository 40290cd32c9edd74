"""Tables for the PartiQL tests."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import Cloud


def partiql_cloud() -> Cloud:
    """A fresh account (its DynamoDB answers ExecuteStatement and its two siblings)."""
    return Cloud()


@pytest.fixture
def cloud() -> Cloud:
    return partiql_cloud()


@pytest.fixture
def ddb(cloud: Cloud) -> Any:
    """A client with ``Music`` (pk S, sk N) and ``Users`` (id S) tables, on demand."""
    client = cloud.client("dynamodb")
    client.create_table(
        TableName="Music",
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
    client.create_table(
        TableName="Users",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return client
