"""The Lambda runtimes the emulator accepts, and the command that starts each one's worker."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from emulator.errors import NotSupportedByEmulator, ServiceError
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    ValidationException,
)

Family = Literal["python", "nodejs"]

PYTHON_WORKER = Path(__file__).with_name("runtime.py")
NODE_WORKER = Path(__file__).with_name("runtime.js")

#: Every value of the ``Runtime`` enum in botocore's Lambda model (2015-03-31), in its order.
#: AWS names this set in the ValidationException for a value outside it.
ENUM: tuple[str, ...] = (
    "nodejs",
    "nodejs4.3",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "nodejs24.x",
    "java8",
    "java8.al2",
    "java11",
    "java17",
    "java21",
    "java25",
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet6",
    "dotnet8",
    "dotnet10",
    "nodejs4.3-edge",
    "go1.x",
    "ruby2.5",
    "ruby2.7",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
    "ruby4.0",
    "provided",
    "provided.al2",
    "provided.al2023",
    "nodejs26.x",
    "python3.15",
    "java8.al2023",
    "java11.al2023",
    "java17.al2023",
    "custom",
)

#: Runtimes on AWS's "deprecated runtimes" list: CreateFunction and UpdateFunctionConfiguration
#: refuse them (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
RETIRED: frozenset[str] = frozenset(
    {
        "nodejs",
        "nodejs4.3",
        "nodejs4.3-edge",
        "nodejs6.10",
        "nodejs8.10",
        "nodejs10.x",
        "nodejs12.x",
        "nodejs14.x",
        "nodejs16.x",
        "nodejs18.x",
        "python2.7",
        "python3.6",
        "python3.7",
        "python3.8",
        "java8",
        "dotnetcore1.0",
        "dotnetcore2.0",
        "dotnetcore2.1",
        "dotnetcore3.1",
        "dotnet6",
        "go1.x",
        "ruby2.5",
        "ruby2.7",
        "provided",
    }
)

#: Node.js features AWS switches off with a flag on each runtime (the experimental-features
#: table on https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html). A function
#: turns one back on by putting the positive flag in NODE_OPTIONS.
_NODE_DISABLED: dict[str, tuple[str, ...]] = {
    "nodejs20.x": ("--no-experimental-require-module",),
    "nodejs22.x": ("--no-experimental-require-module", "--no-experimental-detect-module"),
    "nodejs24.x": (),
}


@dataclass(frozen=True)
class Runtime:
    """One runtime the emulator runs.

    Attributes:
        name: the runtime identifier, as in CreateFunction's ``Runtime``.
        family: the language: ``python`` or ``nodejs``.
        snapstart: whether AWS offers SnapStart on it (Python 3.12 and later; never Node.js).
    """

    name: str
    family: Family
    snapstart: bool


RUNTIMES: dict[str, Runtime] = {
    **{
        f"python3.{minor}": Runtime(f"python3.{minor}", "python", snapstart=minor >= 12)
        for minor in range(9, 15)
    },
    **{name: Runtime(name, "nodejs", snapstart=False) for name in _NODE_DISABLED},
}


class NodeNotInstalled(ServiceError):
    """A Node.js function was invoked on a machine without ``node``."""

    code = "ServiceException"
    status = 500

    def __init__(self, runtime: str) -> None:
        super().__init__(
            f"Node.js is not installed on this machine, so the emulator cannot run {runtime} "
            "functions. Install Node.js (https://nodejs.org/en/download, or your package "
            "manager: 'sudo apt install nodejs', 'brew install node', 'winget install "
            "OpenJS.NodeJS.LTS'), check that 'node --version' works in a new terminal, "
            "then invoke the function again."
        )


def validate(runtime: object) -> Runtime:
    """The runtime a CreateFunction or UpdateFunctionConfiguration asks for, or AWS's error.

    Raises:
        ValidationException: the value is not one of AWS's runtime identifiers.
        InvalidParameterValueException: AWS has deprecated the runtime.
        NotSupportedByEmulator: AWS offers the runtime but the emulator cannot run it.
    """
    if not isinstance(runtime, str) or runtime not in ENUM:
        raise ValidationException(
            f"1 validation error detected: Value '{runtime}' at 'runtime' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(ENUM)}]"
        )
    if runtime in RETIRED:
        raise InvalidParameterValueException(
            f"The runtime parameter of {runtime} is no longer supported for creating or "
            "updating AWS Lambda functions. We recommend you use a supported runtime while "
            "creating or updating functions."
        )
    if runtime not in RUNTIMES:
        raise NotSupportedByEmulator(
            f"The {runtime} runtime (the emulator runs {', '.join(RUNTIMES)})"
        )
    return RUNTIMES[runtime]


def worker_command(runtime: str, environment: Mapping[str, str] | None = None) -> list[str]:
    """The command line that starts a worker for ``runtime``.

    Python runtimes run in this interpreter; Node.js runtimes run ``node`` from PATH with
    the flags AWS applies to that runtime (those the installed ``node`` knows).

    Args:
        runtime: an accepted runtime identifier (see ``validate``).
        environment: the function's process environment; its NODE_OPTIONS can turn a
            disabled Node.js feature back on, as on AWS.

    Raises:
        NodeNotInstalled: a Node.js runtime, and no ``node`` on PATH.
        KeyError: ``runtime`` is not one the emulator runs.
    """
    if RUNTIMES[runtime].family == "python":
        return [sys.executable, str(PYTHON_WORKER)]
    node = shutil.which("node")
    if node is None:
        raise NodeNotInstalled(runtime)
    reenabled = set((environment or {}).get("NODE_OPTIONS", "").split())
    wanted = tuple(
        flag
        for flag in _NODE_DISABLED[runtime]
        if "--" + flag.removeprefix("--no-") not in reenabled
    )
    known = _known_flags(node, wanted)
    return [node, *(flag for flag in wanted if flag in known), str(NODE_WORKER)]


@functools.lru_cache(maxsize=16)
def _known_flags(node: str, flags: tuple[str, ...]) -> frozenset[str]:
    """The flags this ``node`` accepts: an older Node.js stops at an unknown one."""
    if not flags:
        return frozenset()
    probe = f"JSON.stringify({json.dumps(flags)}.filter(f => process.allowedNodeEnvironmentFlags.has(f)))"
    try:
        answer = subprocess.run(
            [node, "-p", probe], capture_output=True, text=True, timeout=30, check=True
        )
        return frozenset(json.loads(answer.stdout))
    except (OSError, subprocess.SubprocessError, ValueError):
        return frozenset()
