"""The DAX data plane on a manual clock: hits, misses, TTLs, write-through and stale queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from emulator import ClientError
from emulator.services.dax.client import connect
from emulator.services.dynamodb import api_replicas

TTL = 300.0  # the default parameter group's five minutes
QUERY = {
    "TableName": "Orders",
    "KeyConditionExpression": "pk = :p",
    "ExpressionAttributeValues": {":p": {"S": "a"}},
}


@pytest.fixture
def dax(kit: Any) -> Any:
    kit.cluster()
    return connect(kit.cloud, "cache")


def _get(client: Any, kit: Any, pk: str = "a", sk: int = 1, **extra: Any) -> Any:
    return client.get_item(TableName="Orders", Key=kit.key(pk, sk), **extra).get("Item")


def test_a_miss_then_a_hit(kit: Any, dax: Any) -> None:
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a", v="1"))
    assert _get(dax, kit) == kit.item("a", v="1")
    assert _get(dax, kit) == kit.item("a", v="1")
    stats = dax.stats()
    assert (stats["ItemCacheMisses"], stats["ItemCacheHits"]) == (1, 1)
    assert stats["GetItemRequestCount"] == 2
    (hit,) = kit.cloud.events.filter(kind="cache_hit", service="dax")
    assert hit.resource == "cache"
    assert hit.detail["cache"] == "item"


def test_the_item_cache_expires_on_the_clock(kit: Any, dax: Any) -> None:
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a", v="1"))
    _get(dax, kit)
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a", v="2"))  # around DAX
    kit.cloud.clock.advance(TTL - 1)
    assert _get(dax, kit) == kit.item("a", v="1")  # stale until the TTL ends
    kit.cloud.clock.advance(1)
    assert _get(dax, kit) == kit.item("a", v="2")
    assert dax.stats()["ItemCacheMisses"] == 2


def test_missing_items_are_cached_too(kit: Any, dax: Any) -> None:
    assert _get(dax, kit) is None
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a"))  # around DAX
    assert _get(dax, kit) is None  # the negative entry answers
    assert dax.stats()["ItemCacheHits"] == 1
    dax.put_item(TableName="Orders", Item=kit.item("a", v="via dax"))
    assert _get(dax, kit) == kit.item("a", v="via dax")


def test_writes_through_dax_update_the_item_cache(kit: Any, dax: Any) -> None:
    dax.put_item(TableName="Orders", Item=kit.item("a", v="1"))
    kit.cloud.clock.advance(TTL - 10)
    dax.update_item(
        TableName="Orders",
        Key=kit.key("a"),
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"S": "2"}},
    )
    kit.cloud.clock.advance(TTL - 10)  # the update started the TTL again
    assert _get(dax, kit) == kit.item("a", v="2")
    assert dax.stats().get("ItemCacheMisses", 0) == 0
    dax.delete_item(TableName="Orders", Key=kit.key("a"))
    assert _get(dax, kit) is None
    assert dax.stats()["ItemCacheHits"] == 2


def test_a_failed_write_leaves_the_cache_alone(kit: Any, dax: Any) -> None:
    dax.put_item(TableName="Orders", Item=kit.item("a", v="1"))
    with pytest.raises(dax.exceptions.ConditionalCheckFailedException):
        dax.put_item(
            TableName="Orders",
            Item=kit.item("a", v="2"),
            ConditionExpression="attribute_not_exists(pk)",
        )
    assert _get(dax, kit) == kit.item("a", v="1")
    assert dax.stats()["ErrorRequestCount"] == 1


def test_a_cached_query_stays_stale_until_its_ttl(kit: Any, dax: Any) -> None:
    dax.put_item(TableName="Orders", Item=kit.item("a", 1))
    assert dax.query(**QUERY)["Count"] == 1
    dax.put_item(TableName="Orders", Item=kit.item("a", 2))  # write-through: item cache only
    assert _get(dax, kit, sk=2) == kit.item("a", 2)
    assert dax.query(**QUERY)["Count"] == 1  # the classic: the query cache did not see it
    kit.cloud.clock.advance(TTL)
    assert dax.query(**QUERY)["Count"] == 2
    stats = dax.stats()
    assert (stats["QueryCacheMisses"], stats["QueryCacheHits"]) == (2, 1)


def test_queries_are_keyed_by_the_whole_request(kit: Any, dax: Any) -> None:
    dax.put_item(TableName="Orders", Item=kit.item("a", 1))
    dax.query(**QUERY)
    dax.query(**QUERY, Limit=1)
    dax.query(**QUERY, ScanIndexForward=False)
    assert dax.stats()["QueryCacheMisses"] == 3
    dax.query(**dict(reversed(list(QUERY.items()))))
    assert dax.stats()["QueryCacheHits"] == 1


def test_scans_have_their_own_counters(kit: Any, dax: Any) -> None:
    dax.put_item(TableName="Orders", Item=kit.item("a"))
    dax.scan(TableName="Orders")
    dax.scan(TableName="Orders")
    stats = dax.stats()
    assert (stats["ScanCacheMisses"], stats["ScanCacheHits"], stats["ScanRequestCount"]) == (
        1,
        1,
        2,
    )
    assert "QueryCacheHits" not in stats


def test_the_query_ttl_comes_from_the_parameter_group(kit: Any) -> None:
    kit.dax.create_parameter_group(ParameterGroupName="short")
    kit.dax.update_parameter_group(
        ParameterGroupName="short",
        ParameterNameValues=[
            {"ParameterName": "query-ttl-millis", "ParameterValue": "10000"},
            {"ParameterName": "record-ttl-millis", "ParameterValue": "0"},
        ],
    )
    kit.cluster(ParameterGroupName="short")
    dax = connect(kit.cloud, "cache")
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a"))
    dax.query(**QUERY)
    _get(dax, kit)
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a", 2))
    kit.cloud.clock.advance(10)
    assert dax.query(**QUERY)["Count"] == 2
    kit.cloud.clock.advance(86400 * 365)
    assert _get(dax, kit) == kit.item("a")  # record-ttl-millis 0: until written over
    assert dax.stats()["ItemCacheHits"] == 1


def test_strongly_consistent_reads_pass_through_uncached(kit: Any, dax: Any) -> None:
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a", v="1"))
    _get(dax, kit)
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a", v="2"))
    assert _get(dax, kit, ConsistentRead=True) == kit.item("a", v="2")
    assert _get(dax, kit) == kit.item("a", v="1")  # the strong read cached nothing
    assert dax.query(**QUERY, ConsistentRead=True)["Count"] == 1
    stats = dax.stats()
    assert (stats["ItemCacheMisses"], stats["ItemCacheHits"]) == (1, 1)
    assert "QueryCacheMisses" not in stats


def test_projections_apply_to_cached_items(kit: Any, dax: Any) -> None:
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a", v="1", w="2"))
    assert _get(dax, kit, ProjectionExpression="v") == {"v": {"S": "1"}}
    assert _get(dax, kit, ProjectionExpression="#w", ExpressionAttributeNames={"#w": "w"}) == {
        "w": {"S": "2"}
    }
    assert dax.stats()["ItemCacheHits"] == 1


def test_batch_get_mixes_hits_and_misses(kit: Any, dax: Any) -> None:
    for sk in (1, 2):
        kit.ddb.put_item(TableName="Orders", Item=kit.item("a", sk))
    _get(dax, kit, sk=1)
    answer = dax.batch_get_item(
        RequestItems={"Orders": {"Keys": [kit.key("a", 1), kit.key("a", 2), kit.key("a", 3)]}}
    )
    assert sorted(i["sk"]["N"] for i in answer["Responses"]["Orders"]) == ["1", "2"]
    assert answer["UnprocessedKeys"] == {}
    stats = dax.stats()
    assert (stats["ItemCacheHits"], stats["ItemCacheMisses"]) == (1, 3)
    dax.batch_get_item(RequestItems={"Orders": {"Keys": [kit.key("a", 2), kit.key("a", 3)]}})
    assert dax.stats()["ItemCacheHits"] == 3
    code = kit.error(
        dax.batch_get_item, RequestItems={"Orders": {"Keys": [kit.key("a"), kit.key("a")]}}
    )
    assert code == ("ValidationException", "Provided list of item keys contains duplicates")


def test_batch_write_and_transactions_write_through(kit: Any, dax: Any) -> None:
    dax.batch_write_item(
        RequestItems={
            "Orders": [
                {"PutRequest": {"Item": kit.item("a", 1, v="batch")}},
                {"DeleteRequest": {"Key": kit.key("a", 2)}},
            ]
        }
    )
    dax.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "Orders", "Item": kit.item("b", 1, v="tx")}},
            {
                "Update": {
                    "TableName": "Orders",
                    "Key": kit.key("b", 2),
                    "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"S": "tx"}},
                }
            },
        ]
    )
    assert _get(dax, kit, "a", 1) == kit.item("a", 1, v="batch")
    assert _get(dax, kit, "a", 2) is None
    assert _get(dax, kit, "b", 1) == kit.item("b", 1, v="tx")
    assert _get(dax, kit, "b", 2) == kit.item("b", 2, v="tx")
    stats = dax.stats()
    assert stats["ItemCacheHits"] == 4
    assert "ItemCacheMisses" not in stats
    assert stats["TransactWriteItemsCount"] == 1
    answer = dax.transact_get_items(
        TransactItems=[{"Get": {"TableName": "Orders", "Key": kit.key("b", 1)}}]
    )
    assert answer["Responses"] == [{"Item": kit.item("b", 1, v="tx")}]
    assert dax.stats()["ItemCacheHits"] == 4  # TransactGetItems passes through


def test_metrics_reach_cloudwatch(kit: Any, dax: Any) -> None:
    start = kit.cloud.clock.now()
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a"))
    for _ in range(3):
        _get(dax, kit)
    cw = kit.cloud.client("cloudwatch")
    answer = cw.get_metric_statistics(
        Namespace="AWS/DAX",
        MetricName="ItemCacheHits",
        Dimensions=[{"Name": "ClusterId", "Value": "cache"}],
        StartTime=dt.datetime.fromtimestamp(start - 60, dt.UTC),
        EndTime=dt.datetime.fromtimestamp(start + 60, dt.UTC),
        Period=60,
        Statistics=["Sum"],
    )
    assert [p["Sum"] for p in answer["Datapoints"]] == [2.0]
    names = {m["MetricName"] for m in cw.list_metrics(Namespace="AWS/DAX")["Metrics"]}
    assert {"ItemCacheHits", "ItemCacheMisses", "GetItemRequestCount"} <= names


def test_errors_are_clienterrors_and_counted(kit: Any, dax: Any) -> None:
    code, _ = kit.error(dax.get_item, TableName="Nope", Key=kit.key("a"))
    assert code == "ResourceNotFoundException"
    code, _ = kit.error(dax.get_item, TableName="Orders", Key={"pk": {"S": "a"}})
    assert code == "ValidationException"
    code, _ = kit.error(
        dax.get_item, TableName="Orders", Key=kit.key("a"), ReturnConsumedCapacity="TOTAL"
    )
    assert code == "NotSupportedByEmulator"
    assert dax.stats()["ErrorRequestCount"] == 3
    with pytest.raises(AttributeError, match="no operation 'create_table'"):
        dax.create_table()


def test_a_cluster_serves_only_while_available(kit: Any) -> None:
    code, message = kit.error(connect, cloud=kit.cloud, cluster_name="nope")
    assert (code, message) == ("ClusterNotFoundFault", "Cluster nope not found.")
    kit.dax.create_cluster(
        ClusterName="Slow", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=kit.ROLE
    )
    dax = connect(kit.cloud, "Slow")
    assert dax.cluster_name == "slow"
    assert kit.error(dax.get_item, TableName="Orders", Key=kit.key("a"))[0] == (
        "InvalidClusterStateFault"
    )
    kit.cloud.clock.advance(kit.backend.creation_seconds)
    assert _get(dax, kit) is None
    kit.dax.delete_cluster(ClusterName="slow")
    assert kit.error(dax.get_item, TableName="Orders", Key=kit.key("a"))[0] == (
        "InvalidClusterStateFault"
    )


def test_clusters_share_nothing_and_clients_of_one_cluster_share_its_cache(
    kit: Any, dax: Any
) -> None:
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a"))
    _get(dax, kit)
    _get(connect(kit.cloud, "cache"), kit)
    assert dax.stats()["ItemCacheHits"] == 1
    kit.cluster("other")
    _get(connect(kit.cloud, "other"), kit)
    assert connect(kit.cloud, "other").stats()["ItemCacheMisses"] == 1


def test_replicated_writes_bypass_the_other_regions_cache(kit: Any) -> None:
    cloud = kit.cloud
    east = cloud.backend("dynamodb", "us-east-1")
    api_replicas.update_table(
        east, {"TableName": "Orders", "ReplicaUpdates": [{"Create": {"RegionName": "eu-west-1"}}]}
    )
    cloud.client("dax", region_name="eu-west-1").create_cluster(
        ClusterName="west", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=kit.ROLE
    )
    cloud.clock.advance(cloud.backend("dax", "eu-west-1").creation_seconds)  # type: ignore[attr-defined]
    east_dax = (kit.cluster(), connect(cloud, "cache"))[1]
    west_dax = connect(cloud, "west", region="eu-west-1")
    east_dax.put_item(TableName="Orders", Item=kit.item("a", v="1"))
    cloud.clock.advance(1)
    assert _get(west_dax, kit) == kit.item("a", v="1")  # cached in eu-west-1
    east_dax.put_item(TableName="Orders", Item=kit.item("a", v="2"))
    cloud.clock.advance(1)
    west = cloud.client("dynamodb", region_name="eu-west-1")
    assert west.get_item(TableName="Orders", Key=kit.key("a"))["Item"] == kit.item("a", v="2")
    assert _get(west_dax, kit) == kit.item("a", v="1")  # the replication went around DAX
    assert _get(east_dax, kit) == kit.item("a", v="2")


def test_cache_state_survives_a_snapshot(kit: Any, dax: Any) -> None:
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a", v="1"))
    _get(dax, kit)
    dax.query(**QUERY)
    kit.ddb.put_item(TableName="Orders", Item=kit.item("a", v="2"))
    copy = type(kit.cloud).restore(kit.cloud.snapshot())
    again = connect(copy, "cache")
    assert _get(again, kit) == kit.item("a", v="1")
    assert again.query(**QUERY)["Items"] == [kit.item("a", v="1")]
    assert again.stats()["ItemCacheHits"] == 1


def test_connect_error_is_a_clienterror(kit: Any) -> None:
    with pytest.raises(ClientError):
        connect(kit.cloud, "missing")
