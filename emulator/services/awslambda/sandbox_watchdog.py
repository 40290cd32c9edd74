"""The supervisor's watch over an execution environment: its processes' memory and number.

Part of the launcher (``sandbox_init.py``): standard library only, Linux /proc only.
"""

from __future__ import annotations

import os
import sys
import time

#: Importing typing would cost every cold start a few milliseconds; mypy reads this name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

LINUX = sys.platform.startswith("linux")
#: Seconds between memory checks while the environment's processes use CPU, and while idle.
ACTIVE_POLL = 0.01
IDLE_POLL = 0.1
#: Seconds between proportional-size measurements while the resident total barely changes.
PSS_EVERY = 0.2


def self_pid() -> int:
    """This process's pid as the mounted /proc numbers it."""
    try:
        return int(os.readlink("/proc/self"))
    except OSError:
        return os.getpid()


def children(pid: int) -> Iterator[int]:
    """The children of a process, from every one of its threads."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                text = handle.read()
        except OSError:
            continue
        for word in text.split():
            yield int(word)


def descendants(root: int) -> list[int]:
    """Every process below ``root``."""
    found: list[int] = []
    queue = [root]
    while queue:
        for child in children(queue.pop()):
            found.append(child)
            queue.append(child)
    return found


def _user_namespace(pid: str) -> str:
    try:
        return os.readlink(f"/proc/{pid}/ns/user")
    except OSError:
        return ""


class Watchdog:
    """Measures the environment's processes: memory (and, in the fallback, their number).

    Args:
        config: the launcher configuration (``memory_mb``, ``processes``).
        count_processes: end the environment past ``processes`` tasks (no rlimit does it).
        own_proc: /proc lists the jail's processes only.
    """

    def __init__(self, config: dict[str, Any], count_processes: bool, own_proc: bool) -> None:
        self.limit = int(config["memory_mb"]) * 1024 * 1024
        self.processes = int(config["processes"])
        self.count_processes = count_processes
        self.own_proc = own_proc
        self.cpu = -1
        self.me = self_pid()
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.ratio = 1.0
        self.pss_at = -PSS_EVERY
        self.pss_rss = 0
        #: The supervisor's pid in its own /proc: the jail's pid 1, except in a restored
        #: SnapStart environment, whose pid 1 is the worker (see sandbox_restore.py).
        self.supervisor = "" if config.get("restored") else "1"
        #: A snapshot counts only its own user namespace: restored environments, in
        #: namespaces of their own, are watched by their own supervisors.
        self.namespace = _user_namespace("self") if config.get("snapshot_fd") else None

    def pids(self) -> list[int]:
        """Every process of the environment except the supervisor."""
        if self.own_proc:
            return [int(n) for n in os.listdir("/proc") if n.isdigit() and n != self.supervisor]
        return descendants(self.me)

    def check(self) -> tuple[dict[str, Any] | None, float]:
        """A reason to end the environment (or None), and when to look again."""
        if not LINUX:
            return None, IDLE_POLL
        pids = self.pids()
        if self.namespace is not None:
            pids = [pid for pid in pids if _user_namespace(str(pid)) == self.namespace]
        rss = cpu = tasks = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            cpu += int(fields[11]) + int(fields[12])
            tasks += int(fields[17])
            rss += int(fields[21]) * self.page
        wait = ACTIVE_POLL if cpu != self.cpu else IDLE_POLL
        self.cpu = cpu
        if rss > self.limit:
            used = self._shared_once(pids, rss)
            if used > self.limit:
                return {"out_of_memory": True}, wait
        if self.count_processes and tasks > self.processes:
            return {"too_many_processes": tasks}, wait
        return None, wait

    def _shared_once(self, pids: list[int], rss: int) -> int:
        """Memory with pages shared by forked processes counted once, as the kernel does.

        Reading it costs far more than the resident sizes, so while their sum barely moves
        it is measured at most every ``PSS_EVERY`` seconds and scaled in between.
        """
        now = time.monotonic()
        fresh = now - self.pss_at < PSS_EVERY and rss < self.pss_rss * 1.1
        if not fresh:
            pss = sum(self._pss(pid) for pid in pids) or rss
            self.ratio, self.pss_at, self.pss_rss = pss / rss, now, rss
        return int(rss * self.ratio)

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            return 0
        return 0
