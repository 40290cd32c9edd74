"""The command line: list, check, hint, reset, validate, shell; and no textual on those paths."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "labs" / "fixtures"
GOOD = str(FIXTURES / "good")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_check_hint_reset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path)
    code, out, _ = run(capsys, "--course", GOOD, "--home", home, "list")
    assert code == 0
    assert "· not started    Tables   lab: notes" in out
    code, out, _ = run(capsys, "--course", GOOD, "--home", home, "check", "notes")
    assert code == 1
    assert "✘ FAIL  exists" in out
    assert "Score 0/2: not finished yet." in out
    code, out, _ = run(capsys, "--course", GOOD, "--home", home, "hint", "notes")
    assert out.strip() == "Hint 1 of 2 (task: table): Use aws dynamodb create-table."
    code, _, err = run(capsys, "--course", GOOD, "--home", home, "hint", "nots")
    assert code == 2
    assert "did you mean 'notes'?" in err
    code, _, err = run(capsys, "--course", GOOD, "--home", home, "reset", "notes")
    assert code == 2
    assert "--yes" in err
    code, out, _ = run(capsys, "--course", GOOD, "--home", home, "reset", "notes", "--yes")
    assert (code, out.strip()) == (0, "notes is back at its start.")


def test_shell_reads_commands_from_a_pipe_and_check_passes(tmp_path: Path) -> None:
    script = "\n".join(
        [
            'aws dynamodb create-table --table-name Notes --key-schema \'[{"AttributeName": "id", "KeyType": "HASH"}]\' '
            '--attribute-definitions \'[{"AttributeName": "id", "AttributeType": "S"}]\' --billing-mode PAY_PER_REQUEST',
            'aws dynamodb put-item --table-name Notes --item \'{"id": {"S": "a"}}\'',
            "check",
        ]
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tutor",
            "--course",
            GOOD,
            "--home",
            str(tmp_path),
            "shell",
            "notes",
        ],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "Score 2/2: every task passed." in done.stdout
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "tutor",
            "--course",
            GOOD,
            "--home",
            str(tmp_path),
            "check",
            "notes",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0
    progress = json.loads((tmp_path / "progress.json").read_text())
    assert progress["courses"]["fixture"]["labs"]["notes"]["completed"] is True


def test_validate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", GOOD)
    assert code == 0
    assert out.strip() == "course fixture: 1 modules, 1 lessons, 1 labs, 1 questions — no problems"
    code, out, _ = run(capsys, "validate", str(FIXTURES / "broken"))
    assert code == 1
    assert "lab.yaml:7:5  tasks[0].hits  unknown field 'hits'; did you mean 'hints'?" in out
    assert "problem(s)." in out


def test_builtin_course_lists() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tutor", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={"SERVERLINGS_HOME": "/nonexistent-serverlings-home", "PATH": ""},
    )
    assert "Serverless Foundations" in done.stdout


def test_plain_commands_do_not_load_the_ui() -> None:
    code = (
        "import sys\nfrom tutor.cli import main\n"
        f"main(['--course', {GOOD!r}, '--home', sys.argv[1], 'list'])\n"
        "print(sorted(m for m in ('textual', 'prompt_toolkit') if m in sys.modules))"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        out = subprocess.run(
            [sys.executable, "-c", code, home], capture_output=True, text=True, check=True
        ).stdout
    assert out.strip().splitlines()[-1] == "[]"
