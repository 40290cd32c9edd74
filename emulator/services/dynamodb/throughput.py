"""DynamoDB throughput: token buckets on the virtual clock, throttling, and the quota ledgers.

The backend asks it whether a table may serve a request (the units come from
``capacity.py``). The rules and where AWS states them:

* Burst ("DynamoDB burst and adaptive capacity", burst-adaptive-capacity.html): unused
  capacity is kept for up to 300 seconds.
* Quotas ("Quotas in Amazon DynamoDB", ServiceQuotas.html): 40,000 read and 40,000 write
  units per table (request units on demand), minimum 1 RCU and 1 WCU provisioned;
  decreases: 4 per UTC day, then one more per hour (27 a day).
* Capacity modes ("Considerations when switching capacity modes",
  bp-switching-capacity-modes.html): provisioned to on-demand up to four times in a
  24-hour rolling window, on-demand to provisioned at any time.
* Throttling messages: botocore's ``TransactionCanceledException`` documentation lists
  them; ``ThrottlingReason`` (API_ThrottlingReason.html) gives the reason format
  ResourceType + OperationType + LimitType.

What is not modelled: partitions (hot keys, adaptive capacity); how a new on-demand table
starts (4,000 writes and 12,000 reads a second) and grows ("up to double the previous
peak", more "within 30 minutes" may throttle) - AWS states the idea but not how the peak is
measured, so an on-demand table here is limited only by its maximum throughput; the 100
bytes of overhead per index entry, which AWS documents for index storage only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from emulator.errors import ServiceError
from emulator.services.dynamodb.errors import ValidationException

BillingMode = Literal["PROVISIONED", "PAY_PER_REQUEST"]

BURST_SECONDS = 300.0
#: Default per-table quota, provisioned units and on-demand request units alike.
TABLE_MAX_READ = 40_000
TABLE_MAX_WRITE = 40_000
MIN_PROVISIONED_UNITS = 1
FREE_DECREASES_PER_DAY = 4
DECREASE_INTERVAL = 3600.0
SWITCHES_TO_ON_DEMAND = 4
SWITCH_WINDOW = 86_400.0
DAY = 86_400.0

#: UNVERIFIED: what a bucket holds the moment a table (or a new setting) starts. AWS only
#: says unused capacity is retained; one second of capacity lets a fresh table serve its
#: provisioned rate at once without handing out five minutes of burst it never saved.
INITIAL_BURST_SECONDS = 1.0
#: UNVERIFIED: on-demand tables are throttled past their maximum throughput per second; AWS
#: documents no burst allowance above it, so the bucket holds one second.
ON_DEMAND_BURST_SECONDS = 1.0

TABLE_THROTTLED = (
    "The level of configured provisioned throughput for the table was exceeded. "
    "Consider increasing your provisioning level with the UpdateTable API."
)
INDEX_THROTTLED = (
    "The level of configured provisioned throughput for one or more global secondary indexes "
    "of the table was exceeded. Consider increasing your provisioning level for the "
    "under-provisioned global secondary indexes with the UpdateTable API."
)
ON_DEMAND_TABLE_THROTTLED = (
    "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically "
    "scaling your table or index so please try again shortly. If exceptions persist, check if "
    "you have a hot key: "
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html"
)
ON_DEMAND_INDEX_THROTTLED = (
    "Throughput exceeds the current capacity for one or more global secondary indexes. "
    "DynamoDB is automatically scaling your index so please try again shortly."
)
DECREASE_LIMITED = (
    "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given "
    "UTC day. After the first 4 decreases, each subsequent decrease in the same UTC day can be "
    "performed at most once every 3600 seconds. Number of decreases today: {count}. Last "
    "decrease at {last}. Next decrease can be made at {next}."
)
#: UNVERIFIED: AWS's wording when switches were limited to one a day was "Update to
#: PayPerRequest mode are limited to once in 1 day(s). Last update at ... Next update can be
#: made at ..."; its wording for the current four-a-day limit is not published.
SWITCH_LIMITED = (
    "Subscriber limit exceeded: Update to PayPerRequest mode are limited to {limit} times in "
    "1 day(s). Last update at {last}. Next update can be made at {next}"
)


class ProvisionedThroughputExceededException(ServiceError):
    """A provisioned table or GSI had no capacity left; ``ThrottlingReasons`` says which."""

    code = "ProvisionedThroughputExceededException"
    status = 400
    sender_fault = True


class ThrottlingException(ServiceError):
    """An on-demand table or GSI went past its maximum throughput."""

    code = "ThrottlingException"
    status = 400
    sender_fault = True


class LimitExceededException(ServiceError):
    """A control-plane quota: decreases per day, switches to on-demand per 24 hours."""

    code = "LimitExceededException"
    status = 400
    sender_fault = True


class Clock(Protocol):
    def now(self) -> float: ...


class TokenBucket:
    """Capacity units that refill continuously at ``rate_per_second`` on the virtual clock.

    It holds at most ``burst_seconds`` of unused capacity (AWS: "DynamoDB currently retains
    up to five minutes (300 seconds) of unused read and write capacity").

    Admission: a request is let through whenever the bucket holds more than zero, and its
    whole cost is taken even if that drives the bucket below zero; the debt is paid back by
    the refill before anything else is admitted. AWS does not document the rule. Requiring
    the full cost up front would contradict limits AWS does document: a 400 KB item costs
    400 WCU, more than a 1 WCU table can ever save (300 units), yet 1 WCU is a valid setting
    and such items can be written to it. Borrowing keeps the long-run rate at the
    provisioned rate, which is what AWS promises.

    Args:
        rate_per_second: units added per second.
        burst_seconds: how many seconds of unused capacity the bucket keeps.
        clock: anything with ``now()``; the cloud's VirtualClock.
        initial_seconds: seconds of capacity the bucket starts with.
        on_empty: builds the error to raise when the bucket is empty.
    """

    __slots__ = ("_cap", "_last", "_now", "_rate", "_tokens", "burst_seconds", "on_empty")

    def __init__(
        self,
        rate_per_second: float,
        burst_seconds: float = BURST_SECONDS,
        *,
        clock: Clock,
        initial_seconds: float = INITIAL_BURST_SECONDS,
        on_empty: Callable[[], ServiceError] | None = None,
    ) -> None:
        if rate_per_second <= 0 or burst_seconds <= 0:
            raise ValueError("a token bucket needs a positive rate and burst")
        self._now = clock.now
        self._rate = float(rate_per_second)
        self.burst_seconds = float(burst_seconds)
        self._cap = self._rate * self.burst_seconds
        self._tokens = min(self._cap, self._rate * initial_seconds)
        self._last = self._now()
        self.on_empty = on_empty or _default_error

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def capacity(self) -> float:
        """The most the bucket holds: rate times burst seconds."""
        return self._cap

    @property
    def tokens(self) -> float:
        """Units available now; negative while a borrowed cost is being paid back."""
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = self._now()
        tokens = self._tokens + (now - self._last) * self._rate
        self._tokens = tokens if tokens < self._cap else self._cap
        self._last = now

    def state(self) -> list[float]:
        """What the bucket holds and when it last refilled (JSON data)."""
        return [self._tokens, self._last]

    def resume(self, state: list[float]) -> None:
        """Hold what a saved ``state()`` held (same rate and burst)."""
        tokens, last = state
        self._tokens, self._last = min(float(tokens), self._cap), float(last)

    def available(self) -> bool:
        """Whether a request would be admitted now (see the class docstring)."""
        self._refill()
        return self._tokens > 0.0

    def take(self, units: float) -> None:
        """Take ``units`` without checking; call right after ``available()`` said yes."""
        self._tokens -= units

    def try_consume(self, units: float) -> bool:
        """Admit and charge ``units``, or refuse and charge nothing."""
        now = self._now()
        tokens = self._tokens + (now - self._last) * self._rate
        if tokens > self._cap:
            tokens = self._cap
        self._last = now
        if tokens > 0.0:
            self._tokens = tokens - units
            return True
        self._tokens = tokens
        return False

    def consume(self, units: float) -> None:
        """``try_consume``, raising the bucket's ``on_empty`` error when refused."""
        if not self.try_consume(units):
            raise self.on_empty()

    def seconds_until_available(self) -> float:
        """Seconds until what is owed is paid back (a request is admitted just after); 0 if
        nothing is owed."""
        self._refill()
        return 0.0 if self._tokens > 0.0 else -self._tokens / self._rate

    def set_rate(self, rate_per_second: float) -> None:
        """A new rate from now on; what was saved stays, up to the new maximum."""
        if rate_per_second <= 0:
            raise ValueError("a token bucket needs a positive rate")
        self._refill()
        self._rate = float(rate_per_second)
        self._cap = self._rate * self.burst_seconds
        self._tokens = min(self._tokens, self._cap)


def _default_error() -> ServiceError:
    return ProvisionedThroughputExceededException(TABLE_THROTTLED)


# -- tables -------------------------------------------------------------------------------------


class _Throughput:
    """The read and write buckets of a table or one GSI."""

    __slots__ = ("read", "write")

    def __init__(self, read: TokenBucket, write: TokenBucket) -> None:
        self.read = read
        self.write = write


class TableCapacity:
    """Whether a table and its GSIs can serve a request now, and charging it if so.

    PROVISIONED: the table and every GSI have read and write buckets at their provisioned
    rates with 300 seconds of burst; an empty bucket raises
    ProvisionedThroughputExceededException. A write is admitted only if the table and every
    GSI it touches have capacity (GSI back-pressure). PAY_PER_REQUEST: the buckets run at
    the maximum throughput (``OnDemandThroughput`` if set, else the 40,000-unit quota) and
    an empty one raises ThrottlingException. LSI units are charged to the table's buckets.

    Args:
        table_name: used for the reasons' resource when ``arn`` is empty.
        clock: the cloud's clock.
        arn: the table's ARN, named in ``ThrottlingReasons``.
    """

    def __init__(
        self,
        table_name: str,
        *,
        clock: Clock,
        billing_mode: BillingMode = "PROVISIONED",
        read: int = 0,
        write: int = 0,
        max_read: int | None = None,
        max_write: int | None = None,
        arn: str = "",
    ) -> None:
        self.table_name = table_name
        self.arn = arn
        self._clock = clock
        self.billing_mode: BillingMode = billing_mode
        self._table = self._throughput(None, read, write, max_read, max_write)
        self._indexes: dict[str, _Throughput] = {}

    # -- settings
    def add_global_index(
        self,
        name: str,
        *,
        read: int = 0,
        write: int = 0,
        max_read: int | None = None,
        max_write: int | None = None,
    ) -> None:
        self._indexes[name] = self._throughput(name, read, write, max_read, max_write)

    def remove_global_index(self, name: str) -> None:
        self._indexes.pop(name, None)

    def set_throughput(
        self,
        *,
        read: int = 0,
        write: int = 0,
        max_read: int | None = None,
        max_write: int | None = None,
        index: str | None = None,
    ) -> None:
        """New provisioned units (or on-demand maximums) for the table or one GSI."""
        old = self._table if index is None else self._indexes[index]
        new = self._throughput(index, read, write, max_read, max_write)
        for bucket, fresh in ((old.read, new.read), (old.write, new.write)):
            bucket.set_rate(fresh.rate)
            bucket.on_empty = fresh.on_empty

    def set_billing_mode(
        self,
        mode: BillingMode,
        *,
        read: int = 0,
        write: int = 0,
        max_read: int | None = None,
        max_write: int | None = None,
        indexes: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        """Switch modes; every bucket starts afresh. ``indexes``: GSI name -> (read, write)."""
        self.billing_mode = mode
        self._table = self._throughput(None, read, write, max_read, max_write)
        units = indexes or {}
        for name in self._indexes:
            index_read, index_write = units.get(name, (0, 0))
            self._indexes[name] = self._throughput(name, index_read, index_write, None, None)

    def _throughput(
        self,
        index: str | None,
        read: int,
        write: int,
        max_read: int | None,
        max_write: int | None,
    ) -> _Throughput:
        if self.billing_mode == "PROVISIONED":
            validate_provisioned(read, write)
            return _Throughput(
                TokenBucket(read, clock=self._clock, on_empty=self._error(index, "Read", None)),
                TokenBucket(write, clock=self._clock, on_empty=self._error(index, "Write", None)),
            )
        return _Throughput(
            self._on_demand(index, "Read", max_read, TABLE_MAX_READ),
            self._on_demand(index, "Write", max_write, TABLE_MAX_WRITE),
        )

    def _on_demand(
        self, index: str | None, operation: str, maximum: int | None, quota: int
    ) -> TokenBucket:
        limit = "AccountLimitExceeded" if maximum is None else "MaxOnDemandThroughputExceeded"
        return TokenBucket(
            quota if maximum is None else maximum,
            ON_DEMAND_BURST_SECONDS,
            clock=self._clock,
            initial_seconds=ON_DEMAND_BURST_SECONDS,
            on_empty=self._error(index, operation, limit),
        )

    def _error(
        self, index: str | None, operation: str, on_demand_limit: str | None
    ) -> Callable[[], ServiceError]:
        resource = self.arn or self.table_name
        kind = "Table"
        if index is not None:
            resource, kind = f"{resource}/index/{index}", "Index"
        if on_demand_limit is None:
            message = TABLE_THROTTLED if index is None else INDEX_THROTTLED
            reasons = [
                {"reason": f"{kind}{operation}ProvisionedThroughputExceeded", "resource": resource}
            ]
            return lambda: ProvisionedThroughputExceededException(
                message, ThrottlingReasons=reasons
            )
        # UNVERIFIED: AWS publishes no separate message for a configured maximum, so both
        # on-demand limits use the message it returns while an on-demand table scales.
        message = ON_DEMAND_TABLE_THROTTLED if index is None else ON_DEMAND_INDEX_THROTTLED
        reasons = [{"reason": f"{kind}{operation}{on_demand_limit}", "resource": resource}]
        return lambda: ThrottlingException(message, throttlingReasons=reasons)

    # -- requests
    def read_throttle(self, units: float, index: str | None = None) -> ServiceError | None:
        """Charge a read of the table (or of GSI ``index``); the error if it is throttled."""
        bucket = (self._table if index is None else self._indexes[index]).read
        if bucket.try_consume(units):
            return None
        return bucket.on_empty()

    def write_throttle(
        self, units: float, indexes: Mapping[str, float] | None = None
    ) -> ServiceError | None:
        """Charge a write: ``units`` on the table (LSIs included), ``indexes`` per GSI.

        Nothing is charged unless the table and every GSI in ``indexes`` admit the write.
        """
        table = self._table.write
        if not indexes:
            return None if table.try_consume(units) else table.on_empty()
        if not table.available():
            return table.on_empty()
        throughputs = self._indexes
        for name in indexes:
            bucket = throughputs[name].write
            if not bucket.available():
                return bucket.on_empty()
        for name, index_units in indexes.items():
            throughputs[name].write.take(index_units)
        table.take(units)
        return None

    def consume_read(self, units: float, index: str | None = None) -> None:
        error = self.read_throttle(units, index)
        if error is not None:
            raise error

    def consume_write(self, units: float, indexes: Mapping[str, float] | None = None) -> None:
        error = self.write_throttle(units, indexes)
        if error is not None:
            raise error

    def state(self) -> dict[str, list[list[float]]]:
        """Every bucket's level, by ``""`` for the table and each GSI's name."""
        found = {"": [self._table.read.state(), self._table.write.state()]}
        for name, throughput in self._indexes.items():
            found[name] = [throughput.read.state(), throughput.write.state()]
        return found

    def resume(self, state: Mapping[str, list[list[float]]]) -> None:
        """Take back levels saved by ``state()`` (buckets that no longer exist are skipped)."""
        for name, (read, write) in state.items():
            throughput = self._table if name == "" else self._indexes.get(name)
            if throughput is not None:
                throughput.read.resume(read)
                throughput.write.resume(write)

    def bucket(self, operation: Literal["read", "write"], index: str | None = None) -> TokenBucket:
        """The bucket behind the table's (or a GSI's) reads or writes, for display."""
        throughput = self._table if index is None else self._indexes[index]
        return throughput.read if operation == "read" else throughput.write


def validate_provisioned(read: int, write: int, path: str = "provisionedThroughput") -> None:
    """Both units at least 1, in AWS's validation wording (write is reported first)."""
    errors = [
        f"Value '{value}' at '{path}.{name}' failed to satisfy constraint: "
        f"Member must have value greater than or equal to {MIN_PROVISIONED_UNITS}"
        for name, value in (("writeCapacityUnits", write), ("readCapacityUnits", read))
        if value < MIN_PROVISIONED_UNITS
    ]
    if errors:
        count = f"{len(errors)} validation error{'s' if len(errors) > 1 else ''}"
        raise ValidationException(f"{count} detected: {'; '.join(errors)}")


# -- control-plane ledgers ------------------------------------------------------------------------


def is_decrease(old_read: int, old_write: int, new_read: int, new_write: int) -> bool:
    """Whether an UpdateTable counts as a decrease: either unit going down counts, once."""
    return new_read < old_read or new_write < old_write


class DecreaseLedger:
    """Provisioned-throughput decreases of one table, or of one GSI (each has its own).

    AWS's error message states the rule the service applies: the first 4 decreases of a
    UTC day are free, after that one decrease every 3600 seconds, counted from the last
    one, until the count starts again at 00:00 UTC. That gives the quotas page's 27 a day
    (4 in the first hour, then one an hour). The quotas page now words it as a bucket of
    at most 4 refilled hourly; the message, and its "Next decrease can be made at", is
    what is modelled, as recorded from live AWS in 2026 (the date format comes from that
    one recording; messages from 2018 wrote "8:48:14 PM UTC"). Refused attempts change
    nothing. A request that decreases a table and a GSI is refused if either ledger
    refuses, so check every ledger before recording any.
    """

    __slots__ = ("count", "day", "last")

    def __init__(self) -> None:
        self.count = 0
        self.day = -1
        self.last: float | None = None

    def state(self) -> list[Any]:
        return [self.count, self.day, self.last]

    def resume(self, state: list[Any] | None) -> None:
        if state:
            self.count, self.day, self.last = int(state[0]), int(state[1]), state[2]

    def decreases_today(self, now: float) -> int:
        """``NumberOfDecreasesToday`` at ``now``."""
        return self.count if self.day == int(now // DAY) else 0

    def next_allowed(self, now: float) -> float:
        """The earliest time a decrease is accepted; ``now`` if it is accepted now."""
        if self.last is None or self.decreases_today(now) < FREE_DECREASES_PER_DAY:
            return now
        midnight = (int(now // DAY) + 1) * DAY
        return max(now, min(self.last + DECREASE_INTERVAL, midnight))

    def allows(self, now: float) -> bool:
        return self.next_allowed(now) <= now

    def check(self, now: float) -> None:
        """Raise AWS's LimitExceededException if a decrease is not allowed at ``now``."""
        if self.allows(now):
            return
        assert self.last is not None  # a refusal needs an earlier decrease today
        raise LimitExceededException(
            DECREASE_LIMITED.format(
                count=self.decreases_today(now),
                last=_long_date(self.last),
                next=_long_date(self.next_allowed(now)),
            )
        )

    def record(self, now: float) -> None:
        """A decrease was applied at ``now``."""
        day = int(now // DAY)
        self.count = self.count + 1 if day == self.day else 1
        self.day = day
        self.last = now


class BillingModeLedger:
    """Switches of one table to on-demand, for the four-in-24-hours limit."""

    __slots__ = ("switches",)

    def __init__(self) -> None:
        self.switches: list[float] = []

    def state(self) -> list[float]:
        return list(self.switches)

    def resume(self, state: list[float] | None) -> None:
        self.switches = [float(when) for when in state or []]

    @property
    def last_update_to_pay_per_request(self) -> float | None:
        """``BillingModeSummary.LastUpdateToPayPerRequestDateTime``."""
        return self.switches[-1] if self.switches else None

    def check(self, current: BillingMode, new: BillingMode, now: float) -> None:
        """Raise LimitExceededException if switching ``current`` -> ``new`` is refused now."""
        if not (current == "PROVISIONED" and new == "PAY_PER_REQUEST"):
            return
        recent = [when for when in self.switches if now - when < SWITCH_WINDOW]
        if len(recent) >= SWITCHES_TO_ON_DEMAND:
            raise LimitExceededException(
                SWITCH_LIMITED.format(
                    limit=SWITCHES_TO_ON_DEMAND,
                    last=_short_date(recent[-1]),
                    next=_short_date(recent[0] + SWITCH_WINDOW),
                )
            )

    def record(self, current: BillingMode, new: BillingMode, now: float) -> None:
        """A switch was applied at ``now``; only switches to on-demand are counted."""
        if current == "PROVISIONED" and new == "PAY_PER_REQUEST":
            self.switches = [when for when in self.switches if now - when < SWITCH_WINDOW]
            self.switches.append(now)


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
_MONTHS += ("August", "September", "October", "November", "December")


def _long_date(when: float) -> str:
    """As AWS writes it in decrease errors: "Thursday, October 8, 2026 at 11:20:48 PM ..."."""
    at = datetime.fromtimestamp(when, UTC)
    hour = at.hour % 12 or 12
    return (
        f"{_DAYS[at.weekday()]}, {_MONTHS[at.month - 1]} {at.day}, {at.year} at "
        f"{hour}:{at:%M:%S} {'AM' if at.hour < 12 else 'PM'} Coordinated Universal Time"
    )


def _short_date(when: float) -> str:
    """As AWS wrote it in billing-mode errors: "Sat Feb 23 03:07:45 UTC 2019"."""
    at = datetime.fromtimestamp(when, UTC)
    return (
        f"{_DAYS[at.weekday()][:3]} {_MONTHS[at.month - 1][:3]} {at.day:02d} "
        f"{at:%H:%M:%S} UTC {at.year}"
    )
