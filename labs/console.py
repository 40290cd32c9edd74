"""The lab console: what learners type, run against their lab's cloud. It never raises."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import shlex
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator import ClientError, ServiceError
from emulator.services import REGISTRY
from labs import awscli, loadcmd

if TYPE_CHECKING:
    from emulator import Cloud
    from emulator.load import LoadResult

_SERVICES = textwrap.fill(
    "services: " + ", ".join(sorted(REGISTRY)),
    78,
    initial_indent="        ",
    subsequent_indent="          ",
)

HELP = f"""Commands:
  aws SERVICE OPERATION [--option value ...]
        call the lab's AWS account, as the aws CLI does
{_SERVICES}
        help aws SERVICE [OPERATION]: the operations, or an operation's options
        structures and maps: --attributes VisibilityTimeout=60,DelaySeconds=5
          nested in braces:  --environment Variables={{TABLE=orders,STAGE=dev}}
          or as JSON:        --item '{{"id": {{"S": "a1"}}}}'
        lists as words:      --attribute-names All ApproximateNumberOfMessages
        workspace files:     --zip-file fileb://function.zip
        aws lambda invoke --function-name F --payload '{{"k": 1}}' [out.json]
          (the payload is raw JSON; the answer is also written to out.json)
  load FUNCTION --rate N --for DURATION [options] [and FUNCTION2 ...]
        drive functions with traffic on the virtual clock (help load: options)
  cost                    what the Lambda usage so far would cost on AWS
  zip OUT.zip FILE...     zip workspace files, for --zip-file fileb://OUT.zip
  ls                      list your workspace files
  cat FILE                show a workspace file
  clock                   show the lab's virtual time
  clock advance N         move time forward: 30, 30s, 5m, 2h, 1d
  help sandbox            how isolated your functions are on this machine
  help                    this text"""

BUILTINS = ("aws", "load", "cost", "zip", "ls", "cat", "clock", "help")


@dataclass(frozen=True)
class ConsoleOutput:
    text: str
    ok: bool


class Console:
    """Runs one command line at a time against ``cloud``, with files from ``workspace``."""

    def __init__(self, cloud: Cloud, workspace: Path) -> None:
        self.cloud = cloud
        self.workspace = workspace

    def run(self, line: str) -> ConsoleOutput:
        try:
            words = shlex.split(line)
        except ValueError as error:
            return ConsoleOutput(f"cannot read that line: {error} (check your quotes)", False)
        if not words:
            return ConsoleOutput("", True)
        command, args = words[0], words[1:]
        try:
            if command == "aws":
                return self._aws(args)
            if command == "load":
                return self._load(args)
            if command == "cost":
                return self._cost(args)
            if command == "help":
                return self._help(args)
            if command == "ls":
                return ConsoleOutput(
                    "\n".join(sorted(p.name for p in self.workspace.iterdir())) or "(empty)", True
                )
            if command == "cat":
                if len(args) != 1:
                    return ConsoleOutput("usage: cat FILE", False)
                return ConsoleOutput(
                    awscli.read_file(self.workspace, args[0]).decode("utf-8", "replace"), True
                )
            if command == "zip":
                return self._zip(args)
            if command == "clock":
                return self._clock(args)
        except awscli.UsageError as error:
            return ConsoleOutput(str(error), False)
        except OSError as error:
            return ConsoleOutput(f"{command}: {error}", False)
        return ConsoleOutput(f"unknown command '{command}'. Type help to see the commands.", False)

    def _help(self, args: list[str]) -> ConsoleOutput:
        if args[:1] == ["load"]:
            return ConsoleOutput(loadcmd.LOAD_HELP, True)
        if len(args) >= 2 and args[0] == "aws" and args[1] in REGISTRY:
            ops = awscli.operations(args[1])
            if len(args) >= 3 and args[2] in ops:
                return ConsoleOutput(awscli.usage(args[1], ops[args[2]]), True)
            return ConsoleOutput(f"aws {args[1]} operations: " + ", ".join(sorted(ops)), True)
        if args[:1] == ["sandbox"]:
            from emulator.services.awslambda import sandbox

            return ConsoleOutput(sandbox.guarantees(), True)
        return ConsoleOutput(HELP, True)

    def _aws(self, args: list[str]) -> ConsoleOutput:
        call = awscli.parse(args, self.workspace)
        try:
            answer = self.cloud.client(call.service).call(call.operation, call.params)
        except ClientError as error:
            e = error.response["Error"]
            return ConsoleOutput(
                f"An error occurred ({e['Code']}) when calling the {call.operation} operation: {e['Message']}",
                False,
            )
        except ServiceError as error:
            return ConsoleOutput(f"An error occurred ({error.code}): {error.message}", False)
        answer.pop("ResponseMetadata", None)
        payload = answer.pop("Payload", None)
        # The aws CLI prints nothing at all for an empty answer (purge-queue, delete-...).
        text = json.dumps(awscli.to_json(answer), indent=4) if answer else ""
        if payload is not None:
            data = payload.read()
            if call.outfile:
                awscli.inside(self.workspace, call.outfile).write_bytes(data)
                text += f"\nPayload written to {call.outfile}:"
            text += "\n" + _pretty_payload(data)
        if "LogResult" in answer:
            text += "\nLog tail:\n" + base64.b64decode(answer["LogResult"]).decode(
                "utf-8", "replace"
            )
        return ConsoleOutput(text, "FunctionError" not in answer)

    def _cost(self, args: list[str]) -> ConsoleOutput:
        if args:
            return ConsoleOutput("usage: cost   (no options)", False)
        from emulator.services.awslambda import cost

        with self.cloud.lock.hold():
            backend: Any = self.cloud.backend("lambda")
            estimate = backend.cost_estimate()
        if not estimate["functions"]:
            return ConsoleOutput(
                "No Lambda usage yet: invoke a function or run a load first.", True
            )
        return ConsoleOutput(cost.summary(estimate), True)

    def _load(self, args: list[str]) -> ConsoleOutput:
        """``load F --rate N --for D ... [and G ...]``: the loads at once, through run_load."""
        from emulator.load import run_load

        if not args:
            return ConsoleOutput(loadcmd.LOAD_HELP, False)
        loads = loadcmd.parse(args, self.workspace)
        if self.cloud.clock.mode != "manual":
            raise awscli.UsageError(
                "load: a load run moves the virtual clock itself, and the clock is live; "
                "switch it to manual first"
            )
        before = self.cloud.clock.now()
        try:
            result = run_load(self.cloud, *loads)
        except ClientError as error:
            return ConsoleOutput(f"load: {error.response['Error']['Message']}", False)
        return ConsoleOutput(self._load_report(result, self.cloud.clock.now() - before), True)

    def _load_report(self, result: LoadResult, moved: float) -> str:
        lines = [result.summary()]
        for function in result.functions.values():
            lines += ["", *loadcmd.series_table(function)]
        lines += ["", f"The clock moved {moved:g} s: {self._now()}."]
        return "\n".join(lines)

    def _zip(self, args: list[str]) -> ConsoleOutput:
        if len(args) < 2 or not args[0].endswith(".zip"):
            return ConsoleOutput(
                "usage: zip OUT.zip FILE...   (for example: zip function.zip handler.py)", False
            )
        target = awscli.inside(self.workspace, args[0])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in args[1:]:
                path = awscli.inside(self.workspace, name)
                if path.is_dir():
                    for file in sorted(path.rglob("*")):
                        if file.is_file() and "__pycache__" not in file.parts:
                            archive.write(file, file.relative_to(self.workspace.resolve()))
                elif path.is_file():
                    archive.write(path, path.relative_to(self.workspace.resolve()))
                else:
                    return ConsoleOutput(f"zip: no file '{name}' in your workspace", False)
        target.write_bytes(buffer.getvalue())
        return ConsoleOutput(
            f"wrote {args[0]} ({len(buffer.getvalue())} bytes): {' '.join(args[1:])}", True
        )

    def _clock(self, args: list[str]) -> ConsoleOutput:
        if args and args[0] == "advance" and len(args) == 2:
            match = loadcmd.DURATION.match(args[1])
            if match is None:
                return ConsoleOutput("usage: clock advance N   (30, 30s, 5m, 2h or 1d)", False)
            if self.cloud.clock.mode != "manual":
                return ConsoleOutput(
                    "the clock is live: it moves by itself, and clock advance is for a manual clock",
                    False,
                )
            seconds = float(match.group(1)) * loadcmd.UNITS[match.group(2)]
            with self.cloud.lock.hold():
                ran = self.cloud.clock.advance(seconds)
            return ConsoleOutput(
                f"{self._now()}  (moved {args[1]}; {ran} scheduled action(s) ran)", True
            )
        if args:
            return ConsoleOutput("usage: clock | clock advance N", False)
        return ConsoleOutput(self._now(), True)

    def _now(self) -> str:
        moment = dt.datetime.fromtimestamp(self.cloud.clock.now(), dt.UTC)
        return "virtual time " + moment.strftime("%Y-%m-%d %H:%M:%S UTC")

    def completions(self, text: str) -> list[str]:
        """Words that could come next, for Tab in the app and the shell."""
        try:
            words = shlex.split(text)
        except ValueError:
            return []
        if text.endswith(" ") or not text:
            words.append("")
        if len(words) <= 1:
            return [c for c in BUILTINS if c.startswith(words[0] if words else "")]
        if words[0] == "aws":
            if len(words) == 2:
                return sorted(s for s in REGISTRY if s.startswith(words[1]))
            if words[1] not in REGISTRY:
                return []
            ops = awscli.operations(words[1])
            if len(words) == 3:
                return sorted(o for o in ops if o.startswith(words[2]))
            if (words[2] in ops and words[-1].startswith("-")) or words[-1] == "":
                if words[2] not in ops:
                    return []
                used = set(words)
                found = awscli.options(words[1], ops[words[2]])
                return sorted(o for o in found if o.startswith(words[-1]) and o not in used)
        if words[0] == "load":
            return self._load_completions(words[1:])
        if words[0] in ("cat", "zip"):
            return sorted(p.name for p in self.workspace.iterdir() if p.name.startswith(words[-1]))
        return []

    def _load_completions(self, words: list[str]) -> list[str]:
        """After ``load``: a function name, then options, then ``and`` for another load."""
        group = words[len(words) - words[::-1].index("and") :] if "and" in words else words
        current = group[-1]
        if len(group) == 1:
            return sorted(n for n in self._function_names() if n.startswith(current))
        if group[-2] in loadcmd.OPTIONS and group[-2] != "--async":
            return []
        found = [o for o in loadcmd.OPTIONS if o not in group]
        if "--rate" in group and "--for" in group:
            found.append("and")
        return sorted(o for o in found if o.startswith(current))

    def _function_names(self) -> list[str]:
        # Read without the state lock: Tab must answer at once, even while a load run
        # holds the lock, and a list of names is safe to copy.
        backend: Any = self.cloud.backend("lambda")
        try:
            return list(backend.functions)
        except RuntimeError:
            return []


def _pretty_payload(data: bytes) -> str:
    try:
        return json.dumps(json.loads(data), indent=4)
    except ValueError:
        return data.decode("utf-8", "replace")
