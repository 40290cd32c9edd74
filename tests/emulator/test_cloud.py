"""The Cloud object: clients, quotas, events, snapshots, forks and errors."""

from __future__ import annotations

import json
import threading

import pytest

from emulator import ClientError, Cloud, limits
from emulator.client import snake_case
from emulator.errors import ValidationException


def test_unknown_service_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="dynamodb"):
        Cloud().client("dynamo")


def test_client_methods_are_snake_case_of_operations() -> None:
    assert snake_case("PutItem") == "put_item"
    assert snake_case("ListTagsOfResource") == "list_tags_of_resource"
    client = Cloud().client("dynamodb")
    with pytest.raises(AttributeError, match="put_item"):
        _ = client.put_itme


def test_errors_have_botocore_shape_and_named_classes() -> None:
    client = Cloud().client("dynamodb")
    with pytest.raises(ClientError) as caught:
        client.describe_table(TableName="Missing")
    err = caught.value
    assert err.response["Error"]["Code"] == "ResourceNotFoundException"
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err.operation_name == "DescribeTable"
    assert isinstance(err, client.exceptions.ResourceNotFoundException)
    assert "An error occurred (ResourceNotFoundException) when calling the DescribeTable" in str(
        err
    )


def test_responses_carry_response_metadata() -> None:
    answer = Cloud().client("dynamodb").list_tables()
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["TableNames"] == []


def test_quotas_default_to_the_limits_table_and_only_adjustable_ones_change() -> None:
    cloud = Cloud()
    assert cloud.quota("lambda", "ConcurrentExecutions") == 1000
    cloud.set_quota("lambda", "ConcurrentExecutions", 50)
    assert cloud.quota("lambda", "ConcurrentExecutions") == 50
    with pytest.raises(ValidationException, match="fixed by AWS"):
        cloud.set_quota("lambda", "TimeoutMax", 5000)
    restored = Cloud.restore(cloud.snapshot())
    assert restored.quota("lambda", "ConcurrentExecutions") == 50


def test_every_limit_names_its_source() -> None:
    for limit in limits.LIMITS.values():
        assert "https://docs.aws.amazon.com/" in limit.source or (
            "https://aws.amazon.com/" in limit.source and "UNVERIFIED" in limit.description
        ), limit
    with pytest.raises(KeyError, match="TimeoutMax"):
        limits.get("lambda", "Timeout")


def _orders_table(cloud: Cloud) -> None:
    cloud.client("dynamodb").create_table(
        TableName="Orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_snapshot_is_json_and_restores_losslessly() -> None:
    cloud = Cloud()
    _orders_table(cloud)
    cloud.client("dynamodb").put_item(
        TableName="Orders", Item={"pk": {"S": "a"}, "blob": {"B": b"\x00\xff"}, "n": {"N": "1.50"}}
    )
    cloud.clock.advance(10)
    state = json.loads(json.dumps(cloud.snapshot()))
    again = Cloud.restore(state)
    assert again.clock.now() == cloud.clock.now()
    # Compared before reading: a read consumes capacity, which the snapshot keeps too.
    assert again.snapshot() == cloud.snapshot()
    item = again.client("dynamodb").get_item(TableName="Orders", Key={"pk": {"S": "a"}})["Item"]
    assert item == {"pk": {"S": "a"}, "blob": {"B": b"\x00\xff"}, "n": {"N": "1.5"}}


def test_restore_refuses_what_is_not_a_snapshot() -> None:
    with pytest.raises(ValueError, match="not a cloud snapshot"):
        Cloud.restore({"format": 99})
    with pytest.raises(ValueError, match="not a cloud snapshot"):
        Cloud.restore([])  # type: ignore[arg-type]


def test_fork_is_independent() -> None:
    cloud = Cloud()
    _orders_table(cloud)
    trial = cloud.fork()
    trial.client("dynamodb").delete_table(TableName="Orders")
    trial.clock.advance(3600)
    assert cloud.client("dynamodb").list_tables()["TableNames"] == ["Orders"]
    assert trial.client("dynamodb").list_tables()["TableNames"] == []
    assert trial.clock.now() == cloud.clock.now() + 3600


def test_events_are_stamped_with_virtual_time_and_reach_subscribers() -> None:
    cloud = Cloud()
    seen = []
    stop = cloud.events.subscribe(seen.append)
    cloud.clock.advance(5)
    cloud.events.emit("lambda", "cold_start", "fn", init_ms=3.0)
    stop()
    cloud.events.emit("lambda", "invoke", "fn")
    assert [e.kind for e in seen] == ["cold_start"]
    assert seen[0].time == cloud.clock.now()
    assert len(cloud.events.filter(kind="invoke", resource="fn")) == 1


def test_state_lock_can_be_released_for_other_threads() -> None:
    cloud = Cloud()
    order = []

    def other() -> None:
        with cloud.lock.hold():
            order.append("other")

    with cloud.lock.hold(), cloud.lock.hold():
        thread = threading.Thread(target=other)
        thread.start()
        with cloud.lock.released():
            thread.join(timeout=5)
        order.append("me")
    assert order == ["other", "me"]


def test_bad_account_id_is_refused() -> None:
    with pytest.raises(ValueError, match="12 digits"):
        Cloud(account_id="42")


def test_ids_go_on_after_a_restore() -> None:
    cloud = Cloud()
    for _ in range(5):
        cloud.next_id()
    again = Cloud.restore(json.loads(json.dumps(cloud.snapshot())))
    assert again.next_id() == cloud.next_id() == 6
