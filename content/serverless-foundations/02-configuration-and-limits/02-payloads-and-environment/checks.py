"""Checks of the shipping-quote lab that run the learner's function on the grading fork."""

from __future__ import annotations

import base64
import gzip
import json
import math
import random
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator import limits
from labs.checks import Verdict, invoke

if TYPE_CHECKING:
    from emulator import Cloud

FUNCTION = "shipping-quote"
CHART = json.loads((Path(__file__).parent / "starter" / "zone-chart.json").read_text())

#: The price list of handler.py: per zone, the first pound and each further pound started.
PRICES = {
    1: (Decimal("5.20"), Decimal("0.45")),
    2: (Decimal("5.60"), Decimal("0.55")),
    3: (Decimal("6.10"), Decimal("0.70")),
    4: (Decimal("6.80"), Decimal("0.85")),
    5: (Decimal("7.40"), Decimal("1.05")),
    6: (Decimal("8.20"), Decimal("1.30")),
    7: (Decimal("9.10"), Decimal("1.55")),
    8: (Decimal("10.40"), Decimal("1.90")),
}

#: Parcels the learner never sees, one per corner of the chart: the warehouse's own
#: zone, a middle zone, the far west, and a prefix only the full chart holds.
PROBES = (
    {"zip": "64105", "weight_lb": 0.4},
    {"zip": "44114", "weight_lb": 2.5},
    {"zip": "98101", "weight_lb": 7},
    {"zip": "00926", "weight_lb": 12.2},
)

#: Parcels in the manifest the last check sends: enough for a document over 6 MB.
MANIFEST_PARCELS = 60_000


def price(parcel: dict[str, Any]) -> tuple[int, int, Decimal]:
    """(zone, pounds, price) of one parcel, worked out from the chart and the price list."""
    zone = CHART[str(parcel["zip"])[:3]]
    pounds = max(1, math.ceil(parcel["weight_lb"]))
    first, further = PRICES[zone]
    return zone, pounds, first + further * (pounds - 1)


def manifest(count: int, seed: int) -> dict[str, Any]:
    """A day's shipping manifest of ``count`` parcels, the same for the same seed."""
    rng = random.Random(seed)
    prefixes = sorted(CHART)
    streets = ("Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Park Road", "Elm Court")
    parcels = []
    for n in range(count):
        parcels.append(
            {
                "order": f"O-{700000 + n}",
                "name": f"Customer {rng.randint(10000, 99999)}",
                "street": f"{rng.randint(1, 9999)} {rng.choice(streets)}",
                "zip": f"{rng.choice(prefixes)}{rng.randint(0, 99):02d}",
                "weight_lb": rng.randint(1, 400) / 10,
            }
        )
    return {"parcels": parcels}


def compressed(document: dict[str, Any]) -> dict[str, str]:
    """The event that carries ``document`` gzip-compressed and base64-encoded."""
    raw = json.dumps(document).encode()
    return {"encoding": "gzip+base64", "data": base64.b64encode(gzip.compress(raw)).decode()}


def _invoke(cloud: Cloud, event: dict[str, Any] | str) -> tuple[Any, str | None]:
    """Invoke the function; returns (answer, None) or (error body, a one-line description)."""
    return invoke(cloud, FUNCTION, event)


def check_single_quotes(cloud: Cloud) -> Verdict:
    """Each probe parcel gets the zone and price of the full chart and the price list."""
    for parcel in PROBES:
        zone, pounds, cost = price(parcel)
        expected = {
            "zip": parcel["zip"],
            "zone": zone,
            "pounds": pounds,
            "price": str(cost),
            "currency": "USD",
        }
        body, error = _invoke(cloud, parcel)
        if error is not None:
            return Verdict(
                False,
                body,
                expected,
                f"shipping-quote failed on {json.dumps(parcel)} with {error}. A KeyError for "
                "ZONE_CHART or ZONE_CHART_FILE means the code and the variables disagree; a "
                "FileNotFoundError means zone-chart.json is not in the zip. Fix it, zip "
                "handler.py and zone-chart.json again, and run aws lambda update-function-code.",
            )
        if body != expected:
            return Verdict(
                False,
                body,
                expected,
                f"For {json.dumps(parcel)} shipping-quote answered {json.dumps(body)}. Load the "
                "whole zone-chart.json from the package and keep the starter's quote function.",
            )
    return Verdict(True, body, expected)


@cache
def _manifest_case() -> tuple[str, int, dict[str, Any]]:
    """(the compressed event as JSON, the document's size, the expected answer), built once."""
    document = manifest(MANIFEST_PARCELS, seed=20260309)
    size = len(json.dumps(document).encode())
    by_zone: dict[str, int] = {}
    total = Decimal("0")
    for parcel in document["parcels"]:
        zone, _, cost = price(parcel)
        by_zone[str(zone)] = by_zone.get(str(zone), 0) + 1
        total += cost
    expected = {
        "parcels": MANIFEST_PARCELS,
        "by_zone": dict(sorted(by_zone.items())),
        "total": str(total),
        "currency": "USD",
    }
    return json.dumps(compressed(document)), size, expected


def check_compressed_manifest(cloud: Cloud) -> Verdict:
    """A manifest over the synchronous limit, sent compressed, is quoted in full."""
    event, size, expected = _manifest_case()
    limit = limits.value("lambda", "SyncPayload")
    if size <= limit:
        raise RuntimeError(f"the test manifest ({size} bytes) should not fit in {limit} bytes")
    body, error = _invoke(cloud, event)
    sent = f"a manifest of {MANIFEST_PARCELS:,} parcels ({size:,} bytes as JSON, "
    sent += f"{len(event):,} bytes compressed)"
    if error is not None:
        return Verdict(
            False,
            error,
            expected,
            f"shipping-quote failed on {sent} with {error}. read_batch must turn "
            '{"encoding": "gzip+base64", "data": ...} back into the document: base64-decode, '
            "gzip-decompress, then json.loads. If it timed out, give it more time with "
            "aws lambda update-function-configuration --timeout 10.",
        )
    if body != expected:
        return Verdict(
            False,
            body,
            expected,
            f"shipping-quote answered {sent} with totals that differ from the manifest's. "
            'Quote every parcel of the decoded document\'s "parcels" list.',
        )
    return Verdict(True, {k: body[k] for k in ("parcels", "total")}, "these totals")
