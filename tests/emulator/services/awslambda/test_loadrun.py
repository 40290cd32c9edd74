"""Load runs: traffic on the virtual clock, throttles by reason, cold starts, same every time."""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import asdict

import pytest
from lambdakit import create

from emulator import ClientError, Cloud, VirtualClock
from emulator.load import Load, Stage, run_load

ECHO = "def handler(event, context):\n    return event\n"
RESERVED = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT = "ConcurrentInvocationLimitExceeded"


def test_stage_arrivals_are_even_and_ramps_add_up() -> None:
    steady = list(Stage(2, 4).arrivals(100.0))
    assert steady == [100.0, 100.25, 100.5, 100.75, 101.0, 101.25, 101.5, 101.75]
    ramp = list(Stage(10, 0, 100).arrivals(0.0))
    assert len(ramp) == 500  # the area under a ramp from 0 to 100 a second over 10 s
    assert ramp == sorted(ramp)
    assert ramp[1] - ramp[0] > ramp[-1] - ramp[-2]  # gaps shrink as the rate climbs


def test_the_account_50_example_plays_out(cloud: Cloud) -> None:
    cloud.set_quota("lambda", "ConcurrentExecutions", 50)
    cloud.set_quota("lambda", "UnreservedMinimum", 10)
    create(cloud, ECHO, name="A")
    create(cloud, ECHO, name="B")
    cloud.client("lambda").put_function_concurrency(
        FunctionName="A", ReservedConcurrentExecutions=10
    )
    busy = (Stage(10, 100),)
    result = run_load(
        cloud,
        Load("A", busy, duration_ms=1000, init_ms=200),
        Load("B", busy, duration_ms=1000, init_ms=200),
    )
    a, b = result.functions["A"].totals, result.functions["B"].totals
    assert (a.peak_concurrency, b.peak_concurrency) == (10, 40)
    assert set(a.throttles) == {RESERVED}
    assert set(b.throttles) == {ACCOUNT}
    assert a.succeeded + a.throttled == a.requests == 1000
    # B's 41st concurrent request is its first throttle: 40 start in the first 0.4 s.
    first_second = result.functions["B"].series[0]
    assert (first_second.requests, first_second.succeeded) == (100, 40)
    assert cloud.clock.now() == pytest.approx(result.started + 10)


def test_the_same_inputs_give_the_same_numbers() -> None:
    def once() -> dict:
        with Cloud() as cloud:
            create(cloud, ECHO, name="f")
            cloud.client("lambda").put_function_concurrency(
                FunctionName="f", ReservedConcurrentExecutions=20
            )
            loads = Load("f", (Stage(5, 50, 400),), duration_ms=80, init_ms=300, error_rate=0.1)
            return run_load(cloud, loads).to_json()

    assert once() == once()


def test_scaling_rate_throttles_a_sudden_burst(cloud: Cloud) -> None:
    create(cloud, ECHO)
    cloud.set_quota("lambda", "ConcurrentExecutions", 10_000)
    result = run_load(cloud, Load("fn", (Stage(1, 3000),), duration_ms=5000, init_ms=100))
    totals = result.functions["fn"].totals
    # 1,000 environments at once, then the allowance refills at 100 a second.
    assert 1000 <= totals.cold_starts <= 1100
    assert totals.throttles == {ACCOUNT: totals.requests - totals.cold_starts}


def test_provisioned_concurrency_serves_first_and_the_rest_spills_over(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, ECHO, Publish=True)
    fn.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    fn.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=10
    )
    cloud.clock.advance(120)
    result = run_load(cloud, Load("fn:live", (Stage(1, 30),), duration_ms=2000, init_ms=400))
    totals = result.functions["fn"].totals
    assert totals.requests == 30
    assert totals.spillover == 20
    assert totals.cold_starts == 20  # only the spilled-over requests start cold
    assert result.functions["fn"].latency_ms["p50"] == 2400  # most waited for init


def test_async_requests_beyond_provisioned_concurrency_spill_over(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, ECHO, Publish=True)
    fn.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    fn.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=10
    )
    cloud.clock.advance(120)
    load = Load("fn:live", (Stage(1, 30),), asynchronous=True, duration_ms=2000, init_ms=400)
    result = run_load(cloud, load)
    totals = result.functions["fn"].totals
    # Ten events run in the provisioned environments; the twenty that come while all ten
    # are busy run on demand, counted as spill-over just as synchronous requests are.
    assert (totals.requests, totals.succeeded) == (30, 30)
    assert totals.spillover == 20
    assert totals.cold_starts == 20
    assert "20 spilled over from provisioned concurrency" in result.summary()


def test_errors_are_spread_as_declared(cloud: Cloud) -> None:
    create(cloud, ECHO)
    result = run_load(
        cloud, Load("fn", (Stage(10, 100),), duration_ms=10, init_ms=0, error_rate=0.25)
    )
    totals = result.functions["fn"].totals
    assert (totals.errors, totals.succeeded) == (250, 750)


def test_duration_is_measured_from_a_real_run_when_not_declared(cloud: Cloud) -> None:
    create(
        cloud, "import time\n\ndef handler(event, context):\n    time.sleep(0.05)\n    return 1\n"
    )
    result = run_load(cloud, Load("fn", (Stage(1, 10),)))
    measured = result.functions["fn"]
    assert 45 <= measured.duration_ms < 1000
    assert measured.init_ms > 0
    assert len(cloud.events.filter(kind="cold_start")) == 1  # one real run, not ten


def test_async_load_retries_throttled_events_and_keeps_the_rest_queued(cloud: Cloud) -> None:
    create(cloud, ECHO)
    cloud.client("lambda").put_function_concurrency(
        FunctionName="fn", ReservedConcurrentExecutions=5
    )
    result = run_load(
        cloud, Load("fn", (Stage(10, 100),), duration_ms=100, init_ms=0, asynchronous=True)
    )
    fn = result.functions["fn"]
    assert fn.totals.requests == 1000
    assert fn.totals.retries > 0
    assert set(fn.totals.throttles) == {RESERVED}
    assert fn.pending_events == 1000 - fn.totals.succeeded
    # Six hours later every event has either run or grown too old.
    cloud.clock.advance(6 * 3600 + 600)
    assert cloud.backend("lambda").queue.pending() == 0  # type: ignore[attr-defined]


def test_runs_are_kept_in_the_account_state(cloud: Cloud) -> None:
    create(cloud, ECHO)
    run_load(cloud, Load("fn", (Stage(1, 5),), duration_ms=10, init_ms=10))
    copy = Cloud.restore(cloud.snapshot())
    runs = copy.backend("lambda").load_runs  # type: ignore[attr-defined]
    assert runs[-1]["functions"]["fn"]["totals"]["requests"] == 5
    copy.close()


def test_bad_loads_are_refused_with_a_reason(cloud: Cloud) -> None:
    create(cloud, ECHO)
    with Cloud(clock=VirtualClock(mode="live")) as live:
        create(live, ECHO)
        with pytest.raises(ClientError, match="switch the clock to manual"):
            run_load(live, Load("fn", (Stage(1, 1),), duration_ms=1, init_ms=1))
    with pytest.raises(ClientError, match="error_rate"):
        run_load(cloud, Load("fn", (Stage(1, 1),), duration_ms=1, init_ms=1, error_rate=2))
    with pytest.raises(ClientError, match="Function not found"):
        run_load(cloud, Load("nope", (Stage(1, 1),), duration_ms=1, init_ms=1))


def test_measured_init_counts_even_when_provisioned_concurrency_hides_it(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(
        cloud,
        "import time\ntime.sleep(0.2)\n\ndef handler(event, context):\n    return 1\n",
        Publish=True,
    )
    fn.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    fn.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=1
    )
    cloud.clock.advance(120)
    result = run_load(cloud, Load("fn:live", (Stage(1, 5),), duration_ms=1000))
    assert result.functions["fn"].init_ms >= 150


def test_a_run_right_after_another_can_measure_a_busy_function(cloud: Cloud) -> None:
    create(cloud, ECHO)
    cloud.client("lambda").put_function_concurrency(
        FunctionName="fn", ReservedConcurrentExecutions=2
    )
    first = run_load(cloud, Load("fn", (Stage(5, 10),), duration_ms=1000))
    assert first.functions["fn"].totals.throttled > 0
    second = run_load(cloud, Load("fn", (Stage(5, 10),), duration_ms=1000))
    assert second.functions["fn"].totals.requests == 50
    # Seconds where everything was throttled still show the busy environments.
    assert all(s.peak_concurrency == 2 for s in second.functions["fn"].series)


def test_totals_are_the_seconds_added_up(cloud: Cloud) -> None:
    fn, sqs = cloud.client("lambda"), cloud.client("sqs")
    url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    create(cloud, ECHO, DeadLetterConfig={"TargetArn": dlq["QueueArn"]})
    fn.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=1)
    fn.put_function_event_invoke_config(
        FunctionName="fn", MaximumRetryAttempts=0, MaximumEventAgeInSeconds=60
    )
    create(cloud, ECHO, name="g", Publish=True)
    fn.create_alias(FunctionName="g", Name="live", FunctionVersion="1")
    fn.put_provisioned_concurrency_config(
        FunctionName="g", Qualifier="live", ProvisionedConcurrentExecutions=2
    )
    cloud.clock.advance(120)
    result = run_load(
        cloud,
        Load(
            "fn", (Stage(70, 20),), asynchronous=True, duration_ms=200, init_ms=50, error_rate=0.1
        ),
        Load("g:live", (Stage(5, 20),), duration_ms=500, init_ms=50, error_rate=0.1),
    )
    for function in result.functions.values():
        totals = asdict(function.totals)
        seconds = [asdict(s) for s in function.series]
        for name, value in totals.items():
            if name == "peak_concurrency":
                assert value == max(s[name] for s in seconds)
            elif isinstance(value, dict):
                assert value == sum((Counter(s[name]) for s in seconds), Counter())
            else:
                assert value == sum(s[name] for s in seconds), name
    # Every figure of the run came up at least once, so none is left out of the sums.
    both = asdict(result.functions["fn"].totals), asdict(result.functions["g"].totals)
    assert all(a or b for a, b in zip(*(t.values() for t in both), strict=True))


def test_queued_events_of_an_async_run_carry_its_figures(cloud: Cloud) -> None:
    create(cloud, ECHO)
    cloud.client("lambda").put_function_concurrency(
        FunctionName="fn", ReservedConcurrentExecutions=1
    )
    load = Load(
        "fn",
        (Stage(1, 5),),
        asynchronous=True,
        duration_ms=500,
        init_ms=20,
        error_rate=1.0,
        event={"n": 1},
    )
    result = run_load(cloud, load)
    events = cloud.backend("lambda").queue.events  # type: ignore[attr-defined]
    first = min(events.values(), key=lambda e: e.id)  # ran, failed, waits for its retry
    assert (first.function, first.qualifier, first.simulated) == ("fn", "$LATEST", True)
    assert (first.duration_ms, first.init_ms) == (500, 20)
    assert json.loads(first.error)["errorType"] == "LoadProfileError"
    assert json.loads(base64.b64decode(first.payload)) == {"n": 1}
    assert (first.enqueued, first.due) == (result.started, result.started + 60)
    assert (first.attempt, first.throttles) == (1, 0)
