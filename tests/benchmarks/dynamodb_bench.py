"""DynamoDB benchmark: the same workload through serverlings and through moto, ratios printed.

Targets (DynamoDB-in-depth issue): PutItem >= 20,000/s, GetItem >= 30,000/s, UpdateItem
with a condition >= 10,000/s, Query returning 100 items of a 10,000-item partition
>= 2,000/s, 100,000 items of about 200 bytes in <= 150 MB resident, and a TTL sweep over
them in <= 0.5 s. moto keeps expired items forever, so it has no sweep to compare.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

PARTITION = 10_000
PAYLOAD = {"S": "x" * 150}


def _rate(action: Callable[[int], object], count: int) -> float:
    start = time.perf_counter()
    for n in range(count):
        action(n)
    return count / (time.perf_counter() - start)


def workload(client: Any, scale: float) -> dict[str, float]:
    """Operations per second of each call; ``scale`` shrinks the counts for slow peers."""
    client.create_table(
        TableName="Bench",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    count = max(int(PARTITION * scale), 200)
    put = _rate(
        lambda n: client.put_item(
            TableName="Bench",
            Item={"pk": {"S": "p"}, "sk": {"S": f"{n:06d}"}, "data": PAYLOAD, "v": {"N": "0"}},
        ),
        count,
    )
    get = _rate(
        lambda n: client.get_item(
            TableName="Bench", Key={"pk": {"S": "p"}, "sk": {"S": f"{n % count:06d}"}}
        ),
        count,
    )
    update = _rate(
        lambda n: client.update_item(
            TableName="Bench",
            Key={"pk": {"S": "p"}, "sk": {"S": f"{n % count:06d}"}},
            UpdateExpression="SET v = v + :one",
            ConditionExpression="attribute_exists(sk) AND v < :big",
            ExpressionAttributeValues={":one": {"N": "1"}, ":big": {"N": "1000000"}},
        ),
        count,
    )
    query = _rate(
        lambda n: client.query(
            TableName="Bench",
            KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
            ExpressionAttributeValues={
                ":p": {"S": "p"},
                ":a": {"S": f"{(n * 100) % (count - 100):06d}"},
                ":b": {"S": f"{(n * 100) % (count - 100) + 99:06d}"},
            },
        ),
        max(int(2000 * scale), 20),
    )
    return {"PutItem": put, "GetItem": get, "UpdateItem+condition": update, "Query 100": query}


_MEMORY = """
import gc, sys
sys.path.insert(0, ".")

def resident():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

from emulator import Cloud
cloud = Cloud()
ddb = cloud.client("dynamodb")
ddb.create_table(TableName="Mem", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
gc.collect()
before = resident()
for n in range(100_000):
    if n % 10_000 == 0:
        cloud.clock.advance(1)  # on-demand tables take 40,000 writes a second at most
    ddb.put_item(TableName="Mem", Item={"pk": {"S": f"user#{n:08d}"}, "name": {"S": "x" * 120},
        "age": {"N": str(n % 90)}, "ttl": {"N": str(1_700_000_000 + n)}})
gc.collect()
after = resident()
print((after - before) / 1024, after / 1024)
"""


def memory_mb() -> tuple[float, float]:
    """Resident growth and total for 100,000 items of about 200 bytes (a fresh process)."""
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def ttl_sweep_seconds(count: int = 100_000) -> float:
    """Wall seconds the TTL sweep takes to delete ``count`` expired items (clock moved 3 days)."""
    from emulator import Cloud

    cloud = Cloud()
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Sessions",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.update_time_to_live(
        TableName="Sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    cloud.clock.advance(3600)  # enabling takes up to an hour
    expired = {"N": str(int(cloud.clock.now()) - 60)}
    for n in range(count):
        if n % 10_000 == 0:
            cloud.clock.advance(1)
        ddb.put_item(TableName="Sessions", Item={"pk": {"S": f"s{n:07d}"}, "expires": expired})
    started = time.perf_counter()
    cloud.clock.advance(3 * 86_400)
    elapsed = time.perf_counter() - started
    assert ddb.describe_table(TableName="Sessions")["Table"]["ItemCount"] == 0
    return elapsed


def run(report: Callable[[str, float, str, str], None]) -> None:
    from emulator import Cloud

    targets = {
        "PutItem": 20_000,
        "GetItem": 30_000,
        "UpdateItem+condition": 10_000,
        "Query 100": 2_000,
    }
    print("dynamodb (in-process client; moto's figures beside where installed)")
    with Cloud() as cloud:
        ours = workload(cloud.client("dynamodb"), 1.0)
    peer: dict[str, float] = {}
    try:
        import boto3
        from moto import mock_aws
    except ImportError:
        print("  moto is not installed: pip install 'moto[dynamodb]' to compare")
    else:
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        with mock_aws():
            peer = workload(boto3.client("dynamodb", region_name="us-east-1"), 0.05)
    for name, value in ours.items():
        beside = (
            f"   moto {peer[name]:>8,.0f}/s  ({value / peer[name]:.0f}x)" if name in peer else ""
        )
        report(f"{name}", value, "/s", f">= {targets[name]:,}{beside}")
    growth, total = memory_mb()
    report(
        "100,000 items (~200 B) resident growth", growth, "MB", f"<= 150 (process {total:.0f} MB)"
    )
    report("TTL sweep of 100,000 expired items", ttl_sweep_seconds(), "s", "<= 0.5")
