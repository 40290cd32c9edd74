"""Asynchronous invocation: Lambda's internal event queue, retries, dead letters, destinations.

What AWS documents ("How Lambda handles errors and retries with asynchronous invocation"):

* A function error is retried up to MaximumRetryAttempts times (0–2, default 2), the first
  retry after 1 minute and the second 2 minutes after that.
* A throttle (or a system error) sends the event back to the queue, retried with a
  backoff that grows from 1 second to at most 5 minutes, for as long as the event is
  younger than MaximumEventAgeInSeconds (60–21,600, default 6 hours).
* An event that runs out of retries or of age goes to the on-failure destination and the
  dead-letter queue, if there are any, and is otherwise dropped. A success goes to the
  on-success destination.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from emulator import limits
from emulator.errors import ServiceError
from emulator.services.awslambda.errors import RequestTooLargeException, TooManyRequestsException
from emulator.services.awslambda.models import LATEST, AsyncEvent, Function

if TYPE_CHECKING:
    from emulator.services.awslambda.backend import LambdaBackend
    from emulator.services.awslambda.invoker import Outcome

#: Function errors are retried after 1 minute, then after 2 more.
RETRY_DELAYS = (60, 120)
#: Throttled events come back after 1 s, 2 s, 4 s, ... never more than 5 minutes apart.
THROTTLE_FIRST, THROTTLE_MAX = 1.0, 300.0
#: How much of the error message a dead-letter message carries.
DLQ_MESSAGE_BYTES = 1024


class AsyncQueue:
    """The events waiting for a region's functions, scheduled on the virtual clock."""

    def __init__(self, backend: LambdaBackend) -> None:
        self.backend = backend
        self.cloud = backend.cloud
        self.events: dict[int, AsyncEvent] = {}

    # -- in -----------------------------------------------------------------------------
    def enqueue(self, function: Function, qualifier: str | None, payload: bytes) -> str:
        limit = limits.value("lambda", "AsyncPayload")
        if len(payload) > limit:
            raise RequestTooLargeException(
                f"Request must be smaller than {limit} bytes for the InvokeFunction operation"
            )
        self.backend.resolve(function, qualifier)  # an unknown qualifier fails now
        now = self.cloud.clock.now()
        event = AsyncEvent(
            id=self.cloud.next_id(),
            function=function.name,
            qualifier=qualifier or LATEST,
            payload=base64.b64encode(payload).decode(),
            enqueued=now,
            due=now,
        )
        self.events[event.id] = event
        self._schedule(event)
        self.cloud.events.emit("lambda", "async_queued", function.name, event=event.id)
        return str(uuid.UUID(int=event.id))

    def _schedule(self, event: AsyncEvent) -> None:
        self.cloud.clock.call_at(event.due, lambda: self._run(event.id))

    # -- a turn of one event -------------------------------------------------------------
    def _run(self, event_id: int) -> None:
        event = self.events.pop(event_id, None)
        if event is None:
            return
        function = self.backend.functions.get(event.function)
        if function is None:
            self.cloud.events.emit(
                "lambda", "async_dropped", event.function, reason="function deleted"
            )
            return
        config = self.backend.event_config(function, event.qualifier)
        now = self.cloud.clock.now()
        if now - event.enqueued > config.max_age:
            self._fail(function, event, "EventAgeExceeded", None)
            return
        payload = base64.b64decode(event.payload)
        try:
            outcome = self.backend.invoke(function, event.qualifier, payload)
        except TooManyRequestsException as throttled:
            self._throttled(function, event, throttled, config.max_age)
            return
        except ServiceError as error:  # the qualifier went away, or similar
            self.cloud.events.emit(
                "lambda", "async_dropped", function.name, reason=error.code, event=event.id
            )
            return
        event.attempt += 1
        if outcome.function_error is None:
            self._succeeded(function, event, outcome)
        elif event.attempt - 1 < config.max_retries:
            event.due = now + RETRY_DELAYS[event.attempt - 1]
            if event.due - event.enqueued > config.max_age:
                self._fail(function, event, "EventAgeExceeded", outcome)
                return
            self._requeue(event)
            self.cloud.events.emit(
                "lambda", "retry", function.name, attempt=event.attempt, due=event.due
            )
        else:
            self._fail(function, event, "RetriesExhausted", outcome)

    def _throttled(
        self, function: Function, event: AsyncEvent, error: ServiceError, max_age: int
    ) -> None:
        delay = min(THROTTLE_MAX, THROTTLE_FIRST * 2**event.throttles)
        event.throttles += 1
        deadline = event.enqueued + max_age
        now = self.cloud.clock.now()
        event.due = min(now + delay, deadline + 1e-6) if now < deadline else now
        self._requeue(event)
        self.cloud.events.emit(
            "lambda",
            "retry",
            function.name,
            throttled=True,
            reason=error.fields.get("Reason"),
            due=event.due,
        )

    def _requeue(self, event: AsyncEvent) -> None:
        self.events[event.id] = event
        self._schedule(event)

    # -- out ----------------------------------------------------------------------------
    def _succeeded(self, function: Function, event: AsyncEvent, outcome: Outcome) -> None:
        destination = self.backend.event_config(function, event.qualifier).on_success
        if destination:
            record = self._record(function, event, "Success", outcome)
            self._deliver(function, destination, json.dumps(record), None)

    def _fail(
        self, function: Function, event: AsyncEvent, condition: str, outcome: Outcome | None
    ) -> None:
        self.cloud.events.emit(
            "lambda", "async_dropped", function.name, reason=condition, event=event.id
        )
        config = self.backend.event_config(function, event.qualifier)
        if config.on_failure:
            record = self._record(function, event, condition, outcome)
            self._deliver(function, config.on_failure, json.dumps(record), None)
        target = self.backend.resolve(function, event.qualifier).config
        dlq = target.dead_letter_arn
        if dlq:
            message = _error_message(outcome, condition)
            attributes = {
                "RequestID": {"DataType": "String", "StringValue": _request_id(event)},
                "ErrorCode": {"DataType": "Number", "StringValue": "200" if outcome else "429"},
                "ErrorMessage": {
                    "DataType": "String",
                    "StringValue": message.encode()[:DLQ_MESSAGE_BYTES].decode("utf-8", "ignore"),
                },
            }
            body = base64.b64decode(event.payload).decode("utf-8", "replace")
            self._deliver(function, dlq, body, attributes, dead_letter=True)

    def _record(
        self, function: Function, event: AsyncEvent, condition: str, outcome: Outcome | None
    ) -> dict[str, Any]:
        """The invocation record AWS sends to a destination."""
        moment = dt.datetime.fromtimestamp(self.cloud.clock.now(), dt.UTC)
        qualifier = event.qualifier
        record: dict[str, Any] = {
            "version": "1.0",
            "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{moment.microsecond // 1000:03d}Z",
            "requestContext": {
                "requestId": _request_id(event),
                "functionArn": self.backend.arn(f"function:{function.name}:{qualifier}"),
                "condition": condition,
                "approximateInvokeCount": max(1, event.attempt),
            },
            "requestPayload": _maybe_json(base64.b64decode(event.payload)),
        }
        if outcome is not None:
            response: dict[str, Any] = {
                "statusCode": 200,
                "executedVersion": self.backend.resolve(function, qualifier).version,
            }
            if outcome.function_error:
                response["functionError"] = outcome.function_error
            record["responseContext"] = response
            record["responsePayload"] = _maybe_json(outcome.payload)
        return record

    def _deliver(
        self,
        function: Function,
        arn: str,
        body: str,
        attributes: dict[str, Any] | None,
        *,
        dead_letter: bool = False,
    ) -> None:
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        region = arn.split(":")[3] if service else self.backend.region
        try:
            if service == "sqs":
                sqs: Any = self.cloud.backend("sqs", region)
                sqs.deliver(arn, body, attributes)
            elif service == "lambda":
                lam: LambdaBackend = self.cloud.backend("lambda", region)  # type: ignore[assignment]
                name, qualifier = lam.split(arn)
                target = lam.function(name)
                lam.queue.enqueue(target, qualifier, body.encode())
            else:
                raise ServiceError(f"destination {arn} is not supported by the emulator")
        except ServiceError as error:
            self.cloud.events.emit(
                "lambda",
                "async_dropped",
                function.name,
                reason="DeadLetterErrors" if dead_letter else "DestinationDeliveryFailures",
                target=arn,
                error=error.message,
            )
            return
        self.cloud.events.emit(
            "lambda",
            "dead_letter" if dead_letter else "destination",
            function.name,
            target=arn,
        )

    # -- state --------------------------------------------------------------------------
    def snapshot(self) -> list[dict[str, Any]]:
        return [asdict(e) for e in self.events.values()]

    def load(self, state: list[dict[str, Any]]) -> None:
        for data in state:
            event = AsyncEvent(**data)
            self.events[event.id] = event
            self._schedule(event)

    def pending(self, function: str | None = None) -> int:
        return sum(1 for e in self.events.values() if function in (None, e.function))


def _request_id(event: AsyncEvent) -> str:
    return str(uuid.UUID(int=event.id))


def _error_message(outcome: Outcome | None, condition: str) -> str:
    if outcome is None:
        return f"The event was throttled until it was older than its maximum age ({condition})."
    try:
        error = json.loads(outcome.payload)
    except ValueError:
        return outcome.payload.decode("utf-8", "replace")
    if isinstance(error, dict) and "errorMessage" in error:
        return str(error["errorMessage"])
    return json.dumps(error)


def _maybe_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")
