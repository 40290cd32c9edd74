"""SQS batch operations: each entry succeeds or fails on its own, the batch as a whole is checked."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import ClientError, Cloud, limits


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    return caught.value.response["Error"]


def test_send_batch_reports_each_entry(sqs: Any, url: str) -> None:
    answer = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok-1", "MessageBody": "msg"},
            {"Id": "too_late", "MessageBody": "x", "DelaySeconds": 901},
            {
                "Id": "ok-2",
                "MessageBody": "msg",
                "MessageAttributes": {"Foo": {"DataType": "String", "StringValue": "Bar"}},
            },
        ],
    )
    assert [e["Id"] for e in answer["Successful"]] == ["ok-1", "ok-2"]
    assert answer["Successful"][0]["MD5OfMessageBody"] == "6e2baaf3b97dbeef01c0043275f9a0e7"
    assert "MD5OfMessageAttributes" not in answer["Successful"][0]
    assert answer["Successful"][1]["MD5OfMessageAttributes"] == "ae7155c6026991b6d54b11589678bf9c"
    assert answer["Failed"] == [
        {
            "Id": "too_late",
            "SenderFault": True,
            "Code": "InvalidParameterValue",
            "Message": "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds "
            "must be >= 0 and <= 900.",
        }
    ]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["MessageId"] for m in got] == [e["MessageId"] for e in answer["Successful"]]


@pytest.mark.parametrize(
    ("entries", "code", "message"),
    [
        (
            [],
            "AWS.SimpleQueueService.EmptyBatchRequest",
            "There should be at least one SendMessageBatchRequestEntry in the request.",
        ),
        (
            [{"Id": str(n), "MessageBody": "x"} for n in range(20)],
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            "Maximum number of entries per request are 10. You have sent 20.",
        ),
        (
            [{"Id": "invalid:id", "MessageBody": "x"}],
            "AWS.SimpleQueueService.InvalidBatchEntryId",
            "A batch entry id can only contain alphanumeric characters, hyphens and "
            "underscores. It can be at most 80 letters long.",
        ),
        (
            [{"Id": "x" * 81, "MessageBody": "x"}],
            "AWS.SimpleQueueService.InvalidBatchEntryId",
            "A batch entry id can only contain alphanumeric characters, hyphens and "
            "underscores. It can be at most 80 letters long.",
        ),
        (
            [{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}],
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            "Id a repeated.",
        ),
    ],
)
def test_send_batch_checks_the_whole_batch_first(
    sqs: Any, url: str, entries: list[dict[str, Any]], code: str, message: str
) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert error_of(caught)["Code"] == code
    assert error_of(caught)["Message"] == message
    assert sqs.receive_message(QueueUrl=url)["Messages"] == []


def test_a_batch_cannot_exceed_the_message_size_quota_in_total(sqs: Any, url: str) -> None:
    largest = int(limits.value("sqs", "MessageSize"))
    half = largest // 2
    entries = [
        {"Id": "a", "MessageBody": "x" * half},
        {"Id": "b", "MessageBody": "x" * (largest - half + 1)},
    ]
    with pytest.raises(sqs.exceptions.BatchRequestTooLong) as caught:
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert error_of(caught)["Message"] == (
        f"Batch requests cannot be longer than {largest} bytes. You have sent {largest + 1} bytes."
    )
    entries[1]["MessageBody"] = "x" * (largest - half)
    assert len(sqs.send_message_batch(QueueUrl=url, Entries=entries)["Successful"]) == 2


def test_delete_batch(cloud: Cloud, sqs: Any, url: str) -> None:
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3)["Messages"]
    answer = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "first", "ReceiptHandle": got[0]["ReceiptHandle"]},
            {"Id": "bad", "ReceiptHandle": "not-a-handle"},
            {"Id": "third", "ReceiptHandle": got[2]["ReceiptHandle"]},
        ],
    )
    assert answer["Successful"] == [{"Id": "first"}, {"Id": "third"}]
    assert answer["Failed"] == [
        {
            "Id": "bad",
            "SenderFault": True,
            "Code": "ReceiptHandleIsInvalid",
            "Message": 'The input receipt handle "not-a-handle" is not a valid receipt handle.',
        }
    ]
    cloud.clock.advance(30)
    assert [
        m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    ] == ["m1"]
    with pytest.raises(sqs.exceptions.EmptyBatchRequest) as caught:
        sqs.delete_message_batch(QueueUrl=url, Entries=[])
    assert "DeleteMessageBatchRequestEntry" in error_of(caught)["Message"]


def test_change_visibility_batch(cloud: Cloud, sqs: Any, url: str) -> None:
    for n in range(2):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    answer = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "now", "ReceiptHandle": got[0]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "never", "ReceiptHandle": got[1]["ReceiptHandle"], "VisibilityTimeout": 43201},
        ],
    )
    assert answer["Successful"] == [{"Id": "now"}]
    assert [f["Code"] for f in answer["Failed"]] == ["InvalidParameterValue"]
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["m0"]
    with pytest.raises(sqs.exceptions.TooManyEntriesInBatchRequest):
        sqs.change_message_visibility_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(n), "ReceiptHandle": "h", "VisibilityTimeout": 1} for n in range(11)
            ],
        )


def test_a_batch_on_a_missing_queue_fails_as_a_whole(sqs: Any) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message_batch(
            QueueUrl="https://sqs.us-east-1.amazonaws.com/123456789012/none",
            Entries=[{"Id": "a", "MessageBody": "x"}],
        )
