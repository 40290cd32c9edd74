"""Checks of the orders-after-six-hours lab: the recorded rush, the queue, the clock."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from emulator import ClientError, limits
from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

FUNCTION = "process-order"
LOAD = (
    "load process-order --rate 5 --for 10m --async --duration-ms 30000 --init-ms 300 "
    "--payload file://order.json"
)


def _when(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _runs(cloud: Cloud) -> list[dict[str, Any]]:
    """Recorded load runs that drove process-order, newest first."""
    backend: Any = cloud.backend("lambda")
    return [run for run in reversed(backend.load_runs) if FUNCTION in run["functions"]]


def _queued_rush(run: dict[str, Any]) -> bool:
    """An asynchronous run that was throttled and left orders in Lambda's queue."""
    result = run["functions"][FUNCTION]
    return bool(
        result["asynchronous"] and result["totals"]["throttles"] and result["pending_events"]
    )


def _rush(cloud: Cloud) -> dict[str, Any] | None:
    return next((run for run in _runs(cloud) if _queued_rush(run)), None)


def check_orders_throttled_and_queued(cloud: Cloud) -> Verdict:
    """An asynchronous run of process-order was throttled and left orders queued for retries."""
    expected = "an asynchronous run, throttled, with orders still queued at its end"
    run = _rush(cloud)
    if run is not None:
        result = run["functions"][FUNCTION]
        totals = result["totals"]
        return Verdict(
            True,
            {
                "orders": totals["requests"],
                "processed during the run": totals["succeeded"],
                "throttled attempts": sum(totals["throttles"].values()),
                "still queued": result["pending_events"],
            },
            expected,
        )
    runs = _runs(cloud)
    if not runs:
        return Verdict(False, "no load run of process-order", expected)
    newest = runs[0]["functions"][FUNCTION]
    if not newest["asynchronous"]:
        message = (
            "Your newest run of process-order was synchronous, so every refused order went "
            "straight back to its caller. The website sends orders asynchronously: add "
            "--async. The whole command: " + LOAD
        )
    else:
        message = (
            "Your newest asynchronous run of process-order left nothing waiting: with the cap "
            "of 2, each order must keep the function busy for 30 seconds (--duration-ms "
            "30000). The whole command: " + LOAD
        )
    return Verdict(False, newest["totals"], expected, message)


def _queue_url(cloud: Cloud, arn: str) -> str | None:
    """The URL of the SQS queue with this ARN, or None when there is no such queue."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[2] != "sqs":
        return None
    sqs: Any = cloud.client("sqs", region_name=parts[3] or None)
    try:
        return str(sqs.get_queue_url(QueueName=parts[5])["QueueUrl"])
    except ClientError:
        return None


def _targets(cloud: Cloud) -> list[tuple[str, str]]:
    """(what, ARN) of process-order's dead-letter queue and on-failure destination."""
    lam = cloud.client("lambda")
    found = []
    config = lam.get_function_configuration(FunctionName=FUNCTION)
    dead_letter = (config.get("DeadLetterConfig") or {}).get("TargetArn")
    if dead_letter:
        found.append(("dead-letter queue", dead_letter))
    try:
        settings = lam.get_function_event_invoke_config(FunctionName=FUNCTION)
    except ClientError:
        settings = {}
    on_failure = ((settings.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
        "Destination"
    )
    if on_failure:
        found.append(("on-failure destination", on_failure))
    return found


def check_failed_orders_have_a_queue(cloud: Cloud) -> Verdict:
    """process-order sends what Lambda gives up on to an SQS queue that exists."""
    targets = _targets(cloud)
    expected = "a dead-letter queue (or on-failure destination) that is an existing SQS queue"
    for what, arn in targets:
        if _queue_url(cloud, arn):
            return Verdict(True, {what: arn}, expected)
    if not targets:
        return Verdict(False, "no dead-letter queue, no on-failure destination", expected)
    what, arn = targets[0]
    if arn.split(":")[2:3] != ["sqs"]:
        message = (
            f"process-order's {what} is {arn}, which is not an SQS queue. This lab keeps the "
            "orders in one: point it at the ARN of process-order-dlq."
        )
    else:
        message = (
            f"process-order's {what} is {arn}, but there is no such queue. Create it with aws "
            "sqs create-queue, or point the setting at the ARN that aws sqs "
            "get-queue-attributes --attribute-names QueueArn answers."
        )
    return Verdict(False, dict(targets), expected, message)


def _max_age(cloud: Cloud) -> int:
    """process-order's MaximumEventAgeInSeconds, or AWS's default of 6 hours."""
    try:
        settings = cloud.client("lambda").get_function_event_invoke_config(FunctionName=FUNCTION)
    except ClientError:
        settings = {}
    age = settings.get("MaximumEventAgeInSeconds")
    return int(age if age is not None else limits.value("lambda", "AsyncMaxEventAge"))


def check_clock_past_max_age(cloud: Cloud) -> Verdict:
    """The clock is past the moment the rush's last order outlived its maximum age."""
    run = _rush(cloud)
    if run is None:
        return Verdict(
            False,
            "no throttled asynchronous run yet",
            "a run, then its orders' maximum age",
            "First play the morning's orders (the first task): " + LOAD,
        )
    age = _max_age(cloud)
    deadline = run["started"] + run["seconds"] + age
    now = cloud.clock.now()
    if now >= deadline:
        return Verdict(True, _when(now), f"at least {_when(deadline)}")
    left = deadline - now
    wait = f"{left / 3600:.1f} hours" if left >= 3600 else f"{math.ceil(left / 60)} minutes"
    return Verdict(
        False,
        _when(now),
        f"at least {_when(deadline)}",
        f"The lab's clock shows {_when(now)}. The morning's last order is given up on "
        f"{age / 3600:g} hours after it arrived, at {_when(deadline)}: move the clock on by at "
        f"least {wait} more (clock advance 6h is always enough).",
    )


def check_orders_in_the_queue(cloud: Cloud) -> Verdict:
    """The queue that catches process-order's dropped events holds messages."""
    urls = {url for _, arn in _targets(cloud) if (url := _queue_url(cloud, arn))}
    expected = "at least 1 message"
    if not urls:
        return Verdict(
            False,
            "no queue attached",
            expected,
            "process-order has no dead-letter queue yet, so there is nowhere to look. Do the "
            "second task first.",
        )
    sqs = cloud.client("sqs")
    counts = {}
    retention = 0
    for url in sorted(urls):
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=[
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "MessageRetentionPeriod",
            ],
        )["Attributes"]
        counts[url.rsplit("/", 1)[-1]] = {
            name: int(attributes.get(name, 0))
            for name in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
        }
        retention = max(retention, int(attributes.get("MessageRetentionPeriod", 0)))
    total = sum(sum(count.values()) for count in counts.values())
    if total:
        return Verdict(True, counts, expected)
    run = _rush(cloud)
    given_up = run["started"] + run["seconds"] + _max_age(cloud) if run is not None else None
    now = cloud.clock.now()
    if given_up is not None and now < given_up:
        message = (
            "The queue is still empty because Lambda is still retrying the morning's orders: "
            "it gives up on each one only when it is 6 hours old. Type clock advance 6h."
        )
    elif given_up is not None and now > given_up + retention:
        message = (
            f"The queue is empty: SQS deletes a message once it is older than the queue's "
            f"retention period ({retention / 86400:g} days here), and the morning's orders "
            "reached it longer ago than that. Play the morning again (" + LOAD + "), then "
            "clock advance 6h, and look before the days run out."
        )
    else:
        message = (
            "The queue is empty although the morning's orders have run out of time: it was "
            "attached after Lambda had given up on them (or its messages were deleted). "
            "With the queue attached, play the morning again (" + LOAD + "), then clock "
            "advance 6h."
        )
    return Verdict(False, counts, expected, message)
