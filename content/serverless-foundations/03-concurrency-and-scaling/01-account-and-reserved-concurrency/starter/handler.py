"""The code of both A and B: each request keeps its execution environment busy for a second."""

import time


def handler(event, context):
    time.sleep(1.0)  # one second of work, so requests a second = executions in flight
    return {"function": context.function_name, "done": True}
