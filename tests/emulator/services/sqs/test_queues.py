"""SQS queues: create, look up, list, configure, purge and delete, with AWS's errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator import ClientError, Cloud, limits

ACCOUNT = "123456789012"


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    return caught.value.response["Error"]


def test_create_queue_answers_the_url_aws_uses(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    assert url == f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders"
    assert sqs.get_queue_url(QueueName="orders")["QueueUrl"] == url
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    assert arn == {"QueueArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"}


def test_a_client_of_another_region_makes_queues_there() -> None:
    cloud = Cloud()
    url = cloud.client("sqs", region_name="eu-west-1").create_queue(QueueName="q")["QueueUrl"]
    assert url == f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/q"
    with pytest.raises(ClientError) as caught:
        cloud.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert error_of(caught)["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_missing_queue_error_has_botocores_shape(sqs: Any) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as caught:
        sqs.get_queue_url(QueueName="nope")
    assert caught.value.response["Error"] == {
        "Code": "AWS.SimpleQueueService.NonExistentQueue",
        "Message": "The specified queue does not exist.",
        "QueryErrorCode": "QueueDoesNotExist",
        "Type": "Sender",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "(AWS.SimpleQueueService.NonExistentQueue)" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        f"https://queue.amazonaws.com/{ACCOUNT}/orders",
        f"https://us-east-1.queue.amazonaws.com/{ACCOUNT}/orders",
        f"http://127.0.0.1:4566/{ACCOUNT}/orders",
        f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders/",
    ],
)
def test_other_forms_of_the_queue_url_reach_the_queue(sqs: Any, url: str) -> None:
    sqs.create_queue(QueueName="orders")
    assert sqs.send_message(QueueUrl=url, MessageBody="hi")["MessageId"]


@pytest.mark.parametrize(
    "url",
    [
        "orders",
        f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/orders",
        "https://sqs.us-east-1.amazonaws.com/999999999999/orders",
        f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/other",
        "http://whatever-incorrect-queue-address",
    ],
)
def test_urls_that_name_no_queue_of_ours_are_missing_queues(sqs: Any, url: str) -> None:
    sqs.create_queue(QueueName="orders")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=url, MessageBody="hi")


def test_creating_an_existing_queue_with_the_same_attributes_returns_its_url(sqs: Any) -> None:
    first = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    again = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    assert again == first
    assert sqs.create_queue(QueueName="q")["QueueUrl"] == first


def test_creating_an_existing_queue_with_other_attributes_fails(sqs: Any) -> None:
    sqs.create_queue(QueueName="q", Attributes={"DelaySeconds": "5"})
    with pytest.raises(sqs.exceptions.QueueNameExists) as caught:
        sqs.create_queue(QueueName="q", Attributes={"DelaySeconds": "6"})
    assert error_of(caught) == {
        "Code": "QueueAlreadyExists",
        "Message": "A queue already exists with the same name and a different value for "
        "attribute DelaySeconds",
        "QueryErrorCode": "QueueNameExists",
        "Type": "Sender",
    }


@pytest.mark.parametrize("name", ["", "a" * 81, "has space", "dot.name", "slash/name"])
def test_queue_names_outside_the_rules_are_rejected(sqs: Any, name: str) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName=name)
    error = error_of(caught)
    if name == "":
        assert error["Code"] == "MissingParameter"
    else:
        assert error["Code"] == "InvalidParameterValue"
        assert "alphanumeric characters, hyphens, or underscores. 1 to 80" in error["Message"]


def test_a_name_of_80_characters_is_fine(sqs: Any) -> None:
    assert sqs.create_queue(QueueName="a" * 80)["QueueUrl"].endswith("/" + "a" * 80)


@pytest.mark.parametrize(
    ("name", "attributes"),
    [("jobs.fifo", {}), ("jobs", {"FifoQueue": "true"})],
)
def test_fifo_queues_are_not_emulated_yet(sqs: Any, name: str, attributes: dict[str, str]) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName=name, Attributes=attributes)
    assert error_of(caught)["Code"] == "NotSupportedByEmulator"
    assert "FIFO" in error_of(caught)["Message"]


def test_defaults_come_from_the_limits_table(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes == {
        "QueueArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:q",
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
        "CreatedTimestamp": "1767225600",
        "LastModifiedTimestamp": "1767225600",
        "VisibilityTimeout": str(limits.value("sqs", "VisibilityDefault")),
        "MaximumMessageSize": str(limits.value("sqs", "MessageSize")),
        "MessageRetentionPeriod": str(limits.value("sqs", "RetentionDefault")),
        "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
    }


def _bounds() -> list[tuple[str, int, int]]:
    return [
        ("VisibilityTimeout", 0, int(limits.value("sqs", "VisibilityMax"))),
        (
            "MaximumMessageSize",
            int(limits.value("sqs", "MessageSizeMin")),
            int(limits.value("sqs", "MessageSize")),
        ),
        (
            "MessageRetentionPeriod",
            int(limits.value("sqs", "RetentionMin")),
            int(limits.value("sqs", "RetentionMax")),
        ),
        ("DelaySeconds", 0, int(limits.value("sqs", "DelayMax"))),
        ("ReceiveMessageWaitTimeSeconds", 0, int(limits.value("sqs", "WaitTimeMax"))),
    ]


@pytest.mark.parametrize(("name", "low", "high"), _bounds())
def test_numeric_attributes_accept_their_range_and_nothing_else(
    sqs: Any, name: str, low: int, high: int
) -> None:
    url = sqs.create_queue(QueueName="q", Attributes={name: str(high)})["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={name: str(low)})
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[name])["Attributes"]
    assert got == {name: str(low)}
    for bad in (str(low - 1), str(high + 1), "ten"):
        with pytest.raises(sqs.exceptions.InvalidAttributeValue) as caught:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={name: bad})
        assert error_of(caught)["Code"] == "InvalidAttributeValue"
        assert f"from {low} to {high}" in error_of(caught)["Message"]
        with pytest.raises(sqs.exceptions.InvalidAttributeValue):
            sqs.create_queue(QueueName="other", Attributes={name: bad})


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("Bogus", "InvalidAttributeName", "Unknown Attribute Bogus."),
        ("QueueArn", "InvalidAttributeName", "Unknown Attribute QueueArn."),
        ("ContentBasedDeduplication", "InvalidAttributeName", "only when FifoQueue is set"),
        ("KmsMasterKeyId", "NotSupportedByEmulator", "KMS"),
    ],
)
def test_attributes_a_standard_queue_cannot_take(
    sqs: Any, name: str, code: str, words: str
) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    with pytest.raises(ClientError) as caught:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={name: "1"})
    assert error_of(caught)["Code"] == code
    assert words in error_of(caught)["Message"]


def test_set_queue_attributes_cannot_change_the_queue_type(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="q", Attributes={"FifoQueue": "false"})["QueueUrl"]
    with pytest.raises(sqs.exceptions.InvalidAttributeName) as caught:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "true"})
    assert error_of(caught)["Message"] == "Unknown Attribute FifoQueue."


def test_get_queue_attributes_named_none_or_unknown(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    assert sqs.get_queue_attributes(QueueUrl=url)["Attributes"] == {}
    named = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["DelaySeconds", "RedrivePolicy", "FifoQueue"]
    )
    assert named["Attributes"] == {"DelaySeconds": "0"}
    with pytest.raises(sqs.exceptions.InvalidAttributeName) as caught:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Colour"])
    assert error_of(caught)["Message"] == "Unknown Attribute Colour."


def test_policy_is_stored_changed_and_cleared(cloud: Cloud, sqs: Any) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    url = sqs.create_queue(QueueName="q", Attributes={"Policy": policy})["QueueUrl"]
    cloud.clock.advance(90)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert "Policy" not in attributes
    assert int(attributes["LastModifiedTimestamp"]) == int(attributes["CreatedTimestamp"]) + 90
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]
    assert got == {"Policy": policy}
    with pytest.raises(sqs.exceptions.InvalidAttributeValue):
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": "{not json"})


def test_list_queues_by_prefix_and_in_pages(sqs: Any) -> None:
    assert sqs.list_queues()["QueueUrls"] == []
    for name in ("b-orders", "a-orders", "a-audit", "c"):
        sqs.create_queue(QueueName=name)
    names = [u.rsplit("/", 1)[1] for u in sqs.list_queues()["QueueUrls"]]
    assert names == ["a-audit", "a-orders", "b-orders", "c"]
    assert "NextToken" not in sqs.list_queues()
    prefixed = sqs.list_queues(QueueNamePrefix="a-")["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in prefixed] == ["a-audit", "a-orders"]
    first = sqs.list_queues(MaxResults=3)
    assert len(first["QueueUrls"]) == 3
    rest = sqs.list_queues(MaxResults=3, NextToken=first["NextToken"])
    assert [u.rsplit("/", 1)[1] for u in rest["QueueUrls"]] == ["c"]
    assert "NextToken" not in rest
    for bad in (0, 1001):
        with pytest.raises(ClientError) as caught:
            sqs.list_queues(MaxResults=bad)
        assert error_of(caught)["Code"] == "InvalidParameterValue"


def test_deleted_queues_are_gone_and_their_name_waits_a_minute(cloud: Cloud, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="lost")
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.receive_message(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.delete_queue(QueueUrl=url)
    cloud.clock.advance(59)
    with pytest.raises(sqs.exceptions.QueueDeletedRecently) as caught:
        sqs.create_queue(QueueName="q")
    assert error_of(caught)["Code"] == "AWS.SimpleQueueService.QueueDeletedRecently"
    assert "wait 60 seconds" in error_of(caught)["Message"]
    cloud.clock.advance(1)
    assert sqs.create_queue(QueueName="q")["QueueUrl"] == url
    assert sqs.receive_message(QueueUrl=url)["Messages"] == []


def test_purge_empties_the_queue_once_a_minute(cloud: Cloud, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    sqs.receive_message(QueueUrl=url)
    sqs.purge_queue(QueueUrl=url)
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "0"
    cloud.clock.advance(30)
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress) as caught:
        sqs.purge_queue(QueueUrl=url)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error_of(caught) == {
        "Code": "AWS.SimpleQueueService.PurgeQueueInProgress",
        "Message": "Only one PurgeQueue operation on q is allowed every 60 seconds.",
        "QueryErrorCode": "PurgeQueueInProgress",
        "Type": "Sender",
    }
    cloud.clock.advance(30)
    sqs.purge_queue(QueueUrl=url)


def test_required_parameters_are_named(sqs: Any) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.send_message(MessageBody="x")
    assert error_of(caught) == {
        "Code": "MissingParameter",
        "Message": "The request must contain the parameter QueueUrl.",
        "QueryErrorCode": "MissingRequiredParameterException",
        "Type": "Sender",
    }
