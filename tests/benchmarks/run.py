"""Benchmarks: print the figures the project tracks, with moto's where it is installed.

Run: ``python tests/benchmarks/run.py [startup|grading|lambda|load|cloudwatch|dynamodb ...]``. Figures are
printed, never asserted: targets live in the issues.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _subprocess_seconds(code: str, runs: int = 5, env: dict[str, str] | None = None) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code], check=True, env=env, cwd=ROOT, capture_output=True
        )
        times.append(time.perf_counter() - start)
    return times


def _report(name: str, value: float, unit: str, target: str = "") -> None:
    suffix = f"   (target {target})" if target else ""
    print(f"  {name:<46} {value:>10.2f} {unit}{suffix}")


def bench_startup() -> None:
    print("start-up")
    imports = []
    for _ in range(5):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "import time; t=time.perf_counter(); import emulator; print(time.perf_counter()-t)",
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        imports.append(float(out))
    _report("import emulator, median", statistics.median(imports) * 1000, "ms", "<= 200 ms")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "SERVERLINGS_HOME": home}
        code = (
            "from tutor.app import make_app\n"
            "app = make_app()\n"
            "async def ready(pilot):\n"
            "    await pilot.pause()\n"
            "    pilot.app.exit()\n"
            "app.run(headless=True, auto_pilot=ready)\n"
        )
        times = _subprocess_seconds(code, env=env)
    _report(
        "serverlings to a ready home screen, median",
        statistics.median(times) * 1000,
        "ms",
        "<= 1000 ms, whole process",
    )


def bench_grading() -> None:
    from emulator import Cloud
    from labs import solution
    from labs.grader import apply_setup, grade
    from labs.loader import load_course
    from labs.paths import builtin_course_dir

    print("grading (built-in course, each lab solved by its solution/commands.txt)")
    for lab in load_course(builtin_course_dir()).labs():
        with Cloud() as cloud, tempfile.TemporaryDirectory() as tmp:
            apply_setup(lab, cloud)
            workspace = solution.prepare_workspace(lab, Path(tmp))
            solution.run_commands(lab, cloud, workspace)
            grade(lab, cloud)  # warm up imports and the checks module
            times = []
            for _ in range(7):
                start = time.perf_counter()
                result = grade(lab, cloud)
                times.append(time.perf_counter() - start)
        status = "all passed" if result.passed else "NOT all passed"
        _report(
            f"grade {lab.id} ({status}), median", statistics.median(times) * 1000, "ms", "<= 100 ms"
        )


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_lambda() -> None:
    from emulator import Cloud

    print("lambda (in-process client, trivial python handler)")
    with Cloud() as cloud:
        fn = cloud.client("lambda")
        colds = []
        for n in range(5):
            fn.create_function(
                FunctionName=f"cold{n}",
                Runtime="python3.12",
                Handler="handler.handler",
                Role="arn:aws:iam::123456789012:role/bench",
                Code={"ZipFile": _zip("def handler(event, context):\n    return event\n")},
            )
            start = time.perf_counter()
            fn.invoke(FunctionName=f"cold{n}", Payload=b"{}")
            colds.append(time.perf_counter() - start)
        _report("cold start invoke, median", statistics.median(colds) * 1000, "ms", "<= 200 ms")
        warm = []
        for _ in range(2000):
            start = time.perf_counter()
            fn.invoke(FunctionName="cold0", Payload=b'{"n": 1}')["Payload"].read()
            warm.append(time.perf_counter() - start)
        _report("warm invoke p50", _percentile(warm, 0.5) * 1000, "ms", "<= 2 ms")
        _report("warm invoke p99", _percentile(warm, 0.99) * 1000, "ms", "<= 10 ms")
    print("  moto: runs Lambda code only in Docker, so it has no figure to set beside these")


def _load_scenario(asynchronous: bool) -> tuple[float, dict[str, object]]:
    """100,000 requests at 2,000/s for 50 s against a function capped at 150 environments."""
    from emulator import Cloud
    from emulator.load import Load, Stage, run_load

    with Cloud() as cloud:
        fn = cloud.client("lambda")
        sqs = cloud.client("sqs")
        url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        dlq = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        fn.create_function(
            FunctionName="orders",
            Runtime="python3.12",
            Handler="handler.handler",
            Role="arn:aws:iam::123456789012:role/bench",
            Code={"ZipFile": _zip("def handler(event, context):\n    return event\n")},
            DeadLetterConfig={"TargetArn": dlq["Attributes"]["QueueArn"]},
        )
        fn.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=150)
        load = Load(
            "orders",
            (Stage(50, 2000),),
            asynchronous=asynchronous,
            duration_ms=100,
            init_ms=250,
            error_rate=0.02,
        )
        start = time.perf_counter()
        result = run_load(cloud, load)
        return time.perf_counter() - start, result.to_json()


def bench_load() -> None:
    print("load runs (100,000 requests at 2,000/s, reserved concurrency 150, 2% errors)")
    for asynchronous in (False, True):
        kind = "async, with retries" if asynchronous else "sync"
        runs = [_load_scenario(asynchronous) for _ in range(3)]
        walls = [wall for wall, _ in runs]
        same = all(result == runs[0][1] for _, result in runs)
        totals = runs[0][1]["functions"]["orders"]["totals"]  # type: ignore[index]
        _report(f"{kind}: wall time, median of 3", statistics.median(walls), "s", "<= 2 s")
        print(
            f"    requests {totals['requests']}, succeeded {totals['succeeded']}, "
            f"errors {totals['errors']}, throttles {sum(totals['throttles'].values())}, "
            f"retries {totals['retries']}, peak concurrency {totals['peak_concurrency']}; "
            f"identical on every run: {'yes' if same else 'NO'}"
        )
    print("  moto and LocalStack have no load simulation to compare with")


def bench_cloudwatch() -> None:
    from emulator import Cloud

    print("cloudwatch (recording samples, the path Lambda's metrics take)")
    with Cloud() as cloud:
        cw = cloud.backend("cloudwatch")
        for label, dims in (("tuple", (("FunctionName", "f"),)), ("dict", {"FunctionName": "f"})):
            rates = []
            for _ in range(5):
                start = time.perf_counter()
                for n in range(100_000):
                    cw.record(
                        "AWS/Lambda", "Invocations", dims, 1, timestamp=1767225600 + n // 1000
                    )  # type: ignore[attr-defined]
                rates.append(100_000 / (time.perf_counter() - start))
            _report(
                f"record() with {label} dimensions, median",
                statistics.median(rates),
                "calls/s",
                ">= 300,000",
            )


def _ops_per_second(action: Callable[[int], object], count: int) -> float:
    start = time.perf_counter()
    for n in range(count):
        action(n)
    return count / (time.perf_counter() - start)


def bench_dynamodb() -> None:
    from dynamodb_bench import run

    run(_report)


BENCHES = {
    "startup": bench_startup,
    "grading": bench_grading,
    "lambda": bench_lambda,
    "load": bench_load,
    "cloudwatch": bench_cloudwatch,
    "dynamodb": bench_dynamodb,
}


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHES)
    unknown = [name for name in chosen if name not in BENCHES]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHES)}")
        return 2
    print(f"serverlings benchmarks — python {sys.version.split()[0]}, {os.cpu_count()} cores")
    for name in chosen:
        BENCHES[name]()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
