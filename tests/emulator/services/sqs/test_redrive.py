"""Dead-letter queues: redrive policies, when a message moves, and what it keeps."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator import ClientError, Cloud, limits

ACCOUNT = "123456789012"


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    return caught.value.response["Error"]


def arn(name: str) -> str:
    return f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"


def with_dlq(sqs: Any, max_receive_count: int = 2, **dlq_attributes: str) -> tuple[str, str]:
    dlq = sqs.create_queue(QueueName="dlq", Attributes=dlq_attributes)["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn("dlq"), "maxReceiveCount": max_receive_count})
    source = sqs.create_queue(
        QueueName="jobs", Attributes={"RedrivePolicy": policy, "VisibilityTimeout": "10"}
    )["QueueUrl"]
    return source, dlq


def test_a_message_moves_when_its_receive_count_would_exceed_max_receive_count(
    cloud: Cloud, sqs: Any
) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=2)
    sent = sqs.send_message(QueueUrl=source, MessageBody="poison")
    sent_at = str(int(cloud.clock.now() * 1000))
    for n in (1, 2):
        (got,) = sqs.receive_message(QueueUrl=source, AttributeNames=["All"])["Messages"]
        assert got["Attributes"]["ApproximateReceiveCount"] == str(n)
        cloud.clock.advance(10)
    # The third receive would make ReceiveCount 3 > 2: the message moves instead.
    assert sqs.receive_message(QueueUrl=source)["Messages"] == []
    counts = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    (dead,) = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"]
    assert dead["MessageId"] == sent["MessageId"]
    assert dead["Body"] == "poison"
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == arn("jobs")
    assert dead["Attributes"]["SentTimestamp"] == sent_at
    assert dead["Attributes"]["ApproximateReceiveCount"] == "3"


def test_deleting_in_time_keeps_a_message_out_of_the_dlq(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=1)
    sqs.send_message(QueueUrl=source, MessageBody="fine")
    (got,) = sqs.receive_message(QueueUrl=source)["Messages"]
    sqs.delete_message(QueueUrl=source, ReceiptHandle=got["ReceiptHandle"])
    cloud.clock.advance(10)
    assert sqs.receive_message(QueueUrl=source)["Messages"] == []
    assert sqs.receive_message(QueueUrl=dlq)["Messages"] == []


def test_retention_in_the_dlq_counts_from_the_original_send(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=1, MessageRetentionPeriod="300")
    sqs.send_message(QueueUrl=source, MessageBody="old")
    sqs.receive_message(QueueUrl=source)
    cloud.clock.advance(200)
    sqs.receive_message(QueueUrl=source)
    dlq_counts = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]
    assert dlq_counts["ApproximateNumberOfMessages"] == "1"
    cloud.clock.advance(100)
    assert sqs.receive_message(QueueUrl=dlq)["Messages"] == []


def test_max_receive_count_defaults_to_the_documented_value(sqs: Any) -> None:
    sqs.create_queue(QueueName="dlq")
    url = sqs.create_queue(
        QueueName="jobs",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": arn("dlq")})},
    )["QueueUrl"]
    policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])
    stored = json.loads(policy["Attributes"]["RedrivePolicy"])
    assert stored == {
        "deadLetterTargetArn": arn("dlq"),
        "maxReceiveCount": limits.value("sqs", "MaxReceiveCountDefault"),
    }


def test_a_redrive_policy_can_be_removed(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=1)
    sqs.set_queue_attributes(QueueUrl=source, Attributes={"RedrivePolicy": ""})
    sqs.send_message(QueueUrl=source, MessageBody="stays")
    for _ in range(3):
        assert len(sqs.receive_message(QueueUrl=source)["Messages"]) == 1
        cloud.clock.advance(10)
    assert sqs.receive_message(QueueUrl=dlq)["Messages"] == []


def test_a_deleted_dlq_leaves_messages_in_the_source(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=1)
    sqs.send_message(QueueUrl=source, MessageBody="stuck")
    sqs.receive_message(QueueUrl=source)
    sqs.delete_queue(QueueUrl=dlq)
    cloud.clock.advance(10)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=source)["Messages"]] == ["stuck"]


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        (
            "{not json",
            'Redrive policy is not a JSON map; write {"deadLetterTargetArn": '
            '"arn:aws:sqs:...", "maxReceiveCount": 5}.',
        ),
        (
            json.dumps({"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}),
            "Invalid value for deadLetterTargetArn.",
        ),
        (
            json.dumps({"deadLetterTargetArn": arn("none"), "maxReceiveCount": 2}),
            "Dead letter target does not exist.",
        ),
        (
            json.dumps({"deadLetterTargetArn": arn("dlq"), "maxReceiveCount": 0}),
            "Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.",
        ),
        (
            json.dumps({"deadLetterTargetArn": arn("dlq"), "maxReceiveCount": 1001}),
            "Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both "
            "inclusive.",
        ),
    ],
)
def test_redrive_policies_are_checked(sqs: Any, policy: str, reason: str) -> None:
    sqs.create_queue(QueueName="dlq")
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="jobs", Attributes={"RedrivePolicy": policy})
    assert error_of(caught)["Code"] == "InvalidParameterValue"
    assert error_of(caught)["Message"] == (
        f"Value {policy} for parameter RedrivePolicy is invalid. Reason: {reason}"
    )


def test_a_queue_cannot_be_its_own_dlq(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn("jobs"), "maxReceiveCount": 3})
    with pytest.raises(ClientError) as caught:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": policy})
    assert error_of(caught)["Message"].endswith("A queue cannot be its own dead-letter queue.")


def test_redrive_allow_policy_decides_who_may_use_a_dlq(sqs: Any) -> None:
    deny = json.dumps({"redrivePermission": "denyAll"})
    sqs.create_queue(QueueName="dlq", Attributes={"RedriveAllowPolicy": deny})
    policy = json.dumps({"deadLetterTargetArn": arn("dlq"), "maxReceiveCount": 3})
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="jobs", Attributes={"RedrivePolicy": policy})
    assert "RedriveAllowPolicy" in error_of(caught)["Message"]
    only_jobs = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn("jobs")]})
    dlq = sqs.get_queue_url(QueueName="dlq")["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": only_jobs})
    sqs.create_queue(QueueName="jobs", Attributes={"RedrivePolicy": policy})
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName="other", Attributes={"RedrivePolicy": policy})
    stored = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["RedriveAllowPolicy"])
    assert json.loads(stored["Attributes"]["RedriveAllowPolicy"]) == json.loads(only_jobs)


@pytest.mark.parametrize(
    "allow",
    [
        {"redrivePermission": "sometimes"},
        {"redrivePermission": "byQueue"},
        {"redrivePermission": "allowAll", "sourceQueueArns": [arn("a")]},
        {"redrivePermission": "byQueue", "sourceQueueArns": [arn(str(n)) for n in range(11)]},
    ],
)
def test_redrive_allow_policies_are_checked(sqs: Any, allow: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="dlq", Attributes={"RedriveAllowPolicy": json.dumps(allow)})
    assert error_of(caught)["Code"] == "InvalidParameterValue"
