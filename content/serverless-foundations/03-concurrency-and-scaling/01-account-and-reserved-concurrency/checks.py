"""Checks of the ten-of-fifty lab: read the learner's recorded load runs of A and B."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

RESERVED = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT = "ConcurrentInvocationLimitExceeded"
#: A's reservation, and what the account of 50 leaves everyone else.
A_LIMIT, B_LIMIT = 10, 40
COMMAND = "load A --rate 100 --for 30s and B --rate 100 --for 30s"


def _totals(run: dict[str, Any], name: str) -> dict[str, Any]:
    totals: dict[str, Any] = run["functions"][name]["totals"]
    return totals


def _a_problem(run: dict[str, Any]) -> str | None:
    """Why A's side of ``run`` is not the example, or None when it is."""
    a = _totals(run, "A")
    peak, throttles = a["peak_concurrency"], a["throttles"]
    if peak > A_LIMIT:
        return (
            f"In that run A had {peak} executions in flight at once, more than 10: A had no "
            "reservation of 10 while it ran. Reserve 10 for A, then run " + COMMAND + "."
        )
    if peak < A_LIMIT or not throttles.get(RESERVED):
        return (
            f"In that run A peaked at {peak} and was never throttled by its reservation: it "
            "got too little traffic to fill its 10. Send 100 requests a second: " + COMMAND + "."
        )
    if set(throttles) != {RESERVED}:
        return (
            f"In that run A was throttled for {', '.join(sorted(throttles))}. With a "
            "reservation, A's only limit is its own 10. Run " + COMMAND + " again."
        )
    return None


def _b_problem(run: dict[str, Any]) -> str | None:
    """Why B's side of ``run`` is not the example, or None when it is."""
    b = _totals(run, "B")
    peak, throttles = b["peak_concurrency"], b["throttles"]
    if peak > B_LIMIT:
        return (
            f"In that run B reached {peak} executions at once: A's 10 were not set aside "
            "while it ran. Reserve 10 for A, then run " + COMMAND + "."
        )
    if RESERVED in throttles:
        return (
            "In that run B was throttled by a reservation of its own. Remove it with aws "
            "lambda delete-function-concurrency --function-name B and run " + COMMAND + " again."
        )
    if peak < B_LIMIT and throttles.get(ACCOUNT):
        return (
            f"In that run B was throttled at {peak}, below 40: A had no reservation, so the "
            "two shared all 50 between them. Reserve 10 for A, then run " + COMMAND + "."
        )
    if peak < B_LIMIT or not throttles.get(ACCOUNT):
        return (
            f"In that run B peaked at {peak} and was not stopped by the account: it got too "
            "little traffic to fill the 40. Send 100 requests a second: " + COMMAND + "."
        )
    return None


def _classic_run(cloud: Cloud) -> dict[str, Any] | None:
    """The newest run of A and B together that shows the example, else the newest of A and B."""
    runs: list[dict[str, Any]] = cloud.backend("lambda").load_runs  # type: ignore[attr-defined]
    together = [run for run in reversed(runs) if {"A", "B"} <= set(run["functions"])]
    for run in together:
        if _a_problem(run) is None and _b_problem(run) is None:
            return run
    return together[0] if together else None


def _seen(run: dict[str, Any], name: str) -> dict[str, Any]:
    totals = _totals(run, name)
    return {"peak_concurrency": totals["peak_concurrency"], "throttles": totals["throttles"]}


def _no_run(cloud: Cloud) -> Verdict:
    runs: list[dict[str, Any]] = cloud.backend("lambda").load_runs  # type: ignore[attr-defined]
    alone = sorted({name for run in runs for name in run["functions"]} & {"A", "B"})
    if alone:
        message = (
            f"Your load runs drove {' and '.join(alone)} on its own. A and B compete for the "
            "account only when they run at the same time: join them in one command, "
            + COMMAND
            + "."
        )
    else:
        message = "No load run has driven A and B yet. Run " + COMMAND + "."
    return Verdict(False, "no run of A and B together", "a run of A and B together", message)


def check_a_held_at_ten(cloud: Cloud) -> Verdict:
    """A run of A and B together in which A peaks at 10 and its overflow hits its reservation."""
    run = _classic_run(cloud)
    if run is None:
        return _no_run(cloud)
    problem = _a_problem(run)
    expected = {"peak_concurrency": A_LIMIT, "throttles": RESERVED}
    return Verdict(problem is None, _seen(run, "A"), expected, problem)


def check_b_stopped_at_forty(cloud: Cloud) -> Verdict:
    """The same run: B peaks at 40 and its 41st request in flight is throttled by the account."""
    run = _classic_run(cloud)
    if run is None:
        return _no_run(cloud)
    problem = _b_problem(run)
    expected = {"peak_concurrency": B_LIMIT, "throttles": ACCOUNT}
    return Verdict(problem is None, _seen(run, "B"), expected, problem)
