"""SQS messages: send, receive, delete, visibility, delays, retention, receipt handles."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import ClientError, Cloud, limits


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    return caught.value.response["Error"]


def counts(sqs: Any, url: str) -> tuple[int, int, int]:
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return (
        int(got["ApproximateNumberOfMessages"]),
        int(got["ApproximateNumberOfMessagesNotVisible"]),
        int(got["ApproximateNumberOfMessagesDelayed"]),
    )


def receive(sqs: Any, url: str, **params: Any) -> list[dict[str, Any]]:
    return list(sqs.receive_message(QueueUrl=url, **params)["Messages"])


def s(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


# Digests SQS itself returned for these messages and attributes.
STAR_WARS = {"General": s("Kenobi"), "Hello": s("There"), "Help.Me": s("Me")}
TRACE = b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01"


@pytest.mark.parametrize(
    ("attributes", "digest"),
    [
        (STAR_WARS, "4c360f3fdafd970e05fae2f149d997f5"),
        ({"Foo": s("Bar")}, "ae7155c6026991b6d54b11589678bf9c"),
        (
            {"attr1": {"DataType": "Binary", "BinaryValue": TRACE}},
            "8cbe4db156db8a94db8b801b7addb984",
        ),
    ],
)
def test_digests_match_the_ones_aws_returns(
    sqs: Any, url: str, attributes: dict[str, Any], digest: str
) -> None:
    sent = sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=attributes)
    assert sent["MD5OfMessageBody"] == "6e2baaf3b97dbeef01c0043275f9a0e7"
    assert sent["MD5OfMessageAttributes"] == digest
    (got,) = receive(sqs, url, MessageAttributeNames=["All"])
    assert got["MD5OfBody"] == "6e2baaf3b97dbeef01c0043275f9a0e7"
    assert got["MD5OfMessageAttributes"] == digest
    assert got["MessageAttributes"] == attributes


@pytest.mark.parametrize(
    ("names", "kept", "digest"),
    [
        (["All"], ["General", "Hello", "Help.Me"], "4c360f3fdafd970e05fae2f149d997f5"),
        ([".*"], ["General", "Hello", "Help.Me"], "4c360f3fdafd970e05fae2f149d997f5"),
        (["General", "Hello"], ["General", "Hello"], "fca026605781cb4126a1e9044df24232"),
        (["Hello", "Missing"], ["Hello"], "a311262e065454b75da111d535b8dacd"),
        (["Hel.*"], ["Hello", "Help.Me"], "83fee93c1bcd8b9a5a923ffacdc636c7"),
        (["Missing"], [], None),
    ],
)
def test_message_attribute_names_choose_what_comes_back(
    sqs: Any, url: str, names: list[str], kept: list[str], digest: str | None
) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=STAR_WARS)
    (got,) = receive(sqs, url, MessageAttributeNames=names)
    assert sorted(got["MessageAttributes"]) == kept
    assert got.get("MD5OfMessageAttributes") == digest


def test_without_names_no_attributes_come_back(sqs: Any, url: str) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=STAR_WARS)
    (got,) = receive(sqs, url)
    assert set(got) == {"MessageId", "ReceiptHandle", "MD5OfBody", "Body"}


def test_send_receive_delete(cloud: Cloud, sqs: Any, url: str) -> None:
    sent = sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert counts(sqs, url) == (1, 0, 0)
    (got,) = receive(sqs, url, AttributeNames=["All"])
    assert got["MessageId"] == sent["MessageId"]
    assert got["Body"] == "hello"
    now_ms = str(int(cloud.clock.now() * 1000))
    assert got["Attributes"] == {
        "SenderId": cloud.account_id,
        "SentTimestamp": now_ms,
        "ApproximateReceiveCount": "1",
        "ApproximateFirstReceiveTimestamp": now_ms,
    }
    assert counts(sqs, url) == (0, 1, 0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    assert counts(sqs, url) == (0, 0, 0)
    cloud.clock.advance(3600)
    assert receive(sqs, url) == []


def test_system_attribute_names_pick_single_attributes(sqs: Any, url: str) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="m")
    (got,) = receive(sqs, url, MessageSystemAttributeNames=["ApproximateReceiveCount"])
    assert got["Attributes"] == {"ApproximateReceiveCount": "1"}
    with pytest.raises(sqs.exceptions.InvalidAttributeName):
        receive(sqs, url, AttributeNames=["Colour"])


def test_visibility_timeout_hides_a_received_message_until_it_expires(
    cloud: Cloud, sqs: Any, url: str
) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="job")
    (first,) = receive(sqs, url)
    default = int(limits.value("sqs", "VisibilityDefault"))
    cloud.clock.advance(default - 1)
    assert receive(sqs, url) == []
    cloud.clock.advance(1)
    assert counts(sqs, url) == (1, 0, 0)
    (second,) = receive(sqs, url, AttributeNames=["ApproximateReceiveCount"])
    assert second["MessageId"] == first["MessageId"]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"


def test_receive_visibility_timeout_overrides_the_queue(cloud: Cloud, sqs: Any, url: str) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="job")
    receive(sqs, url, VisibilityTimeout=5)
    cloud.clock.advance(5)
    (again,) = receive(sqs, url, VisibilityTimeout=0)
    assert again["Body"] == "job"
    assert len(receive(sqs, url)) == 1


def test_visibility_change_extends_shortens_and_has_a_twelve_hour_ceiling(
    cloud: Cloud, sqs: Any, url: str
) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="job")
    (got,) = receive(sqs, url)
    handle = got["ReceiptHandle"]
    cloud.clock.advance(20)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=100)
    cloud.clock.advance(99)
    assert receive(sqs, url) == []
    ceiling = int(limits.value("sqs", "VisibilityMax"))
    with pytest.raises(ClientError) as caught:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=ceiling - 100
        )
    assert error_of(caught)["Code"] == "InvalidParameterValue"
    assert f"beyond the limit [{ceiling} seconds]" in error_of(caught)["Message"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    assert counts(sqs, url) == (1, 0, 0)


def test_changing_visibility_after_it_lapsed_hides_the_message_again(
    cloud: Cloud, sqs: Any, url: str
) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="job")
    (got,) = receive(sqs, url, VisibilityTimeout=1)
    cloud.clock.advance(2)
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=60
    )
    assert counts(sqs, url) == (0, 1, 0)


@pytest.mark.parametrize("timeout", [-1, 43201])
def test_visibility_values_out_of_range(sqs: Any, url: str, timeout: int) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="job")
    (got,) = receive(sqs, url)
    with pytest.raises(ClientError) as caught:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=timeout
        )
    assert error_of(caught)["Message"] == (
        f"Value {timeout} for parameter VisibilityTimeout is invalid. "
        "Reason: Must be between 0 and 43200, if provided."
    )
    with pytest.raises(ClientError) as caught:
        receive(sqs, url, VisibilityTimeout=timeout)
    assert error_of(caught)["Code"] == "InvalidParameterValue"


def test_an_old_receipt_handle_deletes_nothing_once_the_message_was_received_again(
    cloud: Cloud, sqs: Any, url: str
) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="job")
    (first,) = receive(sqs, url, VisibilityTimeout=10)
    cloud.clock.advance(10)
    (second,) = receive(sqs, url, VisibilityTimeout=10)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert counts(sqs, url) == (0, 1, 0)
    with pytest.raises(ClientError) as caught:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=5
        )
    assert error_of(caught)["Code"] == "InvalidParameterValue"
    assert "The receipt handle has expired" in error_of(caught)["Message"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])
    assert counts(sqs, url) == (0, 0, 0)


def test_the_latest_handle_deletes_even_after_the_visibility_lapsed(
    cloud: Cloud, sqs: Any, url: str
) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="job")
    (got,) = receive(sqs, url, VisibilityTimeout=5)
    cloud.clock.advance(60)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    assert receive(sqs, url) == []
    with pytest.raises(ClientError) as caught:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=5
        )
    assert "Message does not exist" in error_of(caught)["Message"]


def test_receipt_handles_that_are_not_this_queues(sqs: Any, url: str) -> None:
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    sqs.send_message(QueueUrl=other, MessageBody="elsewhere")
    (got,) = receive(sqs, other)
    for handle in ("garbage", got["ReceiptHandle"]):
        with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as caught:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
        assert error_of(caught)["Message"] == (
            f'The input receipt handle "{handle}" is not a valid receipt handle.'
        )


def test_delays_per_message_and_per_queue(cloud: Cloud, sqs: Any, url: str) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=10)
    assert counts(sqs, url) == (0, 0, 1)
    assert receive(sqs, url) == []
    cloud.clock.advance(10)
    (later,) = receive(sqs, url)
    assert later["Body"] == "later"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=later["ReceiptHandle"])
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "30"})
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    sqs.send_message(QueueUrl=url, MessageBody="no delay", DelaySeconds=0)
    assert [m["Body"] for m in receive(sqs, url, MaxNumberOfMessages=10)] == ["no delay"]
    # The queue's delay is not retroactive for a standard queue.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0"})
    assert receive(sqs, url) == []
    cloud.clock.advance(30)
    assert [m["Body"] for m in receive(sqs, url)] == ["queue delay"]


@pytest.mark.parametrize("delay", [-1, 901])
def test_delay_out_of_range(sqs: Any, url: str, delay: int) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=delay)
    assert error_of(caught)["Message"] == (
        f"Value {delay} for parameter DelaySeconds is invalid. "
        "Reason: DelaySeconds must be >= 0 and <= 900."
    )


def test_messages_expire_after_the_retention_period(cloud: Cloud, sqs: Any, url: str) -> None:
    shortest = int(limits.value("sqs", "RetentionMin"))
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": str(shortest)})
    sqs.send_message(QueueUrl=url, MessageBody="in flight")
    sqs.send_message(QueueUrl=url, MessageBody="waiting")
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=shortest)
    receive(sqs, url, VisibilityTimeout=shortest * 2)
    cloud.clock.advance(shortest - 1)
    assert counts(sqs, url) == (1, 1, 1)
    cloud.clock.advance(1)
    assert counts(sqs, url) == (0, 0, 0)


def test_shorter_retention_applies_to_messages_already_queued(
    cloud: Cloud, sqs: Any, url: str
) -> None:
    sqs.send_message(QueueUrl=url, MessageBody="old")
    cloud.clock.advance(3600)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "3600"})
    assert receive(sqs, url) == []


def test_receive_hands_out_at_most_the_number_asked(sqs: Any, url: str) -> None:
    for n in range(12):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    assert len(receive(sqs, url)) == 1
    got = receive(sqs, url, MaxNumberOfMessages=10)
    assert [m["Body"] for m in got] == [f"m{n}" for n in range(1, 11)]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"MaxNumberOfMessages": 11},
            "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 "
            "and 10, if provided.",
        ),
        (
            {"MaxNumberOfMessages": 0},
            "Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 "
            "and 10, if provided.",
        ),
        (
            {"WaitTimeSeconds": 21},
            "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, "
            "if provided.",
        ),
        (
            {"MaxNumberOfMessages": "5"},
            "Value 5 for parameter MaxNumberOfMessages is invalid. Reason: Must be a whole number.",
        ),
    ],
)
def test_receive_parameters_out_of_range(
    sqs: Any, url: str, params: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as caught:
        receive(sqs, url, **params)
    assert error_of(caught)["Code"] == "InvalidParameterValue"
    assert error_of(caught)["Message"] == message


def test_a_long_poll_answers_at_once_without_moving_the_clock(
    cloud: Cloud, sqs: Any, url: str
) -> None:
    before = cloud.clock.now()
    assert receive(sqs, url, WaitTimeSeconds=20) == []
    sqs.send_message(QueueUrl=url, MessageBody="here")
    assert [m["Body"] for m in receive(sqs, url, WaitTimeSeconds=20)] == ["here"]
    assert cloud.clock.now() == before


def test_size_limit_counts_the_body_and_every_attribute_part(sqs: Any, url: str) -> None:
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MaximumMessageSize": "1024"})
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)
    assert error_of(caught)["Message"] == (
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."
    )
    # 1000 + len("k") + len("String") + len("v" * 17) = 1024 bytes.
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1000, MessageAttributes={"k": s("v" * 17)})
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1000, MessageAttributes={"k": s("v" * 18)})
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=url, MessageBody="é" * 513)


def test_the_default_largest_message_is_the_quota(sqs: Any, url: str) -> None:
    largest = int(limits.value("sqs", "MessageSize"))
    sqs.send_message(QueueUrl=url, MessageBody="x" * largest)
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x" * (largest + 1))
    assert f"shorter than {largest} bytes" in error_of(caught)["Message"]


def test_bodies_must_be_present_and_of_allowed_characters(sqs: Any, url: str) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="")
    assert error_of(caught)["Code"] == "MissingParameter"
    with pytest.raises(sqs.exceptions.InvalidMessageContents) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="bell \x07")
    assert error_of(caught)["Code"] == "InvalidMessageContents"
    assert "#x7" in error_of(caught)["Message"]
    sqs.send_message(QueueUrl=url, MessageBody="tab\tand emoji 🎉 and \ue000")


@pytest.mark.parametrize(
    ("attributes", "words"),
    [
        ({f"a{n}": s("v") for n in range(11)}, "Number of message attributes [11] exceeds"),
        ({"Empty": s("")}, "'Empty' must contain a non-empty value of type 'String'"),
        ({"has space": s("v")}, "is invalid"),
        ({"AWS.Trace": s("v")}, "reserved"),
        ({"amazon.x": s("v")}, "reserved"),
        ({".start": s("v")}, "period"),
        ({"a..b": s("v")}, "period"),
        ({"n": {"DataType": "Number", "StringValue": "ten"}}, "to a number"),
        ({"t": {"DataType": "Text", "StringValue": "x"}}, "Binary, Number, and String"),
        ({"b": {"DataType": "Binary", "BinaryValue": b""}}, "of type 'Binary'"),
        ({"x" * 257: s("v")}, "at most 256"),
    ],
)
def test_message_attributes_are_validated(
    sqs: Any, url: str, attributes: dict[str, Any], words: str
) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attributes)
    assert error_of(caught)["Code"] == "InvalidParameterValue"
    assert words in error_of(caught)["Message"]


def test_ten_attributes_and_custom_types_are_fine(sqs: Any, url: str) -> None:
    attributes = {f"a{n}": s("v") for n in range(10)}
    attributes["a0"] = {"DataType": "Number.int", "StringValue": "-1.5e3"}
    sent = sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attributes)
    (got,) = receive(sqs, url, MessageAttributeNames=["All"])
    assert got["MessageAttributes"] == attributes
    assert got["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]


def test_parameters_that_only_fifo_queues_take(sqs: Any, url: str) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d1")
    assert error_of(caught)["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g1")
    assert error_of(caught)["Code"] == "NotSupportedByEmulator"


def test_trace_header_system_attribute(sqs: Any, url: str) -> None:
    header = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="x",
        MessageSystemAttributes={"AWSTraceHeader": s(header)},
    )
    assert len(sent["MD5OfMessageSystemAttributes"]) == 32
    (got,) = receive(sqs, url, MessageSystemAttributeNames=["AWSTraceHeader"])
    assert got["Attributes"] == {"AWSTraceHeader": header}
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageSystemAttributes={"Other": s("v")})
