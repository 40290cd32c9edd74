"""Running a function for real: environments kept warm per version, log lines, outcomes."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator import limits
from emulator.services.awslambda import runtimes, snapstart
from emulator.services.awslambda.environment import Environment, WorkerGone
from emulator.services.awslambda.models import Config

if TYPE_CHECKING:
    from emulator.cloud import Cloud


@dataclass
class Outcome:
    """What an invocation produced, before it is shaped into an Invoke answer."""

    payload: bytes
    function_error: str | None
    log: list[str]
    request_id: str
    duration_ms: float = 0.0
    cold: bool = False
    init_ms: float = 0.0
    version: str = "$LATEST"
    #: The init time of a new environment, even when provisioned concurrency hid it
    #: (its environments are initialised ahead, so the call itself starts warm).
    environment_init_ms: float = 0.0


class Target:
    """What one invocation runs: a function's configuration under a version, maybe an alias.

    ``pool_key`` names the environments that may serve it: one set per version, and per
    revision of ``$LATEST``.
    """

    __slots__ = ("alias", "config", "function", "pool_key", "revision", "version")

    def __init__(self, function: str, config: Config, alias: str | None = None) -> None:
        self.function = function
        self.config = config
        self.alias = alias
        self.version = config.version
        self.revision = config.revision
        self.pool_key = f"{function}:{config.version}:{config.revision}"


class Invoker:
    """Worker processes of one region's functions, and the log lines they leave.

    Environments are kept per function version (and revision of ``$LATEST``), so a
    version's warm environments never serve another version's calls.
    """

    def __init__(self, cloud: Cloud, region: str, arn: Any) -> None:
        self.cloud = cloud
        self.region = region
        self._arn = arn
        self._idle: dict[str, list[Environment]] = {}
        self._all: list[Environment] = []
        self._code_root: Path | None = None
        self.snapshots = snapstart.Snapshots(self)

    # -- the environment pool ---------------------------------------------------------
    def has_idle(self, target: Target) -> bool:
        return any(e.alive for e in self._idle.get(target.pool_key, []))

    def retire(self, function: str, version: str | None = None) -> None:
        """Stop the idle environments of a function (or one of its versions)."""
        prefix = f"{function}:" if version is None else f"{function}:{version}:"
        self.snapshots.retire(prefix)
        for key in [k for k in self._idle if k.startswith(prefix)]:
            for environment in self._idle.pop(key):
                environment.kill()
                self.cloud.events.emit("lambda", "worker_stopped", function)
        self._all = [e for e in self._all if e.alive]

    def live_workers(self) -> int:
        return sum(1 for environment in self._all if environment.alive)

    def close(self) -> None:
        self.snapshots.close()
        for environment in self._all:
            environment.kill()
        self._all.clear()
        self._idle.clear()
        if self._code_root is not None:
            shutil.rmtree(self._code_root, ignore_errors=True)
            self._code_root = None

    # -- one invocation ---------------------------------------------------------------
    def run(self, target: Target, payload: bytes, *, provisioned: bool = False) -> Outcome:
        """Run the function once in a warm or a new environment.

        ``provisioned``: the call is served by provisioned concurrency, whose environments
        were initialised ahead of time, so the caller never sees a cold start.
        """
        config = target.config
        request_id = str(uuid.UUID(int=self.cloud.next_id()))
        log: list[str] = []
        environment, cold, failed_init = self._acquire(target, log)
        if environment is None:
            outcome = self._init_failed(target, request_id, log, failed_init)
            outcome.version = target.version
            return outcome
        new_init_ms = environment.init_ms if cold else 0.0
        cold = cold and not provisioned
        init_ms = new_init_ms if cold else 0.0
        log.append(f"START RequestId: {request_id} Version: {target.version}")
        try:
            with self.cloud.lock.released():
                reply = environment.invoke(
                    request_id, payload, config.timeout, int(self.cloud.clock.now() * 1000)
                )
        except WorkerGone as gone:
            outcome = self._exited(target, environment, request_id, log, gone, cold)
        else:
            outcome = self._finish(target, environment, request_id, log, reply, cold)
        outcome.cold, outcome.init_ms, outcome.version = cold, init_ms, target.version
        outcome.environment_init_ms = new_init_ms
        self.write_log(target, environment.stream, outcome.log)
        return outcome

    def _acquire(self, target: Target, log: list[str]) -> tuple[Environment | None, bool, Any]:
        """A warm environment, or a new one after its init phase (cold start)."""
        config = target.config
        idle = self._idle.setdefault(target.pool_key, [])
        while idle:
            environment = idle.pop()
            if environment.alive:
                return environment, False, None
        stream = self.stream_name(target.version)
        if snapstart.applies(target):
            return self._restored(target, stream, log), True, None
        env = self.process_env(target, stream)
        environment = Environment(
            self.code_dir(target),
            env,
            stream,
            memory_mb=config.memory,
            ephemeral_mb=config.ephemeral,
            layer_dirs=self.layer_dirs(config),
            command=runtimes.worker_command(config.runtime, config.environment),
        )
        self.adopt(environment)
        with self.cloud.lock.released():
            try:
                init: Any = environment.start(config.timeout)
            except WorkerGone as gone:
                init = gone
        if isinstance(init, WorkerGone) or init.timed_out or init.data.get("error"):
            environment.kill()
            return None, True, (init, stream)
        if init.data["log"]:
            log.extend(_lines(init.data["log"]))
        environment.init_ms = init.data["init_ms"]
        self.cloud.events.emit(
            "lambda",
            "cold_start",
            target.function,
            version=target.version,
            init_ms=round(init.data["init_ms"], 2),
        )
        return environment, True, None

    def _restored(self, target: Target, stream: str, log: list[str]) -> Environment:
        """A new environment restored from the version's SnapStart snapshot."""
        environment = self.snapshots.restore(target, stream)
        log.append(f"RESTORE_START Runtime Version: {target.config.runtime}")
        log.extend(_lines(environment.restore_log))
        log.append(f"RESTORE_REPORT Restore Duration: {environment.init_ms:.2f} ms")
        self.cloud.events.emit(
            "lambda",
            "restore",
            target.function,
            version=target.version,
            restore_ms=round(environment.init_ms, 2),
        )
        return environment

    def adopt(self, environment: Environment) -> None:
        """Count an environment among the live ones (they are all ended by close())."""
        self._all = [e for e in self._all if e.alive]
        self._all.append(environment)

    def _init_failed(self, target: Target, request_id: str, log: list[str], failed: Any) -> Outcome:
        config = target.config
        init, stream = failed
        if isinstance(init, WorkerGone):
            log.extend(_lines(init.log))
            error = _gone_error(init, request_id)
            log += [error["errorMessage"], error["errorType"]]
            if init.note:
                self.cloud.events.emit("lambda", "worker_stopped", target.function, note=init.note)
        elif init.timed_out:
            log.extend(_lines(init.data.get("log", "")))
            error = {
                "errorMessage": f"{self._stamp()} {request_id} Task timed out after {config.timeout:.2f} seconds"
            }
            log.append(error["errorMessage"])
        else:
            error = init.data["error"]
            log.extend(_lines(init.data["log"]))
        log.append(f"START RequestId: {request_id} Version: {target.version}")
        log.append(f"END RequestId: {request_id}")
        log.append(
            f"REPORT RequestId: {request_id}\tDuration: 0.00 ms\tBilled Duration: 0 ms\tMemory Size: {config.memory} MB\tMax Memory Used: 0 MB\t"
        )
        self.write_log(target, stream, log)
        self.cloud.events.emit(
            "lambda", "function_error", target.function, error=error.get("errorType", "timeout")
        )
        return Outcome(_json(error), "Unhandled", log, request_id)

    def _finish(
        self,
        target: Target,
        environment: Environment,
        request_id: str,
        log: list[str],
        reply: Any,
        cold: bool,
    ) -> Outcome:
        config = target.config
        if reply.timed_out:
            message = (
                f"{self._stamp()} {request_id} Task timed out after {config.timeout:.2f} seconds"
            )
            log += _lines(reply.data.get("log", ""))
            log += [
                message,
                f"END RequestId: {request_id}",
                self._report(config, request_id, config.timeout * 1000, 0, environment, cold),
            ]
            self.cloud.events.emit("lambda", "timeout", target.function, timeout=config.timeout)
            return Outcome(
                _json({"errorMessage": message}),
                "Unhandled",
                log,
                request_id,
                duration_ms=config.timeout * 1000.0,
            )
        data = reply.data
        if "exit" in data:
            gone = WorkerGone(f"exit status {data['exit']}", log=data.get("log", ""))
            return self._exited(target, environment, request_id, log, gone, cold)
        log += _lines(data["log"])
        log += [
            f"END RequestId: {request_id}",
            self._report(
                config, request_id, data["duration_ms"], data["max_rss_mb"], environment, cold
            ),
        ]
        self._idle.setdefault(target.pool_key, []).append(environment)
        self.cloud.events.emit(
            "lambda",
            "invoke",
            target.function,
            version=target.version,
            cold=cold,
            duration_ms=round(data["duration_ms"], 3),
            error="error" in data,
        )
        duration = float(data["duration_ms"])
        if "error" in data:
            self.cloud.events.emit(
                "lambda", "function_error", target.function, error=data["error"]["errorType"]
            )
            return Outcome(_json(data["error"]), "Unhandled", log, request_id, duration)
        payload = data["result"].encode()
        if len(payload) > limits.value("lambda", "SyncPayload"):
            error = {
                "errorMessage": f"Response payload size exceeded maximum allowed payload size ({limits.value('lambda', 'SyncPayload')} bytes).",
                "errorType": "Function.ResponseSizeTooLarge",
            }
            return Outcome(_json(error), "Unhandled", log, request_id, duration)
        return Outcome(payload, None, log, request_id, duration)

    def _exited(
        self,
        target: Target,
        environment: Environment,
        request_id: str,
        log: list[str],
        gone: WorkerGone,
        cold: bool = False,
    ) -> Outcome:
        """The worker ended during the call: an exit, a signal, or memory past MemorySize."""
        environment.kill()
        log += _lines(gone.log)
        error = _gone_error(gone, request_id)
        used = target.config.memory if gone.out_of_memory else 0
        log += [
            error["errorMessage"],
            error["errorType"],
            f"END RequestId: {request_id}",
            self._report(target.config, request_id, 0, used, environment, cold),
        ]
        if gone.note:
            self.cloud.events.emit("lambda", "worker_stopped", target.function, note=gone.note)
        self.cloud.events.emit(
            "lambda", "function_error", target.function, error=error["errorType"]
        )
        return Outcome(_json(error), "Unhandled", log, request_id)

    # -- log lines and process set-up -------------------------------------------------
    def _report(
        self,
        config: Config,
        request_id: str,
        duration: float,
        rss: int,
        environment: Environment,
        cold: bool,
    ) -> str:
        line = (
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tBilled Duration: {math.ceil(duration)} ms\t"
            f"Memory Size: {config.memory} MB\tMax Memory Used: {rss} MB\t"
        )
        if cold and environment.restored:
            line += (
                f"Restore Duration: {environment.init_ms:.2f} ms\t"
                f"Billed Restore Duration: {environment.billed_restore_ms} ms\t"
            )
        elif cold:
            line += f"Init Duration: {environment.init_ms:.2f} ms\t"
        return line

    def write_log(self, target: Target, stream: str, lines: list[str]) -> None:
        now = int(self.cloud.clock.now() * 1000)
        logs: Any = self.cloud.backend("logs", self.region)
        logs.put_lines(
            f"/aws/lambda/{target.function}", stream, [(now, line + "\n") for line in lines]
        )

    def _stamp(self) -> str:
        moment = dt.datetime.fromtimestamp(self.cloud.clock.now(), dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    def stream_name(self, version: str) -> str:
        day = dt.datetime.fromtimestamp(self.cloud.clock.now(), dt.UTC).strftime("%Y/%m/%d")
        return f"{day}/[{version}]{uuid.UUID(int=self.cloud.next_id()).hex}"

    def code_dir(self, target: Target) -> Path:
        if self._code_root is None:
            self._code_root = Path(tempfile.mkdtemp(prefix="serverlings-lambda-"))
        config = target.config
        target_dir = self._code_root / f"{target.function}-{config.version}-{config.revision}"
        if not target_dir.exists():
            with zipfile.ZipFile(io.BytesIO(config.code)) as archive:
                archive.extractall(target_dir)
        return target_dir

    def layer_dirs(self, config: Config) -> list[Path]:
        """Each of the configuration's layers, extracted once, in the function's order."""
        if not config.layers:
            return []
        if self._code_root is None:
            self._code_root = Path(tempfile.mkdtemp(prefix="serverlings-lambda-"))
        backend: Any = self.cloud.backend("lambda", self.region)
        found = []
        for arn in config.layers:
            layer = backend.layers.by_arn(arn)
            folder = self._code_root / "layers" / f"{layer.name}-{layer.version}"
            if not folder.exists():
                with zipfile.ZipFile(io.BytesIO(layer.code)) as archive:
                    archive.extractall(folder)
            found.append(folder)
        return found

    def process_env(self, target: Target, stream: str, snapstart: bool = False) -> dict[str, str]:
        """The worker's environment variables: the function's and Lambda's own.

        SnapStart functions get no log group and stream variables (one snapshot serves
        environments that write to different streams), as on AWS.
        """
        config = target.config
        qualified = target.alias or (None if config.version == "$LATEST" else config.version)
        arn = self._arn(f"function:{target.function}")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "PYTHONDONTWRITEBYTECODE": "1",
            "HOME": str(self._code_root),
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            **config.environment,
            "AWS_LAMBDA_FUNCTION_NAME": target.function,
            "AWS_LAMBDA_FUNCTION_VERSION": config.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{target.function}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{config.runtime}",
            "LAMBDA_TASK_ROOT": str(self.code_dir(target)),
            "_HANDLER": config.handler,
            "AWS_ACCESS_KEY_ID": "ASIAEMULATORTEMPKEY",
            "AWS_SECRET_ACCESS_KEY": "emulator-temporary-secret",
            "AWS_SESSION_TOKEN": "emulator-session-token",
            "SERVERLINGS_FUNCTION_ARN": f"{arn}:{qualified}" if qualified else arn,
            "SERVERLINGS_NOW_MS": str(int(self.cloud.clock.now() * 1000)),
        }
        env["AWS_ENDPOINT_URL"] = self.cloud.endpoint_url
        if snapstart:
            del env["AWS_LAMBDA_LOG_GROUP_NAME"], env["AWS_LAMBDA_LOG_STREAM_NAME"]
        return env


def _gone_error(gone: WorkerGone, request_id: str) -> dict[str, str]:
    """AWS's error for a runtime that ended: out of memory, or an exit or signal."""
    return {
        "errorType": "Runtime.OutOfMemory" if gone.out_of_memory else "Runtime.ExitError",
        "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: {gone.reason}",
    }


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n") if text else []
