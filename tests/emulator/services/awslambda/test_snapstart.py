"""SnapStart: a snapshot at PublishVersion, restores instead of cold starts, as AWS documents.

Sources: "Improving startup performance with Lambda SnapStart", "Lambda SnapStart runtime
hooks for Python" and "Monitoring for Lambda SnapStart" (AWS Lambda developer guide).
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import threading
from typing import Any

import pytest
from lambdakit import create, error_of

from emulator import Cloud
from emulator.services.awslambda import sandbox

SNAP = {"SnapStart": {"ApplyOn": "PublishedVersions"}}

HOOKS = """
import os, random, tempfile
from snapshot_restore_py import register_after_restore, register_before_snapshot

SEED = random.random()
ORDER = []
with open(os.path.join(tempfile.gettempdir(), "written-at-init"), "w") as out:
    out.write("init")

@register_before_snapshot
def first_before():
    print("before 1")

@register_before_snapshot
def second_before():
    print("before 2")

register_after_restore(ORDER.append, "after 1")
register_after_restore(ORDER.append, "after 2")

def handler(event, context):
    import time
    time.sleep(event.get("sleep", 0))
    tmp = tempfile.gettempdir()
    with open(os.path.join(tmp, f"call-{event.get('n', 0)}"), "w") as out:
        out.write("call")
    return {
        "seed": SEED,
        "order": ORDER,
        "tmp": sorted(n for n in os.listdir(tmp) if n.startswith(("written", "call"))),
        "stream_variable": "AWS_LAMBDA_LOG_STREAM_NAME" in os.environ,
    }
"""


def publish(cloud: Cloud, source: str = HOOKS, **extra: Any) -> dict[str, Any]:
    create(cloud, source, **{**SNAP, **extra})
    return cloud.client("lambda").publish_version(FunctionName="fn")


def call(cloud: Cloud, qualifier: str = "1", **event: Any) -> tuple[dict[str, Any], list[str]]:
    answer = cloud.client("lambda").invoke(
        FunctionName="fn", Qualifier=qualifier, LogType="Tail", Payload=json.dumps(event)
    )
    log = base64.b64decode(answer["LogResult"]).decode().splitlines()
    return json.loads(answer["Payload"].read()), log


def log_lines(cloud: Cloud) -> list[str]:
    events = cloud.client("logs").filter_log_events(logGroupName="/aws/lambda/fn")["events"]
    return [e["message"].rstrip("\n") for e in events]


def test_publish_runs_init_and_the_before_snapshot_hooks_once(cloud: Cloud) -> None:
    version = publish(cloud)
    assert version["State"] == "Active"
    assert version["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    lines = log_lines(cloud)
    # Before-snapshot hooks run in the reverse order of registration, in the init phase.
    assert lines[:3] == ["INIT_START Runtime Version: python3.12", "before 2", "before 1"]
    assert re.fullmatch(r"INIT_REPORT Init Duration: \d+\.\d\d ms", lines[3])


def test_a_new_environment_is_restored_and_reports_restore_duration(cloud: Cloud) -> None:
    publish(cloud)
    result, log = call(cloud)
    # After-restore hooks run in the order of registration, once per restore.
    assert result["order"] == ["after 1", "after 2"]
    assert log[0] == "RESTORE_START Runtime Version: python3.12"
    assert re.fullmatch(r"RESTORE_REPORT Restore Duration: \d+\.\d\d ms", log[1])
    report = log[-1]
    assert "Init Duration" not in report
    assert re.search(
        r"\tRestore Duration: \d+\.\d\d ms\tBilled Restore Duration: \d+ ms\t$", report
    )
    again, warm_log = call(cloud)
    assert again["order"] == ["after 1", "after 2"]  # warm: no second restore
    assert "Restore Duration" not in warm_log[-1]


def test_init_state_is_shared_by_every_restored_environment(cloud: Cloud) -> None:
    """The uniqueness caveat: what init computed is the same in each restore."""
    publish(cloud)
    results: list[dict[str, Any]] = []
    threads = [
        threading.Thread(target=lambda n=n: results.append(call(cloud, n=n, sleep=0.5)[0]))
        for n in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert results[0]["seed"] == results[1]["seed"]
    # Each restored environment has its own /tmp, starting as a copy of the snapshot's.
    assert sorted(r["tmp"] for r in results) == [
        ["call-1", "written-at-init"],
        ["call-2", "written-at-init"],
    ]


def test_latest_starts_cold_and_snapstart_functions_lack_log_variables(cloud: Cloud) -> None:
    publish(cloud)
    result, log = call(cloud, "$LATEST")
    assert re.search(r"\tInit Duration: \d+\.\d\d ms\t$", log[-1])
    assert result["order"] == []  # no restore on $LATEST
    assert result["stream_variable"] is True
    assert call(cloud)[0]["stream_variable"] is False


def test_an_init_error_at_publish_fails_the_version(cloud: Cloud) -> None:
    version = publish(
        cloud, "raise RuntimeError('no database')\ndef handler(e, c):\n    return 1\n"
    )
    assert version["State"] == "Failed"
    assert version["StateReasonCode"] == "FunctionError"
    assert version["StateReason"] == "RuntimeError: no database"
    error = error_of(cloud.client("lambda").invoke, FunctionName="fn", Qualifier="1")
    assert error.response["Error"]["Code"] == "SnapStartNotReadyException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_an_after_restore_hook_error_is_a_snapstart_exception(cloud: Cloud) -> None:
    publish(
        cloud,
        "from snapshot_restore_py import register_after_restore\n"
        "@register_after_restore\n"
        "def reconnect():\n    raise ConnectionError('database unreachable')\n"
        "def handler(e, c):\n    return 1\n",
    )
    error = error_of(cloud.client("lambda").invoke, FunctionName="fn", Qualifier="1")
    assert error.response["Error"]["Code"] == "SnapStartException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "ConnectionError: database unreachable" in error.response["Error"]["Message"]
    assert "[ERROR] ConnectionError: database unreachable" in log_lines(cloud)


def test_a_restore_past_the_time_limit_times_out(
    cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    from emulator import limits
    from emulator.services.awslambda import snapstart

    real = limits.value

    def short(service: str, name: str) -> Any:
        return 0.5 if name == "SnapStartRestoreTimeout" else real(service, name)

    monkeypatch.setattr(snapstart.limits, "value", short)
    publish(
        cloud,
        "import time\nfrom snapshot_restore_py import register_after_restore\n"
        "register_after_restore(time.sleep, 5)\n"
        "def handler(e, c):\n    return 1\n",
    )
    error = error_of(cloud.client("lambda").invoke, FunctionName="fn", Qualifier="1")
    assert error.response["Error"]["Code"] == "SnapStartTimeoutException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 408


def _processes() -> int:
    listing = subprocess.run(["ps", "-e", "-o", "pid="], capture_output=True, text=True, check=True)
    return len(listing.stdout.split())


def test_deleting_the_function_ends_snapshots_and_restored_environments() -> None:
    with Cloud() as cloud:
        before = _processes()
        publish(cloud)
        for n in range(3):
            call(cloud, n=n)
        assert _processes() > before
        cloud.client("lambda").delete_function(FunctionName="fn")
        assert _processes() <= before


@pytest.mark.skipif(sandbox.isolation() != "namespaces", reason="needs the namespace sandbox")
def test_restores_work_in_the_fallback_sandbox_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sandbox.FORCE_VARIABLE, "fallback")
    with Cloud() as cloud:
        publish(cloud)
        first, _ = call(cloud, n=1)
        assert first["order"] == ["after 1", "after 2"]
        assert first["tmp"] == ["call-1", "written-at-init"]
