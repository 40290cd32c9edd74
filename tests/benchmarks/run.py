"""Benchmarks: print the figures the project tracks, with moto's where it is installed.

Run: ``python tests/benchmarks/run.py [startup|grading|lambda|dynamodb ...]``. Figures are
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
        _report("warm invoke p50", _percentile(warm, 0.5) * 1000, "ms", "<= 3 ms")
        _report("warm invoke p99", _percentile(warm, 0.99) * 1000, "ms")


def _ops_per_second(action: Callable[[int], object], count: int) -> float:
    start = time.perf_counter()
    for n in range(count):
        action(n)
    return count / (time.perf_counter() - start)


def _dynamodb_workload(ddb: object, label: str) -> None:
    client = ddb
    client.create_table(  # type: ignore[attr-defined]
        TableName="Bench",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    payload = {"S": "x" * 150}
    put = _ops_per_second(
        lambda n: client.put_item(
            TableName="Bench", Item={"pk": {"S": "p"}, "sk": {"S": f"{n:06d}"}, "data": payload}
        ),  # type: ignore[attr-defined]
        5000 if label == "serverlings" else 500,
    )
    get = _ops_per_second(
        lambda n: client.get_item(
            TableName="Bench", Key={"pk": {"S": "p"}, "sk": {"S": f"{n % 500:06d}"}}
        ),  # type: ignore[attr-defined]
        5000 if label == "serverlings" else 500,
    )
    query = _ops_per_second(
        lambda n: client.query(  # type: ignore[attr-defined]
            TableName="Bench",
            KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
            ExpressionAttributeValues={
                ":p": {"S": "p"},
                ":a": {"S": "000100"},
                ":b": {"S": "000199"},
            },
        ),
        500 if label == "serverlings" else 20,
    )
    print(
        f"  {label:<14} PutItem {put:>9.0f}/s   GetItem {get:>9.0f}/s   Query(100 items) {query:>8.0f}/s"
    )


def bench_dynamodb() -> None:
    from emulator import Cloud

    print("dynamodb (in-process; targets come with the DynamoDB-in-depth issue)")
    with Cloud() as cloud:
        _dynamodb_workload(cloud.client("dynamodb"), "serverlings")
    try:
        import boto3
        from moto import mock_aws
    except ImportError:
        print("  moto is not installed: pip install 'moto[dynamodb]' to compare")
        return
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        _dynamodb_workload(boto3.client("dynamodb", region_name="us-east-1"), "moto")


BENCHES = {
    "startup": bench_startup,
    "grading": bench_grading,
    "lambda": bench_lambda,
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
