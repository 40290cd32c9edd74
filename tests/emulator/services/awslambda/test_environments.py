"""Execution environments through the Lambda API: /tmp, memory, layers, output, Node.js, leaks."""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from lambdakit import ROLE, create, invoke, zipped

from emulator import Cloud
from emulator.services.awslambda import sandbox

FILL_TMP = """
import errno

def handler(event, context):
    chunk = b"x" * (1024 * 1024)
    written = 0
    try:
        with open("/tmp/fill.bin", "wb") as out:
            for _ in range(event["mb"]):
                out.write(chunk)
                written += 1
            out.flush()
    except OSError as error:
        return {"full": error.errno == errno.ENOSPC, "written_mb": written}
    return {"full": False, "written_mb": written}
"""


def _tail(answer: dict[str, Any]) -> str:
    return base64.b64decode(answer["LogResult"]).decode()


def test_tmp_is_as_large_as_the_ephemeral_storage(cloud: Cloud) -> None:
    create(cloud, FILL_TMP, Timeout=60)
    _, body = invoke(cloud, event={"mb": 600})
    assert body["full"] is True
    assert body["written_mb"] < 600
    cloud.client("lambda").update_function_configuration(
        FunctionName="fn", EphemeralStorage={"Size": 1024}
    )
    config = cloud.client("lambda").get_function_configuration(FunctionName="fn")
    assert config["EphemeralStorage"] == {"Size": 1024}
    _, body = invoke(cloud, event={"mb": 600})
    assert body == {"full": False, "written_mb": 600}


def test_memory_past_memory_size_ends_the_environment_as_aws_reports_it(cloud: Cloud) -> None:
    hog = "def handler(event, context):\n    hold = bytearray(400 * 1024 * 1024)\n    return len(hold)\n"
    create(cloud, hog, MemorySize=128, Timeout=30)
    answer, body = invoke(cloud, LogType="Tail")
    assert answer["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.OutOfMemory"
    assert body["errorMessage"].endswith("Runtime exited with error: signal: killed")
    report = [line for line in _tail(answer).splitlines() if line.startswith("REPORT")][-1]
    assert "Max Memory Used: 128 MB" in report
    # The environment is gone: the next call starts cold (and runs out of memory again).
    answer, _ = invoke(cloud, LogType="Tail")
    assert "Init Duration" in _tail(answer)
    assert len(cloud.events.filter(kind="cold_start")) == 2


def test_layers_are_under_opt_and_importable(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    arn = fn.publish_layer_version(
        LayerName="prices",
        Content={"ZipFile": zipped("RATE = 0.2\n", "python/prices.py")},
    )["LayerVersionArn"]
    source = (
        "import os\nimport prices\n\ndef handler(event, context):\n"
        "    return {'rate': prices.RATE, 'file': prices.__file__}\n"
    )
    create(cloud, source, Layers=[arn])
    answer, body = invoke(cloud)
    assert "FunctionError" not in answer, body
    assert body["rate"] == 0.2
    if sandbox.isolation() == "namespaces":
        assert body["file"] == "/opt/python/prices.py"


def test_lines_printed_before_a_timeout_are_kept(cloud: Cloud) -> None:
    slow = (
        "import time\n\ndef handler(event, context):\n"
        "    print('step 1 done', flush=True)\n    time.sleep(5)\n"
    )
    create(cloud, slow, Timeout=1)
    answer, _ = invoke(cloud, LogType="Tail")
    lines = _tail(answer).splitlines()
    step = next(i for i, line in enumerate(lines) if "step 1 done" in line)
    timed_out = next(i for i, line in enumerate(lines) if "Task timed out" in line)
    assert step < timed_out


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed here")
def test_a_node_function_runs(cloud: Cloud) -> None:
    source = (
        "exports.handler = async (event, context) => {\n"
        "  console.log('hello', event.name);\n"
        "  return { greeting: `Hi ${event.name}`, fn: context.functionName };\n"
        "};\n"
    )
    cloud.client("lambda").create_function(
        FunctionName="node",
        Runtime="nodejs20.x",
        Role=ROLE,
        Handler="index.handler",
        Code={"ZipFile": zipped(source, "index.js")},
    )
    answer, body = invoke(cloud, "node", {"name": "Ada"}, LogType="Tail")
    assert body == {"greeting": "Hi Ada", "fn": "node"}
    line = next(line for line in _tail(answer).splitlines() if "hello Ada" in line)
    stamp, request_id, level, message = line.split("\t")
    assert stamp.startswith("2026-01-01T00:00:00")  # virtual time, not the wall clock
    assert (level, message) == ("INFO", "hello Ada")
    assert len(request_id) == 36


def test_a_missing_node_is_a_clear_error(cloud: Cloud, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    cloud.client("lambda").create_function(
        FunctionName="node",
        Runtime="nodejs20.x",
        Role=ROLE,
        Handler="index.handler",
        Code={"ZipFile": zipped("exports.handler = async () => 1;\n", "index.js")},
    )
    with pytest.raises(Exception, match=r"Node\.js") as caught:
        invoke(cloud, "node")
    assert json.dumps(getattr(caught.value, "response", {})).find("ServiceException") >= 0


def _descendants() -> int:
    """Processes below this one (workers, their launchers and jails)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    mine = {os.getpid()}
    grew = True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in mine} - mine
        grew = bool(found)
        mine |= found
    return len(mine) - 1


def test_a_thousand_invocations_leave_no_process_behind(cloud: Cloud) -> None:
    before = _descendants()
    fn = cloud.client("lambda")
    names = [f"fn{n}" for n in range(10)]
    for name in names:
        create(cloud, "def handler(event, context):\n    return event['n']\n", name=name)
    for n in range(1000):
        assert invoke(cloud, names[n % 10], {"n": n})[1] == n
    assert _descendants() > before
    for name in names:
        fn.delete_function(FunctionName=name)
    assert _descendants() == before
