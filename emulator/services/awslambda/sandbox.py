"""How execution environments are isolated on this machine, and how a worker is launched.

Two ways, chosen once per process by a probe:

- ``namespaces`` (Linux with unprivileged user namespaces): each environment is a jail
  with its own /tmp (a tmpfs of the function's ephemeral storage size), its code at
  /var/task and its layers at /opt (read-only, like the rest of the file system), its own
  pid namespace (ending the environment ends every process in it) and AWS's process limit.
- ``fallback`` (user namespaces forbidden: Ubuntu's AppArmor rule, many containers,
  macOS): rlimits, a private temporary folder, and a supervisor that tracks every process
  the worker starts.

``guarantees()`` says in one sentence which guarantees hold here. Setting the environment
variable ``SERVERLINGS_SANDBOX=fallback`` forces the fallback.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from emulator import limits
from emulator.services.awslambda.sandbox_init import encode

Isolation = Literal["namespaces", "fallback"]

LAUNCHER = Path(__file__).with_name("sandbox_init.py")
RUNTIME = Path(__file__).with_name("runtime.py")
#: Lambda's fixed limits per execution environment: file descriptors, and processes and
#: threads together (from the emulator's table of limits).
FILE_DESCRIPTORS = int(limits.value("lambda", "FileDescriptors"))
PROCESSES = int(limits.value("lambda", "Processes"))
#: The folders the jail replaces; an interpreter installed under one of them is carried.
JAIL_OWNED = ("/tmp", "/opt")
FORCE_VARIABLE = "SERVERLINGS_SANDBOX"
#: Environment variable telling the worker where the layers are (/opt in the jail).
OPT_VARIABLE = "SERVERLINGS_OPT_DIR"


def isolation() -> Isolation:
    """The isolation used for new environments: forced by the user, else probed once."""
    if os.environ.get(FORCE_VARIABLE, "").lower() in {"fallback", "off", "none"}:
        return "fallback"
    return "namespaces" if probe()[0] else "fallback"


@functools.cache
def probe() -> tuple[bool, str]:
    """Whether a jail can be built here, and if not, why (run once per process)."""
    if not sys.platform.startswith("linux"):
        return False, f"Linux namespaces do not exist on {sys.platform}"
    with tempfile.TemporaryDirectory(prefix="serverlings-probe-") as empty:
        command = [sys.executable, "-I", "-S", "-c", "import os; os.write(1, b'ready\\n')"]
        config = launch_config(Path(empty), command, "namespaces", 128, 1, None)
        try:
            answer = subprocess.run(
                launcher_command(config),
                input=b"",
                capture_output=True,
                timeout=10,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return False, str(error)
    lines = answer.stdout.decode(errors="replace").split()
    if lines and lines[0] == "ready":
        return True, ""
    for line in answer.stdout.decode(errors="replace").splitlines():
        if line.startswith('{"worker_exit"'):
            details = json.loads(line)["worker_exit"]
            return False, details.get("setup_error") or details.get("status", "")
    return False, answer.stderr.decode(errors="replace").strip() or "the sandbox did not start"


def guarantees() -> str:
    """One sentence for people: which of Lambda's isolation guarantees hold on this machine."""
    root = os.getuid() == 0
    if isolation() == "namespaces":
        return (
            "Each execution environment runs in its own Linux namespaces: a private /tmp "
            "limited to the function's ephemeral storage (a write past it fails with 'No "
            "space left on device'), the code read-only at /var/task and the layers at /opt, "
            "a read-only file system elsewhere"
            + (" (readable in full, since the emulator runs as root)" if root else "")
            + ", memory enforced (a function that uses more than its memory size is "
            f"killed), at most {PROCESSES:,} processes and threads and {FILE_DESCRIPTORS:,} "
            "open files, and every process it starts ends with it."
        )
    forced = os.environ.get(FORCE_VARIABLE)
    why = f"{FORCE_VARIABLE}={forced}" if forced else probe()[1]
    if not sys.platform.startswith("linux"):
        limits_part = (
            "memory and the process count are not enforced, and ending an environment ends "
            "its process group only (not processes that left it)"
        )
    else:
        processes = (
            f"the environment is killed past {PROCESSES:,} processes and threads (root is "
            "exempt from the limit that makes fork fail on AWS)"
            if root
            else f"fork fails after about {PROCESSES:,} more processes than you already "
            "run (the limit counts all of yours here)"
        )
        limits_part = (
            f"memory is enforced (the environment is killed past it), {processes}, and "
            "ending an environment ends every process it started"
        )
    return (
        f"Execution environments are not fully isolated on this machine ({why}): /tmp is the "
        "machine's own and not size-limited (only tempfile and TMPDIR use a private "
        "folder that goes with the environment), the code and layers are not at /var/task "
        f"and /opt, at most {FILE_DESCRIPTORS:,} open files, {limits_part}."
    )


def launch_config(
    code_dir: Path,
    command: Sequence[str],
    mode: Isolation,
    memory_mb: int,
    ephemeral_mb: int,
    opt_dir: Path | None,
    tmp_dir: Path | None = None,
) -> dict[str, Any]:
    """The launcher's configuration (its only argument, see ``sandbox_init.encode``)."""
    return {
        "isolation": mode,
        "parent": os.getpid(),
        "command": list(command),
        "code_dir": str(code_dir),
        "opt_dir": str(opt_dir) if opt_dir else None,
        "tmp_dir": str(tmp_dir) if tmp_dir else None,
        "memory_mb": memory_mb,
        "tmp_mb": ephemeral_mb,
        "descriptors": FILE_DESCRIPTORS,
        "processes": PROCESSES,
        "carry": carried(command) if mode == "namespaces" else [],
        "hidden": hidden_tops(command) if mode == "namespaces" else [],
    }


def launcher_command(config: dict[str, Any]) -> list[str]:
    """The command line that starts an environment's launcher."""
    return [sys.executable, "-I", "-S", str(LAUNCHER), encode(config)]


def python_command() -> list[str]:
    """The Python worker."""
    return [sys.executable, str(RUNTIME)]


def carried(command: Sequence[str]) -> list[str]:
    """Folders the worker needs that the jail would hide (an interpreter under /tmp or /opt)."""
    wanted = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    program = shutil.which(command[0]) if command else None
    for argument in [program or "", *command[1:]]:
        if not (os.path.isabs(argument) and os.path.exists(argument)):
            continue
        for path in {argument, os.path.realpath(argument)}:
            folder = os.path.dirname(path)
            if os.path.basename(folder) == "bin":
                # An executable in a bin folder needs its installation (lib, pyvenv.cfg) too.
                wanted.add(os.path.dirname(folder))
            elif path.endswith((".py", ".js")):
                # A worker script needs the modules beside it (the SnapStart library).
                wanted.add(folder)
            else:
                wanted.add(path)
    return [
        path
        for path in sorted(wanted)
        if any(path == top or path.startswith(top + "/") for top in JAIL_OWNED)
        or _behind_private_folder(path)
    ]


def hidden_tops(command: Sequence[str]) -> list[str]:
    """Top-level folders the jail replaces by only what the worker needs of them.

    When the emulator runs as root, an interpreter under a private home (a pyenv under
    /root) is readable by the worker only through root's privilege; the jail shows that
    installation alone, in folders anyone may cross, so a worker that gives up root (a
    SnapStart restore, see sandbox_restore.py) can still import from it.
    """
    return sorted({path.split("/")[1] for path in carried(command) if _behind_private_folder(path)})


def _behind_private_folder(path: str) -> bool:
    if os.getuid() != 0:
        return False
    for parent in Path(path).parents:
        if str(parent) == "/":
            return False
        try:
            if not os.stat(parent).st_mode & 0o001:
                return True
        except OSError:
            return False
    return False


@functools.cache
def _layer_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="serverlings-layers-"))
    atexit.register(shutil.rmtree, root, True)
    return root


def merged_layers(layer_dirs: Sequence[Path]) -> Path | None:
    """One folder with the layers' contents merged in order, later ones overriding.

    Lambda merges the layers into /opt in the order of the function's ``Layers``. The
    merge is made once per list of layers (hard links where possible) and reused.
    """
    if not layer_dirs:
        return None
    if len(layer_dirs) == 1:
        return Path(layer_dirs[0])
    key = hashlib.sha256("\0".join(str(Path(d).resolve()) for d in layer_dirs).encode())
    target = _layer_root() / key.hexdigest()[:16]
    if target.exists():
        return target
    staging = Path(tempfile.mkdtemp(dir=_layer_root()))
    for layer in layer_dirs:
        shutil.copytree(layer, staging, symlinks=True, copy_function=_link, dirs_exist_ok=True)
    try:
        staging.rename(target)
    except OSError:
        # Another environment merged the same layers first.
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _link(source: str, target: str) -> None:
    if os.path.lexists(target):
        os.unlink(target)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
