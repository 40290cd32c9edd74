"""NextToken: where a SELECT stopped, bound to the statement and parameters that made it.

A token holds which partition of the read it stopped in (a SELECT with ``IN`` reads
several) and the key it stopped after. It is only valid for the same statement with the
same parameters, as on DynamoDB: replaying it on another statement is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from emulator.services.dynamodb.attributes import AttributeValue, Item, from_json, to_json
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.partiql.errors import FOREIGN_NEXT_TOKEN, INVALID_NEXT_TOKEN


@dataclass(frozen=True)
class Cursor:
    """Where to resume: the partition's position in the read and the key to start after."""

    partition: int = 0
    start_key: Item | None = None


def fingerprint(statement: str, parameters: Sequence[AttributeValue]) -> str:
    """What a token is bound to: the statement text and its parameters."""
    data = json.dumps([statement, [to_json(p) for p in parameters]], sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def mint(bound_to: str, cursor: Cursor) -> str:
    key = None if cursor.start_key is None else {k: to_json(v) for k, v in cursor.start_key.items()}
    data = json.dumps({"f": bound_to, "p": cursor.partition, "k": key}, sort_keys=True)
    return base64.urlsafe_b64encode(data.encode()).decode()


def resume(token: Any, bound_to: str) -> Cursor:
    """The cursor a token stands for.

    Raises:
        ValidationException: the token is not one the emulator minted, or was minted for
            another statement.
    """
    try:
        data = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        partition, key = data["p"], data["k"]
        start = None if key is None else {k: from_json(v) for k, v in key.items()}
        owner = data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
        raise ValidationException(INVALID_NEXT_TOKEN) from None
    if not isinstance(token, str) or not isinstance(partition, int) or partition < 0:
        raise ValidationException(INVALID_NEXT_TOKEN)
    if owner != bound_to:
        raise ValidationException(FOREIGN_NEXT_TOKEN)
    return Cursor(partition, start)
