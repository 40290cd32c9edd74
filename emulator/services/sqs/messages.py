"""Message content: what SendMessage accepts, how big it is, and the MD5 digests AWS returns.

The attribute digest follows the algorithm AWS documents for verifying
``MD5OfMessageAttributes``: attributes sorted by name, and for each one the name, the
data type and the value, every part preceded by its length as a 4-byte big-endian
integer, with a transport byte (1 for strings and numbers, 2 for binary) before the value.
"""

from __future__ import annotations

import decimal
import hashlib
import re
import struct
from typing import Any

from emulator import limits
from emulator.services.sqs.errors import (
    InvalidMessageContents,
    InvalidParameterValue,
    MissingParameter,
)
from emulator.services.sqs.models import ATTRIBUTE_NAME_MAX, AttributeValue

#: Characters outside what SQS accepts in a body or a string attribute (the W3C XML set).
_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ALLOWED_TEXT = "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_TYPE = re.compile(r"^(String|Number|Binary)(\..+)?$")
_STRING_FIELD, _BINARY_FIELD = 1, 2


def check_body(body: Any) -> str:
    """A MessageBody SQS accepts: a non-empty string of allowed characters."""
    if body is None or body == "":
        raise MissingParameter("MessageBody")
    if not isinstance(body, str):
        raise InvalidParameterValue(
            f"The MessageBody must be a string, not {type(body).__name__}; "
            "serialise structured data (for example with json.dumps) first."
        )
    bad = _FORBIDDEN.search(body)
    if bad:
        raise InvalidMessageContents(
            f"Invalid characters found (#x{ord(bad.group()):X} at position {bad.start()}). "
            f"Valid unicode characters are {_ALLOWED_TEXT}"
        )
    return body


def check_attributes(attributes: Any, *, system: bool = False) -> dict[str, AttributeValue]:
    """Validated MessageAttributes (or MessageSystemAttributes), as a new dict."""
    if attributes is None:
        return {}
    if not isinstance(attributes, dict):
        raise InvalidParameterValue("MessageAttributes must be a map of name to attribute value.")
    most = limits.value("sqs", "MessageAttributes")
    if not system and len(attributes) > most:
        raise InvalidParameterValue(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum [{most}]."
        )
    checked: dict[str, AttributeValue] = {}
    for name, value in attributes.items():
        if system:
            _check_system_name(name)
        else:
            _check_name(name)
        checked[name] = _check_value(name, value, system=system)
    return checked


def _check_system_name(name: str) -> None:
    if name != "AWSTraceHeader":
        raise InvalidParameterValue(
            f"Message system attribute name '{name}' is invalid. "
            "The only message system attribute you can send is AWSTraceHeader."
        )


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not name:
        raise InvalidParameterValue("Message (user) attribute names must not be empty.")
    if len(name) > ATTRIBUTE_NAME_MAX:
        raise InvalidParameterValue(
            f"Message (user) attribute name '{name[:40]}...' is {len(name)} characters long; "
            f"names can be at most {ATTRIBUTE_NAME_MAX} characters."
        )
    if not _NAME.match(name):
        raise InvalidParameterValue(
            f"Message (user) attribute name '{name}' is invalid. Attribute names can contain "
            "A-Z, a-z, 0-9, underscore (_), hyphen (-) and period (.) characters."
        )
    lowered = name.lower()
    if lowered.startswith(("aws.", "amazon.")):
        raise InvalidParameterValue(
            f"Message (user) attribute name '{name}' is invalid: names beginning with "
            "'AWS.' or 'Amazon.' (in any case) are reserved for internal use."
        )
    if name.startswith(".") or name.endswith(".") or ".." in name:
        raise InvalidParameterValue(
            f"Message (user) attribute name '{name}' is invalid: a name cannot start or end "
            "with a period, or have two periods in a row."
        )


def _check_value(name: str, value: Any, *, system: bool) -> AttributeValue:
    kind = "system" if system else "user"
    if not isinstance(value, dict):
        raise InvalidParameterValue(
            f"Message ({kind}) attribute '{name}' must be a map with DataType and "
            "StringValue or BinaryValue."
        )
    data_type = value.get("DataType")
    if not data_type:
        raise InvalidParameterValue(
            f"The message attribute '{name}' must contain non-empty message attribute type."
        )
    match = _TYPE.match(data_type)
    if match is None:
        raise InvalidParameterValue(
            f"The message attribute '{name}' has an invalid message attribute type, the set "
            "of supported type prefixes is Binary, Number, and String."
        )
    if value.get("StringListValues") or value.get("BinaryListValues"):
        raise InvalidParameterValue(
            f"Message ({kind}) attribute '{name}': StringListValues and BinaryListValues are "
            "reserved by AWS for future use; send a StringValue or a BinaryValue."
        )
    base = match.group(1)
    if system and base != "String":
        raise InvalidParameterValue(
            f"Message system attribute '{name}' must be of type String, not {data_type}."
        )
    if base == "Binary":
        binary = value.get("BinaryValue")
        if isinstance(binary, str):
            binary = binary.encode()
        if not binary:
            raise InvalidParameterValue(
                f"Message ({kind}) attribute '{name}' must contain a non-empty value of type "
                f"'{base}'."
            )
        return {"DataType": data_type, "BinaryValue": bytes(binary)}
    text = value.get("StringValue")
    if not text or not isinstance(text, str):
        raise InvalidParameterValue(
            f"Message ({kind}) attribute '{name}' must contain a non-empty value of type '{base}'."
        )
    bad = _FORBIDDEN.search(text)
    if bad:
        raise InvalidParameterValue(
            f"Message ({kind}) attribute '{name}' has invalid characters "
            f"(#x{ord(bad.group()):X}). Valid unicode characters are {_ALLOWED_TEXT}"
        )
    if base == "Number":
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise InvalidParameterValue(
                f"Can't cast the value of message (user) attribute '{name}' to a number."
            )
    return {"DataType": data_type, "StringValue": text}


def size_of(body: str, attributes: dict[str, AttributeValue]) -> int:
    """Bytes counted against MaximumMessageSize: the body plus every attribute part."""
    size = len(body.encode("utf-8"))
    for name, value in attributes.items():
        size += len(name.encode("utf-8")) + len(value["DataType"].encode("utf-8"))
        if "BinaryValue" in value:
            size += len(value["BinaryValue"])
        else:
            size += len(value["StringValue"].encode("utf-8"))
    return size


def md5_of_body(body: str) -> str:
    return hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest()


def md5_of_attributes(attributes: dict[str, AttributeValue]) -> str:
    """MD5OfMessageAttributes (and MD5OfMessageSystemAttributes), as AWS computes it."""
    digest = hashlib.md5(usedforsecurity=False)

    def part(data: bytes) -> None:
        digest.update(struct.pack(">I", len(data)))
        digest.update(data)

    for name in sorted(attributes):
        value = attributes[name]
        part(name.encode("utf-8"))
        part(value["DataType"].encode("utf-8"))
        if "BinaryValue" in value:
            digest.update(bytes([_BINARY_FIELD]))
            part(value["BinaryValue"])
        else:
            digest.update(bytes([_STRING_FIELD]))
            part(value["StringValue"].encode("utf-8"))
    return digest.hexdigest()


def select(attributes: dict[str, AttributeValue], names: list[str]) -> dict[str, AttributeValue]:
    """The attributes ReceiveMessage's MessageAttributeNames asks for.

    ``All`` or ``.*`` returns every attribute, ``prefix.*`` those whose name starts with
    ``prefix``, and any other entry the attribute of exactly that name.
    """
    if any(n in ("All", ".*") for n in names):
        return dict(attributes)
    chosen: dict[str, AttributeValue] = {}
    for name, value in attributes.items():
        for wanted in names:
            if wanted.endswith(".*"):
                if name.startswith(wanted[:-2]):
                    chosen[name] = value
            elif name == wanted:
                chosen[name] = value
    return chosen
