"""One execution environment: a sandboxed worker, started cold, reused warm, killed on timeout.

The worker speaks JSON lines: one request per invocation on its stdin, one reply on its
stdout. Whatever the function prints (stdout and stderr of the worker and of every process
it starts) arrives on the worker's stderr and is returned with the reply as ``log``,
bounded per invocation (see ``output.py``). The sandbox (``sandbox.py``) enforces /tmp,
memory, processes and clean-up; its last word, when the worker ends, is a
``worker_exit`` line that becomes ``WorkerGone``.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from emulator import limits
from emulator.services.awslambda import sandbox
from emulator.services.awslambda.output import Output
from emulator.services.awslambda.sandbox_init import SIGNAL_NAMES

#: A protocol line longer than this is not a reply: the worker is treated as broken.
MAX_LINE = 64 * 1024 * 1024
#: How much output already written is collected after a reply, so a process that keeps
#: printing after the handler returned cannot hold the reply back.
DRAIN_LIMIT = 4 * 1024 * 1024
#: How long kill() lets the launcher end the environment before killing it outright.
KILL_GRACE = 5.0


class WorkerGone(Exception):
    """The worker ended or stopped answering; the environment is unusable.

    ``str(error)`` is the reason in AWS's words (``exit status 1``, ``signal: killed``).

    Attributes:
        reason: the same text.
        out_of_memory: the sandbox killed it for using more than the function's memory.
        log: what the function printed before it ended.
        note: an explanation for people when the emulator ended it for its own reasons.
    """

    def __init__(
        self, reason: str, *, out_of_memory: bool = False, log: str = "", note: str = ""
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.out_of_memory = out_of_memory
        self.log = log
        self.note = note


@dataclass
class Reply:
    """What the worker said: a result, a function error, an exit, or a timeout."""

    data: dict[str, Any]
    timed_out: bool = False


class Environment:
    """A sandboxed worker process for one function configuration.

    Args:
        code_dir: the unzipped code (seen by the function as /var/task when jailed).
        env: the process environment (the function's variables plus Lambda's own).
        stream: the log stream this environment writes to.
        memory_mb: the function's MemorySize; using more kills the environment.
        ephemeral_mb: the function's EphemeralStorage; the size of its /tmp.
        layer_dirs: extracted layers in the function's order, merged into /opt.
        command: the worker command line; None means the Python runtime.
        snapshot: run the init phase once and then serve SnapStart restores
            (``restore()``) instead of invocations.
    """

    #: The init phase's duration, or for a restored environment the restore's.
    init_ms: float = 0.0
    #: Restored from a SnapStart snapshot rather than started cold.
    restored: bool = False
    #: The part of a restore Lambda bills: the after-restore hooks, rounded up.
    billed_restore_ms: int = 0
    #: What the after-restore hooks printed.
    restore_log: str = ""

    def __init__(
        self,
        code_dir: Path,
        env: dict[str, str],
        stream: str,
        *,
        memory_mb: int = 128,
        ephemeral_mb: int = 512,
        layer_dirs: Sequence[Path] = (),
        command: Sequence[str] | None = None,
        snapshot: bool = False,
    ) -> None:
        self.stream = stream
        self.memory_mb = memory_mb
        self.ephemeral_mb = ephemeral_mb
        self.isolation = sandbox.isolation()
        self.init: Reply | None = None
        self.output = Output()
        self._buffer = b""
        self._gone: WorkerGone | None = None
        self._output_closed = False
        #: The fallback's private temporary folder (TMPDIR); None in a jail.
        self.tmp_dir: Path | None = None
        opt_dir = sandbox.merged_layers([Path(d) for d in layer_dirs])
        env = dict(env)
        if self.isolation == "namespaces":
            env["LAMBDA_TASK_ROOT"] = "/var/task"
            opt = "/opt"
        else:
            self.tmp_dir = Path(tempfile.mkdtemp(prefix="serverlings-tmp-"))
            env["TMPDIR"] = str(self.tmp_dir)
            env["LAMBDA_TASK_ROOT"] = str(code_dir)
            opt = str(opt_dir)
        if opt_dir is not None:
            env[sandbox.OPT_VARIABLE] = opt
            # Lambda's PATH and LD_LIBRARY_PATH end with the layers' bin and lib folders.
            for name, folder in (("PATH", f"{opt}/bin"), ("LD_LIBRARY_PATH", f"{opt}/lib")):
                env[name] = f"{env[name]}:{folder}" if env.get(name) else folder
        config = sandbox.launch_config(
            Path(code_dir),
            list(command) if command else sandbox.python_command(),
            self.isolation,
            memory_mb,
            ephemeral_mb,
            opt_dir,
            self.tmp_dir,
        )
        #: The emulator's end of a snapshot's control socket (see sandbox_restore.py).
        self.control: socket.socket | None = None
        passed: tuple[int, ...] = ()
        if snapshot:
            self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            passed = (theirs.fileno(),)
            config["snapshot_fd"] = theirs.fileno()
            env["SERVERLINGS_SNAPSHOT"] = json.dumps(
                {
                    "fd": theirs.fileno(),
                    "tmp_mb": ephemeral_mb,
                    "memory_mb": memory_mb,
                    "processes": sandbox.PROCESSES,
                    "descriptors": sandbox.FILE_DESCRIPTORS,
                    "isolation": self.isolation,
                }
            )
        self._launch(config, env, passed)
        if snapshot:
            theirs.close()

    @classmethod
    def restore(cls, snapshot: Environment, stream: str) -> Environment:
        """A new environment restored from a SnapStart snapshot (``snapshot=True``).

        ``start()`` then waits for the restore (the after-restore hooks) instead of an
        init phase; the reply's ``restore_ms`` is the hooks' time.
        """
        assert snapshot.control is not None
        self = cls.__new__(cls)
        self.stream = stream
        self.memory_mb = snapshot.memory_mb
        self.ephemeral_mb = snapshot.ephemeral_mb
        self.isolation = snapshot.isolation
        self.init = None
        self.output = Output()
        self._buffer = b""
        self._gone = None
        self._output_closed = False
        self.tmp_dir = None  # a restored environment's own is removed by its supervisor
        self.control = None
        fd = snapshot.control.fileno()
        config = {"restore_fd": fd, "parent": os.getpid(), "isolation": self.isolation}
        self._launch(config, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, (fd,))
        return self

    def _launch(self, config: dict[str, Any], env: dict[str, str], passed: Sequence[int]) -> None:
        self.process = subprocess.Popen(
            sandbox.launcher_command(config),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            close_fds=True,
            pass_fds=tuple(passed),
            start_new_session=True,
        )
        assert self.process.stderr is not None
        os.set_blocking(self.process.stderr.fileno(), False)

    def start(self, timeout: float) -> Reply:
        """Wait for the init phase (module import) to finish."""
        self.init = self._read(timeout)
        return self.init

    def invoke(
        self, request_id: str, event: bytes, timeout: float, now_ms: int | None = None
    ) -> Reply:
        """Send one event and wait for the reply, at most ``timeout`` seconds.

        ``now_ms`` is the virtual time, for runtimes that stamp their log lines with it.
        """
        if self._gone is not None:
            raise self._gone
        self.output.reset()
        self._drain()  # what processes left running printed since the last reply
        message = json.dumps(
            {
                "request_id": request_id,
                "event": event.decode("utf-8"),
                "timeout": timeout,
                "max_result": limits.value("lambda", "SyncPayload"),
                **({"now_ms": now_ms} if now_ms is not None else {}),
            }
        )
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(message.encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            # The worker ended while idle: its launcher has said why, or is about to.
            return self._read(1.0, idle=True)
        return self._read(timeout)

    def _read(self, timeout: float, idle: bool = False) -> Reply:
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        if self._gone is not None:
            raise self._gone
        out, err = self.process.stdout.fileno(), self.process.stderr.fileno()
        deadline = time.monotonic() + timeout
        while True:
            data = self._line()
            if data is not None:
                return self._answer(data)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if idle:
                    self._fail(WorkerGone("exit status unknown"))
                self._drain()
                log = self.output.text()
                self.kill()
                return Reply({"log": log}, timed_out=True)
            watched = [out] if self._output_closed else [out, err]
            ready, _, _ = select.select(watched, [], [], remaining)
            if err in ready:
                self._drain()
            if out in ready:
                chunk = os.read(out, 1 << 20)
                if not chunk:
                    self._ended()
                self._buffer += chunk
                if len(self._buffer) > MAX_LINE and b"\n" not in self._buffer:
                    self._fail(WorkerGone("exit status unknown", note="reply too large"))

    def _line(self) -> dict[str, Any] | None:
        """The next complete protocol line, skipping what a killed worker left half-written."""
        while b"\n" in self._buffer:
            line, _, self._buffer = self._buffer.partition(b"\n")
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict):
                return data
        return None

    def _answer(self, data: dict[str, Any]) -> Reply:
        self._drain()
        if "worker_exit" in data:
            ended = data["worker_exit"]
            note = ended.get("setup_error", "")
            if ended.get("too_many_processes"):
                note = (
                    f"the environment ran {ended['too_many_processes']:,} processes and "
                    f"threads, more than Lambda's {sandbox.PROCESSES:,}"
                )
            self._fail(
                WorkerGone(
                    ended.get("status", "exit status unknown"),
                    out_of_memory=bool(ended.get("out_of_memory")),
                    note=note,
                )
            )
        data["log"] = self.output.text() + (data.get("log") or "")
        self.output.reset()
        return Reply(data)

    def _drain(self) -> None:
        """Collect the output written so far (never blocks, never without end)."""
        assert self.process.stderr is not None
        fd = self.process.stderr.fileno()
        taken = 0
        while taken < DRAIN_LIMIT:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # BlockingIOError: nothing more for now
                return
            if not chunk:
                # Every process that could print has closed it: never ready to read again.
                self._output_closed = True
                return
            taken += len(chunk)
            self.output.feed(chunk)

    def _ended(self) -> NoReturn:
        """Stdout closed without a last word: the launcher itself was killed."""
        code = self.process.wait()
        if code < 0:
            reason = "signal: " + SIGNAL_NAMES.get(-code, f"signal {-code}")
        else:
            reason = f"exit status {code}"
        self._fail(WorkerGone(reason))

    def _fail(self, gone: WorkerGone) -> NoReturn:
        self._drain()
        gone.log = self.output.text()
        self.output.reset()
        self._gone = gone
        self.kill()
        raise gone

    @property
    def alive(self) -> bool:
        return self._gone is None and self.process.poll() is None

    def kill(self) -> None:
        """End the environment and every process it started; its /tmp goes with it."""
        if self.process.poll() is None:
            # The launcher ends the whole environment on SIGTERM before it exits.
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(KILL_GRACE)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        if self.tmp_dir is not None:
            shutil.rmtree(self.tmp_dir, ignore_errors=True)
            self.tmp_dir = None
        if self.control is not None:
            self.control.close()
            self.control = None
