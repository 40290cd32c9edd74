"""A DAX data-plane client: DynamoDB's item operations served through a cluster's caches.

Learners, labs and the console get one from ``connect``::

    from emulator.services.dax.client import connect

    dax = connect(cloud, "my-cluster")                 # the cloud's default Region
    dax.get_item(TableName="Orders", Key={"pk": {"S": "o-1"}})
    dax.stats()                                        # {"ItemCacheMisses": 1, ...}

It takes the parameters and gives the answers of boto3's DynamoDB client, and raises the
same ``ClientError`` subclasses. What it does, following the developer guide's "DAX and
DynamoDB consistency models" and "Using transactional APIs with DAX":

* GetItem and BatchGetItem, eventually consistent, are answered from the item cache; a
  miss reads DynamoDB (eventually consistent) and caches the item, or its absence.
* Query and Scan, eventually consistent, are answered from the query cache, keyed by the
  whole request; a miss runs the request on DynamoDB and caches the answer.
* ``ConsistentRead=True`` passes through to DynamoDB, and nothing is cached.
* PutItem, UpdateItem, DeleteItem and BatchWriteItem go to DynamoDB first; only when they
  succeed does the item cache take the item as DynamoDB now holds it. The query cache is
  never touched: a cached Query keeps answering the old result until its TTL ends.
* TransactWriteItems goes to DynamoDB, then DAX reads every written item back with
  TransactGetItems (consuming read capacity) into the item cache; TransactGetItems passes
  through uncached.
* Writes made directly to DynamoDB, and global-table replication writes, bypass DAX: the
  caches do not see them.

Counters (``ItemCacheHits``, ``ItemCacheMisses``, ``QueryCacheHits``, ``QueryCacheMisses``,
``ScanCacheHits``, ``ScanCacheMisses``, a ``...RequestCount`` per operation,
``TotalRequestCount``, ``ErrorRequestCount``) are kept per cluster, read with ``stats()``,
and published to CloudWatch in the ``AWS/DAX`` namespace with the ``ClusterId`` dimension.
Cache hits are logged as ``cache_hit`` events.

Not provided: DAX's own wire protocol (a Lambda handler's ``amazondax`` client cannot
reach the emulator), ``ReturnConsumedCapacity`` on cached reads, PartiQL.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emulator import limits
from emulator.client import Meta, snake_case
from emulator.errors import ClientError, NotSupportedByEmulator, ServiceError
from emulator.services.base import require
from emulator.services.dax.backend import DaxBackend
from emulator.services.dax.cache import item_key, request_key
from emulator.services.dax.models import Cluster
from emulator.services.dynamodb.api_batch import DUPLICATES
from emulator.services.dynamodb.api_items import ACCEPTED as ITEM_ACCEPTED
from emulator.services.dynamodb.attributes import Item
from emulator.services.dynamodb.backend import DynamoDBBackend, checked_key
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import Projection
from emulator.services.dynamodb.models import Table
from emulator.services.dynamodb.requests import Expressions, accept, projected

if TYPE_CHECKING:
    from emulator.cloud import Cloud

_COUNTS = {
    "GetItem": "GetItemRequestCount",
    "PutItem": "PutItemRequestCount",
    "UpdateItem": "UpdateItemRequestCount",
    "DeleteItem": "DeleteItemRequestCount",
    "BatchGetItem": "BatchGetItemRequestCount",
    "BatchWriteItem": "BatchWriteItemRequestCount",
    "Query": "QueryRequestCount",
    "Scan": "ScanRequestCount",
    "TransactWriteItems": "TransactWriteItemsCount",
    "TransactGetItems": "TransactGetItemsCount",
}


def connect(cloud: Cloud, cluster_name: str, region: str | None = None) -> DaxClient:
    """A client for a cluster of ``region`` (the cloud's default Region if None).

    Raises:
        ClientError: ClusterNotFoundFault when there is no such cluster. A cluster that is
            still ``creating`` connects, but its requests fail until it is ``available``.
    """
    region = region or cloud.region
    with cloud.lock.hold():
        backend: Any = cloud.backend("dax", region)
        try:
            cluster = backend.cluster(cluster_name)
        except ServiceError as err:
            factory = cloud.client("dax", region_name=region).exceptions.from_code(err.code)
            raise factory(err.to_response("Connect"), "Connect") from None
    return DaxClient(cloud, cluster.name, region)


class DaxClient:
    """DynamoDB's item operations through one DAX cluster; see the module docstring."""

    def __init__(self, cloud: Cloud, cluster_name: str, region: str) -> None:
        self._cloud = cloud
        self._cluster_name = cluster_name
        self._region = region
        self._ddb = cloud.client("dynamodb", region_name=region)
        self.exceptions = self._ddb.exceptions
        self.meta = Meta("dax", region, None)
        self._methods = {snake_case(op): op for op in _HANDLERS}

    @property
    def cluster_name(self) -> str:
        return self._cluster_name

    def __getattr__(self, name: str) -> Any:
        operation = self.__dict__.get("_methods", {}).get(name)
        if operation is None:
            raise AttributeError(
                f"the DAX client has no operation '{name}'; it supports: "
                f"{', '.join(sorted(self.__dict__.get('_methods', {})))}"
            )

        def call(**params: Any) -> dict[str, Any]:
            return self.call(operation, params)

        call.__name__ = name
        return call

    def stats(self) -> dict[str, int]:
        """The cluster's counters so far: hits, misses and requests by metric name."""
        with self._cloud.lock.hold():
            cache = self._dax().caches.get(self._cluster_name)
            return {} if cache is None else dict(sorted(cache.counters.items()))

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run one operation through the cluster."""
        handler = _HANDLERS[operation]
        with self._cloud.lock.hold():
            if self._cloud.clock.mode == "live":
                self._cloud.clock.run_due()
            dax = self._dax()
            try:
                cluster = dax.available(self._cluster_name)
            except ServiceError as err:
                raise self._error(err, operation) from None
            dax.count(cluster, _COUNTS[operation])
            dax.count(cluster, "TotalRequestCount")
            try:
                answer = handler(self, cluster, params)
            except ServiceError as err:
                dax.count(cluster, "ErrorRequestCount")
                raise self._error(err, operation) from None
            except ClientError:
                dax.count(cluster, "ErrorRequestCount")
                raise
            answer["ResponseMetadata"] = {
                "RequestId": str(uuid.UUID(int=self._cloud.next_id())),
                "HTTPStatusCode": 200,
            }
        return answer

    # -- helpers --------------------------------------------------------------------------
    def _dax(self) -> DaxBackend:
        return self._cloud.backend("dax", self._region)  # type: ignore[return-value]

    def _dynamodb(self) -> DynamoDBBackend:
        return self._cloud.backend("dynamodb", self._region)  # type: ignore[return-value]

    def _table(self, name: Any) -> Table:
        return self._dynamodb().table(name)

    def _error(self, err: ServiceError, operation: str) -> ClientError:
        return self.exceptions.from_code(err.code)(err.to_response(operation), operation)

    def _pass(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Send a request to DynamoDB as is; the answer without its ResponseMetadata."""
        answer: dict[str, Any] = getattr(self._ddb, method)(**params)
        answer.pop("ResponseMetadata", None)
        return answer

    def _now(self) -> float:
        return self._cloud.clock.now()

    def _hit(self, cluster: Cluster, cache: str, **detail: Any) -> None:
        self._cloud.events.emit("dax", "cache_hit", cluster.name, cache=cache, **detail)

    def _write_through(self, cluster: Cluster, table: Table, key: Item) -> None:
        """Put the item as DynamoDB now holds it (None: gone) in the item cache."""
        dax = self._dax()
        record_ttl, _ = dax.ttls(cluster)
        stored = table.get(table.key_of(key))
        dax.cache(cluster).put_item(item_key(table.name, key), stored, self._now(), record_ttl)

    def _cached_item(self, cluster: Cluster, table: Table, key: Item) -> tuple[bool, Item | None]:
        """(hit, item) from the item cache, without reading DynamoDB on a miss."""
        dax = self._dax()
        entry = dax.cache(cluster).get_item(item_key(table.name, key), self._now())
        if entry is None:
            dax.count(cluster, "ItemCacheMisses")
            return False, None
        dax.count(cluster, "ItemCacheHits")
        return True, None if entry.value is None else copy.deepcopy(entry.value)


def _cached_only(operation: str, params: dict[str, Any]) -> None:
    if params.get("ReturnConsumedCapacity", "NONE") != "NONE":
        raise NotSupportedByEmulator(
            f"ReturnConsumedCapacity on a {operation} answered through DAX"
        )


def _key_of(table: Table, item: Any) -> Item:
    if not isinstance(item, dict):
        raise ValidationException("The provided key element does not match the schema")
    return checked_key(table, {n: item[n] for n in table.key_names if n in item})


# -- reads ----------------------------------------------------------------------------------
def _get_item(client: DaxClient, cluster: Cluster, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("ConsistentRead"):
        return client._pass("get_item", params)
    accept("GetItem", params, ITEM_ACCEPTED["GetItem"])
    require(params, "TableName", "Key")
    _cached_only("GetItem", params)
    table = client._table(params["TableName"])
    request = Expressions(params)
    projection = request.projection()
    request.finish()
    key = checked_key(table, params["Key"])
    hit, item = client._cached_item(cluster, table, key)
    if hit:
        client._hit(cluster, "item", table=table.name, keys=1)
    else:
        item = client._ddb.get_item(TableName=table.name, Key=key).get("Item")
        record_ttl, _ = client._dax().ttls(cluster)
        client._dax().cache(cluster).put_item(
            item_key(table.name, key), item, client._now(), record_ttl
        )
    return {} if item is None else {"Item": projected(item, projection)}


def _batch_get_item(client: DaxClient, cluster: Cluster, params: dict[str, Any]) -> dict[str, Any]:
    accept("BatchGetItem", params, {"RequestItems", "ReturnConsumedCapacity"})
    require(params, "RequestItems")
    _cached_only("BatchGetItem", params)
    requests = params["RequestItems"]
    if not isinstance(requests, dict) or not requests:
        return client._pass("batch_get_item", params)  # DynamoDB words the refusal
    total = sum(len((spec or {}).get("Keys") or []) for spec in requests.values())
    if total > limits.value("dynamodb", "BatchGetItems"):
        raise ValidationException("Too many items requested for the BatchGetItem call")
    responses: dict[str, list[Item]] = {}
    through: dict[str, Any] = {}
    misses: dict[str, list[Item]] = {}
    projections: dict[str, Projection | None] = {}
    hits = 0
    for name, spec in requests.items():
        spec = spec or {}
        if spec.get("ConsistentRead"):
            through[name] = spec
            continue
        table = client._table(name)
        request = Expressions(spec)
        projections[name] = request.projection()
        request.finish()
        keys = [checked_key(table, key) for key in spec.get("Keys") or []]
        if len({item_key(name, k) for k in keys}) != len(keys):
            raise ValidationException(DUPLICATES)
        found = responses.setdefault(name, [])
        for key in keys:
            hit, item = client._cached_item(cluster, table, key)
            if not hit:
                misses.setdefault(name, []).append(key)
            else:
                hits += 1
                if item is not None:
                    found.append(projected(item, projections[name]))
    if hits:
        client._hit(cluster, "item", keys=hits)
    unprocessed: dict[str, Any] = {}
    inner = {name: {"Keys": keys} for name, keys in misses.items()} | through
    if inner:
        answer = client._pass("batch_get_item", {"RequestItems": inner})
        got = answer.get("Responses", {})
        left = answer.get("UnprocessedKeys", {})
        for name in through:
            responses.setdefault(name, []).extend(got.get(name, []))
        record_ttl, _ = client._dax().ttls(cluster)
        cache = client._dax().cache(cluster)
        for name, keys in misses.items():
            table = client._table(name)
            found_items = {item_key(name, _key_of(table, i)): i for i in got.get(name, [])}
            waiting = {item_key(name, k) for k in left.get(name, {}).get("Keys", [])}
            for key in keys:
                entry_key = item_key(name, key)
                if entry_key in waiting:
                    continue
                item = found_items.get(entry_key)
                cache.put_item(entry_key, item, client._now(), record_ttl)
                if item is not None:
                    responses[name].append(projected(item, projections[name]))
        for name, spec in left.items():
            unprocessed[name] = {**requests[name], "Keys": spec.get("Keys", [])}
    return {"Responses": responses, "UnprocessedKeys": unprocessed}


def _read_cached(
    operation: str, method: str
) -> Callable[[DaxClient, Cluster, dict[str, Any]], dict[str, Any]]:
    """Query or Scan through the query cache (their own hit and miss metrics)."""
    metric = "QueryCache" if operation == "Query" else "ScanCache"

    def read(client: DaxClient, cluster: Cluster, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("ConsistentRead"):
            return client._pass(method, params)
        _cached_only(operation, params)
        dax = client._dax()
        cache = dax.cache(cluster)
        key = request_key(operation, params)
        entry = cache.get_query(key, client._now())
        if entry is not None:
            dax.count(cluster, f"{metric}Hits")
            client._hit(cluster, operation.lower(), table=params.get("TableName"))
            return copy.deepcopy(entry.value)  # type: ignore[no-any-return]
        dax.count(cluster, f"{metric}Misses")
        answer = client._pass(method, params)
        _, query_ttl = dax.ttls(cluster)
        cache.put_query(key, answer, client._now(), query_ttl)
        return answer

    return read


# -- writes ---------------------------------------------------------------------------------
def _put_item(client: DaxClient, cluster: Cluster, params: dict[str, Any]) -> dict[str, Any]:
    answer = client._pass("put_item", params)
    table = client._table(params["TableName"])
    client._write_through(cluster, table, _key_of(table, params["Item"]))
    return answer


def _keyed_write(method: str) -> Callable[[DaxClient, Cluster, dict[str, Any]], dict[str, Any]]:
    """UpdateItem or DeleteItem: DynamoDB first, then the item cache."""

    def write(client: DaxClient, cluster: Cluster, params: dict[str, Any]) -> dict[str, Any]:
        answer = client._pass(method, params)
        table = client._table(params["TableName"])
        client._write_through(cluster, table, checked_key(table, params["Key"]))
        return answer

    return write


def _batch_write_item(
    client: DaxClient, cluster: Cluster, params: dict[str, Any]
) -> dict[str, Any]:
    answer = client._pass("batch_write_item", params)
    left = answer.get("UnprocessedItems", {})
    for name, entries in params["RequestItems"].items():
        table = client._table(name)
        waiting = {item_key(name, _request_key(table, e)) for e in left.get(name, [])}
        for entry in entries:
            key = _request_key(table, entry)
            if item_key(name, key) not in waiting:
                client._write_through(cluster, table, key)
    return answer


def _request_key(table: Table, entry: dict[str, Any]) -> Item:
    if "PutRequest" in entry:
        return _key_of(table, entry["PutRequest"]["Item"])
    return checked_key(table, entry["DeleteRequest"]["Key"])


def _transact_write_items(
    client: DaxClient, cluster: Cluster, params: dict[str, Any]
) -> dict[str, Any]:
    answer = client._pass("transact_write_items", params)
    written: list[tuple[Table, Item]] = []
    for action in params["TransactItems"]:
        ((kind, spec),) = action.items()
        if kind == "ConditionCheck":
            continue
        table = client._table(spec["TableName"])
        key = _key_of(table, spec["Item"]) if kind == "Put" else checked_key(table, spec["Key"])
        written.append((table, key))
    record_ttl, _ = client._dax().ttls(cluster)
    cache = client._dax().cache(cluster)
    most = int(limits.value("dynamodb", "TransactionItems"))
    for start in range(0, len(written), most):
        chunk = written[start : start + most]
        read = client._pass(
            "transact_get_items",
            {"TransactItems": [{"Get": {"TableName": t.name, "Key": k}} for t, k in chunk]},
        )
        for (table, key), found in zip(chunk, read["Responses"], strict=True):
            cache.put_item(item_key(table.name, key), found.get("Item"), client._now(), record_ttl)
    return answer


def _through(method: str) -> Callable[[DaxClient, Cluster, dict[str, Any]], dict[str, Any]]:
    def passed(client: DaxClient, cluster: Cluster, params: dict[str, Any]) -> dict[str, Any]:
        return client._pass(method, params)

    return passed


_HANDLERS: dict[str, Callable[[DaxClient, Cluster, dict[str, Any]], dict[str, Any]]] = {
    "GetItem": _get_item,
    "BatchGetItem": _batch_get_item,
    "Query": _read_cached("Query", "query"),
    "Scan": _read_cached("Scan", "scan"),
    "PutItem": _put_item,
    "UpdateItem": _keyed_write("update_item"),
    "DeleteItem": _keyed_write("delete_item"),
    "BatchWriteItem": _batch_write_item,
    "TransactWriteItems": _transact_write_items,
    "TransactGetItems": _through("transact_get_items"),
}
