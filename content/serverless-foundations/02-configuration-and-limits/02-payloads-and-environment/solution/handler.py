"""shipping-quote: the shipping zone and price of parcels sent from the Kansas City warehouse."""

import base64
import gzip
import json
import math
import os
from decimal import Decimal
from pathlib import Path

# Init phase: runs once per execution environment, on its cold start.
# The chart travels in the zip, next to this file; the small variable ZONE_CHART_FILE
# says which file it is, so a new chart only needs a new file, not new code.
ZONES = json.loads(Path(__file__).with_name(os.environ["ZONE_CHART_FILE"]).read_text())
CURRENCY = os.environ.get("CURRENCY", "USD")

#: The price list: per zone, the price of the first pound and of each further pound started.
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


def quote(parcel):
    """The zone and price of one parcel, e.g. {"zip": "94103", "weight_lb": 2.5}."""
    zone = ZONES[str(parcel["zip"])[:3]]  # the chart is keyed by the first three digits
    pounds = max(1, math.ceil(parcel["weight_lb"]))
    first, further = PRICES[zone]
    price = first + further * (pounds - 1)
    return {
        "zip": parcel["zip"],
        "zone": zone,
        "pounds": pounds,
        "price": str(price),
        "currency": CURRENCY,
    }


def read_batch(event):
    """The parcels of a batch event.

    A small batch arrives as it is: {"parcels": [...]}. A day's shipping manifest is
    bigger than the 6 MB a synchronous invocation accepts, so it arrives compressed:
    {"encoding": "gzip+base64", "data": "..."}, where data is the base64 text of the
    gzip-compressed JSON document {"parcels": [...]}.
    """
    if event.get("encoding") == "gzip+base64":
        document = json.loads(gzip.decompress(base64.b64decode(event["data"])))
        return document["parcels"]
    return event["parcels"]


def lambda_handler(event, context):
    """Quote one parcel, or a batch of them: {"parcels": [...]} or a compressed manifest."""
    if "zip" in event:
        return quote(event)
    quotes = [quote(parcel) for parcel in read_batch(event)]
    by_zone = {}
    for each in quotes:
        by_zone[str(each["zone"])] = by_zone.get(str(each["zone"]), 0) + 1
    total = sum((Decimal(each["price"]) for each in quotes), Decimal("0"))
    # A batch is answered with totals, not with every quote: the response is limited to
    # 6 MB as well, and a manifest's quotes would not fit.
    return {
        "parcels": len(quotes),
        "by_zone": dict(sorted(by_zone.items())),
        "total": str(total),
        "currency": CURRENCY,
    }
