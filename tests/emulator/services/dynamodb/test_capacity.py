"""Capacity units, ConsumedCapacity shapes, throttling and quota ledgers against AWS's documented outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from emulator.clock import VirtualClock
from emulator.services.dynamodb import capacity, throughput
from emulator.services.dynamodb.attributes import item_size
from emulator.services.dynamodb.capacity import (
    Consumption,
    ProjectionType,
)
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.throughput import (
    BillingModeLedger,
    DecreaseLedger,
    LimitExceededException,
    ProvisionedThroughputExceededException,
    TableCapacity,
    ThrottlingException,
    TokenBucket,
)

KB = 1024
ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"


def _item(size: int) -> dict:
    """An item of exactly ``size`` bytes: attribute "pk" (2 bytes of name) plus its string."""
    item = {"pk": {"S": "x" * (size - 2)}}
    assert item_size(item) == size
    return item


def _at(year: int, month: int, day: int, hour: int, minute: int, second: int) -> float:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()


# -- units ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "strong", "eventual", "transactional"),
    [
        (0, 1.0, 0.5, 2.0),  # a missing item still costs the minimum
        (1, 1.0, 0.5, 2.0),
        (3500, 1.0, 0.5, 2.0),  # AWS: "reading a 3,500-byte item" = reading 4 KB
        (4096, 1.0, 0.5, 2.0),
        (4097, 2.0, 1.0, 4.0),
        (8 * KB, 2.0, 1.0, 4.0),  # AWS: 8 KB -> 2 strong, 1 eventual, 4 transactional
        (10 * KB, 3.0, 1.5, 6.0),  # AWS: "an item of 10 KB ... rounds the item size to 12 KB"
        (400 * KB, 100.0, 50.0, 200.0),
    ],
)
def test_read_units_round_up_to_4kb(
    size: int, strong: float, eventual: float, transactional: float
) -> None:
    assert capacity.read_units(size, consistent=True) == strong
    assert capacity.read_units(size) == eventual
    assert capacity.read_units(size, transactional=True) == transactional


@pytest.mark.parametrize(
    ("size", "units", "transactional"),
    [
        (0, 1.0, 2.0),
        (500, 1.0, 2.0),  # AWS: "writing a 500-byte item" = writing 1 KB
        (1024, 1.0, 2.0),
        (1025, 2.0, 4.0),
        (int(1.6 * KB), 2.0, 4.0),  # AWS: "an item of 1.6 KB ... up to 2 KB"
        (2 * KB, 2.0, 4.0),  # AWS: 2 KB -> 2 write units, 4 transactional
        (400 * KB, 400.0, 800.0),
    ],
)
def test_write_units_round_up_to_1kb(size: int, units: float, transactional: float) -> None:
    assert capacity.write_units(size) == units
    assert capacity.write_units(size, transactional=True) == transactional


def test_get_item_sizes_the_item_and_charges_a_miss() -> None:
    assert capacity.get_item_units(_item(4096), consistent=True) == 1.0
    assert capacity.get_item_units(_item(4097), consistent=True) == 2.0
    assert capacity.get_item_units(_item(4097)) == 1.0
    assert capacity.get_item_units(None) == 0.5
    assert capacity.get_item_units(None, consistent=True) == 1.0
    assert capacity.get_item_units(_item(4097), transactional=True) == 4.0


def test_writes_charge_the_larger_of_before_and_after() -> None:
    small, big = _item(1024), _item(1025)
    assert capacity.write_item_units(None, small) == 1.0  # new item
    assert capacity.write_item_units(big, small) == 2.0  # PutItem over a bigger item
    assert capacity.write_item_units(small, big) == 2.0  # UpdateItem that grows it
    assert capacity.write_item_units(big, None) == 2.0  # DeleteItem: the deleted item
    assert capacity.write_item_units(None, None) == 1.0  # deleting nothing
    assert capacity.write_item_units(small, big, transactional=True) == 4.0
    # AWS's failed-condition example: existing 300 KB, attempted 310 KB -> 310 units.
    assert capacity.write_item_units(_item(300 * KB), _item(310 * KB)) == 310.0


def test_batches_round_each_item_on_its_own() -> None:
    # AWS: 1.5 KB and 6.5 KB read as 4 KB + 8 KB = 12 KB, not 8 KB.
    assert capacity.batch_get_units([1536, 6656], consistent=True) == 3.0
    assert capacity.batch_get_units([1536, 6656]) == 1.5
    assert capacity.batch_get_units([0, 0]) == 1.0  # two misses
    # AWS: 500 bytes and 3.5 KB written as 1 KB + 4 KB = 5 KB.
    assert capacity.batch_write_units([500, 3584]) == 5.0


def test_query_rounds_the_sum_of_items_read_once_per_page() -> None:
    # AWS: 10 items of 40.8 KB together round to 44 KB.
    assert capacity.query_units([4178] * 10, consistent=True) == 11.0
    assert capacity.query_units([4178] * 10) == 5.5
    # AWS: 1,500 items of 64 bytes are 96 KB, not 1,500 separate reads.
    assert capacity.query_units([64] * 1500, consistent=True) == 24.0
    assert capacity.query_units([4096, 1], consistent=True) == 2.0
    assert capacity.query_units([], consistent=True) == 1.0  # nothing found, one partition
    assert capacity.query_units([]) == 0.5


def test_index_queries() -> None:
    # AWS GSI example: 8 entries of 2,000 bytes -> 16 KB, eventually consistent -> 2 units.
    assert capacity.global_index_query_units([2000] * 8) == 2.0
    # AWS LSI example: 4 entries of 200 bytes (4 KB) + 4 fetched items of 300 bytes (16 KB).
    assert capacity.local_index_query_units([200] * 4, [300] * 4, consistent=True) == 5.0
    assert capacity.local_index_query_units([200] * 4, [300] * 4) == 2.5
    assert capacity.local_index_query_units([200] * 4, consistent=True) == 1.0


# -- index writes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Index:
    keys: tuple[str, ...]
    projection: ProjectionType = "KEYS_ONLY"
    non_key: frozenset[str] = field(default_factory=frozenset)


TABLE_KEYS = ("pk",)
BY_STATUS = Index(("status",))


def test_index_entry_projects_keys_and_is_none_for_a_sparse_item() -> None:
    item = {"pk": {"S": "a"}, "status": {"S": "new"}, "note": {"S": "hi"}, "big": {"S": "x"}}
    assert capacity.index_entry(item, TABLE_KEYS, BY_STATUS) == {
        "pk": {"S": "a"},
        "status": {"S": "new"},
    }
    include = Index(("status",), "INCLUDE", frozenset({"note", "absent"}))
    assert capacity.index_entry(item, TABLE_KEYS, include) == {
        "pk": {"S": "a"},
        "status": {"S": "new"},
        "note": {"S": "hi"},
    }
    assert capacity.index_entry(item, TABLE_KEYS, Index(("status",), "ALL")) == item
    assert capacity.index_entry({"pk": {"S": "a"}}, TABLE_KEYS, BY_STATUS) is None
    assert capacity.index_entry(None, TABLE_KEYS, BY_STATUS) is None


def test_index_write_costs_follow_the_documented_cases() -> None:
    plain = {"pk": {"S": "a"}, "note": {"S": "x"}}
    new = {**plain, "status": {"S": "new"}}
    done = {**plain, "status": {"S": "done"}}
    renoted = {**new, "note": {"S": "changed"}}

    def units(before: dict | None, after: dict | None, index: Index = BY_STATUS) -> float:
        return capacity.index_write_units(before, after, TABLE_KEYS, index)

    assert units(None, new) == 1.0  # new item with the indexed attribute: one put
    assert units(plain, new) == 1.0  # update defines the indexed attribute: one put
    assert units(new, done) == 2.0  # indexed key A -> B: delete + put
    assert units(new, plain) == 1.0  # indexed attribute removed: one delete
    assert units(new, None) == 1.0  # item deleted while in the index
    assert units(None, plain) == 0.0  # in the index neither before nor after
    assert units(plain, {**plain, "note": {"S": "y"}}) == 0.0
    assert units(new, renoted) == 0.0  # changed attribute is not projected
    projected = Index(("status",), "INCLUDE", frozenset({"note"}))
    assert units(new, renoted, projected) == 1.0  # only a projected attribute changed
    assert capacity.index_write_units(new, done, TABLE_KEYS, BY_STATUS, transactional=True) == 4.0


def test_index_writes_are_sized_by_the_projected_entry() -> None:
    everything = Index(("status",), "ALL")
    big = {"pk": {"S": "a"}, "status": {"S": "new"}, "blob": {"S": "x" * 3000}}
    assert capacity.index_write_units(None, big, TABLE_KEYS, everything) == 3.0
    assert capacity.index_write_units(None, big, TABLE_KEYS, BY_STATUS) == 1.0
    moved = {**big, "status": {"S": "old"}}
    assert capacity.index_write_units(big, moved, TABLE_KEYS, everything) == 6.0


# -- ConsumedCapacity -------------------------------------------------------------------------


def test_total_is_table_name_and_capacity_units() -> None:
    used = Consumption("Orders")
    used.add(read=0.5)
    assert used.response("TOTAL") == {"TableName": "Orders", "CapacityUnits": 0.5}
    assert used.response("NONE") is None
    assert used.response(None) is None


def test_indexes_breaks_the_total_down() -> None:
    scan = Consumption("CacheTest")  # a Scan of a GSI, as AWS reports it
    scan.add_global("gsi1", read=2.0)
    assert scan.response("INDEXES") == {
        "TableName": "CacheTest",
        "CapacityUnits": 2.0,
        "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"gsi1": {"CapacityUnits": 2.0}},
    }
    put = Consumption("Orders")
    put.add(write=2.0)
    put.add_local("byDate", write=1.0)
    put.add_global("byStatus", write=2.0)
    put.add_global("byStatus", write=0.0)
    assert put.total == 5.0
    assert put.response("INDEXES") == {
        "TableName": "Orders",
        "CapacityUnits": 5.0,
        "Table": {"CapacityUnits": 2.0},
        "LocalSecondaryIndexes": {"byDate": {"CapacityUnits": 1.0}},
        "GlobalSecondaryIndexes": {"byStatus": {"CapacityUnits": 2.0}},
    }
    assert put.response("TOTAL") == {"TableName": "Orders", "CapacityUnits": 5.0}


def test_split_adds_read_and_write_units() -> None:
    transaction = Consumption("Orders")
    transaction.add(read=2.0, write=4.0)
    assert transaction.response("TOTAL", split=True) == {
        "TableName": "Orders",
        "CapacityUnits": 6.0,
        "ReadCapacityUnits": 2.0,
        "WriteCapacityUnits": 4.0,
    }
    reads = Consumption("test1")
    reads.add(read=4.0)
    assert reads.response("INDEXES", split=True) == {
        "TableName": "test1",
        "CapacityUnits": 4.0,
        "ReadCapacityUnits": 4.0,
        "Table": {"CapacityUnits": 4.0, "ReadCapacityUnits": 4.0},
    }


# -- token buckets -----------------------------------------------------------------------------


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


def test_bucket_starts_with_one_second_and_fills_to_300_seconds(clock: VirtualClock) -> None:
    bucket = TokenBucket(5, clock=clock)
    assert bucket.tokens == 5.0
    clock.advance(10)
    assert bucket.tokens == 55.0
    clock.advance(10_000)
    assert bucket.tokens == 1500.0  # 300 s of unused capacity, no more
    assert bucket.capacity == 1500.0


def test_bucket_throttles_when_empty_and_refills_over_virtual_time(clock: VirtualClock) -> None:
    bucket = TokenBucket(2, clock=clock)
    assert bucket.try_consume(1)
    assert bucket.try_consume(1)
    assert not bucket.try_consume(1)
    assert bucket.tokens == 0.0  # a refusal costs nothing
    assert bucket.seconds_until_available() == 0.0  # nothing owed, but nothing held
    assert not bucket.available()
    clock.advance(0.5)
    assert bucket.try_consume(1)
    assert not bucket.try_consume(1)


def test_bucket_lends_a_large_request_and_waits_for_the_debt(clock: VirtualClock) -> None:
    bucket = TokenBucket(1, clock=clock)  # a 1 WCU table
    assert bucket.try_consume(400)  # a 400 KB item: more than the bucket can ever hold
    assert bucket.tokens == -399.0
    assert bucket.seconds_until_available() == 399.0
    clock.advance(399)
    assert not bucket.try_consume(1)
    clock.advance(1)
    assert bucket.try_consume(1)


def test_burst_serves_200_rcu_on_150_provisioned_for_15_minutes(clock: VirtualClock) -> None:
    # AWS's example: 150 RCU unused for 5 minutes = 45,000 units of burst, which carries a
    # load of 200 RCU for 45,000 / (200 - 150) = 900 seconds.
    bucket = TokenBucket(150, clock=clock)
    clock.advance(300)
    assert bucket.tokens == 45_000.0
    served = 0
    while bucket.try_consume(200):
        served += 1
        clock.advance(1)
    assert served == 900


def test_consume_raises_what_the_bucket_was_told(clock: VirtualClock) -> None:
    bucket = TokenBucket(1, clock=clock, on_empty=lambda: ThrottlingException("slow down"))
    bucket.consume(1)
    with pytest.raises(ThrottlingException, match="slow down"):
        bucket.consume(1)
    plain = TokenBucket(1, clock=clock)
    plain.consume(1)
    with pytest.raises(ProvisionedThroughputExceededException):
        plain.consume(1)


def test_new_rate_keeps_what_was_saved_up_to_the_new_maximum(clock: VirtualClock) -> None:
    bucket = TokenBucket(10, clock=clock)
    clock.advance(100)
    assert bucket.tokens == 1010.0
    bucket.set_rate(100)
    assert bucket.tokens == 1010.0
    assert bucket.capacity == 30_000.0
    bucket.set_rate(2)
    assert bucket.tokens == 600.0
    with pytest.raises(ValueError, match="positive rate"):
        TokenBucket(0, clock=clock)


# -- tables ----------------------------------------------------------------------------------------


def test_provisioned_table_throttles_with_aws_error(clock: VirtualClock) -> None:
    table = TableCapacity("Orders", clock=clock, read=1, write=1, arn=ARN)
    table.consume_write(1)
    with pytest.raises(ProvisionedThroughputExceededException) as caught:
        table.consume_write(1)
    error = caught.value
    assert error.message == (
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API."
    )
    response = error.to_response("PutItem")
    assert response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ThrottlingReasons"] == [
        {"reason": "TableWriteProvisionedThroughputExceeded", "resource": ARN}
    ]
    clock.advance(1)
    table.consume_write(1)
    table.consume_read(1.0)  # the read bucket saved 2 s by now
    table.consume_read(1.0)
    error_read = table.read_throttle(0.5)
    assert isinstance(error_read, ProvisionedThroughputExceededException)
    assert error_read.fields["ThrottlingReasons"][0]["reason"] == (
        "TableReadProvisionedThroughputExceeded"
    )


def test_gsi_without_capacity_throttles_the_table_write(clock: VirtualClock) -> None:
    table = TableCapacity("Orders", clock=clock, read=5, write=100, arn=ARN)
    table.add_global_index("byStatus", read=5, write=1)
    assert table.write_throttle(1.0, {"byStatus": 1.0}) is None
    before = table.bucket("write").tokens
    error = table.write_throttle(1.0, {"byStatus": 1.0})
    assert isinstance(error, ProvisionedThroughputExceededException)
    assert error.message == (
        "The level of configured provisioned throughput for one or more global secondary "
        "indexes of the table was exceeded. Consider increasing your provisioning level for "
        "the under-provisioned global secondary indexes with the UpdateTable API."
    )
    assert error.fields["ThrottlingReasons"] == [
        {"reason": "IndexWriteProvisionedThroughputExceeded", "resource": f"{ARN}/index/byStatus"}
    ]
    assert table.bucket("write").tokens == before  # the refused write charged nothing
    assert table.write_throttle(1.0) is None  # a write that does not touch the GSI goes on


def test_gsi_reads_use_the_index_capacity(clock: VirtualClock) -> None:
    table = TableCapacity("Orders", clock=clock, read=100, write=5)
    table.add_global_index("byStatus", read=1, write=5)
    table.consume_read(1.0, index="byStatus")
    with pytest.raises(ProvisionedThroughputExceededException) as caught:
        table.consume_read(1.0, index="byStatus")
    assert caught.value.fields["ThrottlingReasons"] == [
        {"reason": "IndexReadProvisionedThroughputExceeded", "resource": "Orders/index/byStatus"}
    ]
    table.consume_read(1.0)
    table.remove_global_index("byStatus")
    with pytest.raises(KeyError):
        table.consume_read(1.0, index="byStatus")


def test_on_demand_table_is_limited_by_its_maximum(clock: VirtualClock) -> None:
    table = TableCapacity("Orders", clock=clock, billing_mode="PAY_PER_REQUEST", arn=ARN)
    table.consume_write(39_999)
    table.consume_write(1)
    with pytest.raises(ThrottlingException) as caught:
        table.consume_write(1)
    assert caught.value.message == (
        "Throughput exceeds the current capacity of your table or index. DynamoDB is "
        "automatically scaling your table or index so please try again shortly. If exceptions "
        "persist, check if you have a hot key: "
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html"
    )
    assert caught.value.fields["throttlingReasons"] == [
        {"reason": "TableWriteAccountLimitExceeded", "resource": ARN}
    ]
    clock.advance(1)
    table.consume_write(40_000)
    capped = TableCapacity(
        "Capped", clock=clock, billing_mode="PAY_PER_REQUEST", max_read=10, arn=ARN
    )
    capped.consume_read(10)
    error = capped.read_throttle(0.5)
    assert isinstance(error, ThrottlingException)
    assert (
        error.fields["throttlingReasons"][0]["reason"] == "TableReadMaxOnDemandThroughputExceeded"
    )


def test_on_demand_gsi_message(clock: VirtualClock) -> None:
    table = TableCapacity("Orders", clock=clock, billing_mode="PAY_PER_REQUEST")
    table.add_global_index("byStatus", max_write=2)
    table.consume_write(1, {"byStatus": 2})
    error = table.write_throttle(1, {"byStatus": 1})
    assert isinstance(error, ThrottlingException)
    assert error.message == (
        "Throughput exceeds the current capacity for one or more global secondary indexes. "
        "DynamoDB is automatically scaling your index so please try again shortly."
    )


def test_throughput_and_mode_changes(clock: VirtualClock) -> None:
    table = TableCapacity("Orders", clock=clock, read=1, write=1)
    table.add_global_index("byStatus", read=1, write=1)
    clock.advance(10)
    table.set_throughput(read=5, write=2)
    assert table.bucket("write").rate == 2.0
    assert table.bucket("write").tokens == 11.0  # saved units stay
    table.set_throughput(read=3, write=3, index="byStatus")
    assert table.bucket("read", "byStatus").rate == 3.0
    table.set_billing_mode("PAY_PER_REQUEST")
    assert table.billing_mode == "PAY_PER_REQUEST"
    assert table.bucket("write").rate == 40_000.0
    assert table.bucket("write", "byStatus").rate == 40_000.0
    table.set_billing_mode("PROVISIONED", read=4, write=4, indexes={"byStatus": (2, 2)})
    assert table.bucket("read").rate == 4.0
    assert table.bucket("write", "byStatus").rate == 2.0
    with pytest.raises(ValidationException):
        table.set_billing_mode("PROVISIONED", read=4, write=4)  # the GSI has no units


def test_minimum_one_unit_in_aws_wording(clock: VirtualClock) -> None:
    with pytest.raises(ValidationException) as both:
        TableCapacity("Orders", clock=clock, read=0, write=0)
    assert both.value.message == (
        "2 validation errors detected: Value '0' at 'provisionedThroughput.writeCapacityUnits' "
        "failed to satisfy constraint: Member must have value greater than or equal to 1; "
        "Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )
    with pytest.raises(ValidationException) as one:
        throughput.validate_provisioned(0, 5)
    assert one.value.message == (
        "1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' "
        "failed to satisfy constraint: Member must have value greater than or equal to 1"
    )
    throughput.validate_provisioned(1, 1)


# -- ledgers --------------------------------------------------------------------------------------------


def test_is_decrease_counts_either_unit_going_down() -> None:
    assert throughput.is_decrease(10, 10, 9, 9)
    assert throughput.is_decrease(10, 10, 9, 11)  # mixed: still a decrease
    assert not throughput.is_decrease(10, 10, 11, 10)
    assert not throughput.is_decrease(10, 10, 10, 10)


def test_four_decreases_then_one_an_hour() -> None:
    ledger = DecreaseLedger()
    start = _at(2026, 3, 24, 8, 0, 0)
    for step in range(4):
        ledger.check(start + step)
        ledger.record(start + step)
    assert ledger.decreases_today(start + 4) == 4
    with pytest.raises(LimitExceededException) as caught:
        ledger.check(start + 4)
    assert "Number of decreases today: 4." in caught.value.message
    assert caught.value.to_response("UpdateTable")["Error"]["Code"] == "LimitExceededException"
    assert not ledger.allows(start + 3 + 3599)
    assert ledger.allows(start + 3 + 3600)
    ledger.record(start + 3 + 3600)
    assert ledger.next_allowed(start + 3 + 3600) == start + 3 + 7200
    assert ledger.decreases_today(start + 3 + 3600) == 5


def test_decreases_allow_27_in_a_utc_day() -> None:
    ledger = DecreaseLedger()
    midnight = _at(2026, 3, 24, 0, 0, 0)
    accepted = 0
    for minute in range(24 * 60):
        now = midnight + minute * 60
        if ledger.allows(now):
            ledger.record(now)
            accepted += 1
    assert accepted == 27


def test_decrease_error_names_the_next_time_and_resets_at_midnight() -> None:
    # The message AWS returned for a fifth decrease at 23:21 UTC, after four at 23:20:48.
    ledger = DecreaseLedger()
    last = _at(2026, 10, 8, 23, 20, 48)
    for _ in range(4):
        ledger.record(last)
    with pytest.raises(LimitExceededException) as caught:
        ledger.check(last + 12)
    assert caught.value.message == (
        "Subscriber limit exceeded: Provisioned throughput decreases are limited within a "
        "given UTC day. After the first 4 decreases, each subsequent decrease in the same UTC "
        "day can be performed at most once every 3600 seconds. Number of decreases today: 4. "
        "Last decrease at Thursday, October 8, 2026 at 11:20:48 PM Coordinated Universal Time. "
        "Next decrease can be made at Friday, October 9, 2026 at 12:00:00 AM Coordinated "
        "Universal Time."
    )
    midnight = _at(2026, 10, 9, 0, 0, 0)
    assert ledger.decreases_today(midnight - 1) == 4
    assert ledger.decreases_today(midnight) == 0
    ledger.check(midnight)
    ledger.record(midnight)
    assert ledger.decreases_today(midnight) == 1
    assert ledger.last == midnight


def test_switches_to_on_demand_four_in_a_rolling_day() -> None:
    ledger = BillingModeLedger()
    start = _at(2019, 2, 23, 3, 7, 45)
    for hour in range(4):
        now = start + hour * 3600
        ledger.check("PROVISIONED", "PAY_PER_REQUEST", now)
        ledger.record("PROVISIONED", "PAY_PER_REQUEST", now)
        ledger.check("PAY_PER_REQUEST", "PROVISIONED", now + 60)  # back: any time
        ledger.record("PAY_PER_REQUEST", "PROVISIONED", now + 60)
    assert ledger.last_update_to_pay_per_request == start + 3 * 3600
    with pytest.raises(LimitExceededException) as caught:
        ledger.check("PROVISIONED", "PAY_PER_REQUEST", start + 5 * 3600)
    assert caught.value.message.startswith(
        "Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day(s)."
    )
    assert "Next update can be made at Sun Feb 24 03:07:45 UTC 2019" in caught.value.message
    with pytest.raises(LimitExceededException):
        ledger.check("PROVISIONED", "PAY_PER_REQUEST", start + 86_400 - 1)
    ledger.check("PROVISIONED", "PAY_PER_REQUEST", start + 86_400)  # the first one rolled off
    ledger.record("PROVISIONED", "PAY_PER_REQUEST", start + 86_400)
    assert len(ledger.switches) == 4
    ledger.check("PAY_PER_REQUEST", "PROVISIONED", start + 86_400)


def test_dates_are_written_as_aws_writes_them() -> None:
    assert throughput._short_date(_at(2019, 2, 23, 3, 7, 45)) == "Sat Feb 23 03:07:45 UTC 2019"
    assert throughput._long_date(_at(2026, 1, 1, 0, 5, 9)) == (
        "Thursday, January 1, 2026 at 12:05:09 AM Coordinated Universal Time"
    )
    assert throughput._long_date(_at(2026, 1, 1, 12, 0, 0)).endswith(
        "12:00:00 PM Coordinated Universal Time"
    )
