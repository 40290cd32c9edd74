"""The cache engine on its own: keys, expiry, negative entries and saved state."""

from __future__ import annotations

import json
import math
from typing import Any

from emulator.services.dax.cache import ClusterCache, expiry, item_key, request_key


def test_entries_expire_at_their_ttl() -> None:
    cache = ClusterCache()
    cache.put_item("k", {"pk": {"S": "a"}}, 100.0, 2_000)
    entry = cache.get_item("k", 101.999)
    assert entry is not None
    assert entry.value == {"pk": {"S": "a"}}
    assert cache.get_item("k", 102.0) is None
    assert "k" not in cache.items


def test_a_ttl_of_zero_never_expires() -> None:
    assert expiry(5.0, 0) == math.inf
    cache = ClusterCache()
    cache.put_query("q", {"Items": [], "Count": 0}, 0.0, 0)
    assert cache.get_query("q", 1e12) is not None


def test_negative_entries_are_hits_with_no_item() -> None:
    cache = ClusterCache()
    cache.put_item("k", None, 0.0, 1_000)
    entry = cache.get_item("k", 0.5)
    assert entry is not None
    assert entry.value is None


def test_stored_values_are_copies() -> None:
    cache = ClusterCache()
    item: dict[str, Any] = {"pk": {"S": "a"}, "tags": {"SS": ["x"]}}
    cache.put_item("k", item, 0.0, 1_000)
    item["tags"]["SS"].append("y")
    entry = cache.get_item("k", 0.0)
    assert entry is not None
    assert entry.value["tags"]["SS"] == ["x"]


def test_request_keys_ignore_member_order_and_keep_every_parameter() -> None:
    a = request_key(
        "Query", {"TableName": "T", "Limit": 5, "ExclusiveStartKey": {"b": {"B": b"\x00"}}}
    )
    b = request_key(
        "Query", {"Limit": 5, "ExclusiveStartKey": {"b": {"B": b"\x00"}}, "TableName": "T"}
    )
    assert a == b
    assert a != request_key("Query", {"TableName": "T", "Limit": 6})
    assert a != request_key("Scan", {"TableName": "T", "Limit": 5})
    assert item_key("T", {"pk": {"S": "a"}}) != item_key("U", {"pk": {"S": "a"}})


def test_purge_drops_only_expired_entries() -> None:
    cache = ClusterCache()
    cache.put_item("old", None, 0.0, 1_000)
    cache.put_item("new", None, 0.0, 5_000)
    cache.put_query("forever", {"Count": 0}, 0.0, 0)
    assert cache.purge(2.0) == 1
    assert set(cache.items) == {"new"}
    assert set(cache.queries) == {"forever"}


def test_state_round_trips_through_json() -> None:
    cache = ClusterCache()
    cache.put_item("k", {"pk": {"S": "a"}, "blob": {"B": b"\x01\x02"}}, 0.0, 1_000)
    cache.put_item("gone", None, 0.0, 0)
    answer = {
        "Items": [{"pk": {"S": "a"}, "blob": {"B": b"\x01"}}],
        "Count": 1,
        "ScannedCount": 1,
        "LastEvaluatedKey": {"pk": {"S": "a"}},
    }
    cache.put_query("q", answer, 0.0, 1_000)
    cache.counters["ItemCacheHits"] += 3
    copy = ClusterCache()
    copy.load(json.loads(json.dumps(cache.snapshot())))
    assert copy.snapshot() == cache.snapshot()
    entry = copy.get_query("q", 0.5)
    assert entry is not None
    assert entry.value == answer
    gone = copy.get_item("gone", 1e12)
    assert gone is not None
    assert gone.value is None
    assert copy.counters["ItemCacheHits"] == 3
