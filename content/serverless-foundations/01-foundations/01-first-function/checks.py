"""Checks of the first-function lab that need to run the learner's code."""

from __future__ import annotations

import json

from labs.checks import Verdict


def check_greeting(cloud):
    answer = cloud.client("lambda").invoke(FunctionName="hello", Payload=json.dumps({"name": "Ada"}))
    body = json.loads(answer["Payload"].read() or b"null")
    expected = {"message": "Hello, Ada!"}
    if answer.get("FunctionError"):
        return Verdict(False, body, expected, f"The function failed: {body.get('errorType')}: {body.get('errorMessage')}")
    return Verdict(body == expected, body, expected)
