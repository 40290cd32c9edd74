"""ListObjectsV2's walk over sorted keys: prefix, delimiter, a start point and a page size.

A pure function of the keys, so the rules are tested on their own: keys come in UTF-8
binary order (Python's code point order is the same), a delimiter folds the keys that
share a part into one common prefix, and common prefixes count toward the page size.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass, field

#: Marks a continuation token of this emulator, so a made-up token is told apart.
_TOKEN_MARK = b"s3-list:"


@dataclass
class Page:
    """One page of a listing: keys and common prefixes in order, and where to go on."""

    keys: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    #: The last key or common prefix on the page: the next page starts after it.
    last: str | None = None


def walk(
    keys: Iterable[str], prefix: str, delimiter: str | None, after: str | None, limit: int
) -> Page:
    """The page of ``keys`` (sorted) under ``prefix`` that follows ``after``.

    Args:
        keys: the bucket's keys in order, starting anywhere at or before ``after``.
        prefix: only keys that begin with it; "" for all.
        delimiter: folds ``prefix + part + delimiter`` into one common prefix; None or "".
        after: the last key or common prefix already listed (StartAfter or a token).
        limit: keys plus common prefixes on the page; 0 lists nothing and is complete.
    """
    page = Page()
    count = 0
    for key in keys:
        if not key.startswith(prefix):
            if key > prefix:
                break
            continue
        item, is_prefix = key, False
        if delimiter:
            cut = key.find(delimiter, len(prefix))
            if cut >= 0:
                item, is_prefix = key[: cut + len(delimiter)], True
        # Comparing the folded item, not the key, skips the rest of a common prefix
        # that ended the previous page.
        if (after is not None and item <= after) or item == page.last:
            continue
        if count == limit:
            page.truncated = limit > 0
            break
        (page.prefixes if is_prefix else page.keys).append(item)
        page.last = item
        count += 1
    return page


def make_token(last: str) -> str:
    """An opaque continuation token that resumes after ``last``."""
    return base64.urlsafe_b64encode(_TOKEN_MARK + last.encode("utf-8")).decode("ascii")


def read_token(token: str) -> str | None:
    """The key or prefix a continuation token resumes after; None if it is not a token."""
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    if not raw.startswith(_TOKEN_MARK):
        return None
    try:
        return raw[len(_TOKEN_MARK) :].decode("utf-8")
    except UnicodeDecodeError:
        return None
