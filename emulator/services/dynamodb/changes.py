"""Item changes: every write to a table, in order, for the features that follow writes.

Streams, point-in-time recovery, global-table replication and secondary indexes all need
the same thing: each change to an item, with the item before and after, in the order the
table applied them. The backend makes one ``Change`` per applied write (a put, an update,
a delete, a TTL deletion) and hands it to every subscriber of the table's feed, in
subscription order, before the write returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from emulator.services.dynamodb.attributes import Item

EventName = Literal["INSERT", "MODIFY", "REMOVE"]

#: The principal DynamoDB names in a stream record's ``userIdentity`` for TTL deletions.
TTL_PRINCIPAL = "dynamodb.amazonaws.com"


@dataclass(frozen=True, slots=True)
class Change:
    """One applied write.

    Attributes:
        table: the table's name.
        when: virtual time of the write, in seconds.
        sequence: increases with every change of the region, never reused.
        keys: the item's key attributes.
        old: the item before (None when the write created it).
        new: the item after (None when the write deleted it).
        principal: the service that made the change when it was not a request
            (``TTL_PRINCIPAL`` for Time to Live deletions), else None.
    """

    table: str
    when: float
    sequence: int
    keys: Item
    old: Item | None
    new: Item | None
    principal: str | None = None

    @property
    def event_name(self) -> EventName:
        if self.old is None:
            return "INSERT"
        if self.new is None:
            return "REMOVE"
        return "MODIFY"


Subscriber = Callable[[Change], None]


class Feed:
    """The subscribers of one region's changes, called in order for each change."""

    __slots__ = ("_sequence", "subscribers")

    def __init__(self, sequence: int = 0) -> None:
        self._sequence = sequence
        self.subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self.subscribers:
            self.subscribers.remove(subscriber)

    def resume(self, sequence: int) -> None:
        """Go on numbering after ``sequence`` (state loaded from a snapshot)."""
        self._sequence = sequence

    def next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    @property
    def sequence(self) -> int:
        """The last sequence number handed out (saved with the state)."""
        return self._sequence

    def publish(self, change: Change) -> None:
        for subscriber in self.subscribers:
            subscriber(change)
