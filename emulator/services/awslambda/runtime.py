"""The worker: one execution environment. Run as a script, it imports nothing of the emulator.

Protocol: the parent writes one JSON line per invocation on stdin; the worker answers one
JSON line on the file descriptor that was stdout at start. The handler's own output
(print, logging, C-level writes to fd 1 and 2) is captured and sent back as log text.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import resource
import sys
import time
import traceback
from typing import Any

TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", "")
SHOWN_ROOT = "/var/task"


class Context:
    """The ``context`` argument, with the attributes AWS's Python runtime gives it."""

    def __init__(self, request_id: str, deadline: float) -> None:
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = os.environ.get("SERVERLINGS_FUNCTION_ARN", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _frames(tb: Any) -> list[str]:
    frames = traceback.format_list(traceback.extract_tb(tb))
    return [frame.replace(TASK_ROOT, SHOWN_ROOT) for frame in frames]


def _failure(kind: str, message: str, request_id: str = "", tb: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"errorMessage": message, "errorType": kind}
    if request_id:
        error["requestId"] = request_id
    error["stackTrace"] = _frames(tb) if tb is not None else []
    return error


def _error_log(error: dict[str, Any]) -> str:
    text = f"[ERROR] {error['errorType']}: {error['errorMessage']}"
    if error.get("stackTrace"):
        text += "\nTraceback (most recent call last):\n" + "".join(error["stackTrace"]).rstrip("\n")
    return text + "\n"


class Capture:
    """Collects what the handler writes, from Python and from the file descriptors."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    def start(self) -> None:
        self.buffer = io.StringIO()
        sys.stdout = sys.stderr = self.buffer

    def text(self) -> str:
        sys.stdout.flush()
        return self.buffer.getvalue()


def _load(handler_name: str) -> tuple[Any, dict[str, Any] | None]:
    module_name, _, function_name = handler_name.rpartition(".")
    if not module_name:
        return None, _failure(
            "Runtime.MalformedHandlerName",
            f"Bad handler '{handler_name}': not enough values to unpack (expected 2, got 1)",
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except SyntaxError as error:
        line = error.lineno
        filename = os.path.basename(error.filename or module_name + ".py")
        return None, _failure(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {error.msg} ({filename}, line {line})",
        )
    except ImportError as error:
        return None, _failure(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}"
        )
    except Exception as error:
        _, _, tb = sys.exc_info()
        return None, _failure(type(error).__name__, str(error), tb=tb.tb_next if tb else None)
    function = getattr(module, function_name, None)
    if function is None:
        return None, _failure(
            "Runtime.HandlerNotFound",
            f"Handler '{function_name}' missing on module '{module_name}'",
        )
    return function, None


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # C-level writes cannot reach the protocol channel
    sys.path[0] = TASK_ROOT
    os.chdir(TASK_ROOT)
    capture = Capture()

    def send(message: dict[str, Any]) -> None:
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    capture.start()
    started = time.perf_counter()
    handler, init_error = _load(os.environ["_HANDLER"])
    init_ms = (time.perf_counter() - started) * 1000
    init_log = capture.text() + (_error_log(init_error) if init_error else "")
    send({"init_ms": init_ms, "log": init_log, "error": init_error})
    if init_error:
        return
    for line in sys.stdin:
        request = json.loads(line)
        request_id = request["request_id"]
        context = Context(request_id, time.monotonic() + request["timeout"])
        capture.start()
        started = time.perf_counter()
        reply: dict[str, Any]
        try:
            result = handler(json.loads(request["event"]), context)
            try:
                reply = {"result": json.dumps(result)}
            except (TypeError, ValueError) as error:
                reply = {
                    "error": _failure(
                        "Runtime.MarshalError", f"Unable to marshal response: {error}", request_id
                    )
                }
        except SystemExit as exiting:
            reply = {"exit": exiting.code if isinstance(exiting.code, int) else 1}
        except Exception as error:
            _, _, tb = sys.exc_info()
            failure = _failure(
                type(error).__name__, str(error), request_id, tb.tb_next if tb else None
            )
            reply = {"error": failure}
        reply["duration_ms"] = (time.perf_counter() - started) * 1000
        log = capture.text()
        if "error" in reply:
            log += _error_log(reply["error"])
        reply["log"] = log
        reply["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        send(reply)
        if "exit" in reply:
            return


if __name__ == "__main__":
    main()
