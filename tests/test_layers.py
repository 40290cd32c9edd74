"""The layers of DESIGN.md: imports point down only, and the core loads no UI library."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

UI = ("textual", "rich", "prompt_toolkit")


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


@pytest.mark.parametrize(
    ("statement", "forbidden"),
    [
        ("import emulator", (*UI, "labs", "tutor", "boto3", "botocore")),
        (
            "import emulator; c = emulator.Cloud(); c.client('dynamodb'); c.client('lambda')",
            (*UI, "labs", "tutor"),
        ),
        ("import labs, labs.loader, labs.grader, labs.session, labs.console", (*UI, "tutor")),
    ],
)
def test_imports_point_down_only(statement: str, forbidden: tuple[str, ...]) -> None:
    loaded = _modules_after(statement)
    assert not loaded & set(forbidden), f"{statement!r} loaded {sorted(loaded & set(forbidden))}"
