"""Checks of the first-function lab that run the learner's code on the grading fork."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

#: Two names, so a handler that always answers "Hello, Ada!" does not pass.
NAMES = ("Ada", "Grace")


def _invoke(cloud: Cloud, event: dict) -> tuple[dict | None, object]:
    """Invoke hello; returns (payload, error) where error is None on success."""
    answer = cloud.client("lambda").invoke(FunctionName="hello", Payload=json.dumps(event))
    raw = answer["Payload"].read()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    if answer.get("FunctionError"):
        return None, body
    return body, None


def check_greeting(cloud: Cloud) -> Verdict:
    """hello answers {"message": "Hello, <name>!"} for the name in the event."""
    for name in NAMES:
        expected = {"message": f"Hello, {name}!"}
        body, error = _invoke(cloud, {"name": name})
        if error is not None:
            detail = (
                error
                if not isinstance(error, dict)
                else f"{error.get('errorType', 'Error')}: {error.get('errorMessage', '')}"
            )
            return Verdict(
                False,
                error,
                expected,
                f'hello raised an error when invoked with {{"name": "{name}"}}: {detail}. '
                "Read the traceback in its log group, fix handler.py, zip it again and run "
                "aws lambda update-function-code.",
            )
        if body != expected:
            return Verdict(
                False,
                body,
                expected,
                f'Invoked with {{"name": "{name}"}}, hello answered {json.dumps(body)}. '
                'Build the message from event["name"], then zip handler.py again and upload '
                "it with aws lambda update-function-code.",
            )
    return Verdict(True, body, expected)
