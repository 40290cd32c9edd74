"""The execution environment's sandbox: /tmp, memory, processes, output and layers, as on AWS."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.services.awslambda import sandbox
from emulator.services.awslambda.environment import Environment, Reply, WorkerGone
from emulator.services.awslambda.output import HEAD, TAIL
from emulator.services.awslambda.sandbox_jail import DEVICE_LINKS, DEVICES

MIB = 1024 * 1024
JAILED = sandbox.probe()[0]
needs_namespaces = pytest.mark.skipif(
    not JAILED, reason=f"user namespaces are not available here: {sandbox.probe()[1]}"
)
PYTHON = f"python{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture
def fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Environments made in this test use the fallback, as on a machine without namespaces."""
    monkeypatch.setenv(sandbox.FORCE_VARIABLE, "fallback")


@pytest.fixture(params=["namespaces", "fallback"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with each isolation this machine offers."""
    if request.param == "namespaces" and not JAILED:
        pytest.skip(f"user namespaces are not available here: {sandbox.probe()[1]}")
    if request.param == "fallback":
        monkeypatch.setenv(sandbox.FORCE_VARIABLE, "fallback")
    return str(request.param)


class Sandboxed:
    """Builds code folders and environments the way the backend does, and ends them all."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.marker = uuid.uuid4().hex
        self.environments: list[Environment] = []

    def code(self, source: str, name: str = "handler.py") -> Path:
        folder = self.root / f"code-{len(list(self.root.iterdir()))}"
        folder.mkdir()
        (folder / name).write_text(textwrap.dedent(source))
        return folder

    def environment(self, code_dir: Path, **options: Any) -> Environment:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "PYTHONDONTWRITEBYTECODE": "1",
            "AWS_LAMBDA_FUNCTION_NAME": "fn",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(options.get("memory_mb", 128)),
            "LAMBDA_TASK_ROOT": str(code_dir),
            "_HANDLER": "handler.handler",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
            # Every process of the environment inherits this: it is how leaks are counted.
            "SANDBOX_TEST_MARKER": self.marker,
        }
        environment = Environment(code_dir, env, "stream", **options)
        self.environments.append(environment)
        return environment

    def started(self, source: str, **options: Any) -> Environment:
        environment = self.environment(self.code(source), **options)
        init = environment.start(10)
        assert not init.timed_out, init.data
        assert init.data["error"] is None, init.data
        return environment

    def processes(self) -> int:
        """Processes on this machine that belong to environments of this test."""
        needle = f"SANDBOX_TEST_MARKER={self.marker}".encode()
        count = 0
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/environ", "rb") as handle:
                    count += needle in handle.read()
            except OSError:
                continue
        return count


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Sandboxed]:
    sandboxed = Sandboxed(tmp_path)
    yield sandboxed
    for environment in sandboxed.environments:
        environment.kill()


def result(reply: Reply) -> Any:
    assert not reply.timed_out, reply.data
    assert "result" in reply.data, reply.data
    return json.loads(reply.data["result"])


def invoke(environment: Environment, event: Any = None, timeout: float = 10) -> Reply:
    return environment.invoke(uuid.uuid4().hex, json.dumps(event or {}).encode(), timeout)


FILL_TMP = """
    import os

    def handler(event, context):
        written = 0
        fd = os.open("/tmp/fill", os.O_CREAT | os.O_WRONLY | os.O_TRUNC)
        chunk = b"x" * (1024 * 1024)
        try:
            while True:
                written += os.write(fd, chunk)
        except OSError as error:
            return {"written": written, "errno": error.errno, "message": error.strerror}
        finally:
            os.close(fd)
            os.unlink("/tmp/fill")
"""


@needs_namespaces
@pytest.mark.parametrize("ephemeral_mb", [512, 640])
def test_tmp_is_limited_to_the_ephemeral_storage_size(box: Sandboxed, ephemeral_mb: int) -> None:
    environment = box.started(FILL_TMP, ephemeral_mb=ephemeral_mb)
    answer = result(invoke(environment))
    # The handler catches the error itself, as it could on AWS.
    assert (answer["errno"], answer["message"]) == (errno.ENOSPC, "No space left on device")
    assert (ephemeral_mb - 1) * MIB <= answer["written"] <= ephemeral_mb * MIB


PERSIST = """
    import os
    import tempfile

    def handler(event, context):
        path = os.path.join(tempfile.gettempdir(), event["name"])
        found = os.path.exists(path)
        with open(path, "w") as handle:
            handle.write("kept")
        return {"found": found, "tmpdir": tempfile.gettempdir()}
"""


def test_tmp_persists_across_warm_invocations_not_across_environments(
    box: Sandboxed, mode: str
) -> None:
    name = f"marker-{box.marker}"
    code = box.code(PERSIST)
    first = box.environment(code)
    first.start(10)
    answer = result(invoke(first, {"name": name}))
    assert answer["found"] is False
    assert result(invoke(first, {"name": name}))["found"] is True
    second = box.environment(code)
    second.start(10)
    assert result(invoke(second, {"name": name}))["found"] is False
    if mode == "namespaces":
        # The handler wrote to the literal /tmp, the jail's own: the machine's is untouched.
        assert answer["tmpdir"] == "/tmp"
        assert not Path("/tmp", name).exists()
    else:
        # The fallback cannot move the literal /tmp; tempfile gets a folder of its own,
        # which goes with the environment.
        private = Path(answer["tmpdir"])
        assert private.is_dir()
        first.kill()
        assert not private.exists()


HOARD = """
    def handler(event, context):
        print("about to use a lot of memory")
        hoard = []
        while True:
            hoard.append(b"x" * (4 * 1024 * 1024))
"""


def test_memory_past_the_memory_size_kills_the_environment(box: Sandboxed, mode: str) -> None:
    environment = box.started(HOARD, memory_mb=128)
    started = time.monotonic()
    with pytest.raises(WorkerGone) as gone:
        invoke(environment)
    assert time.monotonic() - started < 5
    assert str(gone.value) == "signal: killed"
    assert gone.value.out_of_memory
    assert gone.value.log == "about to use a lot of memory\n"
    assert not environment.alive
    assert box.processes() == 0


ALLOCATE = """
    def handler(event, context):
        block = b"x" * (event["mb"] * 1024 * 1024)
        return len(block)
"""


@needs_namespaces
def test_memory_under_the_memory_size_is_fine_and_reported(box: Sandboxed) -> None:
    environment = box.started(ALLOCATE, memory_mb=256)
    reply = invoke(environment, {"mb": 150})
    assert result(reply) == 150 * MIB
    assert 150 <= reply.data["max_rss_mb"] < 256
    assert environment.alive


FORK_BOMB = """
    import os
    import time

    def handler(event, context):
        children = 0
        try:
            while True:
                if os.fork() == 0:
                    time.sleep(300)
                    os._exit(0)
                children += 1
        except OSError as error:
            return {"children": children, "type": type(error).__name__,
                    "errno": error.errno, "message": error.strerror}
"""


@needs_namespaces
def test_a_fork_bomb_hits_the_process_limit_and_leaves_nothing_behind(box: Sandboxed) -> None:
    assert box.processes() == 0
    environment = box.started(FORK_BOMB)
    answer = result(invoke(environment))
    # What os.fork() raises on AWS when the environment's 1,024 processes are used up.
    assert answer["type"] == "BlockingIOError"
    assert (answer["errno"], answer["message"]) == (
        errno.EAGAIN,
        "Resource temporarily unavailable",
    )
    assert sandbox.PROCESSES - 10 <= answer["children"] < sandbox.PROCESSES
    assert box.processes() > answer["children"]
    environment.kill()
    assert box.processes() == 0


DAEMONS = """
    import os
    import subprocess
    import time

    def handler(event, context):
        subprocess.Popen(["sleep", "300"], start_new_session=True)
        child = os.fork()
        if child == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(300)
            os._exit(0)
        os.waitpid(child, 0)
        return "daemons started"
"""


def test_killing_an_environment_kills_its_daemons(box: Sandboxed, mode: str) -> None:
    environment = box.started(DAEMONS)
    assert result(invoke(environment)) == "daemons started"
    worker_and_launcher = 3 if mode == "namespaces" else 2
    assert box.processes() == worker_and_launcher + 2
    environment.kill()
    assert box.processes() == 0
    assert not environment.alive


SLEEPER = """
    import time

    def handler(event, context):
        print("going to sleep")
        time.sleep(event.get("seconds", 300))
        return "awake"
"""


def test_a_timeout_kills_the_environment_and_keeps_the_output(box: Sandboxed, mode: str) -> None:
    environment = box.started(SLEEPER)
    reply = invoke(environment, {"seconds": 300}, timeout=0.5)
    assert reply.timed_out
    assert reply.data["log"] == "going to sleep\n"
    assert not environment.alive
    assert box.processes() == 0


PRINTER = """
    import os

    def handler(event, context):
        print("first line")
        os.system("echo from a child process")
        line = 0
        while True:
            line += 1
            print(f"line {line} " + "x" * 100)
"""


def test_an_endless_printer_times_out_with_bounded_output(box: Sandboxed, mode: str) -> None:
    environment = box.started(PRINTER)
    started = time.monotonic()
    reply = invoke(environment, timeout=1)
    assert 1 <= time.monotonic() - started < 3
    assert reply.timed_out
    log = reply.data["log"]
    assert log.startswith("first line\nfrom a child process\nline 1 ")
    assert "bytes of output dropped here" in log
    assert len(log.encode()) < HEAD + TAIL + 1024
    # The tail is the end of what was printed before the timeout.
    last = [line for line in log.splitlines() if line.startswith("line ")][-1]
    assert int(last.split()[1]) > 10_000


def test_output_of_every_process_reaches_the_log_per_invocation(box: Sandboxed) -> None:
    environment = box.started(
        """
        import os
        import subprocess
        import sys

        print("during init")

        def handler(event, context):
            print("print", event["n"])
            sys.stderr.write("stderr\\n")
            os.write(1, b"fd 1\\n")
            subprocess.run(["echo", "child"])
            return event["n"]
        """
    )
    assert environment.init is not None
    assert environment.init.data["log"] == "during init\n"
    for n in (1, 2):
        reply = invoke(environment, {"n": n})
        assert result(reply) == n
        assert reply.data["log"] == f"print {n}\nstderr\nfd 1\nchild\n"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("os._exit(3)", "exit status 3"),
        ("os.kill(os.getpid(), signal.SIGSEGV)", "signal: segmentation fault"),
        ("os.kill(os.getpid(), signal.SIGKILL)", "signal: killed"),
    ],
)
def test_a_worker_that_dies_is_reported_in_aws_words(
    box: Sandboxed, mode: str, code: str, reason: str
) -> None:
    environment = box.started(
        f"""
        import os
        import signal

        def handler(event, context):
            print("before")
            {code}
        """
    )
    with pytest.raises(WorkerGone) as gone:
        invoke(environment)
    assert (str(gone.value), gone.value.out_of_memory) == (reason, False)
    assert gone.value.log == "before\n"
    assert not environment.alive


def test_file_descriptors_are_limited(box: Sandboxed, mode: str) -> None:
    environment = box.started(
        """
        def handler(event, context):
            files = []
            try:
                while True:
                    files.append(open("/dev/null"))
            except OSError as error:
                return {"opened": len(files), "errno": error.errno}
        """
    )
    answer = result(invoke(environment))
    assert answer["errno"] == errno.EMFILE
    assert sandbox.FILE_DESCRIPTORS - 20 < answer["opened"] < sandbox.FILE_DESCRIPTORS


@needs_namespaces
def test_code_is_read_only_at_var_task_and_the_rest_too(box: Sandboxed) -> None:
    environment = box.started(
        """
        import os

        def write(path):
            try:
                open(path, "w").close()
            except OSError as error:
                return error.strerror
            return "written"

        def handler(event, context):
            return {
                "file": __file__,
                "cwd": os.getcwd(),
                "task": write("/var/task/new.txt"),
                "etc": write("/etc/serverlings-test"),
                "tmp": write("/tmp/new.txt"),
                "uid": os.getuid(),
                "dev": sorted(os.listdir("/dev")),
                "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
            }
        """
    )
    answer = result(invoke(environment))
    assert answer["file"] == "/var/task/handler.py"
    assert answer["cwd"] == "/var/task"
    assert answer["task"] == answer["etc"] == "Read-only file system"
    assert answer["tmp"] == "written"
    assert answer["uid"] == 993  # AWS's sbx_user1051
    # Harmless devices only (no disks), and no /dev/shm, as on AWS.
    assert answer["dev"] == sorted([*DEVICES, *DEVICE_LINKS])
    assert answer["pids"] == [1, 2]  # the jail's init and the worker: nothing else shows


def layer(root: Path, name: str, files: dict[str, str]) -> Path:
    folder = root / name
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


LAYERED = """
    import os
    import subprocess

    import in_first
    import in_second_site
    import shared

    def handler(event, context):
        config = None
        if os.path.exists("/opt/config/settings.txt"):
            config = open("/opt/config/settings.txt").read()
        return {
            "shared": shared.WHO,
            "first": in_first.WHO,
            "site": in_second_site.WHO,
            "config": config,
            "opt": sorted(os.listdir("/opt")) if os.path.isdir("/opt") else None,
            "tool": subprocess.run(["layer-tool"], capture_output=True, text=True).stdout,
        }
"""


def test_layers_merge_in_order_under_opt(box: Sandboxed, tmp_path: Path, mode: str) -> None:
    first = layer(
        tmp_path,
        "layer-1",
        {
            "python/shared.py": "WHO = 'first layer'\n",
            "python/in_first.py": "WHO = 'first layer'\n",
            "config/settings.txt": "from the first layer",
        },
    )
    second = layer(
        tmp_path,
        "layer-2",
        {
            "python/shared.py": "WHO = 'second layer'\n",
            f"python/lib/{PYTHON}/site-packages/in_second_site.py": "WHO = 'second layer'\n",
            "config/settings.txt": "from the second layer",
            "bin/layer-tool": "#!/bin/sh\necho tool from the second layer\n",
        },
    )
    (second / "bin" / "layer-tool").chmod(0o755)
    environment = box.environment(box.code(LAYERED), layer_dirs=[first, second])
    init = environment.start(10)
    assert init.data["error"] is None, init.data
    answer = result(invoke(environment))
    assert answer["shared"] == "second layer"  # the later layer overrides the earlier
    assert (answer["first"], answer["site"]) == ("first layer", "second layer")
    assert answer["tool"] == "tool from the second layer\n"  # the layers' bin is on PATH
    if mode == "namespaces":
        assert answer["config"] == "from the second layer"
        assert answer["opt"] == ["bin", "config", "python"]
    else:
        assert answer["opt"] is None or "config" not in answer["opt"]


def test_an_environment_outlives_the_thread_that_started_it(box: Sandboxed, mode: str) -> None:
    code = box.code("def handler(event, context):\n    return 'still here'\n")
    made: list[Environment] = []
    thread = threading.Thread(target=lambda: made.append(box.environment(code)))
    thread.start()
    thread.join()
    made[0].start(10)
    time.sleep(0.2)
    assert result(invoke(made[0])) == "still here"


def test_environments_die_with_a_crashed_emulator(box: Sandboxed, mode: str) -> None:
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from pathlib import Path
        from emulator.services.awslambda.environment import Environment
        code = Path({str(box.code(SLEEPER))!r})
        env = {{"PATH": os.environ["PATH"], "LAMBDA_TASK_ROOT": str(code),
               "_HANDLER": "handler.handler", "SANDBOX_TEST_MARKER": {box.marker!r}}}
        environment = Environment(code, env, "stream")
        environment.start(10)
        print(environment.tmp_dir or "", flush=True)
        environment.invoke("busy", b'{{"seconds": 300}}', 600)
        """
    )
    emulator = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, env=dict(os.environ)
    )
    assert emulator.stdout is not None
    tmp_dir = emulator.stdout.readline().decode().strip()
    assert bool(tmp_dir) == (mode == "fallback")
    time.sleep(0.2)  # the handler is now asleep in the middle of an invocation
    assert box.processes() > 0
    emulator.send_signal(signal.SIGKILL)
    emulator.wait()
    deadline = time.monotonic() + 5
    while box.processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert box.processes() == 0
    if tmp_dir:
        assert not Path(tmp_dir).exists()  # the launcher took the private folder along


def test_guarantees_say_what_holds_on_this_machine(mode: str) -> None:
    sentence = sandbox.guarantees()
    if mode == "namespaces":
        assert sentence.startswith("Each execution environment runs in its own Linux namespaces")
        assert "1,024 processes" in sentence
    else:
        assert sentence.startswith("Execution environments are not fully isolated")
        assert f"{sandbox.FORCE_VARIABLE}=fallback" in sentence
        assert "/tmp is the machine's own" in sentence


def test_the_fallback_is_what_new_environments_use_when_forced(
    box: Sandboxed, fallback: None
) -> None:
    assert sandbox.isolation() == "fallback"
    environment = box.started("def handler(event, context):\n    return __file__\n")
    assert environment.isolation == "fallback"
    # Stack traces and __file__ keep the host path; only the jail has /var/task.
    assert result(invoke(environment)).endswith("/handler.py")


@needs_namespaces
def test_an_interpreter_under_tmp_stays_visible_in_the_jail(box: Sandboxed, tmp_path: Path) -> None:
    # CI machines often keep their virtual environment under /tmp, which the jail replaces.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The project itself may live under /tmp too (a CI clone): then it is carried as well.
    assert str(venv) in sandbox.carried([str(python), str(sandbox.RUNTIME)])
    environment = box.environment(
        box.code("import sys\n\ndef handler(event, context):\n    return sys.prefix\n"),
        command=[str(python), str(sandbox.RUNTIME)],
    )
    assert environment.start(10).data["error"] is None
    assert result(invoke(environment)) == str(venv)


def test_the_fallback_contains_a_fork_bomb_too(
    box: Sandboxed, fallback: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "PROCESSES", 40)  # a small limit keeps the test quick
    environment = box.started(FORK_BOMB, memory_mb=2048)
    if os.getuid() == 0:
        # Root is exempt from the process rlimit: the supervisor counts and ends it all.
        with pytest.raises(WorkerGone) as gone:
            invoke(environment)
        assert str(gone.value) == "signal: killed"
        assert "more than Lambda's 40" in gone.value.note
    else:
        answer = result(invoke(environment))
        assert (answer["type"], answer["errno"]) == ("BlockingIOError", errno.EAGAIN)
    environment.kill()
    assert box.processes() == 0


@needs_namespaces
def test_an_emulator_installed_under_tmp_still_builds_jails(
    box: Sandboxed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The launcher and the worker live in the emulator's package; under /tmp, the jail's
    # own /tmp would hide them.
    package = tmp_path / "package"
    package.mkdir()
    for name in ("sandbox_init.py", "sandbox_jail.py", "sandbox_watchdog.py", "runtime.py"):
        (package / name).write_bytes((sandbox.LAUNCHER.parent / name).read_bytes())
    monkeypatch.setattr(sandbox, "LAUNCHER", package / "sandbox_init.py")
    monkeypatch.setattr(sandbox, "RUNTIME", package / "runtime.py")
    environment = box.started(FILL_TMP, ephemeral_mb=512, memory_mb=256)
    answer = result(invoke(environment))
    assert answer["errno"] == errno.ENOSPC
    assert box.processes() > 0
    environment.kill()
    assert box.processes() == 0
