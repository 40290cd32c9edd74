"""Lambda behaviour: functions, real execution in worker processes, logs, the async queue."""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import os
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from emulator import limits
from emulator.services.awslambda.environment import Environment, WorkerGone
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    RequestTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from emulator.services.awslambda.models import AsyncEvent, Function
from emulator.services.base import Backend

#: Function errors are retried after 1 minute, then after 2 more (AWS's default of 2 retries).
RETRY_DELAYS = (60, 120)


@dataclass
class Outcome:
    """What an invocation produced, before it is shaped into an Invoke answer."""

    payload: bytes
    function_error: str | None
    log: list[str]
    request_id: str


class LambdaBackend(Backend):
    service = "lambda"

    def __init__(self, cloud: Any, region: str) -> None:
        super().__init__(cloud, region)
        self.functions: dict[str, Function] = {}
        self.queue: dict[int, AsyncEvent] = {}
        self._idle: dict[str, list[Environment]] = {}
        self._all: list[Environment] = []
        self._code_root: Path | None = None

    # -- functions ----------------------------------------------------------------------
    def function(self, name_or_arn: str) -> Function:
        name = name_or_arn.rsplit(":function:", 1)[-1].split(":")[0]
        function = self.functions.get(name)
        if function is None:
            raise ResourceNotFoundException(f"Function not found: {self.arn('function:' + name)}")
        return function

    def create(self, function: Function) -> Function:
        if function.name in self.functions:
            raise ResourceConflictException(f"Function already exist: {function.name}")
        check_zip(function.code)
        function.last_modified = self.cloud.clock.now()
        function.revision = str(uuid.UUID(int=self.cloud.next_id()))
        self.functions[function.name] = function
        return function

    def update(self, function: Function, **changes: Any) -> Function:
        if "code" in changes:
            check_zip(changes["code"])
        for key, value in changes.items():
            setattr(function, key, value)
        function.last_modified = self.cloud.clock.now()
        function.revision = str(uuid.UUID(int=self.cloud.next_id()))
        self._retire(function.name)
        return function

    def delete(self, function: Function) -> None:
        self._retire(function.name)
        del self.functions[function.name]

    def _retire(self, name: str) -> None:
        for environment in self._idle.pop(name, []):
            environment.kill()
            self.cloud.events.emit("lambda", "worker_stopped", name)

    # -- invocation ---------------------------------------------------------------------
    def invoke(self, function: Function, payload: bytes) -> Outcome:
        """Run the function once, synchronously, in a warm or a new environment."""
        request_id = str(uuid.UUID(int=self.cloud.next_id()))
        log: list[str] = []
        environment, cold, failed_init = self._acquire(function, log)
        if environment is None:
            return self._init_failed(function, request_id, log, failed_init)
        log.append(f"START RequestId: {request_id} Version: $LATEST")
        reply = None
        try:
            with self.cloud.lock.released():
                reply = environment.invoke(request_id, payload, function.timeout)
        except WorkerGone as gone:
            outcome = self._exited(function, environment, request_id, log, str(gone))
        else:
            outcome = self._finish(function, environment, request_id, log, reply, cold)
        self._write_log(function, environment.stream, outcome.log)
        return outcome

    def _acquire(self, function: Function, log: list[str]) -> tuple[Environment | None, bool, Any]:
        """A warm environment, or a new one after its init phase (cold start)."""
        idle = self._idle.setdefault(function.name, [])
        while idle:
            environment = idle.pop()
            if environment.alive:
                return environment, False, None
        stream = self._stream_name()
        environment = Environment(
            self._code_dir(function), self._process_env(function, stream), stream
        )
        self._all = [e for e in self._all if e.alive]
        self._all.append(environment)
        with self.cloud.lock.released():
            try:
                init = environment.start(function.timeout)
            except WorkerGone:
                init = None
        if init is None or init.timed_out or init.data.get("error"):
            environment.kill()
            return None, True, (init, stream)
        if init.data["log"]:
            log.extend(init.data["log"].rstrip("\n").split("\n"))
        environment.init_ms = init.data["init_ms"]  # type: ignore[attr-defined]
        self.cloud.events.emit(
            "lambda", "cold_start", function.name, init_ms=round(init.data["init_ms"], 2)
        )
        return environment, True, None

    def _init_failed(
        self, function: Function, request_id: str, log: list[str], failed: Any
    ) -> Outcome:
        init, stream = failed
        if init is None or init.timed_out:
            error = {
                "errorMessage": f"{self._stamp()} {request_id} Task timed out after {function.timeout:.2f} seconds"
            }
            log.append(error["errorMessage"])
        else:
            error = init.data["error"]
            log.extend(init.data["log"].rstrip("\n").split("\n"))
        log.append(f"START RequestId: {request_id} Version: $LATEST")
        log.append(f"END RequestId: {request_id}")
        log.append(
            f"REPORT RequestId: {request_id}\tDuration: 0.00 ms\tBilled Duration: 0 ms\tMemory Size: {function.memory} MB\tMax Memory Used: 0 MB\t"
        )
        self._write_log(function, stream, log)
        self.cloud.events.emit(
            "lambda", "function_error", function.name, error=error.get("errorType", "timeout")
        )
        return Outcome(_json(error), "Unhandled", log, request_id)

    def _finish(
        self,
        function: Function,
        environment: Environment,
        request_id: str,
        log: list[str],
        reply: Any,
        cold: bool,
    ) -> Outcome:
        if reply.timed_out:
            message = (
                f"{self._stamp()} {request_id} Task timed out after {function.timeout:.2f} seconds"
            )
            log += [
                message,
                f"END RequestId: {request_id}",
                self._report(function, request_id, function.timeout * 1000, 0, environment, cold),
            ]
            self.cloud.events.emit("lambda", "timeout", function.name, timeout=function.timeout)
            return Outcome(_json({"errorMessage": message}), "Unhandled", log, request_id)
        data = reply.data
        if "exit" in data:
            return self._exited(
                function, environment, request_id, log, f"exit status {data['exit']}", data
            )
        log += _lines(data["log"])
        log += [
            f"END RequestId: {request_id}",
            self._report(
                function, request_id, data["duration_ms"], data["max_rss_mb"], environment, cold
            ),
        ]
        self._idle.setdefault(function.name, []).append(environment)
        self.cloud.events.emit(
            "lambda",
            "invoke",
            function.name,
            cold=cold,
            duration_ms=round(data["duration_ms"], 3),
            error="error" in data,
        )
        if "error" in data:
            self.cloud.events.emit(
                "lambda", "function_error", function.name, error=data["error"]["errorType"]
            )
            return Outcome(_json(data["error"]), "Unhandled", log, request_id)
        payload = data["result"].encode()
        if len(payload) > limits.value("lambda", "SyncPayload"):
            error = {
                "errorMessage": f"Response payload size exceeded maximum allowed payload size ({limits.value('lambda', 'SyncPayload')} bytes).",
                "errorType": "Function.ResponseSizeTooLarge",
            }
            return Outcome(_json(error), "Unhandled", log, request_id)
        return Outcome(payload, None, log, request_id)

    def _exited(
        self,
        function: Function,
        environment: Environment,
        request_id: str,
        log: list[str],
        why: str,
        data: dict[str, Any] | None = None,
    ) -> Outcome:
        environment.kill()
        if data:
            log += _lines(data.get("log", ""))
        message = f"RequestId: {request_id} Error: Runtime exited with error: {why}"
        error = {"errorType": "Runtime.ExitError", "errorMessage": message}
        log += [
            message,
            "Runtime.ExitError",
            f"END RequestId: {request_id}",
            self._report(function, request_id, 0, 0, environment, False),
        ]
        self.cloud.events.emit("lambda", "function_error", function.name, error="Runtime.ExitError")
        return Outcome(_json(error), "Unhandled", log, request_id)

    def _report(
        self,
        function: Function,
        request_id: str,
        duration: float,
        rss: int,
        environment: Environment,
        cold: bool,
    ) -> str:
        line = (
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tBilled Duration: {math.ceil(duration)} ms\t"
            f"Memory Size: {function.memory} MB\tMax Memory Used: {rss} MB\t"
        )
        if cold:
            line += f"Init Duration: {getattr(environment, 'init_ms', 0.0):.2f} ms\t"
        return line

    def _write_log(self, function: Function, stream: str, lines: list[str]) -> None:
        now = int(self.cloud.clock.now() * 1000)
        logs: Any = self.cloud.backend("logs", self.region)
        logs.put_lines(
            f"/aws/lambda/{function.name}", stream, [(now, line + "\n") for line in lines]
        )

    def _stamp(self) -> str:
        moment = dt.datetime.fromtimestamp(self.cloud.clock.now(), dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    def _stream_name(self) -> str:
        day = dt.datetime.fromtimestamp(self.cloud.clock.now(), dt.UTC).strftime("%Y/%m/%d")
        return f"{day}/[$LATEST]{uuid.UUID(int=self.cloud.next_id()).hex}"

    def _code_dir(self, function: Function) -> Path:
        if self._code_root is None:
            self._code_root = Path(tempfile.mkdtemp(prefix="serverlings-lambda-"))
        target = self._code_root / f"{function.name}-{function.revision}"
        if not target.exists():
            with zipfile.ZipFile(io.BytesIO(function.code)) as archive:
                archive.extractall(target)
        return target

    def _process_env(self, function: Function, stream: str) -> dict[str, str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "PYTHONDONTWRITEBYTECODE": "1",
            "HOME": str(self._code_root),
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            **function.environment,
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
            "LAMBDA_TASK_ROOT": str(self._code_dir(function)),
            "_HANDLER": function.handler,
            "AWS_ACCESS_KEY_ID": "ASIAEMULATORTEMPKEY",
            "AWS_SECRET_ACCESS_KEY": "emulator-temporary-secret",
            "AWS_SESSION_TOKEN": "emulator-session-token",
            "SERVERLINGS_FUNCTION_ARN": self.arn(f"function:{function.name}"),
        }
        env["AWS_ENDPOINT_URL"] = self.cloud.endpoint_url
        return env

    # -- the asynchronous queue ---------------------------------------------------------
    def enqueue(self, function: Function, payload: bytes) -> str:
        if len(payload) > limits.value("lambda", "AsyncPayload"):
            raise RequestTooLargeException(
                f"Request must be smaller than {limits.value('lambda', 'AsyncPayload')} bytes for the InvokeFunction operation"
            )
        event = AsyncEvent(
            self.cloud.next_id(),
            function.name,
            base64.b64encode(payload).decode(),
            self.cloud.clock.now(),
        )
        self.queue[event.id] = event
        self._schedule(event)
        self.cloud.events.emit("lambda", "async_queued", function.name, event=event.id)
        return str(uuid.UUID(int=event.id))

    def _schedule(self, event: AsyncEvent) -> None:
        self.cloud.clock.call_at(event.due, lambda: self._run_async(event.id))

    def _run_async(self, event_id: int) -> None:
        event = self.queue.pop(event_id, None)
        if event is None:
            return
        function = self.functions.get(event.function)
        if function is None:
            self.cloud.events.emit(
                "lambda", "async_dropped", event.function, reason="function deleted"
            )
            return
        outcome = self.invoke(function, base64.b64decode(event.payload))
        if outcome.function_error and event.attempt < len(RETRY_DELAYS):
            event.due = self.cloud.clock.now() + RETRY_DELAYS[event.attempt]
            event.attempt += 1
            self.queue[event.id] = event
            self._schedule(event)
            self.cloud.events.emit(
                "lambda", "retry", function.name, attempt=event.attempt, due=event.due
            )
        elif outcome.function_error:
            self.cloud.events.emit(
                "lambda", "async_dropped", function.name, reason="RetriesExhausted"
            )

    # -- state --------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "functions": [f.to_json() for f in self.functions.values()],
            "queue": [asdict(e) for e in self.queue.values()],
        }

    def load(self, state: dict[str, Any]) -> None:
        for data in state.get("functions", []):
            function = Function.from_json(data)
            self.functions[function.name] = function
        for data in state.get("queue", []):
            event = AsyncEvent(**data)
            self.queue[event.id] = event
            self._schedule(event)

    def close(self) -> None:
        for environment in self._all:
            environment.kill()
        self._all.clear()
        self._idle.clear()
        if self._code_root is not None:
            shutil.rmtree(self._code_root, ignore_errors=True)
            self._code_root = None

    def live_workers(self) -> int:
        """How many worker processes are running (for tests and the inspector)."""
        return sum(1 for environment in self._all if environment.alive)


def check_zip(code: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(code)) as archive:
            archive.testzip()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidParameterValueException(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from None


def _json(value: Any) -> bytes:
    import json

    return json.dumps(value).encode()


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n") if text else []


BACKEND = LambdaBackend
