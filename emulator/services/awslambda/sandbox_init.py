"""An execution environment's launcher: builds the sandbox, starts the worker in it, watches it.

The emulator runs this file as a script (``python -I -S sandbox_init.py CONFIG``, the
configuration being a hex-encoded ``marshal`` dict) with the worker's pipes as stdin,
stdout and stderr. It imports as little as it can: every module here is paid by every
cold start. Two shapes:

- ``namespaces``: this process (outside) builds the jail (``sandbox_jail.py``) and forks
  the jail's pid 1, the supervisor, which forks the worker. When pid 1 ends, the kernel
  ends every process of the jail, however it was started.
- ``fallback``: this process is the supervisor; as a child subreaper it inherits every
  orphan the worker leaves, so it can find and end them all.

The supervisor reaps children, kills the environment when its processes together use more
than the function's memory, and when the worker ends writes one last JSON line on stdout,
``{"worker_exit": {...}}``, saying how (``exit status 1``, ``signal: killed``, out of
memory). SIGTERM asks for the whole environment to be ended before this process exits.
"""

from __future__ import annotations

import marshal
import os
import resource
import signal
import sys
import time

#: Importing typing would cost every cold start a few milliseconds; mypy reads this name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LINUX = sys.platform.startswith("linux")
#: Seconds between checks that the emulator is still there.
ORPHAN_CHECK = 1.0
#: The launcher's exit code when the jail could not be built.
SETUP_FAILED = 70
WATCHED = {signal.SIGCHLD, signal.SIGTERM}
#: How AWS words the end of a runtime killed by a signal (Go's names for the signals).
SIGNAL_NAMES: dict[int, str] = {
    signal.SIGHUP: "hangup",
    signal.SIGINT: "interrupt",
    signal.SIGQUIT: "quit",
    signal.SIGILL: "illegal instruction",
    signal.SIGTRAP: "trace/breakpoint trap",
    signal.SIGABRT: "aborted",
    signal.SIGBUS: "bus error",
    signal.SIGFPE: "floating point exception",
    signal.SIGKILL: "killed",
    signal.SIGUSR1: "user defined signal 1",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGUSR2: "user defined signal 2",
    signal.SIGPIPE: "broken pipe",
    signal.SIGALRM: "alarm clock",
    signal.SIGTERM: "terminated",
    signal.SIGXCPU: "CPU time limit exceeded",
    signal.SIGXFSZ: "file size limit exceeded",
    signal.SIGSYS: "bad system call",
}


def encode(config: dict[str, Any]) -> str:
    """The launcher's argument for a configuration (same interpreter on both sides)."""
    return marshal.dumps(config).hex()


def _json(value: object) -> str:
    """JSON for the flat values of a report (the json module is too slow to import)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_json(str(k))}: {_json(v)}" for k, v in value.items()) + "}"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in text) + '"'


def report(exit_info: dict[str, Any]) -> None:
    """The last protocol line; the newline first ends any reply the worker left half-written."""
    line = "\n" + _json({"worker_exit": exit_info}) + "\n"
    try:
        os.write(1, line.encode())
    except OSError:
        return


def describe(status: int) -> str:
    """A wait status in AWS's words: ``exit status 3``, ``signal: killed``."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return "signal: " + SIGNAL_NAMES.get(number, f"signal {number}")
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def orphaned(config: dict[str, Any]) -> bool:
    """The emulator that started this environment has died without ending it.

    (The parent-death signal would fire when the emulator *thread* that started the
    environment ends, which is no reason to end it.)
    """
    return os.getppid() != config["parent"]


def start_worker(config: dict[str, Any], jailed: bool) -> None:
    """In the forked child: limits, identity, then exec the worker. Never returns."""
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        # Python ignores these at start-up and exec would pass that on to the worker.
        for number in (signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(number, signal.SIG_DFL)
        limit(resource.RLIMIT_NOFILE, int(config["descriptors"]))
        if jailed:
            from sandbox_jail import become_sandbox_user

            limit(resource.RLIMIT_NPROC, int(config["processes"]))
            become_sandbox_user()
            os.chdir("/var/task")
        else:
            os.setpgid(0, 0)
            if LINUX:
                from sandbox_jail import PR_SET_PDEATHSIG, prctl

                prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if config.get("nproc_ceiling"):
                limit(resource.RLIMIT_NPROC, int(config["nproc_ceiling"]))
            os.chdir(config["code_dir"])
        command = config["command"]
        os.execvpe(command[0], command, os.environ)
    except BaseException as error:  # the child must never go back to the parent's code
        try:
            os.write(2, f"cannot start the worker: {error}\n".encode())
        finally:
            os._exit(127)


def limit(kind: int, value: int) -> None:
    """Set a resource limit, soft and hard, never above the current hard limit."""
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


class Supervisor:
    """Runs the worker, watches it until it ends, then ends the rest and reports.

    Args:
        config: the launcher configuration.
        jailed: this process is the jail's pid 1 (else the fallback's subreaper).
        own_proc: /proc lists the jail's processes only.
    """

    def __init__(self, config: dict[str, Any], jailed: bool, own_proc: bool) -> None:
        self.config = config
        self.jailed = jailed
        from sandbox_watchdog import Watchdog

        self.watchdog = Watchdog(config, count_processes=not jailed, own_proc=own_proc)
        self.worker = 0
        self.status: int | None = None
        #: The signals that wake the watch.
        self.watched: set[signal.Signals] = set(WATCHED)

    def run(self) -> None:
        """Never returns."""
        self.worker = os.fork()
        if self.worker == 0:
            start_worker(self.config, self.jailed)
        self.watch()

    def abandoned(self) -> bool:
        """The emulator is gone without ending the environment (a jail's launcher checks)."""
        return not self.jailed and orphaned(self.config)

    def watch(self) -> None:
        """Watch the worker until it ends, then end the rest and report. Never returns."""
        os.close(0)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        verdict: dict[str, Any] = {}
        wait = 0.0
        while self.status is None:
            received = signal.sigtimedwait(self.watched, wait)
            ended = received is not None and received.si_signo == signal.SIGTERM
            if ended or self.abandoned():
                self.end_all()
                self.exit()
            self.reap()
            if self.status is None and not verdict:
                found, wait = self.watchdog.check()
                if found:
                    verdict = found
                    self.end_all()
        self.end_all()
        report({"status": describe(self.status), **verdict})
        self.exit()

    def exit(self) -> None:
        """Leave, removing the fallback's private temporary folder.

        The emulator may not be there any more to remove it.
        """
        folder = self.config.get("tmp_dir")
        if folder and not self.jailed:
            remove_tree(folder)
        os._exit(0)

    def reap(self) -> None:
        """Collect every ended child, noting the worker's wait status."""
        while True:
            try:
                pid, code = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.worker:
                self.status = code

    def end_all(self) -> None:
        """Kill every process of the environment but this one, and collect them."""
        if self.jailed:
            # From a pid namespace's init, -1 means every other process of the namespace.
            _kill(-1)
            return
        _kill(self.worker, group=True)
        if not LINUX:
            self.reap()
            return
        from sandbox_watchdog import descendants, self_pid

        me = self_pid()
        # Orphans come back to this subreaper, so repeating until no child is left ends
        # even processes that fork while they are being killed.
        while True:
            pending = descendants(me)
            if not pending:
                return
            for pid in pending:
                _kill(pid)
            self.reap()
            time.sleep(0.001)


def remove_tree(folder: str) -> None:
    """``shutil.rmtree`` without importing shutil; errors are ignored."""
    for parent, folders, files in os.walk(folder, topdown=False):
        for name in files:
            _ignore(os.unlink, os.path.join(parent, name))
        for name in folders:
            path = os.path.join(parent, name)
            _ignore(os.unlink if os.path.islink(path) else os.rmdir, path)
    _ignore(os.rmdir, folder)


def _ignore(action: Any, path: str) -> None:
    try:
        action(path)
    except OSError:
        return


def _kill(pid: int, group: bool = False) -> None:
    try:
        (os.killpg if group else os.kill)(pid, signal.SIGKILL)
    except OSError:
        return


def run_namespaced(config: dict[str, Any]) -> None:
    """Build the jail, fork its pid 1 and wait for it (or for SIGTERM). Exits."""
    # The jail can hide this folder (a checkout under /tmp): what the supervisor imports
    # later must be loaded before the chroot.
    import sandbox_watchdog  # noqa: F401
    from sandbox_jail import PR_SET_PDEATHSIG, Jail, mount_proc, prctl

    try:
        Jail(config).enter()
    except OSError as error:
        report({"status": f"exit status {SETUP_FAILED}", "setup_error": str(error)})
        os._exit(SETUP_FAILED)
    init = os.fork()
    if init == 0:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        Supervisor(config, jailed=True, own_proc=mount_proc()).run()
    os.close(0)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    while True:
        received = signal.sigtimedwait(WATCHED, ORPHAN_CHECK)
        if orphaned(config) or (received is not None and received.si_signo == signal.SIGTERM):
            os.kill(init, signal.SIGKILL)
            # The init of a pid namespace is reaped only after every process in it.
            os.waitpid(init, 0)
            os._exit(0)
        pid, status = os.waitpid(init, os.WNOHANG)
        if pid:
            if not os.WIFEXITED(status):
                report({"status": "signal: killed", "setup_error": "the sandbox's init died"})
            os._exit(0)


def run_fallback(config: dict[str, Any]) -> None:
    """Supervise the worker from here, without namespaces. Exits."""
    if LINUX:
        from sandbox_jail import PR_SET_CHILD_SUBREAPER, prctl

        prctl(PR_SET_CHILD_SUBREAPER, 1)
        if os.getuid() != 0:
            # RLIMIT_NPROC counts all of the user's tasks here, not the environment's:
            # the closest to AWS is to allow this many more than run now.
            config["nproc_ceiling"] = user_tasks(os.getuid()) + int(config["processes"])
    Supervisor(config, jailed=False, own_proc=False).run()


def user_tasks(uid: int) -> int:
    """How many tasks (threads included) the user runs on this machine."""
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status", "rb") as handle:
                fields = dict(line.split(b":", 1) for line in handle if b":" in line)
        except OSError:
            continue
        if int(fields.get(b"Uid", b"-1").split()[0]) == uid:
            total += int(fields.get(b"Threads", b"1").strip())
    return total


def run_restore(config: dict[str, Any]) -> None:
    """Ask a SnapStart snapshot for a restored environment, then stand for it. Exits.

    The environment's processes hold this launcher's pipes; this process holds the
    lifeline: SIGTERM (or the emulator's death) closes it, which ends the environment,
    and the environment's end closes it from the other side, which ends this process.
    """
    import select
    import socket

    from sandbox_restore import request_restore

    try:
        lifeline = request_restore(int(config["restore_fd"]))
    except OSError as error:
        report({"status": f"exit status {SETUP_FAILED}", "setup_error": f"no snapshot: {error}"})
        os._exit(SETUP_FAILED)
    # SIGTERM wakes the wait below through this pipe.
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGTERM, lambda number, frame: None)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    closing = False
    while True:
        ready, _, _ = select.select([lifeline, wake_read], [], [], ORPHAN_CHECK)
        if not closing and (wake_read in ready or orphaned(config)):
            lifeline.shutdown(socket.SHUT_WR)
            closing = True
        if lifeline in ready:
            try:
                if not lifeline.recv(1):
                    os._exit(0)
            except OSError:
                os._exit(0)


def main() -> None:
    config = marshal.loads(bytes.fromhex(sys.argv[1]))
    signal.pthread_sigmask(signal.SIG_BLOCK, WATCHED)
    if config.get("restore_fd") is not None:
        run_restore(config)
    elif config["isolation"] == "namespaces":
        run_namespaced(config)
    else:
        run_fallback(config)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves it out
    main()
