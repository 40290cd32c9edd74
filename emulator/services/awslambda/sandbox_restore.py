"""SnapStart in the sandbox: a snapshot process that forks restored execution environments.

Standard library only: the worker (``runtime.py``) and the launcher import it. The
process chain of one restored environment::

    snapshot worker (init ran once, at PublishVersion; serves restore requests)
      └─ handle: its own user, mount and pid namespaces, a fresh /tmp holding a copy of
         the snapshot's; supervises like the jail's pid 1 does (memory, the last word)
           └─ restored worker: pid 1 of its namespace, resumes the runtime where the
              snapshot stopped: after-restore hooks, then invocations

A restore is asked for by a launcher (``sandbox_init.py`` in restore mode) that the
emulator starts like any other, so the emulator sees an ordinary environment: the
launcher sends its stdin, stdout and stderr and one end of a lifeline over the snapshot's
control socket, and waits. The handle ends the environment when the lifeline closes, and
the launcher exits when the handle does. Memory copied by ``fork`` is the snapshot: every
restored environment starts with the same module state, random seeds included.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import select
import signal
import socket
import stat
import sys

import sandbox_watchdog  # noqa: F401  (the supervisor imports it later, off the path)
from sandbox_init import WATCHED, Supervisor, limit, report
from sandbox_jail import (
    CLONE_NEWNS,
    CLONE_NEWPID,
    CLONE_NEWUSER,
    MS_BIND,
    MS_NODEV,
    MS_NOSUID,
    MS_REC,
    PR_SET_CHILD_SUBREAPER,
    mount,
    mount_proc,
    prctl,
)

#: Importing typing would cost every cold start a few milliseconds; mypy reads this name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn

LINUX = sys.platform.startswith("linux")
REQUEST = b"restore"
#: The exit code of a handle that could not set a restored environment up.
SETUP_FAILED = 70
PR_SET_DUMPABLE = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


# -- the launcher's side -------------------------------------------------------------
def request_restore(control_fd: int) -> socket.socket:
    """Send this process's stdin, stdout, stderr and a lifeline to the snapshot.

    Returns this side of the lifeline. Afterwards this process holds none of the three
    pipes, so they close when the restored environment's processes end.
    """
    control = socket.socket(fileno=control_fd)
    mine, theirs = socket.socketpair()
    try:
        socket.send_fds(control, [REQUEST], [0, 1, 2, theirs.fileno()])
    finally:
        theirs.close()
        control.close()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    return mine


# -- the snapshot's side -------------------------------------------------------------
def serve(
    config: dict[str, Any], requests: int, private: list[int], resume: Callable[[], NoReturn]
) -> None:
    """Fork a restored environment per request until ``requests`` closes (the snapshot ends).

    Args:
        config: ``fd`` (the snapshot's end of the control socket), ``tmp_mb``,
            ``memory_mb``, ``processes``, ``isolation``.
        requests: the snapshot's stdin, whose end means the emulator ended the snapshot.
        private: descriptors of the snapshot that restored environments must not keep.
        resume: what a restored worker runs (hooks, then invocations); never returns.
    """
    # The handles are reaped by the kernel: nobody here waits for them.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    control = socket.socket(fileno=int(config["fd"]))
    while True:
        ready, _, _ = select.select([requests, control.fileno()], [], [])
        if requests in ready and not os.read(requests, 4096):
            return
        if control.fileno() not in ready:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(control, 64, 4)
        except OSError:
            return
        if not message:
            return
        if message != REQUEST or len(fds) != 4:
            for fd in fds:
                os.close(fd)
            continue
        if os.fork() == 0:
            control.close()
            for fd in (requests, *private):
                os.close(fd)
            _handle(fds, resume, config)
        for fd in fds:
            os.close(fd)


def _handle(fds: list[int], resume: Callable[[], NoReturn], config: dict[str, Any]) -> NoReturn:
    """In the forked handle: namespaces, /tmp, the restored worker, then supervise it."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD, signal.SIGTERM})
        for number, fd in enumerate(fds[:3]):
            os.dup2(fd, number)
            os.close(fd)
        lifeline = socket.socket(fileno=fds[3])
        private = False
        if config["isolation"] == "namespaces":
            private = _isolate(config)
        else:
            fresh_private_tmp()
        if not private and LINUX:
            # Orphans of the restored worker come back here, to be ended with it.
            prctl(PR_SET_CHILD_SUBREAPER, 1)
        ready_read, ready_write = os.pipe()
        worker = os.fork()
        if worker == 0:
            os.close(ready_read)
            lifeline.close()
            signal.pthread_sigmask(signal.SIG_SETMASK, set())
            if private:
                mount_proc()
                _drop_capabilities()
            os.close(ready_write)
            resume()
        os.close(ready_write)
        os.read(ready_read, 1)  # the worker's /proc is mounted: the watchdog may look
        os.close(ready_read)
        if private:
            _drop_capabilities()
        RestoredSupervisor(config, worker, lifeline, private).watch()
    except BaseException as error:  # the handle must never go back to the snapshot's loop
        try:
            report({"status": f"exit status {SETUP_FAILED}", "setup_error": str(error)})
        finally:
            os._exit(SETUP_FAILED)
    os._exit(0)


class RestoredSupervisor(Supervisor):
    """Supervises one restored worker from its handle.

    With namespaces the worker is pid 1 of its own pid namespace: killing it ends every
    process it started, and the /proc it mounted lists only them. Without, this process is
    a child subreaper and ends the worker's descendants one by one (the fallback's way).
    """

    def __init__(
        self, config: dict[str, Any], worker: int, lifeline: socket.socket, private: bool
    ) -> None:
        config = {**config, "restored": True}
        if not private:
            # A fresh private temporary folder was made for this environment; it goes
            # with it.
            config["tmp_dir"] = os.environ.get("TMPDIR")
        super().__init__(config, jailed=private, own_proc=private)
        self.worker = worker
        self.private = private
        self.lifeline = lifeline
        lifeline.setblocking(False)
        # The lifeline's end raises SIGIO, so the watch wakes at once, not at its next poll.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGIO})
        fcntl.fcntl(lifeline.fileno(), fcntl.F_SETOWN, os.getpid())
        flags = fcntl.fcntl(lifeline.fileno(), fcntl.F_GETFL)
        fcntl.fcntl(lifeline.fileno(), fcntl.F_SETFL, flags | os.O_ASYNC)
        self.watched = {*WATCHED, signal.SIGIO}

    def abandoned(self) -> bool:
        """The launcher closed the lifeline: the emulator ended the environment."""
        try:
            return self.lifeline.recv(1) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def end_all(self) -> None:
        if self.private:
            # The worker is its namespace's init: the kernel ends the rest with it.
            try:
                os.kill(self.worker, signal.SIGKILL)
            except OSError:
                return
            return
        super().end_all()


def _isolate(config: dict[str, Any]) -> bool:
    """Own user, mount and pid namespaces with a /tmp of the function's size.

    The new /tmp starts as a copy of the snapshot's, as a restored microVM's disk does.
    Returns False, sharing the snapshot's /tmp, where the kernel refuses the namespaces.
    """
    # Folders the jail carries under /tmp (an interpreter or a checkout kept there) are
    # mounts of their own: they are bound again over the new /tmp, not copied into it.
    carried = _mounts_under("/tmp")
    saved = _read_tree("/tmp", skip=set(carried))
    sources = {path: os.open(path, os.O_PATH) for path in carried}
    uid, gid = os.getuid(), os.getgid()
    # When the emulator runs as root the worker keeps effective uid 0 to read root-only
    # folders; a namespace of its own can only map its real uid, so it becomes that.
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    # Changing the effective uid made the process undumpable, which hides its own /proc
    # files from it; the maps below are written there.
    prctl(PR_SET_DUMPABLE, 1)
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) != 0:
        return False
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1\n")
    _write("/proc/self/gid_map", f"{gid} {gid} 1\n")
    mount(
        "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(config['tmp_mb'])}m,mode=1777"
    )
    _write_tree("/tmp", saved)
    for path, fd in sources.items():
        _bind_back(path, fd)
    limit_processes = int(config["processes"])
    # A new user namespace counts its processes afresh: Lambda's limit per environment.
    import resource

    limit(resource.RLIMIT_NPROC, limit_processes)
    return True


def fresh_private_tmp() -> None:
    """Without namespaces: a private temporary folder holding a copy of the snapshot's."""
    current = os.environ.get("TMPDIR")
    if not current:
        return
    saved = _read_tree(current)
    parent = os.path.dirname(current.rstrip("/"))
    folder = f"{parent}/serverlings-restore-{os.getpid()}"
    os.mkdir(folder, 0o700)
    _write_tree(folder, saved)
    os.environ["TMPDIR"] = folder
    tempfile = sys.modules.get("tempfile")
    if tempfile is not None:
        tempfile.tempdir = None  # type: ignore[attr-defined]


def _drop_capabilities() -> None:
    """Give up the capabilities a new user namespace grants, for good."""
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if _libc.capset(ctypes.byref(header), data) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"capset: {os.strerror(code)}")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


Entry = tuple[str, int, bytes | None, str | None]


def _mounts_under(root: str) -> list[str]:
    """The mount points below ``root`` (not nested in one another), from mountinfo."""
    try:
        with open("/proc/self/mountinfo") as handle:
            points = [line.split()[4] for line in handle]
    except OSError:
        return []
    below = sorted(p for p in points if p.startswith(root + "/"))
    outer: list[str] = []
    for point in below:
        if not any(point.startswith(kept + "/") for kept in outer):
            outer.append(point)
    return outer


def _bind_back(path: str, fd: int) -> None:
    """Bind a carried folder (or file) at its path in the new /tmp."""
    try:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            os.makedirs(path, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))
        mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
    except OSError:
        return  # what cannot be bound is not seen, as in the jail itself
    finally:
        os.close(fd)


def _read_tree(root: str, skip: set[str] | frozenset[str] = frozenset()) -> list[Entry]:
    """Every folder, file and link under ``root``: (relative path, mode, data, link).

    ``skip`` names folders (mount points) that are left out with all they hold.
    """
    entries: list[Entry] = []
    for parent, folders, files in os.walk(root):
        folders[:] = [name for name in folders if os.path.join(parent, name) not in skip]
        relative = os.path.relpath(parent, root)
        for name in folders + files:
            path = os.path.join(parent, name)
            key = os.path.normpath(os.path.join(relative, name))
            try:
                info = os.lstat(path)
                if stat.S_ISLNK(info.st_mode):
                    entries.append((key, 0, None, os.readlink(path)))
                elif stat.S_ISDIR(info.st_mode):
                    entries.append((key, stat.S_IMODE(info.st_mode), None, None))
                elif stat.S_ISREG(info.st_mode):
                    with open(path, "rb") as handle:
                        entries.append((key, stat.S_IMODE(info.st_mode), handle.read(), None))
            except OSError:
                continue  # unreadable or gone: a restore copies what it can
    return entries


def _write_tree(root: str, entries: list[Entry]) -> None:
    for key, mode, data, link in entries:
        path = os.path.join(root, key)
        try:
            if link is not None:
                os.symlink(link, path)
            elif data is None:
                os.makedirs(path, exist_ok=True)
                os.chmod(path, mode)
            else:
                with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as out:
                    out.write(data)
        except OSError:
            continue
