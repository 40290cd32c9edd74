"""Asynchronous invocation: retry settings, throttle backoff, event age, destinations."""

from __future__ import annotations

import itertools
import json
from typing import Any

from lambdakit import ROLE, code_of, create, error_of, zipped

from emulator import Cloud
from emulator.load import Load, Stage, run_load

FAIL = "def handler(event, context):\n    raise ValueError('no stock for ' + event['item'])\n"
OK = "def handler(event, context):\n    return {'done': event['item']}\n"
SINK = "import json\n\ndef handler(event, context):\n    print('RECORD ' + json.dumps(event))\n"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def records(cloud: Cloud) -> list[dict[str, Any]]:
    """What the sink function received, in order."""
    logs = cloud.client("logs")
    if not logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/sink")["logGroups"]:
        return []
    events = logs.filter_log_events(logGroupName="/aws/lambda/sink", filterPattern="RECORD")[
        "events"
    ]
    return [json.loads(e["message"].split("RECORD ", 1)[1]) for e in events]


def send(cloud: Cloud, item: str = "socks", **extra: Any) -> None:
    answer = cloud.client("lambda").invoke(
        FunctionName="fn", InvocationType="Event", Payload=json.dumps({"item": item}), **extra
    )
    assert answer["StatusCode"] == 202


def test_event_invoke_config_calls_and_validation(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, OK)
    answer = fn.put_function_event_invoke_config(
        FunctionName="fn", MaximumRetryAttempts=1, MaximumEventAgeInSeconds=3600
    )
    assert (answer["MaximumRetryAttempts"], answer["MaximumEventAgeInSeconds"]) == (1, 3600)
    assert answer["FunctionArn"] == ARN + "fn:$LATEST"
    fn.update_function_event_invoke_config(
        FunctionName="fn", DestinationConfig={"OnFailure": {"Destination": ARN + "sink"}}
    )
    got = fn.get_function_event_invoke_config(FunctionName="fn")
    assert got["MaximumRetryAttempts"] == 1
    assert got["DestinationConfig"] == {"OnFailure": {"Destination": ARN + "sink"}}
    assert (
        len(fn.list_function_event_invoke_configs(FunctionName="fn")["FunctionEventInvokeConfigs"])
        == 1
    )
    for bad in ({"MaximumRetryAttempts": 3}, {"MaximumEventAgeInSeconds": 59}):
        assert code_of(fn.put_function_event_invoke_config, FunctionName="fn", **bad) == (
            "ValidationException"
        )
    sns = {"OnFailure": {"Destination": "arn:aws:sns:us-east-1:123456789012:alerts"}}
    error = error_of(fn.put_function_event_invoke_config, FunctionName="fn", DestinationConfig=sns)
    assert "not supported by the emulator" in error.response["Error"]["Message"]
    fn.delete_function_event_invoke_config(FunctionName="fn")
    assert code_of(fn.get_function_event_invoke_config, FunctionName="fn") == (
        "ResourceNotFoundException"
    )


def test_failure_after_retries_goes_to_the_on_failure_destination(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, FAIL)
    create(cloud, SINK, name="sink")
    fn.put_function_event_invoke_config(
        FunctionName="fn",
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": ARN + "sink"}},
    )
    send(cloud)
    cloud.clock.advance(59)
    assert records(cloud) == []  # first try failed; the retry waits a minute
    cloud.clock.advance(2)
    (record,) = records(cloud)
    assert record["version"] == "1.0"
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestContext"]["functionArn"] == ARN + "fn:$LATEST"
    assert record["requestPayload"] == {"item": "socks"}
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"]["errorType"] == "ValueError"
    assert record["responsePayload"]["errorMessage"] == "no stock for socks"


def test_success_goes_to_the_on_success_destination(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, OK, Publish=True)
    fn.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    create(cloud, SINK, name="sink")
    fn.put_function_event_invoke_config(
        FunctionName="fn",
        Qualifier="live",
        DestinationConfig={"OnSuccess": {"Destination": ARN + "sink"}},
    )
    send(cloud, "hats")  # $LATEST: no destination configured for it
    send(cloud, "boots", Qualifier="live")
    cloud.clock.advance(1)
    (record,) = records(cloud)
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["functionArn"] == ARN + "fn:live"
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "1"}
    assert record["responsePayload"] == {"done": "boots"}


def _occupy(cloud: Cloud) -> None:
    """Reserve one environment for fn and keep it busy for ten hours, so events throttle."""
    cloud.client("lambda").put_function_concurrency(
        FunctionName="fn", ReservedConcurrentExecutions=1
    )
    run_load(cloud, Load("fn", (Stage(1, 1),), duration_ms=10 * 3600 * 1000, init_ms=0))


def test_throttled_events_back_off_until_they_are_too_old(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, OK)
    create(cloud, SINK, name="sink")
    _occupy(cloud)
    fn.put_function_event_invoke_config(
        FunctionName="fn",
        MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": ARN + "sink"}},
    )
    start = cloud.clock.now()
    send(cloud)
    cloud.clock.advance(120)
    retries = [e for e in cloud.events.filter(kind="retry") if e.resource == "fn"]
    assert [round(e.time - start, 3) for e in retries] == [0, 1, 3, 7, 15, 31]
    assert all(
        e.detail["reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded" for e in retries
    )
    (record,) = records(cloud)
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert "responseContext" not in record
    dropped = cloud.events.filter(kind="async_dropped")
    assert [e.detail["reason"] for e in dropped] == ["EventAgeExceeded"]
    assert 60 < dropped[0].time - start < 61


def test_throttle_backoff_never_exceeds_five_minutes(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, OK)
    _occupy(cloud)
    send(cloud)
    cloud.clock.advance(3600)
    times = [e.time for e in cloud.events.filter(kind="retry")]
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(times)]
    assert gaps[:9] == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    assert set(gaps[9:]) == {300}
    # Lifting the throttle lets the waiting event through on its next turn.
    fn.delete_function_concurrency(FunctionName="fn")
    cloud.clock.advance(300)
    assert any(e.resource == "fn" for e in cloud.events.filter(kind="invoke"))


def test_zero_reserved_concurrency_drops_events_without_retrying(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, OK)
    create(cloud, SINK, name="sink")
    fn.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    fn.put_function_event_invoke_config(
        FunctionName="fn", DestinationConfig={"OnFailure": {"Destination": ARN + "sink"}}
    )
    send(cloud)
    cloud.clock.advance(1)
    assert [e for e in cloud.events.filter(kind="retry") if e.resource == "fn"] == []
    (record,) = records(cloud)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 1


def test_no_retries_when_maximum_retry_attempts_is_zero(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, FAIL)
    fn.put_function_event_invoke_config(FunctionName="fn", MaximumRetryAttempts=0)
    send(cloud)
    cloud.clock.advance(600)
    assert len(cloud.events.filter(kind="function_error")) == 1
    assert [e.detail["reason"] for e in cloud.events.filter(kind="async_dropped")] == [
        "RetriesExhausted"
    ]


def test_dead_letter_queue_receives_the_event_with_aws_attributes(cloud: Cloud) -> None:
    sqs = cloud.client("sqs")
    url = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    create(cloud, FAIL, DeadLetterConfig={"TargetArn": dlq})
    config = cloud.client("lambda").get_function_configuration(FunctionName="fn")
    assert config["DeadLetterConfig"] == {"TargetArn": dlq}
    send(cloud, "gloves")
    cloud.clock.advance(60 + 120 - 1)
    assert not sqs.receive_message(QueueUrl=url).get("Messages")
    cloud.clock.advance(2)  # the second retry fails at 3 minutes: the event is dead-lettered
    (message,) = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert json.loads(message["Body"]) == {"item": "gloves"}
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert attributes["ErrorCode"] == "200"
    assert attributes["ErrorMessage"] == "no stock for gloves"
    assert len(attributes["RequestID"]) == 36


def test_a_missing_dead_letter_queue_is_counted_not_fatal(cloud: Cloud) -> None:
    create(
        cloud,
        FAIL,
        DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:123456789012:gone"},
    )
    cloud.client("lambda").put_function_event_invoke_config(
        FunctionName="fn", MaximumRetryAttempts=0
    )
    send(cloud)
    cloud.clock.advance(1)
    (dropped,) = [e for e in cloud.events.filter(kind="async_dropped") if e.detail.get("target")]
    assert dropped.detail["reason"] == "DeadLetterErrors"


def test_dead_letter_config_must_name_a_queue_or_topic(cloud: Cloud) -> None:
    bad = {"TargetArn": "arn:aws:dynamodb:us-east-1:123456789012:table/t"}
    assert code_of(cloud.client("lambda").create_function, **_params(DeadLetterConfig=bad)) == (
        "InvalidParameterValueException"
    )


def _params(**extra: Any) -> dict[str, Any]:
    return {
        "FunctionName": "fn",
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "handler.handler",
        "Code": {"ZipFile": zipped(OK)},
        **extra,
    }


def test_a_handler_run_by_the_clock_can_queue_another_event_without_waiting() -> None:
    """An async handler's own async invoke reaches the emulator while the clock is busy."""
    import time

    from lambdakit import create

    from emulator import Cloud

    with Cloud() as cloud:
        create(
            cloud,
            "import boto3\n"
            "def handler(event, context):\n"
            "    boto3.client('lambda').invoke(FunctionName='second', InvocationType='Event',"
            " Payload=b'{}')\n"
            "    return 'ok'\n",
            name="first",
            Timeout=30,
        )
        create(cloud, "def handler(event, context):\n    print('second ran')\n", name="second")
        cloud.client("lambda").invoke(FunctionName="first", InvocationType="Event", Payload=b"{}")
        started = time.monotonic()
        cloud.clock.advance(1)
        assert time.monotonic() - started < 20  # no wait for the first handler's timeout
        cloud.clock.advance(1)
        events = cloud.client("logs").filter_log_events(
            logGroupName="/aws/lambda/second", filterPattern="ran"
        )["events"]
        assert [e["message"] for e in events] == ["second ran\n"]
