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
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from emulator import limits
from emulator.errors import ServiceError
from emulator.services.awslambda.concurrency import RESERVED_REASON
from emulator.services.awslambda.errors import RequestTooLargeException, TooManyRequestsException
from emulator.services.awslambda.invoker import Outcome
from emulator.services.awslambda.models import LATEST, AsyncEvent, EventInvokeConfig, Function

if TYPE_CHECKING:
    from emulator.services.awslambda.backend import LambdaBackend

#: Function errors are retried after 1 minute, then after 2 more.
RETRY_DELAYS = (60, 120)
#: Throttled events come back after 1 s, 2 s, 4 s, ... never more than 5 minutes apart.
THROTTLE_FIRST, THROTTLE_MAX = 1.0, 300.0
_BACKOFF = tuple(min(THROTTLE_MAX, THROTTLE_FIRST * 2**n) for n in range(12))
_BACKOFF_STEPS = len(_BACKOFF)
#: How much of the error message a dead-letter message carries.
DLQ_MESSAGE_BYTES = 1024
#: The settings of a function without any event invoke configuration; never changed.
_DEFAULTS = EventInvokeConfig()


class AsyncQueue:
    """The events waiting for a region's functions, scheduled on the virtual clock."""

    def __init__(self, backend: LambdaBackend) -> None:
        self.backend = backend
        self.cloud = backend.cloud
        self.events: dict[int, AsyncEvent] = {}
        #: Told of every turn of every event and the virtual time it took place, by a load
        #: run while it watches. For "success" and "error" the detail is how the event ran:
        #: the invocation's Outcome, or for a load run's event the backend's Simulated (both
        #: say whether it started cold; Simulated also whether it spilled over).
        self.observer: Callable[[str, AsyncEvent, Any, float], None] | None = None
        # Bound once: every turn of every event is scheduled with one of them.
        self._turn = self._run
        self._simulated_turn = self._run_simulated
        self._clock = backend.cloud.clock

    def _tell(self, what: str, event: AsyncEvent, detail: Any = None) -> None:
        if self.observer is not None:
            self.observer(what, event, detail, self.cloud.clock.now())

    def _emit(self, subject: AsyncEvent, kind: Any, function: str, **detail: Any) -> None:
        # A load run's events are counted by the run itself; the event log would drown.
        if not subject.simulated:
            self.cloud.events.emit("lambda", kind, function, **detail)

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
        self.backend.metrics.count(function.name, self._resource(event), "AsyncEventsReceived")
        self.cloud.events.emit("lambda", "async_queued", function.name, event=event.id)
        return str(uuid.UUID(int=event.id))

    def enqueue_simulated(
        self,
        function: Function,
        qualifier: str | None,
        payload: str,
        *,
        duration_ms: float,
        init_ms: float,
        error: str,
        now: float | None = None,
    ) -> AsyncEvent:
        """A load run's event: queued and given its first turn at once.

        ``now`` spares a look at the clock for a caller that has just read it.
        """
        if now is None:
            now = self._clock.now()
        # The fields without defaults by position: a dataclass's __init__ takes keywords at
        # more than twice the cost, and a load run makes one event per request.
        # (id, function, qualifier, payload, enqueued, due); test_loadrun checks the fields.
        event = AsyncEvent(
            self.cloud.next_id(), function.name, qualifier or LATEST, payload, now, now
        )
        event.simulated = True
        event.duration_ms, event.init_ms, event.error = duration_ms, init_ms, error
        self.events[event.id] = event
        resource = None if qualifier is None or qualifier == LATEST else qualifier
        self.backend.metrics.count(function.name, resource, "AsyncEventsReceived", now)
        self._run_simulated(event.id, now)
        return event

    def _schedule(self, event: AsyncEvent) -> None:
        # Not cancellable: a turn whose event has left the queue finds nothing to run.
        turn = self._simulated_turn if event.simulated else self._turn
        self._clock.schedule(event.due, turn, event.id)

    # -- a turn of one event -------------------------------------------------------------
    def _run(self, event_id: int) -> None:
        event = self.events.pop(event_id, None)
        if event is None:
            return
        backend = self.backend
        function = backend.functions.get(event.function)
        if function is None:
            self.cloud.events.emit(
                "lambda", "async_dropped", event.function, reason="function deleted"
            )
            return
        # What backend.event_config answers, without a new default for every turn of a
        # function that has no configuration at all (as in most load runs).
        configured = function.event_invoke
        config = backend.event_config(function, event.qualifier) if configured else _DEFAULTS
        now = self._clock.now()
        if now - event.enqueued > config.max_age:
            self._fail(function, event, "EventAgeExceeded", None)
            return
        if function.reserved == 0:
            # A function turned off with zero reserved concurrency is not retried: AWS drops
            # the event at once (to the on-failure destination or dead-letter queue, if any).
            backend.metrics.count(function.name, self._resource(event), "Throttles", now)
            self._fail(function, event, "RetriesExhausted", None)
            return
        try:
            outcome = self._attempt(function, event)
        except TooManyRequestsException as throttled:
            reason = throttled.fields.get("Reason", "")
            self._throttled(event, reason, config.max_age, self.cloud.clock.now())
            return
        except ServiceError as error:  # the qualifier went away, or similar
            self._emit(event, "async_dropped", function.name, reason=error.code, event=event.id)
            self._tell("dropped", event)
            return
        self._age(function, event, now)
        event.attempt += 1
        self._tell("error" if outcome.function_error else "success", event, outcome)
        if outcome.function_error is None:
            self._succeeded(function, event, outcome)
        elif event.attempt - 1 < config.max_retries:
            event.due = now + RETRY_DELAYS[event.attempt - 1]
            if event.due - event.enqueued > config.max_age:
                self._fail(function, event, "EventAgeExceeded", outcome)
                return
            self._requeue(event)
            self._emit(event, "retry", function.name, attempt=event.attempt, due=event.due)
            self._tell("retry", event)
        else:
            self._fail(function, event, "RetriesExhausted", outcome)

    @staticmethod
    def _resource(event: AsyncEvent) -> str | None:
        return None if event.qualifier == LATEST else event.qualifier

    def _age(self, function: Function, event: AsyncEvent, now: float) -> None:
        """AsyncEventAge: how long the event waited before this turn."""
        self.backend.metrics.event_age(
            function.name, self._resource(event), (now - event.enqueued) * 1000, now
        )

    def _attempt(self, function: Function, event: AsyncEvent) -> Outcome:
        """Run the event for real; a throttle raises TooManyRequestsException."""
        return self.backend.invoke(function, event.qualifier, base64.b64decode(event.payload))

    def _run_simulated(self, event_id: int, now: float | None = None) -> None:
        """A turn of a load run's event: it occupies an environment instead of running code.

        The same rules as ``_run``, written for speed: a load run gives hundreds of
        thousands of turns, most of them refused by a full reservation. ``now`` spares a
        look at the clock when the caller has just read it.
        """
        event = self.events.pop(event_id, None)
        if event is None:
            return
        backend = self.backend
        name = event.function
        function = backend.functions.get(name)
        if function is None:
            self.cloud.events.emit("lambda", "async_dropped", name, reason="function deleted")
            return
        qualifier = event.qualifier
        config = backend.event_config(function, qualifier) if function.event_invoke else _DEFAULTS
        if now is None:
            now = self._clock.now()
        if now - event.enqueued > config.max_age:
            self._fail(function, event, "EventAgeExceeded", None)
            return
        resource = None if qualifier == LATEST else qualifier  # what _resource answers
        if function.reserved == 0:
            backend.metrics.count(name, resource, "Throttles", now)
            self._fail(function, event, "RetriesExhausted", None)
            return
        pool = backend.pool
        reserved = pool.reserved.get(name)
        if reserved is not None and not function.provisioned:
            # Most turns of a throttled load are refused by a full reservation; answer those
            # before resolving anything. The same test Pool.start makes first.
            fleet = backend.fleet
            if now >= fleet.next_end:
                fleet.settle(now)
            if pool.in_flight.get(name, 0) >= reserved:
                backend.metrics.count(name, resource, "Throttles", now)
                self._throttled(event, RESERVED_REASON, config.max_age, now)
                return
        ran = backend.simulate(
            function,
            qualifier,
            duration_ms=event.duration_ms,
            init_ms=event.init_ms,
            error=bool(event.error),
        )
        if ran.throttle is not None:
            self._throttled(event, ran.throttle.reason, config.max_age, now)
            return
        backend.metrics.event_age(name, resource, (now - event.enqueued) * 1000, now)
        event.attempt += 1
        failed = bool(event.error)
        observer = self.observer
        if observer is not None:
            observer("error" if failed else "success", event, ran, now)
        if not failed:
            if config.on_success:
                self._succeeded(function, event, self._simulated_outcome(event, ran.version))
        elif event.attempt - 1 < config.max_retries:
            event.due = now + RETRY_DELAYS[event.attempt - 1]
            if event.due - event.enqueued > config.max_age:
                outcome = self._simulated_outcome(event, ran.version)
                self._fail(function, event, "EventAgeExceeded", outcome)
                return
            self._requeue(event)
            if observer is not None:
                observer("retry", event, None, now)
        else:
            self._fail(
                function, event, "RetriesExhausted", self._simulated_outcome(event, ran.version)
            )

    @staticmethod
    def _simulated_outcome(event: AsyncEvent, version: str) -> Outcome:
        failed = bool(event.error)
        return Outcome(
            payload=event.error.encode() if failed else b"null",
            function_error="Unhandled" if failed else None,
            log=[],
            request_id=_request_id(event),
            duration_ms=event.duration_ms,
            version=version,
        )

    def _throttled(self, event: AsyncEvent, reason: str, max_age: int, now: float) -> None:
        """Back to the queue: the next turn after a backoff, but not after the event's age."""
        throttles = event.throttles
        event.throttles = throttles + 1
        due = now + (_BACKOFF[throttles] if throttles < _BACKOFF_STEPS else THROTTLE_MAX)
        deadline = event.enqueued + max_age
        if due > deadline:  # the backoff outlasts the event: one last turn once it is too old
            due = min(due, deadline + 1e-6) if now < deadline else now
        event.due = due
        self.events[event.id] = event
        if event.simulated:
            self._clock.schedule(due, self._simulated_turn, event.id)
        else:
            self._clock.schedule(due, self._turn, event.id)
            self.cloud.events.emit(
                "lambda", "retry", event.function, throttled=True, reason=reason, due=due
            )
        observer = self.observer
        if observer is not None:
            observer("throttled", event, reason, now)

    def _requeue(self, event: AsyncEvent) -> None:
        self.events[event.id] = event
        self._schedule(event)

    # -- out ----------------------------------------------------------------------------
    def _succeeded(self, function: Function, event: AsyncEvent, outcome: Outcome) -> None:
        destination = self.backend.event_config(function, event.qualifier).on_success
        if destination:
            record = self._record(function, event, "Success", outcome)
            self._deliver(function, event, destination, json.dumps(record), None)

    def _fail(
        self, function: Function, event: AsyncEvent, condition: str, outcome: Outcome | None
    ) -> None:
        self._emit(event, "async_dropped", function.name, reason=condition, event=event.id)
        self._tell(condition, event)
        self.backend.metrics.count(function.name, self._resource(event), "AsyncEventsDropped")
        config = self.backend.event_config(function, event.qualifier)
        if config.on_failure:
            record = self._record(function, event, condition, outcome)
            self._deliver(function, event, config.on_failure, json.dumps(record), None)
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
            self._deliver(function, event, dlq, body, attributes, dead_letter=True)

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
        event: AsyncEvent,
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
            self._tell("dead_letter_error" if dead_letter else "destination_error", event)
            self.backend.metrics.count(
                function.name,
                self._resource(event),
                "DeadLetterErrors" if dead_letter else "DestinationDeliveryFailures",
            )
            return
        self._emit(
            event, "dead_letter" if dead_letter else "destination", function.name, target=arn
        )
        self._tell("dead_letter" if dead_letter else "destination", event)

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
    if outcome is None and condition == "EventAgeExceeded":
        return "The event was throttled until it was older than its maximum age."
    if outcome is None:
        return "The function's reserved concurrency is 0, so the event was not run."
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
