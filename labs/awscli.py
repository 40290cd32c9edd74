"""The ``aws`` command of the lab console: the aws CLI's shape, over the emulator's clients."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from emulator.services import REGISTRY

#: Options the aws CLI adds to an operation, mapped to a nested member ("Code.ZipFile").
CLI_OPTIONS: dict[tuple[str, str], dict[str, str]] = {
    ("lambda", "CreateFunction"): {"--zip-file": "Code.ZipFile"},
}


class UsageError(Exception):
    """The command is malformed; the message says how to write it."""


@dataclass(frozen=True)
class AwsCall:
    service: str
    operation: str
    params: dict[str, Any]
    outfile: str | None = None


@cache
def _model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def kebab(name: str) -> str:
    from botocore import xform_name

    return str(xform_name(name, "-"))


@cache
def operations(service: str) -> dict[str, str]:
    """kebab-case name -> AWS operation, for what the emulator supports."""
    import importlib

    api = importlib.import_module(f"emulator.services.{REGISTRY[service]}.api")
    return {kebab(op): op for op in api.OPERATIONS}


def options(service: str, operation: str) -> dict[str, tuple[str, Any, bool]]:
    """``--option`` -> (member name, shape, required)."""
    shape = _model(service).operation_model(operation).input_shape
    if shape is None:
        return {}
    required = set(shape.required_members)
    return {
        "--" + kebab(name): (name, member, name in required)
        for name, member in shape.members.items()
    }


def usage(service: str, operation: str) -> str:
    found = options(service, operation)
    extra = CLI_OPTIONS.get((service, operation), {})
    covered = {path.split(".")[0] for path in extra.values()}
    required = [
        f"{opt} <{shape.type_name}>"
        for opt, (name, shape, req) in found.items()
        if req and name not in covered
    ]
    required += [f"{opt} fileb://FILE" for opt in extra]
    optional = [f"[{opt}]" for opt, (_, shape, req) in found.items() if not req]
    lines = [f"usage: aws {service} {kebab(operation)} " + " ".join(required)]
    if optional:
        lines.append("  optional: " + " ".join(optional))
    lines.append(
        "  structures, lists and maps are JSON; fileb://FILE reads bytes, file://FILE text"
    )
    if (service, operation) == ("lambda", "Invoke"):
        lines.append(
            '  --payload takes raw JSON, e.g. --payload \'{"name": "Ada"}\'; an optional last word names a file to write the answer to'
        )
    return "\n".join(lines)


def parse(words: list[str], workspace: Path) -> AwsCall:
    """``aws SERVICE OPERATION --option value ...`` -> an AwsCall, or UsageError."""
    if len(words) < 2:
        raise UsageError(
            "usage: aws SERVICE OPERATION [--option value ...]\n  services: "
            + ", ".join(sorted(REGISTRY))
        )
    service, op_name = words[0], words[1]
    if service not in REGISTRY:
        raise UsageError(
            f"aws: unknown service '{service}'; the emulator has: {', '.join(sorted(REGISTRY))}"
        )
    ops = operations(service)
    if op_name not in ops:
        import difflib

        close = difflib.get_close_matches(op_name, list(ops), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UsageError(
            f"aws {service}: '{op_name}' is not supported by the emulator.{hint}\n  supported: {', '.join(sorted(ops))}"
        )
    operation = ops[op_name]
    known = options(service, operation)
    params: dict[str, Any] = {}
    outfile = None
    rest = words[2:]
    i = 0
    while i < len(rest):
        word = rest[i]
        if not word.startswith("--"):
            if (service, operation) == ("lambda", "Invoke") and outfile is None:
                outfile = word
                i += 1
                continue
            raise UsageError(f"unexpected word '{word}'\n{usage(service, operation)}")
        extra = CLI_OPTIONS.get((service, operation), {})
        if word in extra:
            if i + 1 >= len(rest):
                raise UsageError(f"{word} needs a value\n{usage(service, operation)}")
            outer, inner = extra[word].split(".")
            params.setdefault(outer, {})[inner] = _blob(rest[i + 1], word, workspace)
            i += 2
            continue
        negated = word.startswith("--no-") and word not in known and "--" + word[5:] in known
        option = "--" + word[5:] if negated else word
        if option not in known:
            raise UsageError(f"unknown option {word}\n{usage(service, operation)}")
        name, shape, _ = known[option]
        if shape.type_name == "boolean":
            params[name] = not negated
            i += 1
            continue
        if i + 1 >= len(rest):
            raise UsageError(f"{word} needs a value\n{usage(service, operation)}")
        params[name] = _value(rest[i + 1], shape, option, workspace, (service, operation))
        i += 2
    missing = [opt for opt, (name, _, req) in known.items() if req and name not in params]
    if missing:
        raise UsageError(f"missing {', '.join(missing)}\n{usage(service, operation)}")
    return AwsCall(service, operation, params, outfile)


def _blob(text: str, option: str, workspace: Path) -> bytes:
    if not text.startswith("fileb://"):
        raise UsageError(
            f"{option} takes a file from your workspace: {option} fileb://function.zip"
        )
    return read_file(workspace, text[8:])


def _value(text: str, shape: Any, option: str, workspace: Path, where: tuple[str, str]) -> Any:
    kind = shape.type_name
    if text.startswith("fileb://"):
        return (
            read_file(workspace, text[8:])
            if kind == "blob"
            else read_file(workspace, text[8:]).decode()
        )
    if text.startswith("file://"):
        content = read_file(workspace, text[7:]).decode()
        return (
            content
            if kind in ("string", "blob")
            else _value(content, shape, option, workspace, where)
        )
    if kind in ("structure", "list", "map"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise UsageError(
                f"{option} takes JSON ({error.msg} at column {error.colno}); "
                f"for example {option} '{_example(kind)}' — quote it with single quotes"
            ) from None
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"{option} takes a whole number, not '{text}'") from None
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            raise UsageError(f"{option} takes a number, not '{text}'") from None
    if kind == "blob":
        return text.encode()
    if kind == "timestamp":
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return text


def _example(kind: str) -> str:
    return {
        "structure": '{"Key": "value"}',
        "list": '[{"Key": "value"}]',
        "map": '{"name": {"S": "value"}}',
    }[kind]


def read_file(workspace: Path, name: str) -> bytes:
    path = inside(workspace, name)
    if not path.is_file():
        raise UsageError(f"no file '{name}' in your workspace ({workspace})")
    return path.read_bytes()


def inside(workspace: Path, name: str) -> Path:
    """A workspace path; anything that leaves the workspace is refused."""
    root = workspace.resolve()
    path = (root / name).resolve()
    if path != root and root not in path.parents:
        raise UsageError(f"'{name}' is outside your workspace; use files in {workspace}")
    return path


def to_json(value: Any) -> Any:
    """An answer as the aws CLI prints it: bytes in base64, timestamps in ISO 8601."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value
