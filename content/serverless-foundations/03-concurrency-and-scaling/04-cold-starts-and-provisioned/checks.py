"""Checks of the delivery-zones lab: cold and warm REPORT lines, and provisioned concurrency."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from typing import TYPE_CHECKING, Any

from emulator import ClientError
from emulator.services.awslambda.settings import PROVISIONING_SECONDS
from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

FUNCTION = "delivery-zones"
ALIAS = "live"
LOG_GROUP = f"/aws/lambda/{FUNCTION}"
EVENT = {"postcode": "EH1 1YZ"}
ANSWER = {"postcode": "EH1 1YZ", "served": True, "zone": 1, "band": "standard"}


def _reports(cloud: Cloud) -> list[dict[str, Any]] | None:
    """Every REPORT line of the function, oldest first; None when there is no log group."""
    logs = cloud.client("logs")
    try:
        answer = logs.filter_log_events(logGroupName=LOG_GROUP, filterPattern="REPORT")
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise
    return [e for e in answer["events"] if e["message"].startswith("REPORT ")]


def _cold(message: str) -> bool:
    return "Init Duration" in message


def check_warm_report(cloud: Cloud) -> Verdict:
    """An execution environment that reported a cold start later served a request warm.

    Each environment writes to its own log stream, so a stream whose first REPORT line
    carries Init Duration and a later one does not shows the same environment reused.
    """
    reports = _reports(cloud)
    if not reports:
        return Verdict(
            False, "no REPORT lines", "a cold REPORT, then a warm one in the same stream"
        )
    by_stream: dict[str, list[str]] = {}
    for event in reports:
        by_stream.setdefault(event["logStreamName"], []).append(event["message"])
    reused = [
        stream
        for stream, lines in by_stream.items()
        if _cold(lines[0]) and any(not _cold(line) for line in lines[1:])
    ]
    if not reused:
        return Verdict(
            False,
            f"{len(reports)} REPORT line(s), none from an environment that served twice",
            "a cold REPORT, then a warm one in the same stream",
        )
    return Verdict(True, f"warm requests in {len(reused)} environment(s)", "a warm request")


def _timestamp(text: str) -> float:
    """Epoch seconds of a Lambda timestamp such as 2026-01-01T00:00:00+0000."""
    return dt.datetime.strptime(text[:19] + text[-5:], "%Y-%m-%dT%H:%M:%S%z").timestamp()


def _ready_since(cloud: Cloud) -> tuple[float | None, str]:
    """When the alias's provisioned concurrency was surely READY, or None and why not."""
    lam = cloud.client("lambda")
    try:
        config = lam.get_provisioned_concurrency_config(FunctionName=FUNCTION, Qualifier=ALIAS)
    except ClientError as error:
        return None, f"error {error.response['Error']['Code']}"
    if config["Status"] != "READY":
        return None, f"status {config['Status']}"
    # LastModified is given to the second; one more second covers the part cut off.
    return _timestamp(config["LastModified"]) + PROVISIONING_SECONDS + 1, "READY"


def _served_by_provisioned(cloud: Cloud, since: float) -> float:
    """ProvisionedConcurrencyInvocations of the alias since ``since`` (from the metrics)."""
    now = cloud.clock.now()
    start = math.floor(since / 60) * 60
    period = max(60, math.ceil((now + 1 - start) / 60) * 60)
    answer = cloud.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName="ProvisionedConcurrencyInvocations",
        Dimensions=[
            {"Name": "FunctionName", "Value": FUNCTION},
            {"Name": "Resource", "Value": f"{FUNCTION}:{ALIAS}"},
        ],
        StartTime=dt.datetime.fromtimestamp(start, dt.UTC),
        EndTime=dt.datetime.fromtimestamp(start + period, dt.UTC),
        Period=period,
        Statistics=["Sum"],
    )
    return float(sum(point["Sum"] for point in answer["Datapoints"]))


def check_provisioned_report(cloud: Cloud) -> Verdict:
    """A request through the alias was served by READY provisioned concurrency and logged.

    The metric ProvisionedConcurrencyInvocations of the alias proves that provisioned
    concurrency served a call; the log must hold that call's REPORT line: in a stream of
    the alias's version, written after the allocation was READY, without Init Duration.
    """
    expected = "a REPORT line without Init Duration from a call through the READY alias"
    try:
        version = cloud.client("lambda").get_alias(FunctionName=FUNCTION, Name=ALIAS)[
            "FunctionVersion"
        ]
    except ClientError:
        return Verdict(False, "no alias live", expected)
    since, status = _ready_since(cloud)
    if since is None:
        return Verdict(
            False,
            f"provisioned concurrency on {ALIAS}: {status}",
            expected,
            f"The live alias has no READY provisioned concurrency ({status}). Configure it, "
            "move the clock on with clock advance 2m, then invoke with --qualifier live.",
        )
    served = _served_by_provisioned(cloud, since)
    reports = _reports(cloud) or []
    lines = [
        e
        for e in reports
        if f"[{version}]" in e["logStreamName"]
        and e["timestamp"] >= since * 1000
        and not _cold(e["message"])
    ]
    if not served or not lines:
        return Verdict(
            False,
            f"{served:g} call(s) on provisioned concurrency, {len(lines)} such REPORT line(s)",
            expected,
        )
    return Verdict(True, lines[-1]["message"].strip(), expected)


def _why_not_ready(cloud: Cloud) -> str:
    _, status = _ready_since(cloud)
    if status == "status IN_PROGRESS":
        return "its provisioned concurrency is still IN_PROGRESS; move the clock on with clock advance 2m"
    if status.startswith("error"):
        return (
            "the alias has no provisioned concurrency; configure it with "
            "aws lambda put-provisioned-concurrency-config --qualifier live"
        )
    return "the call ran on demand, not on a provisioned environment"


def check_alias_starts_warm(cloud: Cloud) -> Verdict:
    """On a fresh copy of the account, with no environment running yet, the first call
    through the alias still starts without Init Duration: provisioned concurrency at work.
    """
    expected = "a REPORT line without Init Duration"
    trial = cloud.fork()  # so this call leaves no log line for the other checks to find
    try:
        lam = trial.client("lambda")
        try:
            answer = lam.invoke(
                FunctionName=FUNCTION,
                Qualifier=ALIAS,
                Payload=json.dumps(EVENT),
                LogType="Tail",
            )
        except ClientError as error:
            code = error.response["Error"]["Code"]
            return Verdict(
                False,
                f"error {code}",
                expected,
                f"Calling {FUNCTION}:{ALIAS} failed with {code}. Create the function, publish a "
                "version and point an alias named live at it.",
            )
        raw = answer["Payload"].read()
        tail = base64.b64decode(answer.get("LogResult", "")).decode("utf-8", "replace")
        report = next((line for line in tail.splitlines() if line.startswith("REPORT ")), "")
        if answer.get("FunctionError"):
            return Verdict(
                False,
                raw.decode("utf-8", "replace"),
                ANSWER,
                f"{FUNCTION}:{ALIAS} failed. Read /aws/lambda/{FUNCTION}; deploy the starter "
                "handler.py unchanged and publish a new version for the alias.",
            )
        if _cold(report):
            return Verdict(
                False,
                report.strip(),
                expected,
                "A new request through the live alias still waited for the init phase: "
                f"{_why_not_ready(trial)}.",
            )
        body = json.loads(raw) if raw else None
        if body != ANSWER:
            return Verdict(
                False,
                body,
                ANSWER,
                f"{FUNCTION}:{ALIAS} started warm but answered differently from the courier's "
                "zone table. Deploy the starter handler.py unchanged and publish it again.",
            )
        return Verdict(True, report.strip(), expected)
    finally:
        trial.close()
