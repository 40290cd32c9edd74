"""The cost estimate: requests and GB-seconds at 1 ms granularity, free tier, provisioned."""

from __future__ import annotations

import math
from typing import Any

import pytest
from lambdakit import create, invoke

from emulator import Cloud, limits
from emulator.load import Load, Stage, run_load
from emulator.services.awslambda import cost

ECHO = "def handler(event, context):\n    return event\n"


def backend(cloud: Cloud) -> Any:
    return cloud.backend("lambda")


def test_real_invocations_are_billed_per_request_and_rounded_up_per_millisecond(
    cloud: Cloud,
) -> None:
    create(cloud, ECHO, MemorySize=256)
    durations = []
    for _ in range(3):
        invoke(cloud)
        report = cloud.events.filter(kind="invoke")[-1]
        durations.append(report.detail["duration_ms"])
    estimate = backend(cloud).cost_estimate()
    fn = estimate["functions"]["fn"]
    assert fn["requests"] == 3
    billed_ms = sum(math.ceil(d) for d in durations)
    assert fn["gb_seconds"] == pytest.approx(billed_ms * 256 / 1024 / 1000, abs=1e-6)
    assert estimate["total"] == 0  # well inside the free tier


def test_a_load_run_is_priced_like_aws_prices_it(cloud: Cloud) -> None:
    create(cloud, ECHO, MemorySize=1024)
    create(cloud, ECHO, name="graviton", MemorySize=1024, Architectures=["arm64"])
    run_load(
        cloud,
        Load("fn", (Stage(20, 100),), duration_ms=1000, init_ms=0),
        Load("graviton", (Stage(20, 100),), duration_ms=1000, init_ms=0),
    )
    estimate = backend(cloud).cost_estimate()
    x86, arm = estimate["functions"]["fn"], estimate["functions"]["graviton"]
    assert x86["requests"] == arm["requests"] == 2000
    assert x86["gb_seconds"] == arm["gb_seconds"] == 2000  # 2,000 x 1 s x 1 GB
    request = limits.value("lambda", "RequestPrice")
    assert x86["request_cost"] == pytest.approx(2000 * request)
    assert x86["compute_cost"] == pytest.approx(2000 * limits.value("lambda", "GbSecondPriceX86"))
    assert arm["compute_cost"] == pytest.approx(2000 * limits.value("lambda", "GbSecondPriceArm"))
    assert arm["compute_cost"] < x86["compute_cost"]
    # 4,000 requests and 4,000 GB-seconds sit inside the monthly free tier.
    assert estimate["before_free_tier"] > 0
    assert estimate["total"] == 0


def test_the_free_tier_is_used_up_first(cloud: Cloud) -> None:
    create(cloud, ECHO, MemorySize=10240)
    # 10 GB for 10 s, 5,000 times: 500,000 GB-seconds, 100,000 over the free tier.
    run_load(cloud, Load("fn", (Stage(50, 100),), duration_ms=10_000, init_ms=0))
    estimate = backend(cloud).cost_estimate()
    assert estimate["gb_seconds"] == pytest.approx(500_000)
    over = 500_000 - limits.value("lambda", "FreeTierGbSeconds")
    assert estimate["compute_cost"] == pytest.approx(
        over * limits.value("lambda", "GbSecondPriceX86")
    )
    assert estimate["request_cost"] == 0


def test_provisioned_concurrency_is_billed_while_configured(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, ECHO, MemorySize=1024, Publish=True)
    fn.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="1", ProvisionedConcurrentExecutions=10
    )
    cloud.clock.advance(3600)
    held = backend(cloud).cost_estimate()["provisioned_cost"]
    assert held == pytest.approx(10 * 3600 * limits.value("lambda", "ProvisionedGbSecondPrice"))
    fn.delete_provisioned_concurrency_config(FunctionName="fn", Qualifier="1")
    cloud.clock.advance(3600)
    assert backend(cloud).cost_estimate()["provisioned_cost"] == pytest.approx(held)
    assert "Provisioned concurrency" in cost.summary(backend(cloud).cost_estimate())


def test_a_lab_may_set_its_own_prices(cloud: Cloud) -> None:
    cloud.set_quota("lambda", "GbSecondPriceArm", 0.00001)
    create(cloud, ECHO, MemorySize=1024, Architectures=["arm64"])
    run_load(cloud, Load("fn", (Stage(1, 10),), duration_ms=1000, init_ms=0))
    assert backend(cloud).cost_estimate()["functions"]["fn"]["compute_cost"] == pytest.approx(
        10 * 0.00001
    )
