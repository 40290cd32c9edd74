"""Checks of the statement-export lab that read its logs and run it on the grading fork."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labs.checks import Verdict, invoke

if TYPE_CHECKING:
    from emulator import Cloud

FUNCTION = "statement-export"
LOG_GROUP = f"/aws/lambda/{FUNCTION}"
FULL = "No space left on device"
#: A month the learner never sends, so the answer has to come from the event.
MONTH = "2026-04"
#: What one run writes: six region files of 96 MB each.
FILES = 6
FILE_MB = 96


def _expected(at_start: int = 0) -> dict[str, Any]:
    return {
        "month": MONTH,
        "files": FILES,
        "megabytes": FILES * FILE_MB,
        "tmp_at_start_mb": at_start,
    }


def _invoke(cloud: Cloud) -> tuple[Any, str | None]:
    """Invoke the function for MONTH; (answer, None) or (error body, a one-line description)."""
    return invoke(cloud, FUNCTION, {"month": MONTH})


def _storage(cloud: Cloud) -> int:
    """The function's ephemeral storage in MB."""
    config = cloud.client("lambda").get_function_configuration(FunctionName=FUNCTION)
    return int(config.get("EphemeralStorage", {}).get("Size", 512))


def _failed_run(cloud: Cloud, error: str, which: str) -> str:
    """What to do about a run that raised ``error``."""
    if FULL in error:
        return (
            f"The {which} run of {FUNCTION} filled /tmp ({error}) with {_storage(cloud)} MB of "
            "ephemeral storage. One run writes six files of 96 MB, 576 MB in all: give it "
            f"more with aws lambda update-function-configuration --function-name {FUNCTION} "
            "--ephemeral-storage Size=N."
        )
    if "Task timed out" in error:
        return (
            f"The {which} run of {FUNCTION} ran out of time ({error}). Writing 576 MB takes a "
            f"moment: aws lambda update-function-configuration --function-name {FUNCTION} "
            "--timeout 30."
        )
    if "No module named 'scratch'" in error:
        return (
            f"The {which} run of {FUNCTION} failed with {error}. The handler imports the "
            "scratch module, which only the scratch-tools layer provides: attach the layer "
            f"with aws lambda update-function-configuration --function-name {FUNCTION} "
            "--layers followed by its LayerVersionArn."
        )
    return (
        f"The {which} run of {FUNCTION} failed with {error}. Read the log group {LOG_GROUP}, "
        "fix handler.py, zip it again and upload it with aws lambda update-function-code."
    )


def check_saw_overflow(cloud: Cloud) -> Verdict:
    """The log group keeps the line of a run that found /tmp full."""
    logs = cloud.client("logs")
    events = logs.filter_log_events(logGroupName=LOG_GROUP, filterPattern=f'"{FULL}"')["events"]
    if events:
        return Verdict(True, events[0]["message"].strip(), f"a line with {FULL}")
    from emulator.services.awslambda import sandbox

    if sandbox.isolation() == "fallback":
        # Without Linux namespaces the emulator cannot give an environment a /tmp of its
        # own size, so the write cannot fail here: having run the export is all there is.
        runs = logs.filter_log_events(logGroupName=LOG_GROUP, filterPattern="REPORT")["events"]
        if runs:
            return Verdict(
                True,
                "a run, on a machine where the emulator cannot limit /tmp",
                f"a line with {FULL}",
            )
    return Verdict(
        False,
        None,
        f"a line with {FULL}",
        f'The log group {LOG_GROUP} has no "{FULL}" line yet. Invoke {FUNCTION} while its '
        "ephemeral storage is still the default 512 MB and read the error it answers.",
    )


def check_export_fits(cloud: Cloud) -> Verdict:
    """One run, in a new execution environment, builds the month's files in /tmp."""
    body, error = _invoke(cloud)
    if error is not None:
        return Verdict(False, error, _expected(), _failed_run(cloud, error, "first"))
    if body != _expected():
        return Verdict(
            False,
            body,
            _expected(),
            f"{FUNCTION} finished, but its answer is not the one the export gives for "
            f'{{"month": "{MONTH}"}}. Keep the answer of the starter handler.py (month, '
            "files, megabytes, tmp_at_start_mb) and change only where the files go.",
        )
    return Verdict(True, body, _expected())


def check_tmp_left_empty(cloud: Cloud) -> Verdict:
    """Two runs in a row, in one execution environment: the second finds /tmp empty."""
    first, error = _invoke(cloud)
    if error is not None:
        return Verdict(False, error, _expected(), _failed_run(cloud, error, "first"))
    second, error = _invoke(cloud)
    if error is not None:
        if FULL in error:
            return Verdict(
                False,
                error,
                _expected(),
                f"The first run worked, but the second, in the same warm environment, found "
                f"/tmp full ({error}): the first run's 576 MB of files were still there. "
                "Build the files inside the layer's scratch_folder() (or remove them yourself "
                "in a finally block), then zip and upload the handler again.",
            )
        return Verdict(False, error, _expected(), _failed_run(cloud, error, "second"))
    at_start = second.get("tmp_at_start_mb") if isinstance(second, dict) else None
    if isinstance(at_start, int) and at_start > 0:
        return Verdict(
            False,
            second,
            _expected(),
            f"The second run in the same environment started with {at_start} MB already in "
            "/tmp: the first run left its files behind. Build them inside the layer's "
            "scratch_folder() so they are removed when the run ends, then zip and upload "
            "the handler again.",
        )
    if first != _expected() or second != _expected():
        return Verdict(
            False,
            second,
            _expected(),
            f"{FUNCTION} ran twice, but its answers are not the ones the export gives. Keep "
            "the answer of the starter handler.py (month, files, megabytes, tmp_at_start_mb).",
        )
    return Verdict(True, second, _expected())
