"""One execution environment: a worker process, started cold, reused warm, killed on timeout."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUNTIME = Path(__file__).with_name("runtime.py")


class WorkerGone(Exception):
    """The worker died or stopped answering; the environment is unusable."""


@dataclass
class Reply:
    """What the worker said: a result, a function error, an exit, or a timeout."""

    data: dict[str, Any]
    timed_out: bool = False


class Environment:
    """A worker process for one function configuration.

    Args:
        code_dir: the unzipped code (LAMBDA_TASK_ROOT).
        env: the process environment (the function's variables plus Lambda's own).
        stream: the log stream this environment writes to.
    """

    def __init__(self, code_dir: Path, env: dict[str, str], stream: str) -> None:
        self.stream = stream
        self.process = subprocess.Popen(
            [sys.executable, str(RUNTIME)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=code_dir,
            env=env,
            close_fds=True,
        )
        self._buffer = b""
        self.init: Reply | None = None

    def start(self, timeout: float) -> Reply:
        """Wait for the init phase (module import) to finish."""
        self.init = self._read(timeout)
        return self.init

    def invoke(self, request_id: str, event: bytes, timeout: float) -> Reply:
        message = json.dumps(
            {"request_id": request_id, "event": event.decode("utf-8"), "timeout": timeout}
        )
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(message.encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise WorkerGone(str(error)) from None
        return self._read(timeout)

    def _read(self, timeout: float) -> Reply:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                return Reply({}, timed_out=True)
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                code = self.process.wait()
                raise WorkerGone(f"exit status {code}")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return Reply(json.loads(line))

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
