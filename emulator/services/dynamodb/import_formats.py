"""ImportTable's source objects read into items: decompression, DynamoDB JSON lines and CSV.

The formats as the developer guide ("Amazon S3 import formats for DynamoDB") describes
them, with what was measured against AWS (ScyllaDB's Alternator conformance tests):

* DYNAMODB_JSON: one ``{"Item": {...}}`` object per line, values in DynamoDB JSON
  (binary as base64), the very lines an export writes. Empty and whitespace-only lines
  are skipped, neither items nor errors; a valid JSON line without ``Item`` is an error.
* CSV: the first line is the header unless HeaderList is given (then every line is
  data); commas unless Delimiter says otherwise. "All columns other than the hash range
  and keys of your base table and secondary indexes are imported as DynamoDB strings":
  a key column becomes the type its AttributeDefinitions give (binary from base64).
  An empty cell is an empty string.

Readers yield validated items and stop at the first line that cannot become one, raising
``ItemError``: AWS abandons the rest of an object at its first bad line.
"""

from __future__ import annotations

import base64
import binascii
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.attributes import AttributeValue, Item
from emulator.services.dynamodb.errors import ValidationException


class ItemError(Exception):
    """A line (or a whole object) that cannot become an item; the message is for the log."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decompress(body: bytes, compression: str) -> bytes:
    """An object's bytes as the import reads them (``compression``: GZIP or NONE)."""
    if compression != "GZIP":
        return body
    try:
        return gzip.decompress(body)
    except (OSError, EOFError, zlib.error):
        # UNVERIFIED wording: AWS logs its own reader's message.
        raise ItemError("The object could not be decompressed as GZIP") from None


def text_of(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # UNVERIFIED wording: AWS logs its own reader's message.
        raise ItemError("The object is not valid UTF-8 text") from None


def checked(item: Item) -> Item:
    """An item's values validated and normalised as PutItem would, or ItemError."""
    if "" in item:
        # UNVERIFIED wording: the emulator's PutItem does not check attribute names.
        raise ItemError("One or more parameter values were invalid: An attribute name is empty")
    try:
        return av.validate_item(item)
    except ValidationException as error:
        raise ItemError(error.message) from None


def dynamodb_json_items(text: str) -> Iterator[Item]:
    """The items of a DYNAMODB_JSON object, one per non-blank line."""
    # Lines end at "\n" only: splitlines() would also cut at characters JSON strings hold.
    for line in text.split("\n"):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            # UNVERIFIED wording: AWS logs its own parser's message.
            raise ItemError(f"Unable to parse the line as JSON: {error.msg}") from None
        raw = data.get("Item") if isinstance(data, dict) else None
        if not isinstance(raw, dict):
            # UNVERIFIED wording: AWS logs its own parser's message.
            raise ItemError('The line is not a DynamoDB JSON item: expected {"Item": {...}}')
        yield checked({str(name): _decoded(value) for name, value in raw.items()})


def csv_items(
    text: str,
    *,
    delimiter: str = ",",
    header: Sequence[str] | None = None,
    key_types: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """The items of a CSV object.

    Args:
        text: the object's text.
        delimiter: the one-character column separator.
        header: HeaderList; None takes the object's first line as the header.
        key_types: the key attributes of the table and its indexes, with their types.
    """
    types = key_types or {}
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    names = list(header) if header is not None else None
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            # UNVERIFIED wording: AWS logs its own parser's message.
            raise ItemError(f"Unable to parse the line as CSV: {error}") from None
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if names is None:
            names = row
            continue
        if len(row) != len(names):
            # UNVERIFIED wording: AWS logs its own parser's message.
            raise ItemError(f"The line has {len(row)} columns but the header has {len(names)}")
        yield checked(
            {
                name: _typed(value, types.get(name, "S"))
                for name, value in zip(names, row, strict=True)
            }
        )


def _decoded(value: Any) -> Any:
    """A DynamoDB JSON value with its binary read from base64.

    Anything malformed is left as it is, for the validator to name as PutItem would.
    """
    if not isinstance(value, dict) or len(value) != 1:
        return value
    ((kind, inner),) = value.items()
    if kind == "B" and isinstance(inner, str):
        return {"B": _base64(inner)}
    if kind == "BS" and isinstance(inner, list):
        return {"BS": [_base64(v) if isinstance(v, str) else v for v in inner]}
    if kind == "M" and isinstance(inner, dict):
        return {"M": {k: _decoded(v) for k, v in inner.items()}}
    if kind == "L" and isinstance(inner, list):
        return {"L": [_decoded(v) for v in inner]}
    return value


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        # UNVERIFIED wording: AWS logs its own parser's message.
        raise ItemError(f"The binary value {text!r} is not base64") from None


def _typed(value: str, kind: str) -> Any:
    typed: AttributeValue
    if kind == "N":
        typed = {"N": value}
    elif kind == "B":
        # UNVERIFIED: how AWS reads a binary key from CSV is not published; base64, as
        # DynamoDB JSON writes binary, is assumed.
        typed = {"B": _base64(value)}
    else:
        typed = {"S": value}
    return typed
