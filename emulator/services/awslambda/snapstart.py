"""SnapStart: a snapshot taken when a version is published, restored instead of a cold start.

On AWS, PublishVersion runs the init code once, runs the before-snapshot hooks and
snapshots the microVM; each new execution environment of that version is then restored
from the snapshot (its memory, its /tmp) and runs the after-restore hooks, instead of
running the init code again. Here the snapshot is a worker process kept after its init
phase, and a restore is a ``fork`` of it in namespaces of its own (see
``sandbox_restore.py``): the restored environment starts with the same memory, so values
computed at init (random seeds, unique ids, timestamps) are the same in every one of them,
as they are on AWS.

The snapshot processes live as long as the emulator; after a restart the first restore of
a version takes its snapshot again (the init code runs again then).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from emulator import limits
from emulator.services.awslambda.environment import Environment, WorkerGone
from emulator.services.awslambda.errors import (
    SnapStartException,
    SnapStartNotReadyException,
    SnapStartTimeoutException,
)

if TYPE_CHECKING:
    from emulator.services.awslambda.invoker import Invoker, Target

#: The value of ``SnapStart.ApplyOn`` that turns it on.
ON = "PublishedVersions"


def applies(target: Target) -> bool:
    """New environments of this target are restored from a snapshot."""
    return target.config.snap_start == ON and target.version != "$LATEST"


class Snapshots:
    """The snapshot process of each SnapStart version of one region's functions."""

    def __init__(self, invoker: Invoker) -> None:
        self.invoker = invoker
        self._taken: dict[str, Environment] = {}

    def take(self, target: Target) -> None:
        """Run the init phase and keep the process as the version's snapshot.

        A failed init marks the version Failed (``State``, ``StateReasonCode``), as AWS
        does when it cannot create the snapshot.
        """
        invoker, config = self.invoker, target.config
        stream = invoker.stream_name(target.version)
        environment = Environment(
            invoker.code_dir(target),
            invoker.process_env(target, stream, snapstart=True),
            stream,
            memory_mb=config.memory,
            ephemeral_mb=config.ephemeral,
            layer_dirs=invoker.layer_dirs(config),
            snapshot=True,
        )
        allowed = max(config.timeout, limits.value("lambda", "SnapStartInitMin"))
        with invoker.cloud.lock.released():
            try:
                init: Any = environment.start(allowed)
            except WorkerGone as gone:
                init = gone
        log = ["INIT_START Runtime Version: " + config.runtime]
        if isinstance(init, WorkerGone):
            log += init.log.splitlines()
            failure = f"Runtime exited with error: {init.reason}"
        elif init.timed_out:
            log += init.data.get("log", "").splitlines()
            failure = f"Init phase timed out after {allowed:.2f} seconds"
        else:
            log += init.data["log"].splitlines()
            error = init.data.get("error")
            failure = f"{error['errorType']}: {error['errorMessage']}" if error else ""
            if not error:
                log.append(f"INIT_REPORT Init Duration: {init.data['init_ms']:.2f} ms")
        invoker.write_log(target, stream, log)
        if failure:
            environment.kill()
            config.state = "Failed"
            config.state_reason_code = "FunctionError"
            config.state_reason = failure
            return
        config.state, config.state_reason_code, config.state_reason = "Active", "", ""
        self._taken[target.pool_key] = environment
        invoker.cloud.events.emit(
            "lambda",
            "snapshot_taken",
            target.function,
            version=target.version,
            init_ms=round(init.data["init_ms"], 2),
        )

    def restore(self, target: Target, stream: str) -> Environment:
        """A new environment of ``target`` restored from its snapshot, ready to invoke.

        Raises AWS's SnapStart errors: the snapshot is not there (its creation failed),
        an after-restore hook raised, or the restore took longer than Lambda allows.
        """
        config = target.config
        if config.state == "Failed":
            raise SnapStartNotReadyException(
                f"The snapshot of version {target.version} could not be created "
                f"({config.state_reason}). Publish a new version once the init code works."
            )
        snapshot = self._taken.get(target.pool_key)
        if snapshot is None or not snapshot.alive:
            self.take(target)  # after a restart of the emulator, or a snapshot that died
            return self.restore(target, stream)
        allowed = limits.value("lambda", "SnapStartRestoreTimeout")
        started = time.perf_counter()
        environment = Environment.restore(snapshot, stream)
        self.invoker.adopt(environment)
        with self.invoker.cloud.lock.released():
            try:
                reply: Any = environment.start(allowed)
            except WorkerGone as gone:
                reply = gone
        if isinstance(reply, WorkerGone):
            raise SnapStartException(
                f"The restored environment ended before it was ready: {reply.reason}"
                + (f" ({reply.note})" if reply.note else "")
            )
        if reply.timed_out:
            raise SnapStartTimeoutException(
                "Lambda couldn't restore the snapshot within the timeout limit "
                f"({allowed:g} seconds for the runtime and the after-restore hooks)."
            )
        log = reply.data["log"]
        error = reply.data.get("error")
        if error:
            self.invoker.write_log(target, stream, log.splitlines())
            environment.kill()
            raise SnapStartException(
                "The afterRestore() runtime hook encountered an error "
                f"({error['errorType']}: {error['errorMessage']}). For more information, "
                "check the Amazon CloudWatch logs."
            )
        environment.restored = True
        environment.init_ms = (time.perf_counter() - started) * 1000
        environment.billed_restore_ms = math.ceil(reply.data["restore_ms"])
        environment.restore_log = log
        return environment

    def retire(self, prefix: str) -> None:
        """End the snapshots of the versions whose environment key starts with ``prefix``."""
        for key in [k for k in self._taken if k.startswith(prefix)]:
            self._taken.pop(key).kill()

    def close(self) -> None:
        for environment in self._taken.values():
            environment.kill()
        self._taken.clear()
