"""Global tables 2019.11.21 on a manual clock: replicas, lag, last writer wins, deletes, streams."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from emulator import Cloud
from emulator.errors import ServiceError
from emulator.services.dynamodb import api_replicas, replication, streams
from emulator.services.dynamodb.replication import (
    REPLICA_CREATION,
    REPLICATION_LAG,
    SOURCE_LOCK,
    replication_of,
)
from emulator.services.dynamodb.ttl import TimeToLive

EAST, WEST, ASIA = "us-east-1", "eu-west-1", "ap-south-1"
TABLE = "Music"


def _cloud(*, gsi: bool = False) -> tuple[Cloud, Any, Any]:
    """A cloud with table Music (key pk) in us-east-1 and clients for us-east-1 and eu-west-1."""
    cloud = Cloud()
    east = cloud.client("dynamodb", region_name=EAST)
    extra: dict[str, Any] = {}
    definitions = [{"AttributeName": "pk", "AttributeType": "S"}]
    if gsi:
        definitions.append({"AttributeName": "genre", "AttributeType": "S"})
        extra["GlobalSecondaryIndexes"] = [
            {
                "IndexName": "ByGenre",
                "KeySchema": [{"AttributeName": "genre", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ]
    east.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=definitions,
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )
    return cloud, east, cloud.client("dynamodb", region_name=WEST)


def _backend(cloud: Cloud, region: str) -> Any:
    return cloud.backend("dynamodb", region)


def _replicate(cloud: Cloud, target: str = WEST, source: str = EAST, **extra: Any) -> Any:
    """UpdateTable ReplicaUpdates Create, as api.py's UpdateTable hands it over."""
    params = {"TableName": TABLE, "ReplicaUpdates": [{"Create": {"RegionName": target}}]}
    return api_replicas.update_table(_backend(cloud, source), params | extra)


def _remove(cloud: Cloud, target: str, source: str = EAST) -> Any:
    params = {"TableName": TABLE, "ReplicaUpdates": [{"Delete": {"RegionName": target}}]}
    return api_replicas.update_table(_backend(cloud, source), params)


def _put(client: Any, pk: str, **values: str) -> None:
    item = {"pk": {"S": pk}} | {k: {"S": v} for k, v in values.items()}
    client.put_item(TableName=TABLE, Item=item)


def _get(client: Any, pk: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = client.get_item(TableName=TABLE, Key={"pk": {"S": pk}}).get(
        "Item"
    )
    return found


def _error(call: Any, *args: Any) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call(*args)
    return caught.value


def _records(cloud: Cloud, region: str) -> list[dict[str, Any]]:
    arn = streams.describe(_backend(cloud, region), TABLE)["LatestStreamArn"]
    client = cloud.client("dynamodbstreams", region_name=region)
    shards = client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    records: list[dict[str, Any]] = []
    for shard in shards:
        it = client.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records += client.get_records(ShardIterator=it)["Records"]
    return records


# -- creating a replica ------------------------------------------------------------------------
def test_a_replica_is_a_real_table_filled_with_the_items() -> None:
    cloud, east, west = _cloud(gsi=True)
    _put(east, "a", genre="jazz")
    _put(east, "b", genre="rock")
    answer = _replicate(cloud)["TableDescription"]
    assert answer["TableStatus"] == "UPDATING"
    assert answer["GlobalTableVersion"] == "2019.11.21"
    assert answer["Replicas"] == [{"RegionName": WEST, "ReplicaStatus": "CREATING"}]
    assert answer["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    copy = west.describe_table(TableName=TABLE)["Table"]
    assert copy["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert copy["GlobalSecondaryIndexes"][0]["IndexName"] == "ByGenre"
    assert copy["TableId"] != east.describe_table(TableName=TABLE)["Table"]["TableId"]
    assert _get(west, "a") == {"pk": {"S": "a"}, "genre": {"S": "jazz"}}
    found = west.query(
        TableName=TABLE,
        IndexName="ByGenre",
        KeyConditionExpression="genre = :g",
        ExpressionAttributeValues={":g": {"S": "rock"}},
    )
    assert [i["pk"]["S"] for i in found["Items"]] == ["b"]
    assert streams.describe(_backend(cloud, WEST), TABLE)["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }


def test_replica_status_moves_from_creating_to_active_on_the_clock() -> None:
    cloud, _, _ = _cloud()
    _replicate(cloud)
    east, west = _backend(cloud, EAST), _backend(cloud, WEST)
    assert replication.table_status(east, TABLE) == "UPDATING"
    assert replication.table_status(west, TABLE) == "CREATING"
    assert replication.describe(west, TABLE) == {
        "GlobalTableVersion": "2019.11.21",
        "Replicas": [{"RegionName": EAST, "ReplicaStatus": "ACTIVE"}],
    }
    cloud.clock.advance(REPLICA_CREATION - 1)
    assert replication.describe(east, TABLE)["Replicas"][0]["ReplicaStatus"] == "CREATING"
    cloud.clock.advance(1)
    assert replication.describe(east, TABLE)["Replicas"] == [
        {"RegionName": WEST, "ReplicaStatus": "ACTIVE"}
    ]
    assert replication.table_status(east, TABLE) is None
    assert replication.table_status(west, TABLE) is None


def test_a_regional_table_describes_no_replicas() -> None:
    cloud, _, _ = _cloud()
    assert replication.describe(_backend(cloud, EAST), TABLE) == {}
    assert replication.table_status(_backend(cloud, EAST), TABLE) is None


def test_replica_creation_refusals() -> None:
    cloud, _, west = _cloud()
    error = _error(_replicate, cloud, EAST)
    assert error.code == "ValidationException"
    assert _error(_replicate, cloud, "mars").code == "ValidationException"
    west.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    error = _error(_replicate, cloud, WEST)
    assert (error.code, error.message) == (
        "ValidationException",
        "Failed to create a the new replica of table with name: 'Music' because one or more "
        "replicas already existed as tables.",
    )
    _replicate(cloud, ASIA)
    error = _error(_replicate, cloud, "sa-east-1")
    assert error.code == "ResourceInUseException"
    assert error.message == (
        "Attempt to change a resource which is still in use: Table is being updated: Music"
    )


def test_provisioned_tables_and_foreign_streams_are_refused() -> None:
    cloud = Cloud()
    east = cloud.client("dynamodb", region_name=EAST)
    east.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    error = _error(_replicate, cloud)
    assert (error.code, error.message) == (
        "ValidationException",
        "Table write capacity should either be Pay-Per-Request or AutoScaled.",
    )
    east.update_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST")
    error = _error(_replicate, cloud)
    assert error.code == "ValidationException"
    assert "NEW_AND_OLD_IMAGES" in error.message
    assert TABLE not in _backend(cloud, WEST).tables


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"MultiRegionConsistency": "STRONG"}, "MRSC"),
        ({"GlobalTableWitnessUpdates": [{"Create": {"RegionName": WEST}}]}, "Witness"),
        ({"BillingMode": "PAY_PER_REQUEST"}, "BillingMode"),
        ({"ReplicaUpdates": [{"Update": {"RegionName": WEST}}]}, "Update"),
        ({"ReplicaUpdates": [{"Create": {"RegionName": WEST, "KMSMasterKeyId": "k"}}]}, "KMS"),
        (
            {
                "ReplicaUpdates": [
                    {"Create": {"RegionName": WEST}},
                    {"Create": {"RegionName": ASIA}},
                ]
            },
            "more than one",
        ),
    ],
)
def test_what_the_emulator_does_not_do_is_refused(extra: dict[str, Any], fragment: str) -> None:
    cloud, _, _ = _cloud()
    params = {"TableName": TABLE, "ReplicaUpdates": [{"Create": {"RegionName": WEST}}]} | extra
    error = _error(api_replicas.update_table, _backend(cloud, EAST), params)
    assert error.code == "NotSupportedByEmulator"
    assert fragment in error.message
    assert TABLE not in _backend(cloud, WEST).tables


def test_legacy_operations_point_to_the_current_version() -> None:
    cloud, _, _ = _cloud()
    for operation, handler in api_replicas.OPERATIONS.items():
        error = _error(handler, _backend(cloud, EAST), {"GlobalTableName": TABLE})
        assert error.code == "NotSupportedByEmulator"
        assert operation in error.message
        assert "ReplicaUpdates" in error.message


def test_update_table_recognises_replica_updates() -> None:
    assert api_replicas.handles({"TableName": TABLE, "ReplicaUpdates": []})
    assert api_replicas.handles({"TableName": TABLE, "MultiRegionConsistency": "STRONG"})
    assert not api_replicas.handles({"TableName": TABLE, "BillingMode": "PAY_PER_REQUEST"})


# -- replication --------------------------------------------------------------------------------
def test_a_write_arrives_after_the_lag_and_not_before() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    _put(east, "a", v="1")
    cloud.clock.advance(REPLICATION_LAG - 0.001)
    assert _get(west, "a") is None
    cloud.clock.advance(0.001)
    assert _get(west, "a") == {"pk": {"S": "a"}, "v": {"S": "1"}}
    _put(west, "b", v="2")  # and back the other way
    assert _get(east, "b") is None
    cloud.clock.advance(REPLICATION_LAG)
    assert _get(east, "b") == {"pk": {"S": "b"}, "v": {"S": "2"}}


def test_the_lag_is_adjustable_and_shown_as_replication_latency() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    replication_of(_backend(cloud, EAST)).lag = 5.0
    start = cloud.clock.now()
    _put(east, "a")
    cloud.clock.advance(4.9)
    assert _get(west, "a") is None
    cloud.clock.advance(0.1)
    assert _get(west, "a") is not None
    answer = cloud.client("cloudwatch", region_name=EAST).get_metric_statistics(
        Namespace="AWS/DynamoDB",
        MetricName="ReplicationLatency",
        Dimensions=[
            {"Name": "TableName", "Value": TABLE},
            {"Name": "ReceivingRegion", "Value": WEST},
        ],
        StartTime=dt.datetime.fromtimestamp(start - 60, dt.UTC),
        EndTime=dt.datetime.fromtimestamp(start + 60, dt.UTC),
        Period=60,
        Statistics=["Maximum"],
    )
    assert [p["Maximum"] for p in answer["Datapoints"]] == [5000.0]
    assert answer["Datapoints"][0]["Unit"] == "Milliseconds"


def test_updates_and_deletes_replicate() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    _put(east, "a", v="1")
    cloud.clock.advance(1)
    west.update_item(
        TableName=TABLE,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"S": "2"}},
    )
    cloud.clock.advance(1)
    assert _get(east, "a") == {"pk": {"S": "a"}, "v": {"S": "2"}}
    east.delete_item(TableName=TABLE, Key={"pk": {"S": "a"}})
    cloud.clock.advance(1)
    assert _get(west, "a") is None


def test_nothing_echoes_back() -> None:
    cloud, east, _ = _cloud()
    _replicate(cloud, ASIA)
    cloud.clock.advance(REPLICA_CREATION)
    _replicate(cloud, WEST)
    _put(east, "a")
    cloud.clock.advance(60)
    engines = {r: replication_of(_backend(cloud, r)) for r in (EAST, WEST, ASIA)}
    assert {r: e.applied for r, e in engines.items()} == {EAST: 0, WEST: 1, ASIA: 1}
    assert all(e.in_flight == 0 for e in engines.values())
    assert cloud.clock.pending() == 0
    assert [r["eventName"] for r in _records(cloud, EAST)] == ["INSERT"]
    assert [r["eventName"] for r in _records(cloud, WEST)] == ["INSERT"]


def test_each_regions_stream_sees_its_own_and_replicated_writes() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    _put(east, "a", v="east")
    _put(west, "b", v="west")
    cloud.clock.advance(1)
    for region in (EAST, WEST):
        records = _records(cloud, region)
        assert sorted(r["dynamodb"]["Keys"]["pk"]["S"] for r in records) == ["a", "b"]
        assert all("OldImage" not in r["dynamodb"] for r in records)
        assert all("NewImage" in r["dynamodb"] for r in records)
    first = _records(cloud, WEST)[0]
    assert first["dynamodb"]["Keys"] == {"pk": {"S": "b"}}  # its own write came first


# -- conflicts ----------------------------------------------------------------------------------
def test_last_writer_wins_and_the_lost_write_is_visible() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    _put(east, "a", v="east")
    cloud.clock.advance(0.5)
    _put(west, "a", v="west")
    cloud.clock.advance(2)
    assert _get(east, "a") == _get(west, "a") == {"pk": {"S": "a"}, "v": {"S": "west"}}
    engine = replication_of(_backend(cloud, WEST))
    assert engine.lost_writes == 1
    (lost,) = engine.lost
    assert (lost.table, lost.region, lost.source, lost.keys) == (
        TABLE,
        WEST,
        EAST,
        {"pk": {"S": "a"}},
    )
    assert lost.kept[1] == WEST
    assert lost.kept[0] - lost.written == 0.5
    (event,) = cloud.events.filter(kind="replication_conflict")  # type: ignore[arg-type]
    assert event.resource == TABLE
    assert event.detail["source"] == EAST
    assert event.detail["kept_from"] == WEST
    assert replication_of(_backend(cloud, EAST)).lost_writes == 0


def test_equal_times_are_won_by_the_region_whose_name_sorts_last() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    _put(east, "a", v="east")
    _put(west, "a", v="west")
    cloud.clock.advance(1)
    assert _get(east, "a") == _get(west, "a") == {"pk": {"S": "a"}, "v": {"S": "east"}}
    assert replication_of(_backend(cloud, EAST)).lost_writes == 1


def test_an_older_write_cannot_bring_a_deleted_item_back() -> None:
    cloud, east, west = _cloud()
    _put(east, "a", v="1")
    _replicate(cloud)
    _put(east, "a", v="2")
    cloud.clock.advance(0.5)
    west.delete_item(TableName=TABLE, Key={"pk": {"S": "a"}})
    cloud.clock.advance(2)
    assert _get(east, "a") is None
    assert _get(west, "a") is None
    assert replication_of(_backend(cloud, WEST)).lost_writes == 1


def test_a_transaction_is_atomic_only_in_its_own_region() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    east.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "x"}, "v": {"S": "tx"}}}},
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "y"}, "v": {"S": "tx"}}}},
        ]
    )
    cloud.clock.advance(0.5)
    _put(west, "x", v="west")
    cloud.clock.advance(2)
    # Each item replicated on its own: x went to the later writer, y kept the transaction's.
    for client in (east, west):
        assert _get(client, "x") == {"pk": {"S": "x"}, "v": {"S": "west"}}
        assert _get(client, "y") == {"pk": {"S": "y"}, "v": {"S": "tx"}}


def test_conditions_are_checked_against_the_local_version() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    _put(east, "a", v="east")
    cloud.clock.advance(0.5)
    west.put_item(  # east's item has not arrived: the condition holds in eu-west-1
        TableName=TABLE,
        Item={"pk": {"S": "a"}, "v": {"S": "west"}},
        ConditionExpression="attribute_not_exists(pk)",
    )
    cloud.clock.advance(1)
    assert _get(east, "a") == {"pk": {"S": "a"}, "v": {"S": "west"}}


# -- TTL ----------------------------------------------------------------------------------------
def test_ttl_deletions_replicate_as_deletions() -> None:
    cloud, east, west = _cloud()
    backend = _backend(cloud, EAST)
    backend.ttl = TimeToLive(backend, transition=0.0, delay_max=0.0, tick=1.0)
    east.update_time_to_live(
        TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    _replicate(cloud)
    now = int(cloud.clock.now())
    east.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "expires": {"N": str(now + 10)}})
    cloud.clock.advance(5)
    assert _get(west, "a") is not None
    cloud.clock.advance(10)
    assert _get(east, "a") is None
    cloud.clock.advance(REPLICATION_LAG)
    assert _get(west, "a") is None
    removal = [r for r in _records(cloud, WEST) if r["eventName"] == "REMOVE"]
    assert removal[0]["userIdentity"] == {
        "PrincipalId": "dynamodb.amazonaws.com",
        "Type": "Service",
    }


# -- removing replicas --------------------------------------------------------------------------
def test_removing_a_replica_deletes_its_table_and_stops_replication() -> None:
    cloud, east, _ = _cloud()
    _replicate(cloud)
    assert _error(_remove, cloud, WEST).code == "ResourceInUseException"  # still CREATING
    cloud.clock.advance(REPLICA_CREATION)
    _put(east, "a")
    answer = _remove(cloud, WEST)["TableDescription"]
    assert "Replicas" not in answer
    assert "GlobalTableVersion" not in answer
    assert TABLE not in _backend(cloud, WEST).tables
    cloud.clock.advance(60)
    assert TABLE not in _backend(cloud, WEST).tables  # the write in flight was dropped
    assert replication.describe(_backend(cloud, EAST), TABLE) == {}
    error = _error(_remove, cloud, WEST)
    assert error.code == "ValidationException"


def test_the_seeding_region_keeps_its_replica_for_24_hours() -> None:
    cloud, _, _ = _cloud()
    _replicate(cloud)
    east = _backend(cloud, EAST)
    cloud.clock.advance(REPLICA_CREATION)
    error = _error(replication.check_delete, east, TABLE)
    assert (error.code, error.message) == (
        "ValidationException",
        "Replica cannot be deleted because it has acted as a source region for new replica(s) "
        "being added to the table in the last 24 hours.",
    )
    assert _error(_remove, cloud, EAST, WEST).code == "ValidationException"
    replication.check_delete(_backend(cloud, WEST), TABLE)  # the new replica may go
    cloud.clock.advance(SOURCE_LOCK)
    replication.check_delete(east, TABLE)


def test_deleting_one_replica_table_leaves_the_others_replicating() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud, ASIA)
    cloud.clock.advance(REPLICA_CREATION)
    _replicate(cloud, WEST)
    cloud.clock.advance(REPLICA_CREATION)
    asia = cloud.client("dynamodb", region_name=ASIA)
    replication.check_delete(_backend(cloud, ASIA), TABLE)
    table = _backend(cloud, ASIA).table(TABLE)
    asia.delete_table(TableName=TABLE)
    replication.table_deleted(_backend(cloud, ASIA), table)
    assert replication.describe(_backend(cloud, EAST), TABLE)["Replicas"] == [
        {"RegionName": WEST, "ReplicaStatus": "ACTIVE"}
    ]
    _put(east, "a")
    cloud.clock.advance(1)
    assert _get(west, "a") is not None
    assert TABLE not in _backend(cloud, ASIA).tables


def test_a_replica_table_deleted_without_telling_the_engine_is_forgotten() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    cloud.clock.advance(REPLICA_CREATION)
    west.delete_table(TableName=TABLE)
    _put(east, "a")
    cloud.clock.advance(1)
    assert replication.describe(_backend(cloud, EAST), TABLE) == {}
    assert TABLE not in _backend(cloud, WEST).tables


def test_a_replica_stays_on_demand() -> None:
    cloud, _, _ = _cloud()
    replication.check_billing_update(_backend(cloud, EAST), TABLE, "PROVISIONED")
    _replicate(cloud)
    error = _error(replication.check_billing_update, _backend(cloud, EAST), TABLE, "PROVISIONED")
    assert error.message == "Table write capacity should either be Pay-Per-Request or AutoScaled."
    replication.check_billing_update(_backend(cloud, EAST), TABLE, "PAY_PER_REQUEST")


def test_a_replicas_stream_cannot_be_disabled() -> None:
    cloud, _, _ = _cloud()
    replication.check_stream_update(_backend(cloud, EAST), TABLE, False)  # not global yet
    _replicate(cloud)
    error = _error(replication.check_stream_update, _backend(cloud, WEST), TABLE, False)
    assert (error.code, error.message) == (
        "ValidationException",
        "One or more parameter values were invalid: Disabling Stream is not allowed for a "
        "Global Table replica.",
    )


def test_a_new_replica_also_gets_the_writes_on_their_way_to_its_seed() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    cloud.clock.advance(REPLICA_CREATION)
    _put(west, "late", v="west")  # on its way to us-east-1
    cloud.clock.advance(0.5)
    _replicate(cloud, ASIA)  # seeded from us-east-1 before the write arrives there
    asia = cloud.client("dynamodb", region_name=ASIA)
    assert _get(asia, "late") is None
    cloud.clock.advance(1)
    assert _get(asia, "late") == {"pk": {"S": "late"}, "v": {"S": "west"}}
    assert _get(east, "late") == _get(asia, "late")


# -- state --------------------------------------------------------------------------------------
def test_state_survives_a_snapshot_with_deliveries_in_flight() -> None:
    cloud, east, west = _cloud()
    _replicate(cloud)
    _put(west, "a", v="west")
    cloud.clock.advance(0.2)
    _put(east, "b", v="east")
    # What the backend's snapshot and load do once replication is wired into them.
    saved = {r: replication.snapshot(_backend(cloud, r)) for r in (EAST, WEST)}
    copy = Cloud.restore(cloud.snapshot())
    for region, state in saved.items():
        replication.load(_backend(copy, region), state)
    c_east = copy.client("dynamodb", region_name=EAST)
    c_west = copy.client("dynamodb", region_name=WEST)
    _put(c_east, "a", v="older?")  # later than west's write: it wins everywhere
    copy.clock.advance(2)
    assert _get(c_west, "b") == {"pk": {"S": "b"}, "v": {"S": "east"}}
    assert _get(c_east, "a") == _get(c_west, "a") == {"pk": {"S": "a"}, "v": {"S": "older?"}}
    assert replication.describe(_backend(copy, EAST), TABLE)["Replicas"][0]["RegionName"] == WEST
    assert replication_of(_backend(copy, EAST)).lost_writes == 1


def test_the_dynamodb_client_adds_a_replica_and_describes_it() -> None:
    cloud = Cloud()
    east = cloud.client("dynamodb", region_name=EAST)
    east.create_table(
        TableName="Carts",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    east.update_table(TableName="Carts", ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    table = east.describe_table(TableName="Carts")["Table"]
    assert table["GlobalTableVersion"] == "2019.11.21"
    assert [r["RegionName"] for r in table["Replicas"]] == [WEST]
    east.put_item(TableName="Carts", Item={"pk": {"S": "c1"}})
    west = cloud.client("dynamodb", region_name=WEST)
    assert "Item" not in west.get_item(TableName="Carts", Key={"pk": {"S": "c1"}})
    cloud.clock.advance(5)
    assert "Item" in west.get_item(TableName="Carts", Key={"pk": {"S": "c1"}})
