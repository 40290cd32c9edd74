"""Time to Live: each table's TTL settings and the background sweep that deletes expired items.

What AWS documents, and how it is modelled:

* UpdateTimeToLive "can take up to one hour for the change to fully process. Any additional
  UpdateTimeToLive calls for the same table during this one hour duration result in a
  ValidationException" (API reference, UpdateTimeToLive). The status reads ENABLING (or
  DISABLING) for ``transition`` seconds and then ENABLED (DISABLED); a second change within
  ``modify_interval`` seconds is refused with AWS's message. Both default to the documented
  hour; how long the status really takes to settle is not published (UNVERIFIED).
* Only a top-level Number in epoch seconds counts; any other type is ignored, and so is a
  timestamp "five years older or more" than the time the scanner looks at it (developer
  guide, "How It Works: DynamoDB Time to Live").
* Expired items are not deleted at the expiry instant: "DynamoDB typically deletes expired
  items within two days of expiration" (API reference), "within 48 hours" (older developer
  guide), "within a few days" (current developer guide). Until then they are still
  returned by reads, queries and scans, and an update that moves or removes the TTL
  attribute is honoured. Each item here is deleted at
  ``max(expiry, TTL active) + delay``, the delay uniform between ``delay_min`` and
  ``delay_max`` (default 0 to 48 hours, UNVERIFIED: AWS publishes no distribution),
  rounded up to the sweep's next round of ``tick`` seconds (default 60, UNVERIFIED).
  The draw is deterministic: 64 bits of BLAKE2b over the table id, the item's key and
  its expiry value, a counter-based generator seeded by the table, so a run replays
  identically and the order in which items were written does not matter.
* A TTL deletion goes through ``backend.remove`` with ``TTL_PRINCIPAL``, so stream records
  carry the service's ``userIdentity``. TTL deletions consume no write capacity: they
  never pass through the request path where capacity is charged.

Efficiency: pending deletions sit in one sorted list of ``(time, table, key)`` kept current
from the change feed, and one clock callback waits for the earliest round; it deletes
everything due in that round and waits for the next.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from emulator.clock import Timer
from emulator.services.dynamodb.attributes import Item
from emulator.services.dynamodb.changes import TTL_PRINCIPAL, Change
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.models import Table

if TYPE_CHECKING:
    from emulator.services.dynamodb.backend import DynamoDBBackend

TtlStatus = Literal["ENABLING", "DISABLING", "ENABLED", "DISABLED"]

HOUR = 3600.0
#: UpdateTimeToLive: "Any additional UpdateTimeToLive calls for the same table during this
#: one hour duration result in a ValidationException" (API reference).
MODIFY_INTERVAL = HOUR
#: "It can take up to one hour for the change to fully process" (API reference): the
#: documented upper bound, used as the time ENABLING/DISABLING lasts. UNVERIFIED as typical.
TRANSITION = HOUR
#: Shortest and longest wait between expiry and deletion. UNVERIFIED: AWS says "typically
#: within 48 hours" / "two days" / "a few days" and publishes no distribution.
DELAY_MIN = 0.0
DELAY_MAX = 48 * HOUR
#: The background scanner deletes in rounds: deletion times are rounded up to a multiple of
#: this many seconds, so one clock callback deletes every item due in the round.
#: UNVERIFIED: AWS does not publish how its scanner paces itself.
SWEEP_TICK = 60.0
#: "not five years older or more" (developer guide). How AWS counts a year is not
#: published; 365-day years are UNVERIFIED.
MAX_AGE = 5 * 365 * 24 * HOUR

_TWO_64 = float(2**64)


@dataclass
class TtlSettings:
    """One table's TTL configuration.

    Attributes:
        table_id: the table it belongs to (a table re-created under the same name starts
            with TTL disabled).
        attribute: AttributeName of the last UpdateTimeToLive, None before the first.
        enabled: what the last UpdateTimeToLive asked for.
        changed: virtual time of the last successful UpdateTimeToLive, None before it.
        active_from: when the last enabling settles: items expire from then on.
    """

    table_id: str
    attribute: str | None = None
    enabled: bool = False
    changed: float | None = None
    active_from: float | None = None


@dataclass(frozen=True)
class TtlDescription:
    """DescribeTimeToLive's answer: ``status`` and, unless DISABLED, ``attribute``."""

    status: TtlStatus
    attribute: str | None


class TimeToLive:
    """The TTL settings of every table in one region, and the sweep deleting expired items.

    Args:
        backend: the region's DynamoDB backend; its change feed keeps the sweep current.
        transition: seconds ENABLING and DISABLING last.
        modify_interval: seconds after a change during which another is refused.
        delay_min: shortest seconds between expiry and deletion.
        delay_max: longest seconds between expiry and deletion.
        tick: the sweep's round, in seconds: deletion times are multiples of it.
    """

    def __init__(
        self,
        backend: DynamoDBBackend,
        *,
        transition: float = TRANSITION,
        modify_interval: float = MODIFY_INTERVAL,
        delay_min: float = DELAY_MIN,
        delay_max: float = DELAY_MAX,
        tick: float = SWEEP_TICK,
    ) -> None:
        if not 0 <= delay_min <= delay_max:
            raise ValueError("TTL delays need 0 <= delay_min <= delay_max")
        if tick <= 0:
            raise ValueError("the TTL sweep's tick must be more than 0 seconds")
        self._backend = backend
        self._clock = backend.cloud.clock
        self.transition = float(transition)
        self.modify_interval = float(modify_interval)
        self.delay_min = float(delay_min)
        self.delay_max = float(delay_max)
        self.tick = float(tick)
        self._settings: dict[str, TtlSettings] = {}
        # Deletions by round: the sweep takes a whole round at once. ``_pending`` holds
        # the same entries by table and key, with the key attributes to delete by, so an
        # entry can be moved or dropped when its item changes; a round's entry whose time
        # no longer matches the pending one is stale and skipped (moving is O(1)).
        self._rounds: dict[float, list[tuple[str, Any]]] = {}
        #: A heap of the rounds' times.
        self._times: list[float] = []
        self._entries = 0
        self._pending: dict[str, dict[Any, tuple[float, Item]]] = {}
        self._timer: Timer | None = None
        self._subscribed = False
        self._sweeping = False

    # -- settings ---------------------------------------------------------------------
    def describe(self, table: Table) -> TtlDescription:
        """The table's TTL status now."""
        settings = self._current(table)
        if settings is None or settings.changed is None:
            return TtlDescription("DISABLED", None)
        settled = self._clock.now() >= settings.changed + self.transition
        if settings.enabled:
            return TtlDescription("ENABLED" if settled else "ENABLING", settings.attribute)
        if settled:
            return TtlDescription("DISABLED", None)
        return TtlDescription("DISABLING", settings.attribute)

    def update(self, table: Table, *, enabled: bool, attribute: str) -> None:
        """UpdateTimeToLive: enable or disable TTL on ``attribute``.

        Raises:
            ValidationException: TTL is already in the state asked for, is active on
                another attribute, or was changed less than ``modify_interval`` ago.
        """
        described = self.describe(table)
        active = described.status in ("ENABLED", "ENABLING")
        # AWS checks what is asked before the one-hour rule: these answers come first.
        if active and described.attribute != attribute:
            raise ValidationException(
                "TimeToLive is active on a different AttributeName: current AttributeName "
                f"is {described.attribute}"
            )
        if enabled and active:
            raise ValidationException("TimeToLive is already enabled")
        if not enabled and not active:
            raise ValidationException("TimeToLive is already disabled")
        now = self._clock.now()
        settings = self._current(table)
        if (
            settings is not None
            and settings.changed is not None
            and now < settings.changed + self.modify_interval
        ):
            raise ValidationException(
                "Time to live has been modified multiple times within a fixed interval"
            )
        if settings is None:
            self._forget(table.name)
            settings = self._settings[table.name] = TtlSettings(table.table_id)
        settings.attribute, settings.enabled, settings.changed = attribute, enabled, now
        if enabled:
            settings.active_from = now + self.transition
            self._subscribe()
            self._index_table(table, settings)
        else:
            self._drop_after(table.name, now + self.transition)

    def table_deleted(self, table: Table) -> None:
        """Forget a deleted table's settings and pending deletions."""
        settings = self._settings.get(table.name)
        if settings is not None and settings.table_id == table.table_id:
            self._forget(table.name)
            del self._settings[table.name]

    # -- the sweep --------------------------------------------------------------------
    def deletion_time(self, table: Table, key: Item) -> float | None:
        """When the sweep will delete the item with ``key``, or None if it never will."""
        pending = self._pending.get(table.name)
        if pending is None or self._current(table) is None:
            return None
        entry = pending.get(table.key_of(key))
        return None if entry is None else entry[0]

    @property
    def pending(self) -> int:
        """How many deletions are waiting, over all tables."""
        return sum(len(entries) for entries in self._pending.values())

    def _current(self, table: Table) -> TtlSettings | None:
        settings = self._settings.get(table.name)
        if settings is None or settings.table_id != table.table_id:
            return None
        return settings

    def _indexing(self, settings: TtlSettings) -> bool:
        """Whether items of the table may still be deleted (enabled, or still disabling)."""
        if settings.enabled:
            return True
        return settings.changed is not None and (
            self._clock.now() < settings.changed + self.transition
        )

    def _due(self, table: Table, settings: TtlSettings, item: Item) -> float | None:
        """When ``item`` is deleted under ``settings``, or None if never."""
        value = item.get(settings.attribute or "")
        if value is None:
            return None
        text = value.get("N")
        if text is None:  # only a top-level Number is a TTL; other types never expire
            return None
        expiry = float(text)
        start = max(expiry, settings.active_from or expiry)
        due = math.ceil((start + self._delay(table, item, text)) / self.tick) * self.tick
        if due - expiry >= MAX_AGE:  # the scanner finds it five years old or more
            return None
        if (
            not settings.enabled
            and settings.changed is not None
            and due >= settings.changed + self.transition
        ):
            return None  # TTL will be off by then
        return due

    def _delay(self, table: Table, item: Item, expiry: str) -> float:
        parts = [table.table_id]
        for name in (table.hash_key, table.range_key):
            if name is not None:
                ((kind, inner),) = item[name].items()
                parts.append(f"{kind}:{inner.hex() if isinstance(inner, bytes) else inner}")
        parts.append(expiry)
        digest = hashlib.blake2b("|".join(parts).encode(), digest_size=8).digest()
        fraction = int.from_bytes(digest, "big") / _TWO_64
        return self.delay_min + fraction * (self.delay_max - self.delay_min)

    def _subscribe(self) -> None:
        if not self._subscribed:
            self._backend.changes.subscribe(self._on_change)
            self._subscribed = True

    def _on_change(self, change: Change) -> None:
        if self._sweeping and change.principal == TTL_PRINCIPAL:
            return  # the sweep's own deletion: its entry is already gone
        settings = self._settings.get(change.table)
        if settings is None:
            return
        table = self._backend.tables.get(change.table)
        if table is None or table.table_id != settings.table_id or not self._indexing(settings):
            return
        due = None if change.new is None else self._due(table, settings, change.new)
        self._set(table.name, table.key_of(change.keys), due, change.keys)

    def _index_table(self, table: Table, settings: TtlSettings) -> None:
        names = table.key_names
        for key, item in table.scan():
            due = self._due(table, settings, item)
            self._set(table.name, key, due, {name: item[name] for name in names})

    def _set(self, name: str, key: Any, due: float | None, keys: Item) -> None:
        pending = self._pending.setdefault(name, {})
        old = pending.get(key)
        if old is not None and old[0] == due:
            return
        if due is None:
            if old is not None:
                del pending[key]
            return
        pending[key] = (due, keys)
        self._add(due, name, key)
        self._compact()
        self._arm(due)

    def _add(self, due: float, name: str, key: Any) -> None:
        round_ = self._rounds.get(due)
        if round_ is None:
            round_ = self._rounds[due] = []
            heapq.heappush(self._times, due)
        round_.append((name, key))
        self._entries += 1

    def _compact(self) -> None:
        """Drop stale entries once they outnumber the live ones."""
        if self._entries < 1024 or self._entries < 2 * self.pending:
            return
        self._rounds, self._times, self._entries = {}, [], 0
        for name, entries in self._pending.items():
            for key, (due, _) in entries.items():
                self._add(due, name, key)

    def _drop_after(self, name: str, cutoff: float) -> None:
        """Drop the table's deletions due at or after ``cutoff`` (TTL is off by then)."""
        pending = self._pending.get(name, {})
        for key, (due, _) in list(pending.items()):
            if due >= cutoff:
                del pending[key]  # its round's entry is now stale

    def _forget(self, name: str) -> None:
        self._drop_after(name, -math.inf)
        self._pending.pop(name, None)

    def _arm(self, due: float) -> None:
        """Make sure the one clock callback fires no later than ``due``."""
        timer = self._timer
        if timer is not None and timer.when <= due:
            return
        if timer is not None:
            timer.cancel()
        self._timer = self._clock.call_at(max(due, self._clock.now()), self._sweep)

    def _sweep(self) -> None:
        """Delete every item due by now, then wait for the next one.

        The deletions are the TTL service's: they consume no write capacity and their
        stream records name ``TTL_PRINCIPAL``.
        """
        self._timer = None
        now = self._clock.now()
        times, rounds = self._times, self._rounds
        backend, pending = self._backend, self._pending
        # One event per table and round, not per item: a round can delete thousands of
        # items, and the event log is bounded.
        deleted: dict[str, list[Item]] = {}
        by_table: dict[str, list[tuple[Any, Item]]] = {}
        while times and times[0] <= now:
            when = heapq.heappop(times)
            round_ = rounds.pop(when)
            self._entries -= len(round_)
            last_name, entries, chosen = None, None, None
            for name, key in round_:
                if name != last_name:
                    last_name, entries = name, pending.get(name)
                    chosen = by_table.setdefault(name, [])
                found = None if entries is None else entries.pop(key, None)
                if found is None:
                    continue  # stale: the deletion was cancelled
                if found[0] != when:
                    entries[key] = found  # type: ignore[index]  # stale: it moved
                    continue
                chosen.append((key, found[1]))  # type: ignore[union-attr]
        self._sweeping = True
        try:
            for name, keys_list in by_table.items():
                table = backend.tables.get(name)
                if table is None or self._current(table) is None:
                    continue  # the table was deleted, and perhaps created again
                removed = backend.remove_many(
                    table, keys_list, principal=TTL_PRINCIPAL, quiet=self._on_change
                )
                if removed:
                    deleted[name] = removed
        finally:
            self._sweeping = False
        for name, gone in deleted.items():
            backend.cloud.events.emit("dynamodb", "ttl_delete", name, count=len(gone), keys=gone)
        while times:
            when = times[0]
            if any(
                (found := pending.get(name, {}).get(key)) is not None and found[0] == when
                for name, key in rounds[when]
            ):
                self._arm(when)
                break
            heapq.heappop(times)
            self._entries -= len(rounds.pop(when))

    # -- state ------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Settings as JSON data; pending deletions follow from them and the items."""
        return {
            "transition": self.transition,
            "modify_interval": self.modify_interval,
            "delay_min": self.delay_min,
            "delay_max": self.delay_max,
            "tick": self.tick,
            "tables": [
                {
                    "name": name,
                    "table_id": s.table_id,
                    "attribute": s.attribute,
                    "enabled": s.enabled,
                    "changed": s.changed,
                    "active_from": s.active_from,
                }
                for name, s in sorted(self._settings.items())
            ],
        }

    def load(self, state: dict[str, Any]) -> None:
        """Take ``snapshot()``'s data; call after the backend's tables are loaded.

        Each item's deletion time is a function of the settings and the item, so the
        pending deletions are worked out again and the sweep rescheduled.
        """
        self.transition = float(state.get("transition", self.transition))
        self.modify_interval = float(state.get("modify_interval", self.modify_interval))
        self.delay_min = float(state.get("delay_min", self.delay_min))
        self.delay_max = float(state.get("delay_max", self.delay_max))
        self.tick = float(state.get("tick", self.tick))
        for data in state.get("tables", []):
            settings = TtlSettings(
                table_id=data["table_id"],
                attribute=data["attribute"],
                enabled=data["enabled"],
                changed=data["changed"],
                active_from=data["active_from"],
            )
            self._settings[data["name"]] = settings
            table = self._backend.tables.get(data["name"])
            if (
                table is not None
                and table.table_id == settings.table_id
                and self._indexing(settings)
            ):
                self._subscribe()
                self._index_table(table, settings)


def ttl_of(backend: DynamoDBBackend) -> TimeToLive:
    """The TTL engine of a DynamoDB backend, made on first use and kept on the backend."""
    engine: TimeToLive | None = getattr(backend, "ttl", None)
    if engine is None:
        engine = TimeToLive(backend)
        backend.ttl = engine  # type: ignore[attr-defined]
    return engine


def _existing(backend: DynamoDBBackend) -> TimeToLive | None:
    return getattr(backend, "ttl", None)


def table_deleted(backend: DynamoDBBackend, table: Table) -> None:
    """For DeleteTable: forget the table's TTL, if the backend has an engine at all."""
    engine = _existing(backend)
    if engine is not None:
        engine.table_deleted(table)


def snapshot(backend: DynamoDBBackend) -> dict[str, Any] | None:
    """For the backend's snapshot: the engine's state, None when it never had one."""
    engine = _existing(backend)
    return None if engine is None else engine.snapshot()


def load(backend: DynamoDBBackend, state: dict[str, Any] | None) -> None:
    """For the backend's load, after its tables: restore ``snapshot``'s state."""
    if state is not None:
        ttl_of(backend).load(state)
