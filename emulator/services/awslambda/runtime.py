"""The worker: one execution environment. Run as a script, it imports nothing of the emulator.

Protocol: the parent writes one JSON line per invocation on stdin; the worker answers one
JSON line on the file descriptor that was stdout at start. The handler's own output
(print, logging, C-level writes to fd 1 and 2, output of the processes it starts) goes to
stderr, which the parent collects as the invocation's log. Neither protocol channel is
inherited by the processes the handler starts.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import site
import sys
import time

#: typing and traceback cost every cold start milliseconds; mypy reads this name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", "")
HERE = os.path.dirname(os.path.abspath(__file__))
#: Modules every Python runtime offers (``snapshot_restore_py``), after the code's own.
RUNTIME_LIBRARY = os.path.join(HERE, "runtime_library")
SHOWN_ROOT = "/var/task"
#: Where the layers are (/opt in the sandbox); the handler does not see this variable.
OPT_DIR = os.environ.pop("SERVERLINGS_OPT_DIR", "")


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
    import traceback

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


def _write_log(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _layer_path() -> list[str]:
    """The layers' Python folders, in the order Lambda's Python runtime puts them."""
    if not OPT_DIR:
        return []
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return [f"{OPT_DIR}/python/lib/{version}/site-packages", f"{OPT_DIR}/python"]


def _result(result: Any, request_id: str, limit: int | None) -> dict[str, Any]:
    try:
        text = json.dumps(result)
    except (TypeError, ValueError) as error:
        return {
            "error": _failure(
                "Runtime.MarshalError", f"Unable to marshal response: {error}", request_id
            )
        }
    if limit is not None and len(text) > limit:
        # json.dumps writes ASCII only: one character is one byte. The caller only needs
        # to see that the result is too large, not all of it.
        return {"result": text[: limit + 1]}
    return {"result": text}


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


def _channels() -> tuple[Any, Any]:
    """The protocol channels (stdout, stdin), moved away from where the handler writes.

    Children of the handler can then neither read the requests nor write on the
    protocol channel: their output is the log.
    """
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    return protocol, requests


def _sender(protocol: Any) -> Any:
    def send(message: dict[str, Any]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    return send


def _serve(handler: Any, requests: Any, send: Any) -> None:
    """Run invocations until stdin closes or the handler exits."""
    for line in requests:
        request = json.loads(line)
        request_id = request["request_id"]
        context = Context(request_id, time.monotonic() + request["timeout"])
        started = time.perf_counter()
        reply: dict[str, Any]
        try:
            result = handler(json.loads(request["event"]), context)
            reply = _result(result, request_id, request.get("max_result"))
        except SystemExit as exiting:
            reply = {"exit": exiting.code if isinstance(exiting.code, int) else 1}
        except Exception as error:
            _, _, tb = sys.exc_info()
            failure = _failure(
                type(error).__name__, str(error), request_id, tb.tb_next if tb else None
            )
            reply = {"error": failure}
        reply["duration_ms"] = (time.perf_counter() - started) * 1000
        if "error" in reply:
            _write_log(_error_log(reply["error"]))
        reply["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        send(reply)
        if "exit" in reply:
            return


def _hooks(phase: str) -> dict[str, Any] | None:
    """Run SnapStart's runtime hooks of one phase; a failure in AWS's error shape."""
    hooks = sys.modules.get("snapshot_restore_py")
    if hooks is None:
        return None  # the function registered none
    try:
        hooks.run(phase)  # type: ignore[attr-defined]
    except Exception as error:
        _, _, tb = sys.exc_info()
        # The trace starts in the function's hook, past this runtime's two frames.
        frames = tb.tb_next.tb_next if tb and tb.tb_next else None
        return _failure(type(error).__name__, str(error), tb=frames)
    return None


def _restorer() -> Any:
    """The SnapStart module, imported before the function's code can shadow its name."""
    sys.path.insert(0, HERE)
    try:
        import sandbox_restore
    finally:
        del sys.path[0]
    return sandbox_restore


def _snapshot(
    handler: Any, requests: Any, protocol: Any, settings: dict[str, Any], restorer: Any
) -> None:
    """Serve SnapStart restores: each restored environment resumes here, forked."""

    def resume() -> Any:
        channels = _channels()
        send = _sender(channels[0])
        started = time.perf_counter()
        error = _hooks("after_restore")
        if error:
            _write_log(_error_log(error))
        hooks_ms = (time.perf_counter() - started) * 1000
        send({"restore_ms": hooks_ms, "error": error})
        if not error:
            _serve(handler, channels[1], send)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    restorer.serve(settings, requests.fileno(), [protocol.fileno()], resume)


def main() -> None:
    protocol, requests = _channels()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    layers = _layer_path()
    # The code first, then the layers, then the runtime's own library (SnapStart hooks).
    sys.path[0:1] = [TASK_ROOT, *layers]
    sys.path.append(RUNTIME_LIBRARY)
    if layers:
        site.addsitedir(layers[0])  # a site folder: its .pth files count
    os.chdir(TASK_ROOT)
    send = _sender(protocol)
    snapshot = json.loads(os.environ.pop("SERVERLINGS_SNAPSHOT", "null"))
    restorer = _restorer() if snapshot else None

    started = time.perf_counter()
    handler, init_error = _load(os.environ["_HANDLER"])
    if snapshot and not init_error:
        # Before-snapshot hooks belong to the init phase and count in its duration.
        init_error = _hooks("before_snapshot")
    init_ms = (time.perf_counter() - started) * 1000
    if init_error:
        _write_log(_error_log(init_error))
    send({"init_ms": init_ms, "error": init_error})
    if init_error:
        return
    if snapshot:
        _snapshot(handler, requests, protocol, snapshot, restorer)
        return
    _serve(handler, requests, send)


if __name__ == "__main__":
    main()
