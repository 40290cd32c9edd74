"""The ``aws`` command of the lab console: the aws CLI's shape, over the emulator's clients."""

from __future__ import annotations

import base64
import datetime as dt
import difflib
import json
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from emulator.services import REGISTRY
from labs.shorthand import Shorthand, ShorthandError, examples, render

#: Options the aws CLI adds to an operation, mapped to a nested member ("Code.ZipFile").
CLI_OPTIONS: dict[tuple[str, str], dict[str, str]] = {
    ("lambda", "CreateFunction"): {"--zip-file": "Code.ZipFile"},
    ("lambda", "PublishLayerVersion"): {"--zip-file": "Content.ZipFile"},
}

_COMPLEX = ("structure", "list", "map")
#: Characters of a shorthand key, as the aws CLI (v2) allows them.
_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "-_.#/:")


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
        "  structures and maps: Key=value,Key2=value or JSON; lists: words, or JSON\n"
        "  fileb://FILE reads bytes, file://FILE text"
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
        taken = 1
        if shape.type_name == "list":
            # As in the aws CLI, a list takes every word up to the next option.
            after = rest[i + 1 :]
            taken = next((n for n, w in enumerate(after) if w.startswith("--")), len(after))
        if taken == 0 or i + 1 >= len(rest):
            raise UsageError(f"{word} needs a value\n{usage(service, operation)}")
        params[name] = option_value(rest[i + 1 : i + 1 + taken], shape, option, service, workspace)
        i += 1 + taken
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


# -- option values --------------------------------------------------------------------------
class _Mismatch(Exception):
    """A value that does not fit its shape: what it should be, and where (member names)."""

    def __init__(self, predicate: str, path: tuple[str, ...] = (), detail: str = "") -> None:
        super().__init__(predicate)
        self.predicate = predicate
        self.path = path
        self.detail = detail
        self.item = 0

    def message(self, option: str) -> str:
        subject = option + (f" (item {self.item})" if self.item else "")
        if self.path:
            subject += ": " + ".".join(self.path)
        return f"{subject} {self.predicate}" + (f"\n{self.detail}" if self.detail else "")


def option_value(words: list[str], shape: Any, option: str, service: str, workspace: Path) -> Any:
    """The words after ``option`` as its member's Python value, or UsageError.

    Structures and maps take JSON or the aws CLI's shorthand (``Key=value,Key2=value``),
    lists take one word per element (or a JSON list), and scalars become their type.
    """
    kind = shape.type_name
    if len(words) == 1 and words[0].startswith(("file://", "fileb://")):
        binary = words[0].startswith("fileb://")
        data = read_file(workspace, words[0].partition("://")[2])
        if kind == "blob" and binary:
            return data
        text = data.decode("utf-8", "replace")
        if kind in ("string", "blob"):
            return text
        words = [text.strip()]
    try:
        if kind == "list":
            return _list(words, shape)
        if kind in ("structure", "map"):
            return _complex(words[0], shape, ())
        return _scalar(words[0], shape, ())
    except _Mismatch as error:
        text = error.message(option)
        if kind in _COMPLEX:
            text += "\n" + examples(service, option, shape)
        raise UsageError(text) from None


def _list(words: list[str], shape: Any) -> list[Any]:
    if len(words) == 1 and words[0].lstrip().startswith("["):
        return _json_times(_json(words[0]), shape, ())  # type: ignore[no-any-return]
    member = shape.member
    result = []
    for n, word in enumerate(words, 1):
        try:
            if member.type_name in _COMPLEX:
                result.append(_complex(word, member, ()))
            else:
                result.append(_scalar(word, member, ()))
        except _Mismatch as error:
            error.item = n if len(words) > 1 else 0
            raise
    return result


def _complex(text: str, shape: Any, path: tuple[str, ...]) -> Any:
    if text.lstrip().startswith(("{", "[")):
        return _json_times(_json(text), shape, path)
    try:
        raw = Shorthand(text).document()
    except ShorthandError as error:
        raise _Mismatch(f"is not valid shorthand: {error}", path, error.pointer()) from None
    return _convert(raw, shape, path)


def _json_times(value: Any, shape: Any, path: tuple[str, ...]) -> Any:
    """Timestamps given in JSON (ISO 8601 or epoch seconds) as datetimes, as the CLI sends them."""
    kind = shape.type_name
    if kind == "timestamp" and isinstance(value, str | int | float) and not isinstance(value, bool):
        return _timestamp(str(value), path)
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {
            k: _json_times(v, members[k], (*path, k)) if k in members else v
            for k, v in value.items()
        }
    if kind == "map" and isinstance(value, dict):
        return {k: _json_times(v, shape.value, (*path, k)) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_json_times(v, shape.member, path) for v in value]
    return value


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _Mismatch(
            f"takes JSON or Key=value shorthand, and this JSON breaks at column {error.colno}:"
            f" {error.msg} (quote JSON with single quotes)"
        ) from None


def _convert(raw: Any, shape: Any, path: tuple[str, ...] = ()) -> Any:
    """Shorthand's strings, lists and dicts -> the types of ``shape``'s members.

    Raises:
        _Mismatch: a key the structure does not have, or a value of the wrong kind.
    """
    kind = shape.type_name
    if kind in ("structure", "map"):
        if not isinstance(raw, dict):
            form = "Key=value pairs in braces, {Key=value}" if path else "Key=value pairs"
            raise _Mismatch(f"takes {form}, not '{_plain(raw)}'", path)
        if kind == "map":
            return {key: _convert(item, shape.value, (*path, key)) for key, item in raw.items()}
        result = {}
        for key, item in raw.items():
            if key not in shape.members:
                raise _Mismatch(_unknown(key, list(shape.members)), path)
            result[key] = _convert(item, shape.members[key], (*path, key))
        return result
    if kind == "list":
        # ``Key=a`` where Key is a list means ``[a]``, as the aws CLI reads it.
        items = raw if isinstance(raw, list) else [raw]
        head, last = path[:-1], (path[-1] if path else "")
        return [
            _convert(item, shape.member, (*head, f"{last}[{n}]")) for n, item in enumerate(items)
        ]
    if isinstance(raw, dict | list):
        raise _Mismatch(f"takes a single value, not '{_plain(raw)}'", path)
    return _scalar(raw, shape, path)


def _scalar(text: str, shape: Any, path: tuple[str, ...]) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise _Mismatch(f"takes a whole number, not '{text}'", path) from None
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            raise _Mismatch(f"takes a number, not '{text}'", path) from None
    if kind == "boolean":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise _Mismatch(f"takes true or false, not '{text}'", path)
    if kind == "timestamp":
        return _timestamp(text, path)
    if kind == "blob":
        return text.encode()
    return text


def _timestamp(text: str, path: tuple[str, ...]) -> dt.datetime:
    """ISO 8601 or seconds since 1970, as the aws CLI takes them; naive times are UTC."""
    try:
        return dt.datetime.fromtimestamp(float(text), dt.UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Mismatch(
            f"takes a time such as 2026-01-01T12:00:00Z or seconds since 1970, not '{text}'",
            path,
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _unknown(key: str, members: list[str]) -> str:
    close = difflib.get_close_matches(key, members, n=1) or [
        m for m in members if m.lower() == key.lower()
    ]
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"has no key '{key}'{hint}; its keys are {', '.join(members)}"


def _plain(raw: Any) -> str:
    return raw if isinstance(raw, str) else render(raw, top=False)


# -- the aws CLI's shorthand ------------------------------------------------------------------
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
