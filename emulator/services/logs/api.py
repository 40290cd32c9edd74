"""CloudWatch Logs' request and response shapes (camelCase, as AWS has them)."""

from __future__ import annotations

import itertools
from typing import Any

from emulator.services.base import require
from emulator.services.logs.backend import Group, LogsBackend, Stream, pattern_matcher
from emulator.services.logs.errors import InvalidParameterException


def _group(backend: LogsBackend, group: Group) -> dict[str, Any]:
    arn = backend.arn(f"log-group:{group.name}")
    return {
        "logGroupName": group.name,
        "creationTime": group.created,
        "metricFilterCount": 0,
        "arn": arn + ":*",
        "logGroupArn": arn,
        "storedBytes": sum(
            len(e.message.encode()) for s in group.streams.values() for e in s.events
        ),
        "logGroupClass": "STANDARD",
    }


def _stream(backend: LogsBackend, group: Group, stream: Stream) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "logStreamName": stream.name,
        "creationTime": stream.created,
        "arn": backend.arn(f"log-group:{group.name}:log-stream:{stream.name}"),
        "storedBytes": 0,
    }
    if stream.events:
        answer["firstEventTimestamp"] = stream.events[0].timestamp
        answer["lastEventTimestamp"] = stream.events[-1].timestamp
        answer["lastIngestionTime"] = stream.events[-1].ingestion
    return answer


def create_log_group(backend: LogsBackend, params: dict[str, Any]) -> dict[str, Any]:
    require(params, "logGroupName")
    backend.create_group(params["logGroupName"])
    return {}


def delete_log_group(backend: LogsBackend, params: dict[str, Any]) -> dict[str, Any]:
    require(params, "logGroupName")
    backend.group(params["logGroupName"])
    del backend.groups[params["logGroupName"]]
    return {}


def describe_log_groups(backend: LogsBackend, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("logGroupNamePrefix", "")
    groups = [g for name, g in sorted(backend.groups.items()) if name.startswith(prefix)]
    return {"logGroups": [_group(backend, g) for g in groups[: params.get("limit", 50)]]}


def create_log_stream(backend: LogsBackend, params: dict[str, Any]) -> dict[str, Any]:
    require(params, "logGroupName", "logStreamName")
    backend.create_stream(params["logGroupName"], params["logStreamName"])
    return {}


def describe_log_streams(backend: LogsBackend, params: dict[str, Any]) -> dict[str, Any]:
    group = backend.group(params.get("logGroupName", ""))
    prefix = params.get("logStreamNamePrefix", "")
    order = params.get("orderBy", "LogStreamName")
    if order == "LastEventTime" and prefix:
        raise InvalidParameterException("Cannot order by LastEventTime with a logStreamNamePrefix.")
    streams = [s for s in group.streams.values() if s.name.startswith(prefix)]
    if order == "LastEventTime":
        streams.sort(key=lambda s: (s.events[-1].timestamp if s.events else 0, s.name))
    else:
        streams.sort(key=lambda s: s.name)
    if params.get("descending"):
        streams.reverse()
    return {"logStreams": [_stream(backend, group, s) for s in streams[: params.get("limit", 50)]]}


def put_log_events(backend: LogsBackend, params: dict[str, Any]) -> dict[str, Any]:
    require(params, "logGroupName", "logStreamName", "logEvents")
    stream = backend.stream(params["logGroupName"], params["logStreamName"])
    events = params["logEvents"]
    if any(b["timestamp"] < a["timestamp"] for a, b in itertools.pairwise(events)):
        raise InvalidParameterException(
            "Log events in a single PutLogEvents request must be in chronological order."
        )
    backend.put_lines(
        params["logGroupName"], stream.name, [(e["timestamp"], e["message"]) for e in events]
    )
    return {"nextSequenceToken": f"{len(stream.events):056d}"}


def _out(event: Any, stream: str | None = None) -> dict[str, Any]:
    answer = {
        "timestamp": event.timestamp,
        "message": event.message,
        "ingestionTime": event.ingestion,
    }
    if stream is not None:
        answer["logStreamName"] = stream
    return answer


def get_log_events(backend: LogsBackend, params: dict[str, Any]) -> dict[str, Any]:
    require(params, "logStreamName")
    stream = backend.stream(params.get("logGroupName", ""), params["logStreamName"])
    events = [
        e
        for e in stream.events
        if params.get("startTime", 0) <= e.timestamp
        and ("endTime" not in params or e.timestamp < params["endTime"])
    ]
    limit = params.get("limit", 10_000)
    token = params.get("nextToken")
    if token:
        position = int(token[2:])
    else:
        position = 0 if params.get("startFromHead") else max(0, len(events) - limit)
    if token and token.startswith("b/"):
        start = max(0, position - limit)
        page, begin, end = events[start:position], start, position
    else:
        page, begin, end = (
            events[position : position + limit],
            position,
            min(len(events), position + limit),
        )
    return {
        "events": [_out(e) for e in page],
        "nextForwardToken": f"f/{end:056d}",
        "nextBackwardToken": f"b/{begin:056d}",
    }


def filter_log_events(backend: LogsBackend, params: dict[str, Any]) -> dict[str, Any]:
    group = backend.group(params.get("logGroupName", ""))
    matches = pattern_matcher(params.get("filterPattern"))
    names = params.get("logStreamNames")
    found = []
    for stream in group.streams.values():
        if names and stream.name not in names:
            continue
        for event in stream.events:
            if event.timestamp < params.get("startTime", 0):
                continue
            if "endTime" in params and event.timestamp > params["endTime"]:
                continue
            if matches(event.message):
                found.append((event, stream.name))
    found.sort(key=lambda pair: pair[0].timestamp)
    found = found[: params.get("limit", 10_000)]
    return {
        "events": [
            {**_out(e, name), "eventId": f"{e.timestamp}{n:020d}"}
            for n, (e, name) in enumerate(found)
        ],
        "searchedLogStreams": [
            {"logStreamName": s, "searchedCompletely": True} for s in sorted(group.streams)
        ],
    }


OPERATIONS = {
    "CreateLogGroup": create_log_group,
    "DeleteLogGroup": delete_log_group,
    "DescribeLogGroups": describe_log_groups,
    "CreateLogStream": create_log_stream,
    "DescribeLogStreams": describe_log_streams,
    "PutLogEvents": put_log_events,
    "GetLogEvents": get_log_events,
    "FilterLogEvents": filter_log_events,
}
