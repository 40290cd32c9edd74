"""Concurrency: account quota, reserved and provisioned concurrency, throttles, scaling rate."""

from __future__ import annotations

import base64
import threading
from typing import Any

from lambdakit import code_of, create, error_of, invoke

from emulator import Cloud
from emulator.services.awslambda.concurrency import ACCOUNT_REASON, RESERVED_REASON, Pool

ECHO = "def handler(event, context):\n    return event\n"
SLOW = "import time\n\ndef handler(event, context):\n    time.sleep(event.get('s', 0))\n    return 'done'\n"


def test_account_50_reserved_10_the_other_function_gets_40() -> None:
    """The course's example: A reserves 10 of 50; at full load B still reaches 40, not 41."""
    pool = Pool(50)
    pool.set_reserved("A", 10)
    a = [pool.start("A", 0.0, new_environment=True) for _ in range(15)]
    assert [t is None for _, t in a].count(True) == 10
    assert {t.reason for _, t in a if t is not None} == {RESERVED_REASON}
    b = [pool.start("B", 0.0, new_environment=True) for _ in range(41)]
    assert [t is None for _, t in b].count(True) == 40
    last = b[-1][1]
    assert last is not None
    assert last.reason == ACCOUNT_REASON
    # A's reservation is A's alone: B at 40 does not take from it, and A still runs 10.
    pool.finish("A", on_provisioned=False, provisioned_slot=None)
    assert pool.start("A", 0.0, new_environment=False)[1] is None
    assert pool.start("B", 0.0, new_environment=False)[1] is not None


def test_scaling_rate_1000_new_environments_per_10_seconds() -> None:
    pool = Pool(100_000)
    started = [pool.start("f", 0.0, new_environment=True)[1] for _ in range(1001)]
    assert started.count(None) == 1000
    assert started[-1] is not None
    assert "every 10 seconds" in started[-1].message
    # The allowance refills continuously: 100 more after one second, never above 1,000.
    assert [pool.start("f", 1.0, new_environment=True)[1] for _ in range(101)].count(None) == 100
    assert pool.start("f", 1.0, new_environment=False)[1] is None  # warm reuse is not limited


def test_reserved_concurrency_calls_and_validation(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, ECHO)
    assert "ReservedConcurrentExecutions" not in fn.get_function_concurrency(FunctionName="fn")
    assert (
        fn.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=900)[
            "ReservedConcurrentExecutions"
        ]
        == 900
    )
    assert fn.get_function(FunctionName="fn")["Concurrency"] == {
        "ReservedConcurrentExecutions": 900
    }
    limits = fn.get_account_settings()["AccountLimit"]
    assert (limits["ConcurrentExecutions"], limits["UnreservedConcurrentExecutions"]) == (1000, 100)
    error = error_of(
        fn.put_function_concurrency, FunctionName="fn", ReservedConcurrentExecutions=901
    )
    assert error.response["Error"]["Code"] == "InvalidParameterValueException"
    assert error.response["Error"]["Message"] == (
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [100]."
    )
    fn.delete_function_concurrency(FunctionName="fn")
    assert "ReservedConcurrentExecutions" not in fn.get_function_concurrency(FunctionName="fn")
    assert fn.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 1000


def test_quota_set_by_a_lab_shows_in_account_settings(cloud: Cloud) -> None:
    cloud.set_quota("lambda", "ConcurrentExecutions", 50)
    cloud.set_quota("lambda", "UnreservedMinimum", 10)
    fn = cloud.client("lambda")
    create(cloud, ECHO, name="A")
    fn.put_function_concurrency(FunctionName="A", ReservedConcurrentExecutions=10)
    limits = fn.get_account_settings()["AccountLimit"]
    assert (limits["ConcurrentExecutions"], limits["UnreservedConcurrentExecutions"]) == (50, 40)
    assert code_of(
        fn.put_function_concurrency, FunctionName="A", ReservedConcurrentExecutions=41
    ) == ("InvalidParameterValueException")


def test_reserved_zero_throttles_every_call_with_aws_reason(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, ECHO)
    fn.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    error = error_of(fn.invoke, FunctionName="fn", Payload=b"{}")
    assert error.response["Error"]["Code"] == "TooManyRequestsException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error.response["Reason"] == RESERVED_REASON
    assert [e.detail["reason"] for e in cloud.events.filter(kind="throttle")] == [RESERVED_REASON]
    assert cloud.backend("lambda").live_workers() == 0  # type: ignore[attr-defined]


def _concurrently(cloud: Cloud, name: str, count: int, seconds: float) -> list[Any]:
    """Invoke ``name`` from ``count`` threads at once; each answer or ClientError."""
    results: list[Any] = [None] * count
    gate = threading.Barrier(count)

    def call(i: int) -> None:
        gate.wait()
        try:
            results[i] = invoke(cloud, name, {"s": seconds})[1]
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=call, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_reserved_concurrency_caps_real_concurrent_calls(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, SLOW, Timeout=10)
    fn.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=1)
    results = _concurrently(cloud, "fn", 2, 1.0)
    assert results.count("done") == 1
    (throttled,) = [r for r in results if r != "done"]
    assert throttled.response["Reason"] == RESERVED_REASON


def test_account_quota_caps_unreserved_functions(cloud: Cloud) -> None:
    cloud.set_quota("lambda", "ConcurrentExecutions", 1)
    create(cloud, SLOW, Timeout=10)
    results = _concurrently(cloud, "fn", 2, 1.0)
    assert results.count("done") == 1
    (throttled,) = [r for r in results if r != "done"]
    assert throttled.response["Reason"] == ACCOUNT_REASON


def test_provisioned_concurrency_on_versions_and_aliases(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, ECHO, Publish=True)
    fn.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    assert (
        code_of(
            fn.put_provisioned_concurrency_config,
            FunctionName="fn",
            Qualifier="$LATEST",
            ProvisionedConcurrentExecutions=2,
        )
        == "InvalidParameterValueException"
    )
    answer = fn.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=2
    )
    assert (answer["Status"], answer["AllocatedProvisionedConcurrentExecutions"]) == (
        "IN_PROGRESS",
        0,
    )
    cloud.clock.advance(120)
    ready = fn.get_provisioned_concurrency_config(FunctionName="fn", Qualifier="live")
    assert (ready["Status"], ready["AvailableProvisionedConcurrentExecutions"]) == ("READY", 2)
    listed = fn.list_provisioned_concurrency_configs(FunctionName="fn")
    assert listed["ProvisionedConcurrencyConfigs"][0]["FunctionArn"].endswith(":fn:live")
    # Served by a provisioned environment: initialised ahead, so no Init Duration.
    answer, _ = invoke(cloud, Qualifier="live", LogType="Tail")
    report = base64.b64decode(answer["LogResult"]).decode().strip().splitlines()[-1]
    assert report.startswith("REPORT")
    assert "Init Duration" not in report
    # The version itself has no provisioned concurrency: its first call is a cold start.
    cloud.backend("lambda").invoker.retire("fn")  # type: ignore[attr-defined]
    answer, _ = invoke(cloud, Qualifier="1", LogType="Tail")
    assert "Init Duration" in base64.b64decode(answer["LogResult"]).decode()
    fn.delete_provisioned_concurrency_config(FunctionName="fn", Qualifier="live")
    assert (
        code_of(fn.get_provisioned_concurrency_config, FunctionName="fn", Qualifier="live")
        == "ProvisionedConcurrencyConfigNotFoundException"
    )


def test_provisioned_cannot_exceed_reserved(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, ECHO, Publish=True)
    fn.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=5)
    assert (
        code_of(
            fn.put_provisioned_concurrency_config,
            FunctionName="fn",
            Qualifier="1",
            ProvisionedConcurrentExecutions=6,
        )
        == "InvalidParameterValueException"
    )
    fn.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="1", ProvisionedConcurrentExecutions=5
    )
    assert (
        code_of(fn.put_function_concurrency, FunctionName="fn", ReservedConcurrentExecutions=4)
        == "ResourceConflictException"
    )


def test_provisioned_environments_serve_first_then_spill_over() -> None:
    pool = Pool(10)
    slot = ("f", "live")
    served = [
        pool.start("f", 0.0, new_environment=True, provisioned_slot=slot, provisioned_limit=2)
        for _ in range(4)
    ]
    assert [on for on, _ in served] == [True, True, False, False]
    assert all(t is None for _, t in served)
    assert pool.total_in_flight() == 4


def test_provisioned_concurrency_needs_a_published_version_behind_the_alias(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, ECHO, Publish=True)
    fn.create_alias(FunctionName="fn", Name="dev", FunctionVersion="$LATEST")
    assert (
        code_of(
            fn.put_provisioned_concurrency_config,
            FunctionName="fn",
            Qualifier="dev",
            ProvisionedConcurrentExecutions=1,
        )
        == "InvalidParameterValueException"
    )


def test_calling_the_version_does_not_use_the_alias_provisioned_concurrency(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, ECHO, Publish=True)
    fn.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    fn.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=1
    )
    cloud.clock.advance(120)
    answer, _ = invoke(cloud, Qualifier="1", LogType="Tail")
    assert "Init Duration" in base64.b64decode(answer["LogResult"]).decode()
