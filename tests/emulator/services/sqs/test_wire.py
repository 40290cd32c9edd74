"""SQS through real boto3 over the wire gateway: the json protocol and its query error codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from emulator import ClientError, Cloud


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with Cloud() as cloud:
        yield cloud


@pytest.fixture(scope="module")
def sqs(cloud: Cloud) -> Any:
    return boto3.client(
        "sqs",
        endpoint_url=cloud.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )


def test_send_receive_delete_through_boto3(cloud: Cloud, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="wire", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
    assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/wire"
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="msg",
        MessageAttributes={
            "Foo": {"DataType": "String", "StringValue": "Bar"},
            "Raw": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
        },
    )
    assert sent["MD5OfMessageBody"] == "6e2baaf3b97dbeef01c0043275f9a0e7"
    (got,) = sqs.receive_message(
        QueueUrl=url, MessageAttributeNames=["All"], AttributeNames=["All"]
    )["Messages"]
    assert got["MessageId"] == sent["MessageId"]
    assert got["MessageAttributes"]["Raw"] == {"DataType": "Binary", "BinaryValue": b"\x00\xff"}
    assert got["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert got["Attributes"]["ApproximateReceiveCount"] == "1"
    cloud.clock.advance(5)
    (again,) = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
    cloud.clock.advance(5)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"] == []
    batch = sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "1"}, {"Id": "b", "MessageBody": "2"}]
    )
    assert [e["Id"] for e in batch["Successful"]] == ["a", "b"]
    assert batch["Failed"] == []


def test_a_missing_queue_error_reads_as_it_does_from_aws(sqs: Any) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as caught:
        sqs.get_queue_url(QueueName="absent")
    error = caught.value.response["Error"]
    assert error == {
        "Code": "AWS.SimpleQueueService.NonExistentQueue",
        "Message": "The specified queue does not exist.",
        "QueryErrorCode": "QueueDoesNotExist",
        "Type": "Sender",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


WIRE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/wire"


@pytest.mark.parametrize(
    ("operation", "params", "modelled"),
    [
        ("get_queue_url", {"QueueName": "absent"}, "QueueDoesNotExist"),
        ("purge_queue", {"QueueUrl": WIRE_URL.replace("wire", "gone")}, "QueueDoesNotExist"),
        (
            "create_queue",
            {"QueueName": "wire", "Attributes": {"VisibilityTimeout": "6"}},
            "QueueNameExists",
        ),
        ("receive_message", {"QueueUrl": WIRE_URL, "MaxNumberOfMessages": 11}, None),
        (
            "delete_message",
            {"QueueUrl": WIRE_URL, "ReceiptHandle": "nope"},
            "ReceiptHandleIsInvalid",
        ),
    ],
)
def test_in_process_and_wire_errors_agree(
    cloud: Cloud, sqs: Any, operation: str, params: dict[str, Any], modelled: str | None
) -> None:
    local = cloud.client("sqs")
    local.create_queue(QueueName="wire", Attributes={"VisibilityTimeout": "5"})
    with pytest.raises(botocore.exceptions.ClientError) as remote:
        getattr(sqs, operation)(**params)
    with pytest.raises(ClientError) as here:
        getattr(local, operation)(**params)
    assert here.value.response["Error"] == remote.value.response["Error"]
    status = remote.value.response["ResponseMetadata"]["HTTPStatusCode"]
    assert here.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    if modelled is None:
        # botocore has no class for an unmodelled shape such as InvalidParameterValueException.
        assert type(remote.value) is botocore.exceptions.ClientError
    else:
        assert isinstance(remote.value, getattr(sqs.exceptions, modelled))
        assert isinstance(here.value, getattr(local.exceptions, modelled))
