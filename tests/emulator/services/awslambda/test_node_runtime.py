"""The Node.js worker, driven over its JSON-lines protocol as the backend drives it."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.services.awslambda.runtimes import worker_command

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None,
    reason="Node.js is not installed here: the Node.js worker cannot be exercised",
)

#: 2026-01-01T00:00:00Z, the virtual clock's default start, in epoch milliseconds.
NOW_MS = 1_767_225_600_000
ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"
STREAM = "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef"


class Worker:
    """One worker process, spoken to as the backend speaks to it."""

    def __init__(
        self,
        code_dir: Path,
        handler: str,
        runtime: str = "nodejs22.x",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "HOME": str(code_dir),
            "AWS_LAMBDA_FUNCTION_NAME": "fn",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": STREAM,
            "AWS_REGION": "us-east-1",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
            "LAMBDA_TASK_ROOT": str(code_dir),
            "_HANDLER": handler,
            "SERVERLINGS_FUNCTION_ARN": ARN,
            "SERVERLINGS_NOW_MS": str(NOW_MS),
            **(extra_env or {}),
        }
        self.process = subprocess.Popen(
            worker_command(runtime, env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=code_dir,
            env=env,
        )
        self._buffer = b""
        self.init = self.read()

    def read(self, timeout: float = 10.0) -> dict[str, Any]:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the worker did not answer")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise EOFError(f"the worker ended with {self.process.wait()}")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def send(self, event: Any, request_id: str = "req-1", timeout: float = 3, **extra: Any) -> None:
        request = {"request_id": request_id, "event": json.dumps(event), "timeout": timeout}
        request.update(extra)
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()

    def invoke(self, event: Any = None, request_id: str = "req-1", **extra: Any) -> dict[str, Any]:
        extra.setdefault("now_ms", NOW_MS)
        self.send({} if event is None else event, request_id, **extra)
        return self.read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Any]:
    """Writes the given files into a code directory and starts a worker on it."""
    workers: list[Worker] = []

    def _start(files: dict[str, str], handler: str = "index.handler", **options: Any) -> Worker:
        for name, text in files.items():
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        worker = Worker(tmp_path, handler, **options)
        workers.append(worker)
        return worker

    yield _start
    for worker in workers:
        worker.close()


def result(reply: dict[str, Any]) -> Any:
    assert "result" in reply, reply
    return json.loads(reply["result"])


def log_lines(reply: dict[str, Any]) -> list[str]:
    text: str = reply["log"]
    return text.rstrip("\n").split("\n") if text else []


# -- handler styles and module kinds -----------------------------------------------------------


def test_commonjs_async_handler_and_the_context(start: Any) -> None:
    worker = start(
        {
            "index.js": (
                "exports.handler = async (event, context) => ({\n"
                "  event,\n"
                "  functionName: context.functionName,\n"
                "  functionVersion: context.functionVersion,\n"
                "  invokedFunctionArn: context.invokedFunctionArn,\n"
                "  memoryLimitInMB: context.memoryLimitInMB,\n"
                "  awsRequestId: context.awsRequestId,\n"
                "  logGroupName: context.logGroupName,\n"
                "  logStreamName: context.logStreamName,\n"
                "  remaining: context.getRemainingTimeInMillis(),\n"
                "  waits: context.callbackWaitsForEmptyEventLoop,\n"
                "});\n"
            )
        }
    )
    assert worker.init["error"] is None
    assert worker.init["init_ms"] > 0
    reply = worker.invoke({"order": 7}, request_id="abc-123", timeout=3)
    answer = result(reply)
    assert answer.pop("remaining") in range(2000, 3001)
    assert answer == {
        "event": {"order": 7},
        "functionName": "fn",
        "functionVersion": "$LATEST",
        "invokedFunctionArn": ARN,
        "memoryLimitInMB": "256",  # a string, as on AWS: it comes from the environment
        "awsRequestId": "abc-123",
        "logGroupName": "/aws/lambda/fn",
        "logStreamName": STREAM,
        "waits": True,
    }
    assert reply["duration_ms"] >= 0
    assert reply["max_rss_mb"] > 0


def test_es_module_mjs_handler(start: Any) -> None:
    worker = start({"index.mjs": "export const handler = async (event) => event.n * 2;\n"})
    assert result(worker.invoke({"n": 21})) == 42


def test_cjs_extension(start: Any) -> None:
    worker = start({"index.cjs": "module.exports.handler = async () => 'from cjs';\n"})
    assert result(worker.invoke()) == "from cjs"


def test_type_module_package_makes_js_an_es_module(start: Any) -> None:
    worker = start(
        {
            "package.json": '{"type": "module"}',
            "index.js": "export async function handler() { return import.meta.url.startsWith('file:'); }\n",
        }
    )
    assert result(worker.invoke()) is True


def test_nested_path_and_nested_export(start: Any) -> None:
    worker = start(
        {"src/app.js": "exports.api = { v1: { main: async (e) => `nested ${e.x}` } };\n"},
        handler="src/app.api.v1.main",
    )
    assert result(worker.invoke({"x": 1})) == "nested 1"


def test_promise_returning_handler(start: Any) -> None:
    worker = start(
        {
            "index.js": (
                "exports.handler = (event) =>\n"
                "  new Promise((resolve) => setTimeout(() => resolve({ ok: event.ok }), 20));\n"
            )
        }
    )
    assert result(worker.invoke({"ok": "yes"})) == {"ok": "yes"}


def test_callback_handler_waits_for_an_empty_event_loop(start: Any) -> None:
    """The answer goes once pending timers have run: their output is in this invocation."""
    worker = start(
        {
            "index.js": (
                "exports.handler = (event, context, callback) => {\n"
                "  setTimeout(() => console.log('timer ran'), 30);\n"
                "  callback(null, 'called back');\n"
                "};\n"
            )
        }
    )
    reply = worker.invoke()
    assert result(reply) == "called back"
    assert any(line.endswith("\treq-1\tINFO\ttimer ran") for line in log_lines(reply))


def test_callback_without_waiting_answers_at_once_and_freezes_the_rest(start: Any) -> None:
    """callbackWaitsForEmptyEventLoop = false: the pending timer is frozen with the process.

    It fires when the next event thaws it, before that event reaches the handler, so its line
    lands in the next invocation's log still carrying the first request id.
    """
    worker = start(
        {
            "index.js": (
                "exports.handler = (event, context, callback) => {\n"
                "  context.callbackWaitsForEmptyEventLoop = false;\n"
                "  if (event.first) setTimeout(() => console.log('late timer'), 10);\n"
                "  callback(null, 'quick');\n"
                "};\n"
            )
        }
    )
    first = worker.invoke({"first": True}, request_id="one")
    assert result(first) == "quick"
    assert "late timer" not in first["log"]
    time.sleep(0.05)  # frozen between invocations: the timer cannot run now
    second = worker.invoke({}, request_id="two")
    assert log_lines(second) == ["2026-01-01T00:00:00.000Z\tone\tINFO\tlate timer"]


def test_frozen_timer_that_throws_ends_the_next_invocation(start: Any) -> None:
    """The thawed timer crashes the runtime before the handler runs: the answer is the exit."""
    worker = start(
        {
            "index.js": (
                "exports.handler = (event, context, callback) => {\n"
                "  context.callbackWaitsForEmptyEventLoop = false;\n"
                "  if (event.first) setTimeout(() => { throw new Error('late'); }, 10);\n"
                "  callback(null, 'ok');\n"
                "};\n"
            )
        }
    )
    assert result(worker.invoke({"first": True}, request_id="one")) == "ok"
    time.sleep(0.05)
    reply = worker.invoke({}, request_id="two")
    assert reply["exit"] == 129
    assert "\tone\tERROR\tUncaught Exception \t" in reply["log"]


def test_invoked_arn_from_the_request(start: Any) -> None:
    worker = start({"index.js": "exports.handler = async (e, c) => c.invokedFunctionArn;\n"})
    assert result(worker.invoke(invoked_function_arn=ARN + ":live")) == ARN + ":live"
    assert result(worker.invoke()) == ARN


def test_callback_with_an_error(start: Any) -> None:
    worker = start(
        {
            "index.js": "exports.handler = (e, c, callback) => callback(new TypeError('bad input'));\n"
        }
    )
    error = worker.invoke()["error"]
    assert (error["errorType"], error["errorMessage"]) == ("TypeError", "bad input")
    assert error["trace"][0] == "TypeError: bad input"


def test_context_succeed(start: Any) -> None:
    worker = start(
        {"index.js": "exports.handler = (e, context) => { context.succeed('fine'); };\n"}
    )
    assert result(worker.invoke()) == "fine"


def test_sync_handler_without_callback_answers_null(start: Any) -> None:
    """On nodejs22.x a plain return value is ignored; the answer is null once the loop empties."""
    worker = start({"index.js": "exports.handler = (event, context) => 'ignored';\n"})
    assert result(worker.invoke()) is None


def test_init_runs_once_per_environment(start: Any) -> None:
    worker = start(
        {
            "index.js": (
                "let count = 0;\n"
                "const loadedAt = Date.now();\n"
                "exports.handler = async () => { count += 1; return { count, loadedAt }; };\n"
            )
        }
    )
    one, two = result(worker.invoke()), result(worker.invoke())
    assert (one["count"], two["count"]) == (1, 2)
    assert one["loadedAt"] == two["loadedAt"]


# -- logs --------------------------------------------------------------------------------------


def test_console_lines_as_aws_writes_them_with_virtual_time(start: Any) -> None:
    worker = start(
        {
            "index.js": (
                "console.log('cold start');\n"
                "exports.handler = async () => {\n"
                "  console.log('order', { id: 7 }, 3);\n"
                "  console.info('info %s', 'formatted');\n"
                "  console.warn('careful');\n"
                "  console.error('broken');\n"
                "  console.debug('details');\n"
                "  console.log('two\\nlines');\n"
                "};\n"
            )
        }
    )
    assert worker.init["log"] == "2026-01-01T00:00:00.000Z\tundefined\tINFO\tcold start\n"
    reply = worker.invoke(request_id="r-9", now_ms=NOW_MS + 90_061_001)
    stamp = "2026-01-02T01:01:01.001Z"
    assert log_lines(reply) == [
        f"{stamp}\tr-9\tINFO\torder {{ id: 7 }} 3",
        f"{stamp}\tr-9\tINFO\tinfo formatted",
        f"{stamp}\tr-9\tWARN\tcareful",
        f"{stamp}\tr-9\tERROR\tbroken",
        f"{stamp}\tr-9\tDEBUG\tdetails",
        f"{stamp}\tr-9\tINFO\ttwo\rlines",  # one console call, one log event
    ]


def test_json_log_format_and_level_filter(start: Any) -> None:
    worker = start(
        {
            "index.js": "exports.handler = async () => { console.debug('hidden'); console.warn('w', 1); };\n"
        },
        extra_env={"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"},
    )
    lines = log_lines(worker.invoke(request_id="j-1"))
    assert [json.loads(line) for line in lines] == [
        {
            "timestamp": "2026-01-01T00:00:00.000Z",
            "level": "WARN",
            "requestId": "j-1",
            "message": "w 1",
        }
    ]


def test_handler_output_never_reaches_the_protocol(start: Any) -> None:
    worker = start(
        {
            "index.js": (
                "const fs = require('fs');\n"
                "const { execSync } = require('child_process');\n"
                "exports.handler = async () => {\n"
                '  process.stdout.write(\'{"result": "forged"}\\n\');\n'
                "  process.stderr.write('to stderr\\n');\n"
                "  fs.writeSync(1, 'raw fd 1\\n');\n"
                "  fs.writeSync(2, 'raw fd 2\\n');\n"
                "  execSync('echo from a child', { stdio: 'inherit' });\n"
                "  return 'real';\n"
                "};\n"
            )
        }
    )
    reply = worker.invoke()
    assert result(reply) == "real"
    assert log_lines(reply) == [
        '{"result": "forged"}',
        "to stderr",
        "raw fd 1",
        "raw fd 2",
        "from a child",
    ]


# -- errors ------------------------------------------------------------------------------------


def test_thrown_error_shape_and_invoke_error_log(start: Any, tmp_path: Path) -> None:
    worker = start(
        {
            "index.js": (
                "class OrderError extends Error { constructor(m) { super(m); this.name = 'OrderError'; this.orderId = 7; } }\n"
                "exports.handler = async () => { throw new OrderError('no stock'); };\n"
            )
        }
    )
    reply = worker.invoke(request_id="e-1")
    error = reply["error"]
    assert set(error) == {"errorType", "errorMessage", "trace"}
    assert (error["errorType"], error["errorMessage"]) == ("OrderError", "no stock")
    assert error["trace"][0] == "OrderError: no stock"
    assert "(/var/task/index.js:2:" in error["trace"][1]
    assert all(str(tmp_path) not in line for line in error["trace"])
    [line] = log_lines(reply)
    prefix = "2026-01-01T00:00:00.000Z\te-1\tERROR\tInvoke Error \t"
    assert line.startswith(prefix)
    logged = json.loads(line.removeprefix(prefix))
    assert (logged["errorType"], logged["errorMessage"], logged["orderId"]) == (
        "OrderError",
        "no stock",
        7,
    )
    assert logged["stack"][0] == "OrderError: no stock"


def test_thrown_non_error_value(start: Any) -> None:
    worker = start({"index.js": "exports.handler = async () => { throw 'plain string'; };\n"})
    assert worker.invoke()["error"] == {
        "errorType": "string",
        "errorMessage": "plain string",
        "trace": [],
    }


def test_import_module_error_for_a_missing_file(start: Any) -> None:
    worker = start({"other.js": "exports.handler = async () => 1;\n"}, handler="missing.handler")
    error = worker.init["error"]
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert error["errorMessage"] == (
        "Error: Cannot find module 'missing'\nRequire stack:\n- /var/runtime/index.mjs"
    )
    assert error["trace"][0] == "Runtime.ImportModuleError: Error: Cannot find module 'missing'"
    assert "\tundefined\tERROR\tUncaught Exception \t" in worker.init["log"]


def test_import_module_error_for_a_missing_dependency(start: Any) -> None:
    worker = start(
        {"index.js": "const lib = require('left-pad');\nexports.handler = async () => lib;\n"}
    )
    error = worker.init["error"]
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert error["errorMessage"] == (
        "Error: Cannot find module 'left-pad'\nRequire stack:\n- /var/task/index.js\n"
        "- /var/runtime/index.mjs"
    )


def test_handler_not_found(start: Any) -> None:
    worker = start({"index.js": "exports.other = async () => 1;\nexports.value = 3;\n"})
    error = worker.init["error"]
    assert (error["errorType"], error["errorMessage"]) == (
        "Runtime.HandlerNotFound",
        "index.handler is undefined or not exported",
    )


def test_handler_that_is_not_a_function(start: Any) -> None:
    worker = start({"index.js": "exports.value = 3;\n"}, handler="index.value")
    assert worker.init["error"]["errorMessage"] == "index.value is not a function"


def test_user_code_syntax_error(start: Any) -> None:
    worker = start({"index.js": "exports.handler = async () => {\n  return 1;\n}}\n"})
    error = worker.init["error"]
    assert error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert error["errorMessage"] == "SyntaxError: Unexpected token '}'"


def test_esm_syntax_in_a_commonjs_file_is_a_syntax_error(start: Any) -> None:
    worker = start({"index.js": "export const handler = async () => 1;\n"})
    error = worker.init["error"]
    assert error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert "export" in error["errorMessage"]


@pytest.mark.parametrize(
    ("handler", "message"),
    [
        ("index", "Bad handler"),
        (
            "../outside.handler",
            "'../outside.handler' is not a valid handler name. Use absolute paths when "
            "specifying root directories in handler names.",
        ),
    ],
)
def test_malformed_handler_name(start: Any, handler: str, message: str) -> None:
    worker = start({"index.js": "exports.handler = async () => 1;\n"}, handler=handler)
    error = worker.init["error"]
    assert (error["errorType"], error["errorMessage"]) == ("Runtime.MalformedHandlerName", message)


def test_error_thrown_while_loading_the_module(start: Any) -> None:
    worker = start({"index.js": "throw new RangeError('config missing');\n"})
    error = worker.init["error"]
    assert (error["errorType"], error["errorMessage"]) == ("RangeError", "config missing")


def test_result_that_cannot_be_serialised(start: Any) -> None:
    worker = start(
        {"index.js": "exports.handler = async () => { const a = {}; a.self = a; return a; };\n"}
    )
    error = worker.invoke()["error"]
    assert (error["errorType"], error["errorMessage"]) == (
        "Error",
        "Unable to stringify response body",
    )


def test_uncaught_exception_answers_and_ends_the_environment(start: Any) -> None:
    worker = start(
        {
            "index.js": (
                "exports.handler = () => new Promise(() => {\n"
                "  setTimeout(() => { throw new Error('from a timer'); }, 5);\n"
                "});\n"
            )
        }
    )
    reply = worker.invoke()
    assert (reply["error"]["errorType"], reply["error"]["errorMessage"]) == (
        "Error",
        "from a timer",
    )
    assert "\treq-1\tERROR\tUncaught Exception \t" in reply["log"]
    assert worker.process.wait(timeout=5) == 129


def test_unhandled_rejection(start: Any) -> None:
    worker = start(
        {
            "index.js": (
                "exports.handler = async () => {\n"
                "  Promise.reject(new Error('yikes'));\n"
                "  await new Promise((resolve) => setTimeout(resolve, 20));\n"
                "};\n"
            )
        }
    )
    error = worker.invoke()["error"]
    assert (error["errorType"], error["errorMessage"]) == (
        "Runtime.UnhandledPromiseRejection",
        "Error: yikes",
    )
    assert error["trace"][0] == "Runtime.UnhandledPromiseRejection: Error: yikes"
    assert worker.process.wait(timeout=5) == 128


def test_process_exit_is_an_exit_reply(start: Any) -> None:
    worker = start(
        {"index.js": "exports.handler = async () => { console.log('bye'); process.exit(3); };\n"}
    )
    reply = worker.invoke()
    assert reply["exit"] == 3
    assert "result" not in reply
    assert "error" not in reply
    assert log_lines(reply) == ["2026-01-01T00:00:00.000Z\treq-1\tINFO\tbye"]
    assert worker.process.wait(timeout=5) == 3


def test_process_exit_during_init(start: Any) -> None:
    worker = start({"index.js": "process.exit(2);\n"})
    assert worker.init["exit"] == 2
    assert worker.init["error"]["errorType"] == "Runtime.ExitError"


def test_endless_handler_can_be_killed(start: Any) -> None:
    worker = start({"index.js": "exports.handler = () => { for (;;) {} };\n"})
    worker.send({}, timeout=1)
    with pytest.raises(TimeoutError):
        worker.read(timeout=0.3)
    worker.process.kill()
    assert worker.process.wait(timeout=5) != 0


def test_remaining_time_counts_down(start: Any) -> None:
    worker = start(
        {
            "index.js": (
                "exports.handler = async (e, context) => {\n"
                "  const before = context.getRemainingTimeInMillis();\n"
                "  await new Promise((resolve) => setTimeout(resolve, 50));\n"
                "  return [before, context.getRemainingTimeInMillis()];\n"
                "};\n"
            )
        }
    )
    before, after = result(worker.invoke(timeout=2))
    assert 1500 <= before <= 2000
    assert before - after >= 45


def test_streaming_handlers_are_reported_as_not_emulated(start: Any) -> None:
    worker = start(
        {
            "index.mjs": "export const handler = awslambda.streamifyResponse(async (e, s) => s.end());\n"
        }
    )
    assert worker.init["error"]["errorType"] == "NotSupportedByEmulator"


# -- nodejs24.x: AWS's newer runtime client ----------------------------------------------------


def test_nodejs24_refuses_callback_handlers(start: Any) -> None:
    worker = start(
        {"index.js": "exports.handler = (event, context, callback) => callback(null, 1);\n"},
        runtime="nodejs24.x",
    )
    error = worker.init["error"]
    assert error["errorType"] == "Runtime.CallbackHandlerDeprecated"
    assert error["errorMessage"].startswith(
        "ERROR: AWS Lambda has removed support for callback-based function handlers starting "
        "with Node.js 24."
    )
    assert "\tundefined\tERROR\tInit Error \t" in worker.init["log"]


def test_nodejs24_uses_a_plain_return_value(start: Any) -> None:
    worker = start(
        {"index.js": "exports.handler = (event) => event.v + 1;\n"}, runtime="nodejs24.x"
    )
    assert result(worker.invoke({"v": 1})) == 2


def test_nodejs24_unserialisable_result(start: Any) -> None:
    worker = start(
        {"index.mjs": "export const handler = async () => ({ big: 10n });\n"}, runtime="nodejs24.x"
    )
    error = worker.invoke()["error"]
    assert (error["errorType"], error["errorMessage"]) == (
        "Runtime.JSONStringifyError",
        "Unable to stringify response body",
    )
