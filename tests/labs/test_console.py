"""The lab console: the aws CLI's shape, built-ins, clear usage on bad input, never a crash."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from emulator import Cloud
from labs.console import Console


@pytest.fixture
def console(tmp_path: Path) -> Console:
    return Console(Cloud(), tmp_path)


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
        ("aws dynamodb update-table --table-name Notes", "not supported by the emulator"),
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
    console.cloud.close()


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
    assert console.completions("") == ["aws", "zip", "ls", "cat", "clock", "help"]
    assert console.completions("aws dyn") == ["dynamodb"]
    assert console.completions("aws dynamodb put") == ["put-item"]
    assert "--table-name" in console.completions("aws dynamodb put-item --ta")
    assert "--table-name" not in console.completions("aws dynamodb put-item --table-name T ")
    (tmp_path / "handler.py").write_text("")
    assert console.completions("cat han") == ["handler.py"]
