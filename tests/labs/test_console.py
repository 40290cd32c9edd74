"""The lab console: the aws CLI's shape, built-ins, clear usage on bad input, never a crash."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import Cloud, VirtualClock
from emulator.services import REGISTRY
from labs.console import Console


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    with Cloud() as cloud:
        yield Console(cloud, tmp_path)


CREATE = (
    'aws dynamodb create-table --table-name Notes --key-schema \'[{"AttributeName": "id", "KeyType": "HASH"}]\' '
    '--attribute-definitions \'[{"AttributeName": "id", "AttributeType": "S"}]\' --billing-mode PAY_PER_REQUEST'
)


def test_aws_commands_run_with_json_ints_and_booleans(console: Console) -> None:
    created = console.run(CREATE)
    assert created.ok
    assert json.loads(created.text)["TableDescription"]["TableName"] == "Notes"
    for n in range(3):
        assert console.run(
            f'aws dynamodb put-item --table-name Notes --item \'{{"id": {{"S": "n{n}"}}}}\''
        ).ok
    scanned = json.loads(
        console.run("aws dynamodb scan --table-name Notes --limit 2 --consistent-read").text
    )
    assert scanned["Count"] == 2
    assert "LastEvaluatedKey" in scanned


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("aws dynamodb put-item --table-name Notes", "missing --item"),
        ("aws dynamodb put-item --table-name Notes --item {bad", "--item takes JSON"),
        ("aws dynamodb scan --table-name Notes --limit many", "takes a whole number"),
        ("aws dynamodb put-itme", "Did you mean 'put-item'?"),
        ("aws dynamodb describe-limits", "not supported by the emulator"),
        ("aws s4 list", "unknown service 's4'"),
        ("aws", "usage: aws SERVICE OPERATION"),
        ("aws dynamodb scan --table-name Notes --bogus 1", "unknown option --bogus"),
        ("aws dynamodb scan --table-name", "--table-name needs a value"),
        (
            "aws dynamodb describe-table --table-name Nope",
            "An error occurred (ResourceNotFoundException) when calling the DescribeTable operation",
        ),
        ("frobnicate", "unknown command 'frobnicate'"),
        ("aws dynamodb scan --table-name 'unclosed", "check your quotes"),
        ("cat ../../../etc/passwd", "outside your workspace"),
        ("zip out.zip missing.py", "no file 'missing.py'"),
        ("clock advance soon", "usage: clock advance"),
    ],
)
def test_bad_input_says_what_to_fix(console: Console, line: str, words: str) -> None:
    out = console.run(line)
    assert not out.ok
    assert words in out.text


def test_zip_and_lambda_from_workspace_files(console: Console, tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(
        "def handler(event, context):\n    print('hi')\n    return {'n': event['n'] * 2}\n"
    )
    assert console.run("zip function.zip handler.py").ok
    with zipfile.ZipFile(io.BytesIO((tmp_path / "function.zip").read_bytes())) as archive:
        assert archive.namelist() == ["handler.py"]
    created = console.run(
        "aws lambda create-function --function-name double --runtime python3.12 "
        "--role arn:aws:iam::123456789012:role/r --handler handler.handler --zip-file fileb://function.zip"
    )
    assert created.ok, created.text
    out = console.run(
        "aws lambda invoke --function-name double --payload '{\"n\": 21}' answer.json --log-type Tail"
    )
    assert out.ok, out.text
    assert json.loads((tmp_path / "answer.json").read_text()) == {"n": 42}
    assert '"StatusCode": 200' in out.text
    assert "REPORT RequestId" in out.text
    assert console.run("ls").text.split() == ["answer.json", "function.zip", "handler.py"]


def test_clock(console: Console) -> None:
    assert console.run("clock").text == "virtual time 2026-01-01 00:00:00 UTC"
    assert console.run("clock advance 90m").text.startswith("virtual time 2026-01-01 01:30:00 UTC")
    assert console.run("clock advance 1d").text.startswith("virtual time 2026-01-02 01:30:00 UTC")


def test_help_and_completions(console: Console, tmp_path: Path) -> None:
    assert "aws SERVICE OPERATION" in console.run("help").text
    assert "put-item" in console.run("help aws dynamodb").text
    assert (
        "usage: aws lambda create-function" in console.run("help aws lambda create-function").text
    )
    assert console.completions("") == ["aws", "load", "cost", "zip", "ls", "cat", "clock", "help"]
    assert console.completions("aws dyn") == ["dynamodb", "dynamodbstreams"]
    assert console.completions("aws dynamodb put") == ["put-item"]
    assert "--table-name" in console.completions("aws dynamodb put-item --ta")
    assert "--table-name" not in console.completions("aws dynamodb put-item --table-name T ")
    (tmp_path / "handler.py").write_text("")
    assert console.completions("cat han") == ["handler.py"]


def test_help_lists_the_services_of_the_registry_and_the_load_command(console: Console) -> None:
    text = console.run("help").text
    assert "services: " + ", ".join(sorted(REGISTRY)) in " ".join(text.split())  # may wrap
    assert "load FUNCTION --rate N --for DURATION" in text
    assert "--error-rate" in console.run("help load").text
    assert max(len(line) for line in text.splitlines()) < 80


def test_shorthand_reaches_the_service_and_empty_answers_print_nothing(console: Console) -> None:
    created = console.run(
        "aws sqs create-queue --queue-name jobs --attributes VisibilityTimeout=60,DelaySeconds=5"
    )
    assert created.ok, created.text
    url = json.loads(created.text)["QueueUrl"]
    read = console.run(
        f"aws sqs get-queue-attributes --queue-url {url} --attribute-names VisibilityTimeout DelaySeconds"
    )
    assert json.loads(read.text)["Attributes"] == {"VisibilityTimeout": "60", "DelaySeconds": "5"}
    purged = console.run(f"aws sqs purge-queue --queue-url {url}")
    assert purged.ok
    assert purged.text == ""


def test_a_wrong_sqs_attribute_shows_an_sqs_example(console: Console) -> None:
    out = console.run("aws sqs create-queue --queue-name jobs --attributes VisibilityTimeout")
    assert not out.ok
    assert "for example: --attributes VisibilityTimeout=60,DelaySeconds=5" in out.text
    assert '{"S"' not in out.text


def test_clock_advance_on_a_live_clock_says_so(tmp_path: Path) -> None:
    with Cloud(clock=VirtualClock(mode="live")) as cloud:
        out = Console(cloud, tmp_path).run("clock advance 5m")
    assert not out.ok
    assert "the clock is live" in out.text


# -- load ---------------------------------------------------------------------------------------
ECHO = "def handler(event, context):\n    return event\n"
DOUBLE = "def handler(event, context):\n    return {'n': event['n'] * 2}\n"


def deploy(console: Console, name: str, source: str = ECHO) -> None:
    (console.workspace / "handler.py").write_text(source)
    assert console.run(f"zip {name}.zip handler.py").ok
    created = console.run(
        f"aws lambda create-function --function-name {name} --runtime python3.12 "
        f"--role arn:aws:iam::123456789012:role/r --handler handler.handler "
        f"--zip-file fileb://{name}.zip"
    )
    assert created.ok, created.text


def table(text: str, function: str) -> list[list[int]]:
    """The rows of ``function``'s per-second table, as numbers."""
    block = text.split(f"\n{function}, ", 1)[1].split("\n\n", 1)[0]
    return [[int(n) for n in line.split()] for line in block.splitlines()[2:]]


def test_one_load_prints_the_summary_a_table_and_the_clock(console: Console) -> None:
    deploy(console, "orders")
    start = console.cloud.clock.now()
    out = console.run("load orders --rate 50 --for 10 --duration-ms 100 --init-ms 200")
    assert out.ok, out.text
    assert out.text.startswith("Load run of 10 s (virtual time)\norders (sync, 100 ms each): 500")
    assert "orders, second by second:" in out.text
    assert out.text.endswith("The clock moved 10 s: virtual time 2026-01-01 00:00:10 UTC.")
    assert console.cloud.clock.now() == start + 10
    rows = table(out.text, "orders")
    assert [row[0] for row in rows] == list(range(10))
    assert all(row[1] == 50 for row in rows)
    # The table is the run the emulator kept, second by second.
    kept = console.cloud.backend("lambda").load_runs[-1]["functions"]["orders"]["series"]
    assert rows == [
        [n, s["requests"], s["succeeded"], s["errors"], sum(s["throttles"].values()),
         s["peak_concurrency"], s["cold_starts"]]
        for n, s in enumerate(kept)
    ]  # fmt: skip
    assert max(len(line) for line in out.text.splitlines() if "second" in line) <= 80


def test_two_loads_joined_by_and_run_at_the_same_time(console: Console) -> None:
    deploy(console, "orders")
    deploy(console, "reports")
    assert console.run(
        "aws lambda put-function-concurrency --function-name reports --reserved-concurrent-executions 5"
    ).ok
    out = console.run(
        "load orders --rate 20 --for 4 --duration-ms 100 --init-ms 100 "
        "and reports --rate 10 --ramp-to 30 --for 6 --duration-ms 1000 --init-ms 100"
    )
    assert out.ok, out.text
    assert "Load run of 6 s" in out.text
    assert "The clock moved 6 s" in out.text
    orders, reports = table(out.text, "orders"), table(out.text, "reports")
    assert len(orders) == len(reports) == 6
    assert [row[1] for row in orders] == [20, 20, 20, 20, 0, 0]
    assert [row[1] for row in reports] == sorted(row[1] for row in reports)  # the ramp climbs
    assert max(row[5] for row in reports) == 5  # reserved concurrency caps it
    assert sum(row[4] for row in reports) > 0
    assert "throttled" in out.text.split("reports (sync", 1)[1].splitlines()[1]


def test_an_async_load_with_errors(console: Console) -> None:
    deploy(console, "orders")
    out = console.run(
        "load orders --rate 20 --for 5 --async --error-rate 0.5 --duration-ms 100 --init-ms 100"
    )
    assert out.ok, out.text
    summary = out.text.splitlines()[1]
    assert summary.startswith("orders (async, 100 ms each): 100 requests, 50 succeeded, 50 errors")
    assert "retries" in out.text


def test_a_measured_load_carries_the_payload(console: Console) -> None:
    deploy(console, "double", DOUBLE)
    without = console.run("load double --rate 5 --for 2")
    assert without.ok, without.text
    assert "10 requests, 0 succeeded, 10 errors" in without.text  # event['n'] is missing
    (console.workspace / "event.json").write_text('{"n": 21}')
    for payload in ("'{\"n\": 21}'", "file://event.json"):
        out = console.run(f"load double --rate 5 --for 2 --payload {payload}")
        assert "10 requests, 10 succeeded, 0 errors" in out.text, out.text


def test_a_long_load_shows_every_nth_second(console: Console) -> None:
    deploy(console, "orders")
    out = console.run("load orders --rate 2 --for 5m --duration-ms 10 --init-ms 10")
    assert out.ok, out.text
    assert "orders, every 15th second:" in out.text
    seconds = [row[0] for row in table(out.text, "orders")]
    assert seconds == [*range(0, 300, 15), 299]
    assert "The clock moved 300 s" in out.text


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("load", "usage: load FUNCTION --rate N --for DURATION"),
        ("load nope --rate 1 --for 1", "load: Function not found"),
        ("load orders --rate fast --for 10", "--rate takes a number of 0 or more, not 'fast'"),
        ("load orders --rate -5 --for 10", "--rate takes a number of 0 or more, not '-5'"),
        ("load orders --for 10", "load orders: missing --rate"),
        ("load orders --rate 1", "missing --for"),
        ("load orders --rate 1 --for soon", "--for takes a duration such as 30, 30s, 5m or 2h"),
        ("load orders --rate 1 --for 0", "--for takes a duration"),
        ("load orders --rate 1 --for 10 --error-rate 2", "--error-rate is a share from 0 to 1"),
        ("load orders --rate 1 --for 10 --duration-ms", "--duration-ms needs a value"),
        ("load orders --rat 1 --for 10", "unknown option '--rat' (did you mean --rate?)"),
        ("load orders --rate 1 --for 10 and", "name a function before and after each 'and'"),
        ("load --rate 1 --for 10", "name the function first"),
        ("load orders --rate 1 --for 10 --payload {bad", "--payload takes JSON"),
        ("load orders --rate 1e9 --for 1h", "a run here is limited to 1,000,000"),
        (
            "load orders --rate 1 --for 1 --duration-ms 5 --init-ms 5 "
            "and orders --rate 1 --for 1 --duration-ms 5 --init-ms 5",
            "orders has two loads",
        ),
    ],
)
def test_bad_loads_say_what_to_fix_and_leave_the_clock(
    console: Console, line: str, words: str
) -> None:
    deploy(console, "orders")
    start = console.cloud.clock.now()
    out = console.run(line)
    assert not out.ok
    assert words in out.text
    assert console.cloud.clock.now() == start


def test_a_load_needs_a_manual_clock(tmp_path: Path) -> None:
    with Cloud(clock=VirtualClock(mode="live")) as cloud:
        out = Console(cloud, tmp_path).run("load orders --rate 1 --for 10")
    assert not out.ok
    assert "the clock is live; switch it to manual first" in out.text


def test_load_completions(console: Console) -> None:
    deploy(console, "orders")
    deploy(console, "reports")
    assert console.completions("lo") == ["load"]
    assert console.completions("load ") == ["orders", "reports"]
    assert console.completions("load rep") == ["reports"]
    assert console.completions("load orders --r") == ["--ramp-to", "--rate"]
    assert console.completions("load orders --rate ") == []
    after = console.completions("load orders --rate 5 --for 10 ")
    assert "and" in after
    assert "--rate" not in after
    assert console.completions("load orders --rate 5 --for 10 and ") == ["orders", "reports"]
    assert "--rate" in console.completions("load orders --rate 5 --for 10 and reports ")


def test_cost_shows_what_the_usage_would_cost(console: Console) -> None:
    assert console.run("cost").text.startswith("No Lambda usage yet")
    console.cloud.client("lambda").create_function(
        FunctionName="orders",
        Runtime="python3.12",
        Role="arn:aws:iam::123456789012:role/r",
        Handler="handler.handler",
        Code={"ZipFile": _zip_bytes("def handler(event, context):\n    return 1\n")},
        MemorySize=1024,
    )
    assert console.run("load orders --rate 100 --for 10s --duration-ms 1000 --init-ms 0").ok
    out = console.run("cost")
    assert out.ok
    lines = out.text.splitlines()
    assert lines[1].split()[:3] == ["orders", "1,000", "1,000.000"]
    assert "Before the free tier" in out.text
    assert not console.run("cost now").ok


def _zip_bytes(source: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


def test_layers_publish_from_a_workspace_zip(console: Console, tmp_path: Path) -> None:
    assert console.run("zip layer.zip python").ok is False  # nothing to zip yet
    (tmp_path / "python").mkdir()
    (tmp_path / "python" / "shared.py").write_text("VALUE = 1\n")
    assert console.run("zip layer.zip python").ok
    out = console.run(
        "aws lambda publish-layer-version --layer-name shared --zip-file fileb://layer.zip"
    )
    assert out.ok, out.text
    assert '"Version": 1' in out.text


def test_help_sandbox_says_what_isolation_holds(console: Console) -> None:
    from emulator.services.awslambda import sandbox

    assert console.run("help sandbox").text == sandbox.guarantees()
