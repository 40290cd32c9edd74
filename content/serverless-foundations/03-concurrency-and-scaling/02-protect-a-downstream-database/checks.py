"""Checks of the ticket-sale lab: metrics, recorded runs, and a sale played on the grading fork."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from emulator.load import Load, Stage, run_load
from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

WRITER, PAGES = "record-sale", "event-page"
#: Connections the tickets database accepts: one per execution of record-sale.
DATABASE_CONNECTIONS = 20
#: How far back the metric checks look (CloudWatch keeps 1-minute data for 15 days).
LOOKBACK = 14 * 24 * 3600

#: The checker's own day, with declared durations so no function code runs: ten ordinary
#: seconds (20 sales a second), then ten seconds of the sale (4,000 a second), while the
#: concert pages are browsed at 200 a second throughout.
ORDINARY_SECONDS = 10
WRITER_LOAD = Load(
    WRITER,
    (Stage(ORDINARY_SECONDS, 20), Stage(10, 4000)),
    duration_ms=250,
    init_ms=200,
)
PAGES_LOAD = Load(PAGES, (Stage(20, 200),), duration_ms=100, init_ms=200)


def _metric(
    cloud: Cloud, function: str, metric: str, statistic: str, since: float | None = None
) -> float | None:
    """The largest (Maximum) or total (Sum) of a function's metric since ``since``, or None.

    Without ``since``, over the last 14 days. Periods are whole minutes, as few as
    CloudWatch's 1,440 data points a call allow.
    """
    now = cloud.clock.now()
    start = now - LOOKBACK if since is None else math.floor(since / 60) * 60
    end = now + 60
    period = max(60, math.ceil((end - start) / 1440 / 60) * 60)
    answer = cloud.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName=metric,
        Dimensions=[{"Name": "FunctionName", "Value": function}],
        StartTime=dt.datetime.fromtimestamp(start, dt.UTC),
        EndTime=dt.datetime.fromtimestamp(end, dt.UTC),
        Period=period,
        Statistics=[statistic],
    )
    values = [point[statistic] for point in answer["Datapoints"]]
    if not values:
        return None
    return max(values) if statistic == "Maximum" else sum(values)


def check_saw_the_flood(cloud: Cloud) -> Verdict:
    """record-sale once ran more executions at once than the database has connections.

    Seen in CloudWatch (the last 14 days) or in a load run the account still keeps.
    """
    backend: Any = cloud.backend("lambda")
    peaks = [
        run["functions"][WRITER]["totals"]["peak_concurrency"]
        for run in backend.load_runs
        if WRITER in run["functions"]
    ]
    peak = max([_metric(cloud, WRITER, "ConcurrentExecutions", "Maximum") or 0, *peaks])
    expected = f"more than {DATABASE_CONNECTIONS} at once"
    if peak > DATABASE_CONNECTIONS:
        return Verdict(True, f"{peak:g} at once", expected)
    seen = f"at most {peak:g} at once" if peak else "no execution of record-sale recorded"
    return Verdict(False, seen, expected)


def check_sale_stays_within_the_limit(cloud: Cloud) -> Verdict:
    """On the fork: an ordinary day and a sale; the cap holds, ordinary sales and pages run."""
    cloud.clock.advance(3600)  # let any sales still queued from the learner's runs finish
    result = run_load(cloud, WRITER_LOAD, PAGES_LOAD)
    writer, pages = result.functions[WRITER], result.functions[PAGES]
    ordinary = sum(second.throttled for second in writer.series[:ORDINARY_SECONDS])
    observed = {
        "record-sale peak": writer.totals.peak_concurrency,
        "ordinary sales throttled": ordinary,
        "sale requests throttled": writer.totals.throttled - ordinary,
        "event-page throttled": pages.totals.throttled,
    }
    expected = {
        "record-sale peak": f"at most {DATABASE_CONNECTIONS}",
        "ordinary sales throttled": 0,
        "event-page throttled": 0,
    }
    if writer.totals.peak_concurrency > DATABASE_CONNECTIONS:
        return Verdict(
            False,
            observed,
            expected,
            f"During the checker's sale record-sale ran {writer.totals.peak_concurrency} at "
            f"once: the database would have been asked for that many connections, and it "
            f"accepts {DATABASE_CONNECTIONS}. Give record-sale a reserved concurrency from 10 "
            "to 20 with aws lambda put-function-concurrency.",
        )
    if ordinary:
        return Verdict(
            False,
            observed,
            expected,
            f"{ordinary} sales of the checker's ordinary day (20 a second) were throttled: "
            "the cap is too tight for everyday traffic. Raise record-sale's reserved "
            "concurrency to at least 10.",
        )
    if pages.totals.throttled:
        reasons = ", ".join(sorted(pages.totals.throttles))
        return Verdict(
            False,
            observed,
            expected,
            f"event-page was throttled {pages.totals.throttled} times ({reasons}) during the "
            "sale. It should keep working: remove any reservation on it with aws lambda "
            "delete-function-concurrency --function-name event-page.",
        )
    return Verdict(True, observed, expected)


def _async_runs(cloud: Cloud) -> list[dict[str, Any]]:
    """Recorded asynchronous runs of record-sale, newest first."""
    backend: Any = cloud.backend("lambda")
    return [
        run
        for run in reversed(backend.load_runs)
        if WRITER in run["functions"] and run["functions"][WRITER]["asynchronous"]
    ]


def check_queued_sales_all_written(cloud: Cloud) -> Verdict:
    """A capped asynchronous rush was throttled, then drained with nothing dropped."""
    runs = _async_runs(cloud)
    expected = "a capped async run, then an empty queue and nothing dropped"
    capped = [
        run
        for run in runs
        if run["functions"][WRITER]["totals"]["throttles"]
        and run["functions"][WRITER]["totals"]["peak_concurrency"] <= DATABASE_CONNECTIONS
    ]
    if not capped:
        if not runs:
            return Verdict(False, "no asynchronous run of record-sale", expected)
        totals = runs[0]["functions"][WRITER]["totals"]
        if totals["peak_concurrency"] > DATABASE_CONNECTIONS:
            why = (
                f"it ran {totals['peak_concurrency']} at once, more than the database's "
                f"{DATABASE_CONNECTIONS} connections: the cap was not in place"
            )
        else:
            why = "nothing was throttled, so no sale had to wait"
        return Verdict(
            False,
            totals,
            expected,
            f"Your newest asynchronous run of record-sale does not show the cap at work: "
            f"{why}. With the cap set, run load record-sale --rate 400 --for 10s --async.",
        )
    run = capped[0]
    backend: Any = cloud.backend("lambda")
    waiting = backend.queue.pending(WRITER)
    dropped = _metric(cloud, WRITER, "AsyncEventsDropped", "Sum", since=run["started"]) or 0
    observed = {
        "requests": run["functions"][WRITER]["totals"]["requests"],
        "still queued": waiting,
        "dropped": dropped,
    }
    if waiting:
        return Verdict(
            False,
            observed,
            expected,
            f"{waiting} sales are still waiting in Lambda's queue for record-sale. Move the "
            "clock on (clock advance 10m) and Lambda's retries will work through them.",
        )
    if dropped:
        return Verdict(
            False,
            observed,
            expected,
            f"Lambda dropped {dropped:g} of record-sale's queued events: they waited longer than "
            "their maximum age. With a cap from 10 to 20 a rush of 4,000 clears in minutes; "
            "run the asynchronous load again and advance the clock by 10 minutes.",
        )
    return Verdict(True, observed, expected)
