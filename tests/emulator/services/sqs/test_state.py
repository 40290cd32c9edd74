"""SQS state: snapshots through JSON, forks that do not touch the original, and deliver()."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator import Cloud, limits
from emulator.services.sqs.backend import SqsBackend
from emulator.services.sqs.errors import InvalidParameterValue, QueueDoesNotExist

ACCOUNT = "123456789012"
BINARY = {"blob": {"DataType": "Binary", "BinaryValue": b"\x00\xffdata"}}


def busy_cloud() -> tuple[Cloud, str, str]:
    """A cloud with a queue and a DLQ holding waiting, in-flight and delayed messages."""
    cloud = Cloud()
    sqs = cloud.client("sqs")
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    policy = json.dumps(
        {"deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:dlq", "maxReceiveCount": 1}
    )
    url = sqs.create_queue(
        QueueName="jobs", Attributes={"RedrivePolicy": policy, "VisibilityTimeout": "60"}
    )["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="in flight", MessageAttributes=BINARY)
    sqs.send_message(QueueUrl=url, MessageBody="waiting")
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=120)
    sqs.receive_message(QueueUrl=url)
    sqs.delete_queue(QueueUrl=sqs.create_queue(QueueName="gone")["QueueUrl"])
    cloud.clock.advance(5)
    return cloud, url, dlq


def test_snapshot_round_trips_through_json() -> None:
    cloud, url, dlq = busy_cloud()
    state = cloud.snapshot()
    restored = Cloud.restore(json.loads(json.dumps(state)))
    assert restored.snapshot() == state
    sqs = restored.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (
        attributes["ApproximateNumberOfMessages"],
        attributes["ApproximateNumberOfMessagesNotVisible"],
        attributes["ApproximateNumberOfMessagesDelayed"],
    ) == ("1", "1", "1")
    # The deleted name still has to wait, and visibility and redrive carry on in time.
    with pytest.raises(sqs.exceptions.QueueDeletedRecently):
        sqs.create_queue(QueueName="gone")
    restored.clock.advance(55)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["waiting"]
    (dead,) = sqs.receive_message(QueueUrl=dlq, MessageAttributeNames=["All"])["Messages"]
    assert dead["Body"] == "in flight"
    assert dead["MessageAttributes"] == BINARY


def test_message_ids_stay_unique_after_a_restore() -> None:
    cloud, url, _ = busy_cloud()
    before = cloud.snapshot()
    restored = Cloud.restore(json.loads(json.dumps(before)))
    ids = {m["id"] for q in before["services"]["sqs@us-east-1"]["queues"] for m in q["messages"]}
    new_id = restored.client("sqs").send_message(QueueUrl=url, MessageBody="new")["MessageId"]
    assert new_id not in ids


def test_a_fork_is_independent_of_the_original() -> None:
    cloud, url, _ = busy_cloud()
    trial = cloud.fork()
    trial_sqs = trial.client("sqs")
    trial_sqs.purge_queue(QueueUrl=url)
    trial_sqs.send_message(QueueUrl=url, MessageBody="only in the fork")
    sqs = cloud.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "1"
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "1"
    (got,) = sqs.receive_message(QueueUrl=url)["Messages"]
    assert got["Body"] == "waiting"
    trial_counts = trial_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert trial_counts["Attributes"]["ApproximateNumberOfMessages"] == "1"


def test_deliver_is_send_message_for_other_services() -> None:
    cloud = Cloud()
    sqs = cloud.client("sqs")
    url = sqs.create_queue(QueueName="failures")["QueueUrl"]
    backend = cloud.backend("sqs", "us-east-1")
    assert isinstance(backend, SqsBackend)
    message_id = backend.deliver(
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:failures",
        '{"error": "boom"}',
        {"ErrorCode": {"DataType": "Number", "StringValue": "200"}},
    )
    (got,) = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert got["MessageId"] == message_id
    assert got["Body"] == '{"error": "boom"}'
    assert got["MessageAttributes"] == {"ErrorCode": {"DataType": "Number", "StringValue": "200"}}


def test_deliver_raises_what_send_message_would() -> None:
    cloud = Cloud()
    cloud.client("sqs").create_queue(QueueName="small", Attributes={"MaximumMessageSize": "1024"})
    backend = cloud.backend("sqs")
    assert isinstance(backend, SqsBackend)
    with pytest.raises(QueueDoesNotExist):
        backend.deliver(f"arn:aws:sqs:us-east-1:{ACCOUNT}:missing", "x")
    with pytest.raises(QueueDoesNotExist):
        backend.deliver("arn:aws:sqs:us-east-1:999999999999:small", "x")
    with pytest.raises(InvalidParameterValue) as caught:
        backend.deliver(f"arn:aws:sqs:us-east-1:{ACCOUNT}:small", "x" * 1025)
    assert caught.value.message == (
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."
    )
    quota = int(limits.value("sqs", "MessageAttributes"))
    too_many = {f"a{n}": {"DataType": "String", "StringValue": "v"} for n in range(quota + 1)}
    with pytest.raises(InvalidParameterValue):
        backend.deliver(f"arn:aws:sqs:us-east-1:{ACCOUNT}:small", "x", too_many)


def test_deliver_reaches_a_queue_in_another_region() -> None:
    cloud = Cloud()
    url = cloud.client("sqs", region_name="eu-west-1").create_queue(QueueName="far")["QueueUrl"]
    backend: Any = cloud.backend("sqs", "us-east-1")
    backend.deliver(f"arn:aws:sqs:eu-west-1:{ACCOUNT}:far", "hello")
    got = cloud.client("sqs", region_name="eu-west-1").receive_message(QueueUrl=url)["Messages"]
    assert [m["Body"] for m in got] == ["hello"]
