"""Running one check against a (forked) cloud: pass, fail, or error — never the learner's fault."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator import ClientError
from labs.model import ApiCheck, Expectation, PythonCheck

if TYPE_CHECKING:
    from emulator import Cloud
    from labs.course import Lab


@dataclass(frozen=True)
class Verdict:
    """What a python check returns."""

    passed: bool
    observed: Any = None
    expected: Any = None
    message: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check, with what was asked, observed and expected."""

    check_id: str
    status: str  # "pass" | "fail" | "error"
    points: int
    max_points: int
    query: str
    observed: Any
    expected: Any
    message: str


_CHECKS_CACHE: dict[str, Any] = {}


def invoke(
    cloud: Cloud, function: str, event: Any, qualifier: str | None = None
) -> tuple[Any, str | None]:
    """Invoke a function for a python check: (answer, None), or (error body, one line).

    ``event`` is sent as JSON unless it is already a string.
    """
    params: dict[str, Any] = {
        "FunctionName": function,
        "Payload": event if isinstance(event, str) else json.dumps(event),
    }
    if qualifier:
        params["Qualifier"] = qualifier
    answer = cloud.client("lambda").invoke(**params)
    raw = answer["Payload"].read()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    if not answer.get("FunctionError"):
        return body, None
    if isinstance(body, dict):
        return body, f"{body.get('errorType', 'Error')}: {body.get('errorMessage', '')}"
    return body, str(body)


def run_check(check: ApiCheck | PythonCheck, cloud: Cloud, lab: Lab) -> CheckResult:
    if isinstance(check, ApiCheck):
        return _api(check, cloud)
    return _python(check, cloud, lab)


def _result(
    check: Any, status: str, query: str, observed: Any, expected: Any, message: str = ""
) -> CheckResult:
    passed = status == "pass"
    return CheckResult(
        check.id,
        status,
        check.points if passed else 0,
        check.points,
        query,
        observed,
        expected,
        "" if passed else (message or check.message),
    )


def _api(check: ApiCheck, cloud: Cloud) -> CheckResult:
    import jmespath

    asked = f"{check.service} {check.operation} {json.dumps(check.params, default=str)}"
    if check.query:
        asked += f" | {check.query}"
    expected = describe(check.expect)
    try:
        answer = cloud.client(check.service).call(check.operation, dict(check.params))
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if check.expect.error is not None and code == check.expect.error:
            return _result(check, "pass", asked, code, expected)
        return _result(
            check, "fail", asked, f"error {code}: {error.response['Error']['Message']}", expected
        )
    answer.pop("ResponseMetadata", None)
    observed = jmespath.search(check.query, _plain(answer)) if check.query else _plain(answer)
    passed = _meets(check.expect, observed)
    return _result(check, "pass" if passed else "fail", asked, observed, expected)


def _plain(value: Any) -> Any:
    """Answers as JSON-like data, so queries and comparisons see what the learner sees."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "read"):
        return value.read().decode("utf-8", "replace")
    return value


def describe(expect: Expectation) -> str:
    kind, value = expect.kind, expect.value
    words = {
        "equals": "equals",
        "not_equals": "differs from",
        "contains": "contains",
        "matches": "matches",
        "at_least": "at least",
        "at_most": "at most",
        "length": "has length",
        "error": "fails with",
    }
    if kind == "exists":
        return "present" if value else "absent"
    return f"{words[kind]} {json.dumps(value) if not isinstance(value, str) else value}"


def _meets(expect: Expectation, observed: Any) -> bool:
    kind, value = expect.kind, expect.value
    if kind == "equals":
        return bool(observed == value)
    if kind == "not_equals":
        return bool(observed != value)
    if kind == "exists":
        return (observed is not None) == value
    if kind == "error":
        return False
    if observed is None:
        return False
    try:
        if kind == "contains":
            return value in observed
        if kind == "matches":
            return isinstance(observed, str) and re.search(value, observed) is not None
        if kind == "at_least":
            return float(observed) >= value
        if kind == "at_most":
            return float(observed) <= value
        return len(observed) == value
    except (TypeError, ValueError):
        return False


def _python(check: PythonCheck, cloud: Cloud, lab: Lab) -> CheckResult:
    from labs.loader import load_checks

    asked = f"checks.py:{check.function}"
    key = str(lab.checks_file)
    try:
        module = _CHECKS_CACHE.get(key) or _CHECKS_CACHE.setdefault(
            key, load_checks(lab.checks_file)
        )
        outcome = getattr(module, check.function)(cloud)
    except AssertionError as failed:
        return _result(check, "fail", asked, None, None, str(failed) or check.message)
    except ClientError as error:
        code = error.response["Error"]["Code"]
        return _result(
            check, "fail", asked, f"error {code}: {error.response['Error']['Message']}", None
        )
    except Exception as exc:
        return _result(
            check,
            "error",
            asked,
            repr(exc),
            None,
            f"The checker itself failed (a bug in the lab, not in your work): {exc!r}",
        )
    if isinstance(outcome, bool):
        outcome = Verdict(outcome)
    if not isinstance(outcome, Verdict):
        return _result(
            check,
            "error",
            asked,
            repr(outcome),
            None,
            "The checker returned something that is not a Verdict (a bug in the lab).",
        )
    return _result(
        check,
        "pass" if outcome.passed else "fail",
        asked,
        outcome.observed,
        outcome.expected,
        outcome.message or "",
    )
