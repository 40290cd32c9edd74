"""The runtime table: what CreateFunction accepts, AWS's errors, and how each worker starts."""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

import pytest

from emulator.errors import NotSupportedByEmulator
from emulator.services.awslambda import runtimes
from emulator.services.awslambda.errors import InvalidParameterValueException, ValidationException
from emulator.services.awslambda.runtimes import (
    ENUM,
    NODE_WORKER,
    PYTHON_WORKER,
    RETIRED,
    RUNTIMES,
    NodeNotInstalled,
    validate,
    worker_command,
)


def test_the_runtimes_the_emulator_runs() -> None:
    assert list(RUNTIMES) == [
        "python3.9",
        "python3.10",
        "python3.11",
        "python3.12",
        "python3.13",
        "python3.14",
        "nodejs20.x",
        "nodejs22.x",
        "nodejs24.x",
    ]
    assert {name for name, r in RUNTIMES.items() if r.family == "nodejs"} == {
        "nodejs20.x",
        "nodejs22.x",
        "nodejs24.x",
    }


def test_snapstart_is_offered_on_python_312_and_later_only() -> None:
    """aws-facts: SnapStart covers Python 3.12+, and not Node.js."""
    assert {name for name, r in RUNTIMES.items() if r.snapstart} == {
        "python3.12",
        "python3.13",
        "python3.14",
    }


def test_enum_is_botocores_runtime_enum() -> None:
    botocore = pytest.importorskip("botocore")
    model_path = Path(botocore.__file__).parent / "data/lambda/2015-03-31/service-2.json.gz"
    if not model_path.exists():
        pytest.skip("this botocore ships no compressed Lambda model")
    with gzip.open(model_path) as stream:
        model = json.load(stream)
    assert tuple(model["shapes"]["Runtime"]["enum"]) == ENUM
    assert set(RUNTIMES) <= set(ENUM)
    assert set(ENUM) >= RETIRED
    assert not RETIRED & set(RUNTIMES)


@pytest.mark.parametrize("name", list(RUNTIMES))
def test_accepted_runtimes_validate(name: str) -> None:
    assert validate(name) is RUNTIMES[name]


@pytest.mark.parametrize("name", ["nodejs18.x", "nodejs16.x", "python3.8", "python2.7", "go1.x"])
def test_deprecated_runtime_gets_awss_error(name: str) -> None:
    with pytest.raises(InvalidParameterValueException) as caught:
        validate(name)
    assert caught.value.status == 400
    assert caught.value.message == (
        f"The runtime parameter of {name} is no longer supported for creating or updating "
        "AWS Lambda functions. We recommend you use a supported runtime while creating or "
        "updating functions."
    )


@pytest.mark.parametrize("value", ["python3", "Python 3.12", "node22", 3.12, None])
def test_value_outside_the_enum_is_a_validation_error(value: object) -> None:
    with pytest.raises(ValidationException) as caught:
        validate(value)
    message = caught.value.message
    assert message.startswith(
        f"1 validation error detected: Value '{value}' at 'runtime' failed to satisfy "
        "constraint: Member must satisfy enum value set: [nodejs, nodejs4.3, "
    )
    assert message.endswith(", custom]")


@pytest.mark.parametrize("name", ["java21", "dotnet8", "ruby3.4", "provided.al2023"])
def test_runtime_aws_offers_but_the_emulator_cannot_run(name: str) -> None:
    with pytest.raises(NotSupportedByEmulator) as caught:
        validate(name)
    assert caught.value.message.startswith(f"The {name} runtime (the emulator runs python3.9, ")


@pytest.mark.parametrize("name", [n for n, r in RUNTIMES.items() if r.family == "python"])
def test_python_worker_runs_in_this_interpreter(name: str) -> None:
    assert worker_command(name) == [sys.executable, str(PYTHON_WORKER)]


def test_node_missing_is_a_clear_service_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(NodeNotInstalled) as caught:
        worker_command("nodejs22.x")
    error = caught.value
    assert error.status == 500
    assert error.to_response("Invoke")["Error"]["Code"] == "ServiceException"
    assert "Node.js is not installed on this machine" in error.message
    assert "nodejs22.x" in error.message
    assert "https://nodejs.org" in error.message
    # Python functions do not need node at all.
    assert worker_command("python3.12") == [sys.executable, str(PYTHON_WORKER)]


needs_node = pytest.mark.skipif(
    shutil.which("node") is None, reason="Node.js is not installed here"
)


@needs_node
@pytest.mark.parametrize(
    ("name", "flags"),
    [
        ("nodejs20.x", ["--no-experimental-require-module"]),
        ("nodejs22.x", ["--no-experimental-require-module", "--no-experimental-detect-module"]),
        ("nodejs24.x", []),
    ],
)
def test_node_worker_gets_awss_flags(name: str, flags: list[str]) -> None:
    node = shutil.which("node")
    known = runtimes._known_flags(str(node), tuple(flags))
    assert worker_command(name) == [node, *(f for f in flags if f in known), str(NODE_WORKER)]


@needs_node
def test_node_options_turn_a_disabled_feature_back_on() -> None:
    command = worker_command(
        "nodejs22.x", {"NODE_OPTIONS": "--max-old-space-size=200 --experimental-require-module"}
    )
    assert "--no-experimental-require-module" not in command
    assert command[-1] == str(NODE_WORKER)


def test_workers_exist() -> None:
    assert PYTHON_WORKER.is_file()
    assert NODE_WORKER.is_file()
