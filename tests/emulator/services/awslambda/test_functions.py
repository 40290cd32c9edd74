"""Lambda functions: configuration, limits and real execution, as AWS documents them."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from lambdakit import create, invoke, zipped

from emulator import ClientError, Cloud


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


ECHO = "def handler(event, context):\n    return {'got': event, 'name': context.function_name}\n"


def test_create_get_list_update_delete(cloud: Cloud) -> None:
    config = create(cloud, ECHO, Environment={"Variables": {"TABLE_NAME": "Orders"}})
    assert config["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:fn"
    assert (config["Timeout"], config["MemorySize"], config["Version"]) == (3, 128, "$LATEST")
    assert config["Environment"] == {"Variables": {"TABLE_NAME": "Orders"}}
    assert config["LastModified"] == "2026-01-01T00:00:00.000+0000"
    fn = cloud.client("lambda")
    assert fn.get_function(FunctionName="fn")["Configuration"]["CodeSha256"] == config["CodeSha256"]
    assert [f["FunctionName"] for f in fn.list_functions()["Functions"]] == ["fn"]
    updated = fn.update_function_configuration(FunctionName="fn", Timeout=10, MemorySize=256)
    assert (updated["Timeout"], updated["MemorySize"]) == (10, 256)
    fn.delete_function(FunctionName=config["FunctionArn"])
    assert error_of(fn.get_function, FunctionName="fn") == (
        "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:fn",
    )


@pytest.mark.parametrize(
    ("extra", "code", "words"),
    [
        ({"Timeout": 901}, "InvalidParameterValueException", "from 1 to 900"),
        ({"Timeout": 0}, "InvalidParameterValueException", "from 1 to 900"),
        ({"MemorySize": 127}, "InvalidParameterValueException", "between 128 and 10240"),
        ({"MemorySize": 10241}, "InvalidParameterValueException", "between 128 and 10240"),
        ({"Role": "not-a-role"}, "ValidationException", "at 'role' failed to satisfy constraint"),
        ({"Runtime": "python2.7"}, "InvalidParameterValueException", "no longer supported"),
        ({"Runtime": "java21"}, "NotSupportedByEmulator", "not supported by the emulator"),
        (
            {"Code": {"ZipFile": b"not a zip"}},
            "InvalidParameterValueException",
            "Could not unzip uploaded file",
        ),
        (
            {"Code": {"S3Bucket": "b", "S3Key": "k"}},
            "NotSupportedByEmulator",
            "not supported by the emulator",
        ),
        ({"FunctionName": "bad name"}, "ValidationException", "functionName"),
        (
            {"Environment": {"Variables": {"BIG": "x" * 4096}}},
            "InvalidParameterValueException",
            "exceeded the 4KB limit. String measured:",
        ),
        (
            {"Environment": {"Variables": {"AWS_REGION": "x"}}},
            "InvalidParameterValueException",
            "reserved keys",
        ),
    ],
)
def test_configuration_is_validated_against_aws_limits(
    cloud: Cloud, extra: dict[str, Any], code: str, words: str
) -> None:
    with pytest.raises(ClientError) as caught:
        create(cloud, ECHO, **extra)
    assert caught.value.response["Error"]["Code"] == code
    assert words in caught.value.response["Error"]["Message"]


def test_duplicate_function_conflicts(cloud: Cloud) -> None:
    create(cloud, ECHO)
    with pytest.raises(ClientError) as caught:
        create(cloud, ECHO)
    assert caught.value.response["Error"]["Code"] == "ResourceConflictException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_invoke_runs_the_code_cold_then_warm(cloud: Cloud) -> None:
    create(
        cloud,
        "import os\nINITS = 0\nINITS += 1\nCALLS = []\n"
        "def handler(event, context):\n    CALLS.append(1)\n"
        "    return {'inits': INITS, 'calls': len(CALLS), 'pid': os.getpid(), 'table': os.environ.get('T')}\n",
        Environment={"Variables": {"T": "Orders"}},
    )
    first, body1 = invoke(cloud)
    _, body2 = invoke(cloud)
    assert first["StatusCode"] == 200
    assert first["ExecutedVersion"] == "$LATEST"
    assert body1 == {"inits": 1, "calls": 1, "pid": body1["pid"], "table": "Orders"}
    assert body2["calls"] == 2
    assert body2["pid"] == body1["pid"]
    kinds = [e.kind for e in cloud.events.filter(service="lambda")]
    assert kinds.count("cold_start") == 1
    assert kinds.count("invoke") == 2


def test_new_code_means_a_new_environment(cloud: Cloud) -> None:
    create(cloud, "def handler(e, c):\n    return 1\n")
    assert invoke(cloud)[1] == 1
    cloud.client("lambda").update_function_code(
        FunctionName="fn", ZipFile=zipped("def handler(e, c):\n    return 2\n")
    )
    assert invoke(cloud)[1] == 2
    assert len(cloud.events.filter(kind="cold_start")) == 2


def test_unhandled_exception_has_the_aws_shape(cloud: Cloud) -> None:
    create(cloud, "def handler(event, context):\n    raise ValueError('order total is negative')\n")
    answer, body = invoke(cloud)
    assert answer["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "order total is negative"
    assert body["requestId"]
    assert body["stackTrace"] == [
        "  File \"/var/task/handler.py\", line 2, in handler\n    raise ValueError('order total is negative')\n"
    ]


def test_timeout_is_enforced_and_the_environment_discarded(cloud: Cloud) -> None:
    create(
        cloud,
        "import time\ndef handler(event, context):\n    while event.get('loop'):\n        time.sleep(0.01)\n    return 'ok'\n",
        Timeout=1,
    )
    answer, body = invoke(cloud, event={"loop": True})
    assert answer["FunctionError"] == "Unhandled"
    assert body["errorMessage"].startswith("2026-01-01T00:00:00.000Z ")
    assert body["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert invoke(cloud)[1] == "ok"
    assert len(cloud.events.filter(kind="cold_start")) == 2
    assert len(cloud.events.filter(kind="timeout")) == 1


@pytest.mark.parametrize(
    ("source", "error_type", "message"),
    [
        (
            "def handler(event, context)\n    return 1\n",
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module 'handler'",
        ),
        (
            "import not_a_module\ndef handler(e, c):\n    return 1\n",
            "Runtime.ImportModuleError",
            "Unable to import module 'handler': No module named 'not_a_module'",
        ),
        (
            "def other(e, c):\n    return 1\n",
            "Runtime.HandlerNotFound",
            "Handler 'handler' missing on module 'handler'",
        ),
        (
            "def handler(e, c):\n    return {1, 2}\n",
            "Runtime.MarshalError",
            "Unable to marshal response: Object of type set is not JSON serializable",
        ),
        (
            "import sys\ndef handler(e, c):\n    sys.exit(3)\n",
            "Runtime.ExitError",
            "Runtime exited with error: exit status 3",
        ),
        (
            "import os\ndef handler(e, c):\n    os._exit(1)\n",
            "Runtime.ExitError",
            "Runtime exited with error: exit status 1",
        ),
    ],
)
def test_broken_code_gets_the_runtime_error(
    cloud: Cloud, source: str, error_type: str, message: str
) -> None:
    create(cloud, source)
    answer, body = invoke(cloud)
    assert answer["FunctionError"] == "Unhandled"
    assert body["errorType"] == error_type
    assert message in body["errorMessage"]
    fixed = zipped("def handler(e, c):\n    return 'fixed'\n")
    cloud.client("lambda").update_function_code(FunctionName="fn", ZipFile=fixed)
    assert invoke(cloud)[1] == "fixed"


def test_prints_and_report_lines_reach_the_logs(cloud: Cloud) -> None:
    create(
        cloud,
        "print('init line')\ndef handler(event, context):\n    print('hello', event['name'])\n    return 1\n",
    )
    answer, _ = invoke(cloud, event={"name": "Ada"}, LogType="Tail")
    tail = base64.b64decode(answer["LogResult"]).decode()
    lines = tail.strip().split("\n")
    assert lines[0] == "init line"
    assert lines[1].startswith("START RequestId: ")
    assert lines[1].endswith(" Version: $LATEST")
    assert lines[2] == "hello Ada"
    assert lines[3].startswith("END RequestId: ")
    report = lines[4]
    for part in (
        "REPORT RequestId: ",
        "\tDuration: ",
        " ms\tBilled Duration: ",
        "\tMemory Size: 128 MB\t",
        "\tMax Memory Used: ",
        "\tInit Duration: ",
    ):
        assert part in report
    invoke(cloud, event={"name": "Bo"})
    logs = cloud.client("logs")
    stream = logs.describe_log_streams(logGroupName="/aws/lambda/fn")["logStreams"]
    assert len(stream) == 1
    assert stream[0]["logStreamName"].startswith("2026/01/01/[$LATEST]")
    reports = logs.filter_log_events(logGroupName="/aws/lambda/fn", filterPattern="REPORT")[
        "events"
    ]
    assert len(reports) == 2
    assert "Init Duration" in reports[0]["message"]
    assert "Init Duration" not in reports[1]["message"]


def test_event_invocations_wait_for_the_clock_and_retry_on_error(cloud: Cloud) -> None:
    create(
        cloud,
        "def handler(event, context):\n    print('ran', event['n'])\n    if event.get('fail'):\n        raise RuntimeError('nope')\n",
    )
    fn = cloud.client("lambda")
    assert (
        fn.invoke(FunctionName="fn", InvocationType="Event", Payload=b'{"n": 1}')["StatusCode"]
        == 202
    )
    fn.invoke(FunctionName="fn", InvocationType="Event", Payload=b'{"n": 2, "fail": true}')
    logs = cloud.client("logs")
    with pytest.raises(ClientError):
        logs.filter_log_events(logGroupName="/aws/lambda/fn")
    cloud.clock.advance(0)
    ran = [
        e["message"]
        for e in logs.filter_log_events(logGroupName="/aws/lambda/fn", filterPattern="ran")[
            "events"
        ]
    ]
    assert ran == ["ran 1\n", "ran 2\n"]
    cloud.clock.advance(59)
    assert (
        len(
            logs.filter_log_events(logGroupName="/aws/lambda/fn", filterPattern='"ran 2"')["events"]
        )
        == 1
    )
    cloud.clock.advance(1)
    assert (
        len(
            logs.filter_log_events(logGroupName="/aws/lambda/fn", filterPattern='"ran 2"')["events"]
        )
        == 2
    )
    cloud.clock.advance(120)
    assert (
        len(
            logs.filter_log_events(logGroupName="/aws/lambda/fn", filterPattern='"ran 2"')["events"]
        )
        == 3
    )
    cloud.clock.advance(3600)
    assert (
        len(
            logs.filter_log_events(logGroupName="/aws/lambda/fn", filterPattern='"ran 2"')["events"]
        )
        == 3
    )
    assert [e.detail["attempt"] for e in cloud.events.filter(kind="retry")] == [1, 2]


def test_dry_run_and_payload_limits(cloud: Cloud) -> None:
    create(cloud, ECHO)
    fn = cloud.client("lambda")
    assert fn.invoke(FunctionName="fn", InvocationType="DryRun")["StatusCode"] == 204
    assert (
        error_of(fn.invoke, FunctionName="fn", Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')[0]
        == "RequestTooLargeException"
    )
    assert error_of(
        fn.invoke,
        FunctionName="fn",
        InvocationType="Event",
        Payload=b'"' + b"x" * (1024 * 1024) + b'"',
    )[0] == ("RequestTooLargeException")
    assert (
        error_of(fn.invoke, FunctionName="fn", Payload=b"{not json")[0]
        == "InvalidRequestContentException"
    )
    assert error_of(fn.invoke, FunctionName="fn", Qualifier="7")[0] == "ResourceNotFoundException"


def test_workers_never_leak(cloud: Cloud) -> None:
    for n in range(4):
        create(cloud, ECHO, name=f"fn{n}")
    for round_ in range(25):
        for n in range(4):
            assert invoke(cloud, name=f"fn{n}", event={"r": round_})[1]["got"] == {"r": round_}
    backend: Any = cloud.backend("lambda")
    assert backend.live_workers() == 4
    cloud.client("lambda").delete_function(FunctionName="fn0")
    assert backend.live_workers() == 3
    processes = [e.process for e in backend.invoker._all]
    cloud.close()
    assert all(p.poll() is not None for p in processes)


def test_snapshot_restores_functions_and_pending_events(cloud: Cloud) -> None:
    create(cloud, "def handler(event, context):\n    print('async', event)\n    return event\n")
    cloud.client("lambda").invoke(FunctionName="fn", InvocationType="Event", Payload=b'{"k": 1}')
    with Cloud.restore(json.loads(json.dumps(cloud.snapshot()))) as again:
        assert invoke(again, event={"x": 1})[1] == {"x": 1}
        again.clock.advance(1)
        events = again.client("logs").filter_log_events(
            logGroupName="/aws/lambda/fn", filterPattern="async"
        )["events"]
        assert [e["message"] for e in events] == ["async {'x': 1}\n", "async {'k': 1}\n"]


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"Runtime": "python3.11"}, "InvalidParameterValueException"),
        ({"EphemeralStorage": {"Size": 1024}}, "InvalidParameterValueException"),
        ({"SnapStart": {"ApplyOn": "Always"}}, "ValidationException"),
    ],
)
def test_snapstart_limits_are_refused(cloud: Cloud, extra: dict[str, Any], code: str) -> None:
    params = {"SnapStart": {"ApplyOn": "PublishedVersions"}, **extra}
    with pytest.raises(ClientError) as caught:
        create(cloud, ECHO, **params)
    assert caught.value.response["Error"]["Code"] == code
