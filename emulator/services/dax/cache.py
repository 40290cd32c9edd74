"""The item cache and query cache of one DAX cluster, on the virtual clock.

A pure engine: it stores what it is given under the keys it is given, with an expiry, and
counts. The data-plane client (``client.py``) decides what to cache, as DAX does
(developer guide, "DAX and DynamoDB consistency models"):

* The item cache holds GetItem and BatchGetItem results by table and key, for
  ``record-ttl-millis``. A write through DAX replaces the entry "regardless of the TTL",
  and its TTL starts again. A key DynamoDB did not have is cached too, as a negative
  entry (an item of None), until its TTL ends or a write through DAX replaces it.
* The query cache holds whole Query and Scan answers keyed by the full request, for
  ``query-ttl-millis``. "Updates to the item cache, or to the underlying DynamoDB table,
  do not invalidate or modify the results stored in the query cache": nothing here ever
  changes a stored answer; only its TTL ends it. Empty answers are cached as well.
* A TTL of 0 means an entry never expires ("0 = infinite" for records, in the aws CLI's
  ``describe-parameters`` example; the same is assumed for queries, UNVERIFIED).

Not modelled: memory and LRU eviction, and the replication between a cluster's nodes
(the cluster is one cache).
"""

from __future__ import annotations

import base64
import copy
import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.attributes import Item


@dataclass
class Entry:
    """A cached value and when it stops being served (``math.inf``: never)."""

    value: Any
    expires: float


def expiry(now: float, ttl_millis: int) -> float:
    """When an entry cached ``now`` expires under a TTL in milliseconds (0 = never)."""
    return math.inf if ttl_millis == 0 else now + ttl_millis / 1000.0


def item_key(table: str, key: Item) -> str:
    """The item cache's key for a table and an item's key attributes."""
    return json.dumps([table, {n: av.to_json(v) for n, v in key.items()}], sort_keys=True)


def request_key(operation: str, params: dict[str, Any]) -> str:
    """The query cache's key: the operation and every parameter of the request."""
    return json.dumps([operation, params], sort_keys=True, default=_jsonable)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"__bytes__": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    raise TypeError(f"cannot key a request on {type(value).__name__}")


class ClusterCache:
    """The two caches of a cluster and its hit and miss counters."""

    def __init__(self) -> None:
        self.items: dict[str, Entry] = {}
        self.queries: dict[str, Entry] = {}
        #: Metric name (``ItemCacheHits``, ``QueryCacheMisses``, ...) -> count since creation.
        self.counters: Counter[str] = Counter()

    # -- item cache -----------------------------------------------------------------------
    def get_item(self, key: str, now: float) -> Entry | None:
        """The live entry for ``key`` (its value None if negative), or None on a miss."""
        return _live(self.items, key, now)

    def put_item(self, key: str, item: Item | None, now: float, ttl_millis: int) -> None:
        """Cache an item (None: the key has no item) for ``ttl_millis`` from ``now``."""
        self.items[key] = Entry(
            None if item is None else av.copy_item(item), expiry(now, ttl_millis)
        )

    # -- query cache ----------------------------------------------------------------------
    def get_query(self, key: str, now: float) -> Entry | None:
        """The live cached answer for a request key, or None on a miss."""
        return _live(self.queries, key, now)

    def put_query(self, key: str, answer: dict[str, Any], now: float, ttl_millis: int) -> None:
        self.queries[key] = Entry(copy.deepcopy(answer), expiry(now, ttl_millis))

    def purge(self, now: float) -> int:
        """Drop every expired entry; returns how many went."""
        gone = 0
        for store in (self.items, self.queries):
            for key in [k for k, e in store.items() if e.expires <= now]:
                del store[key]
                gone += 1
        return gone

    # -- state ----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "items": [
                [key, None if e.value is None else _item_json(e.value), _time(e.expires)]
                for key, e in self.items.items()
            ],
            "queries": [
                [key, _answer_json(e.value), _time(e.expires)] for key, e in self.queries.items()
            ],
            "counters": dict(sorted(self.counters.items())),
        }

    def load(self, state: dict[str, Any]) -> None:
        for key, value, expires in state.get("items", []):
            item = None if value is None else _item_from(value)
            self.items[key] = Entry(item, _time_from(expires))
        for key, value, expires in state.get("queries", []):
            self.queries[key] = Entry(_answer_from(value), _time_from(expires))
        self.counters.update(state.get("counters", {}))


def _live(store: dict[str, Entry], key: str, now: float) -> Entry | None:
    entry = store.get(key)
    if entry is None:
        return None
    if entry.expires <= now:
        del store[key]
        return None
    return entry


def _time(expires: float) -> float | None:
    return None if math.isinf(expires) else expires


def _time_from(value: float | None) -> float:
    return math.inf if value is None else float(value)


def _item_json(item: Item) -> dict[str, Any]:
    return {name: av.to_json(value) for name, value in item.items()}


def _item_from(raw: dict[str, Any]) -> Item:
    return {name: av.from_json(value) for name, value in raw.items()}


#: The members of a Query or Scan answer that hold items.
_ITEM_LISTS = ("Items",)
_ITEM_MEMBERS = ("LastEvaluatedKey",)


def _answer_json(answer: dict[str, Any]) -> dict[str, Any]:
    data = dict(answer)
    for name in _ITEM_LISTS:
        if name in data:
            data[name] = [_item_json(item) for item in data[name]]
    for name in _ITEM_MEMBERS:
        if name in data:
            data[name] = _item_json(data[name])
    return data


def _answer_from(data: dict[str, Any]) -> dict[str, Any]:
    answer = dict(data)
    for name in _ITEM_LISTS:
        if name in answer:
            answer[name] = [_item_from(item) for item in answer[name]]
    for name in _ITEM_MEMBERS:
        if name in answer:
            answer[name] = _item_from(answer[name])
    return answer
