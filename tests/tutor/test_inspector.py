"""The resource inspector lists what a learner made: functions with their settings, queues."""

from __future__ import annotations

import io
import zipfile

from emulator import Cloud
from tutor.widgets.inspector import gather


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def test_functions_show_concurrency_versions_aliases_and_dead_letters() -> None:
    with Cloud() as cloud:
        sqs = cloud.client("sqs")
        url = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="{}")
        fn = cloud.client("lambda")
        fn.create_function(
            FunctionName="orders",
            Runtime="python3.12",
            Role="arn:aws:iam::123456789012:role/r",
            Handler="handler.handler",
            Code={"ZipFile": _zip()},
            Publish=True,
            DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq"},
        )
        fn.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
        fn.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=5)
        found = gather(cloud)
    ((name, details),) = found["Lambda functions"]
    assert name == "orders"
    assert "reserved concurrency 5" in details
    assert "dead-letter queue orders-dlq" in details
    assert "versions 1" in details
    assert "alias live -> 1" in details
    assert found["SQS queues"] == [("orders-dlq", ["1 messages waiting, 0 being processed"])]
