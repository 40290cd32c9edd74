"""The Linux jail of one execution environment: own user, mounts, pids, /tmp, /var/task, /opt.

Imported by the launcher (``sandbox_init.py``) before the worker starts; standard library
only, because it runs outside the emulator's interpreter. Everything here happens in a
private user namespace, so it needs no privilege and changes nothing outside the jail.

The jail is a small read-only tmpfs used as the root: each top-level folder of the machine
is bound into it read-only (Lambda's file system is read-only outside /tmp), except
``/tmp`` (a fresh tmpfs of the function's ephemeral storage size), ``/var/task`` (the
code), ``/opt`` (the merged layers) and ``/proc`` (mounted again by the jail's init so
only the environment's own processes show).
"""

from __future__ import annotations

import ctypes
import os
import stat

#: Importing typing would cost every cold start a few milliseconds; mypy reads this name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_RELATIME = 1 << 21
#: statvfs() flags and the mount flags that a remount must repeat.
STATVFS_TO_MOUNT = {
    os.ST_NOSUID: MS_NOSUID,
    os.ST_NODEV: MS_NODEV,
    os.ST_NOEXEC: MS_NOEXEC,
    os.ST_NOATIME: MS_NOATIME,
    os.ST_NODIRATIME: MS_NODIRATIME,
    os.ST_RELATIME: MS_RELATIME,
}

PR_SET_PDEATHSIG = 1
PR_SET_SECUREBITS = 28
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
#: NOROOT, NOROOT_LOCKED, NO_SETUID_FIXUP, NO_SETUID_FIXUP_LOCKED: uid 0 never brings
#: capabilities back, not even across exec.
SECURE_NO_ROOT = 0x0F

SYS_MOUNT_SETATTR = 442
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
MNT_DETACH = 2
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 1

#: The identity of the function's code on AWS (``sbx_user1051``).
SANDBOX_UID = 993
SANDBOX_GID = 990
#: When the emulator runs as root, the sandbox user is this host uid: the kernel exempts
#: real uid 0 from RLIMIT_NPROC, so a root-owned worker could fork without end.
ROOT_HOST_ID_OFFSET = 100_000

#: Where the jail's root is assembled before the chroot (hidden by it afterwards).
STAGING = "/tmp"
#: Folders of the machine's root that the jail provides itself.
OWN_FOLDERS = frozenset({"tmp", "proc", "opt", "var", "dev"})
#: The harmless device nodes. Lambda has no /dev/shm either, which is why
#: multiprocessing's Pool and Queue (POSIX semaphores) fail there and here.
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
DEVICE_LINKS = {
    "fd": "/proc/self/fd",
    "stdin": "/proc/self/fd/0",
    "stdout": "/proc/self/fd/1",
    "stderr": "/proc/self/fd/2",
}

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_ulong,
    ctypes.c_char_p,
]
_libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
_libc.unshare.argtypes = [ctypes.c_int]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.syscall.restype = ctypes.c_long


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _bytes(text: str | None) -> bytes | None:
    return None if text is None else os.fsencode(text)


def prctl(option: int, value: int) -> None:
    """``prctl(2)`` with one argument."""
    _check(_libc.prctl(option, value, 0, 0, 0), f"prctl({option})")


def mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    """``mount(2)``."""
    result = _libc.mount(_bytes(source), _bytes(target), _bytes(fstype), flags, _bytes(data))
    _check(result, f"mount {target}")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _read_only(target: str) -> None:
    """Make a mount and everything under it read-only."""
    attr = (ctypes.c_uint64 * 4)(MOUNT_ATTR_RDONLY, 0, 0, 0)
    result = _libc.syscall(
        SYS_MOUNT_SETATTR, AT_FDCWD, _bytes(target), AT_RECURSIVE, ctypes.byref(attr), 32
    )
    if result == 0:
        return
    # Kernels before 5.12: remount the top mount only, keeping the flags the kernel locks.
    current = os.statvfs(target).f_flag
    flags = 0
    for shown, flag in STATVFS_TO_MOUNT.items():
        if current & shown:
            flags |= flag
    try:
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
    except OSError:
        return


class Jail:
    """Builds the jail from a launcher configuration.

    Args:
        config: the launcher configuration (``code_dir``, ``opt_dir``, ``tmp_mb``, ``carry``).
    """

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.tmp_mb = int(config["tmp_mb"])
        self.read_only: list[str] = []
        self.code = -1
        self.opt: int | None = None
        self.carry: dict[str, int] = {}

    def enter(self) -> None:
        """Unshare, build the root, chroot into it; the next child is the jail's pid 1."""
        self._unshare()
        mount(None, "/", None, MS_REC | MS_PRIVATE)
        # Sources are opened in the new mount namespace (a bind takes its mounts only) and
        # before /tmp is covered, since code and layers usually live there.
        config = self.config
        self.code = os.open(config["code_dir"], os.O_PATH)
        self.opt = os.open(config["opt_dir"], os.O_PATH) if config.get("opt_dir") else None
        self.carry = {path: os.open(path, os.O_PATH) for path in config.get("carry", [])}
        root = STAGING
        mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
        hidden = OWN_FOLDERS.union(config.get("hidden", ()))
        for entry in os.scandir("/"):
            if entry.name not in hidden:
                self._bind_entry(entry, f"{root}/{entry.name}")
        self._dev(root)
        os.mkdir(f"{root}/proc")
        mount("/proc", f"{root}/proc", None, MS_BIND | MS_REC)
        self.read_only.append(f"{root}/proc")
        self._var(root)
        self._opt(root)
        os.mkdir(f"{root}/tmp")
        mount(
            "tmpfs",
            f"{root}/tmp",
            "tmpfs",
            MS_NOSUID | MS_NODEV,
            f"size={self.tmp_mb}m,mode=1777",
        )
        for path, fd in self.carry.items():
            self._carry(root, path, fd)
        for target in self.read_only:
            _read_only(target)
        mount(None, root, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.chdir(root)
        if not _pivot_root():
            # pivot_root refuses a root on rootfs (some containers): a chroot still jails
            # the worker, but then it cannot make namespaces of its own (SnapStart
            # restores share the snapshot's /tmp; see sandbox_restore.py).
            os.chroot(".")
        os.chdir("/")
        for source in (self.code, self.opt, *self.carry.values()):
            if source is not None:
                os.close(source)

    def _unshare(self) -> None:
        uid, gid = os.getuid(), os.getgid()
        flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC
        if uid != 0:
            _check(_libc.unshare(flags), "unshare")
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{SANDBOX_UID} {uid} 1\n")
            _write("/proc/self/gid_map", f"{SANDBOX_GID} {gid} 1\n")
            return
        # Root keeps uid 0 (to read root-only folders such as a pyenv under /root) and
        # maps the sandbox user to an ordinary uid. Only a process still outside the new
        # namespace may write a map of two ranges, so a short-lived helper does it.
        me = os.getpid()
        ready, go = os.pipe()
        helper = os.fork()
        if helper == 0:
            try:
                os.close(go)
                os.read(ready, 1)
                host_uid = SANDBOX_UID + ROOT_HOST_ID_OFFSET
                host_gid = SANDBOX_GID + ROOT_HOST_ID_OFFSET
                _write(f"/proc/{me}/uid_map", f"0 0 1\n{SANDBOX_UID} {host_uid} 1\n")
                _write(f"/proc/{me}/gid_map", f"0 0 1\n{SANDBOX_GID} {host_gid} 1\n")
            except OSError:
                os._exit(1)
            os._exit(0)
        os.close(ready)
        try:
            _check(_libc.unshare(flags), "unshare")
        finally:
            os.write(go, b"x")
            os.close(go)
        _, status = os.waitpid(helper, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise OSError(1, "could not write the user namespace's id maps")

    def _bind_entry(self, entry: os.DirEntry[str], target: str) -> None:
        """Recreate one directory entry of the machine at ``target``."""
        try:
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), target)
            elif entry.is_dir():
                os.mkdir(target)
                mount(entry.path, target, None, MS_BIND | MS_REC)
                self.read_only.append(target)
            elif entry.is_file():
                os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
                mount(entry.path, target, None, MS_BIND)
                self.read_only.append(target)
        except OSError:
            # Something of the machine the jail cannot show (an odd mount, a race with a
            # deletion): the worker simply does not see it.
            return

    def _dev(self, root: str) -> None:
        """A /dev with the harmless devices only: no disks, whatever uid the worker has."""
        os.mkdir(f"{root}/dev")
        for name in DEVICES:
            if os.path.exists(f"/dev/{name}"):
                os.close(os.open(f"{root}/dev/{name}", os.O_CREAT | os.O_WRONLY, 0o666))
                mount(f"/dev/{name}", f"{root}/dev/{name}", None, MS_BIND)
        for name, target in DEVICE_LINKS.items():
            os.symlink(target, f"{root}/dev/{name}")

    def _var(self, root: str) -> None:
        os.mkdir(f"{root}/var")
        if os.path.isdir("/var"):
            for entry in os.scandir("/var"):
                if entry.name != "task":
                    self._bind_entry(entry, f"{root}/var/{entry.name}")
        os.mkdir(f"{root}/var/task")
        mount(f"/proc/self/fd/{self.code}", f"{root}/var/task", None, MS_BIND | MS_REC)
        self.read_only.append(f"{root}/var/task")

    def _opt(self, root: str) -> None:
        os.mkdir(f"{root}/opt")
        if self.opt is None:
            return
        # Each top-level entry of the layers is bound on its own, so /opt stays a folder
        # of the jail in which an interpreter installed under /opt can still be carried.
        for entry in os.scandir(f"/proc/self/fd/{self.opt}"):
            self._bind_entry(entry, f"{root}/opt/{entry.name}")

    def _carry(self, root: str, path: str, fd: int) -> None:
        """Keep a folder the worker needs (its interpreter) at its own path."""
        target = root + path
        if os.path.lexists(target):
            return
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                os.mkdir(target)
            else:
                os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
            mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
        except OSError:
            return
        self.read_only.append(target)


def _pivot_root() -> bool:
    """Make the current folder the root of the mount namespace, the old root unmounted.

    Unlike a chroot, this leaves the worker free to make namespaces of its own (the
    kernel refuses a new user namespace to a chrooted process), which SnapStart's
    restored environments need for their own /tmp and processes.
    """
    number = SYS_PIVOT_ROOT.get(os.uname().machine)
    if number is None or _libc.syscall(number, b".", b".") != 0:
        return False
    # The old root now lies over the new one: it must go, or the jail would see it.
    _check(_libc.umount2(b".", MNT_DETACH), "umount old root")
    return True


def mount_proc() -> bool:
    """Mount a /proc that shows the jail's processes only (from inside its pid namespace)."""
    try:
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:
        # Container runtimes mask parts of /proc, and then the kernel refuses a new one.
        return False
    return True


def become_sandbox_user() -> None:
    """Drop to AWS's sandbox user for good, just before the worker's exec.

    With a mapped uid that is not root, exec clears every capability by itself. When the
    emulator runs as root, the worker keeps effective uid 0 for reading the machine's
    root-only folders, and the secure bits stop uid 0 from ever granting capabilities.
    """
    prctl(PR_SET_SECUREBITS, SECURE_NO_ROOT)
    if os.getuid() == 0:
        os.setgroups([])
        os.setresgid(SANDBOX_GID, 0, 0)
        os.setresuid(SANDBOX_UID, 0, 0)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
