"""rest-xml's values by botocore's shapes: XML documents, scalars, and protocol errors.

Reading mirrors botocore's RestXMLSerializer (what a client sends) and writing mirrors its
RestXMLParser (what a client reads): element names from ``locationName``, flattened lists
as repeated elements named after their items, timestamps in ISO 8601 in bodies and RFC 822
in headers.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import xml.etree.ElementTree as ET
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from emulator.errors import NotSupportedByEmulator, ServiceError

if TYPE_CHECKING:
    from botocore.model import Shape

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class _ProtocolError(ServiceError):
    """A request the protocol cannot read; S3's codes, as S3 answers them."""

    status = 400
    sender_fault = True


class MalformedXML(_ProtocolError):
    code = "MalformedXML"

    def __init__(self) -> None:
        super().__init__(
            "The XML you provided was not well-formed or did not validate against our "
            "published schema"
        )


class InvalidArgument(_ProtocolError):
    code = "InvalidArgument"


class InvalidRequest(_ProtocolError):
    code = "InvalidRequest"


class IncompleteBody(_ProtocolError):
    code = "IncompleteBody"


class BadDigest(_ProtocolError):
    code = "BadDigest"


class InvalidDigest(_ProtocolError):
    code = "InvalidDigest"


# -- reading ------------------------------------------------------------------------
def read_document(body: bytes, shape: Shape) -> ET.Element:
    """A request body's XML root, which must be the element ``shape`` names."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise MalformedXML() from None
    if _tag(root) != shape.serialization.get("name", shape.name):
        raise MalformedXML()
    return root


def _tag(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def from_xml(shape: Shape, element: ET.Element) -> Any:
    """An XML element -> the Python value botocore would have been given for ``shape``."""
    kind = shape.type_name
    if kind == "structure":
        children = list(element)
        value: dict[str, Any] = {}
        for name, member in shape.members.items():
            if member.serialization.get("location"):
                continue
            tag = xml_name(member, name)
            found = [c for c in children if _tag(c) == tag]
            if not found:
                continue
            if member.type_name == "list" and member.serialization.get("flattened"):
                value[name] = [from_xml(member.member, c) for c in found]
            else:
                value[name] = from_xml(member, found[0])
        return value
    if kind == "list":
        return [from_xml(shape.member, child) for child in element]
    if kind == "map":
        raise NotSupportedByEmulator("XML maps in a request body")
    return scalar(shape, element.text or "", shape.name, malformed=MalformedXML)


def xml_name(member: Shape, name: str) -> str:
    """The element name of a member, as botocore reads it (flattened lists by item name)."""
    if member.type_name == "list" and member.serialization.get("flattened"):
        item = member.member.serialization.get("name")
        if item is not None:
            return str(item)
    return str(member.serialization.get("name", name))


def scalar(shape: Shape, text: str, name: str, malformed: type | None = None) -> Any:
    """A header, query-string or element text -> the member's Python type.

    Text that does not fit is InvalidArgument, or ``malformed`` inside a document.
    """
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            if text not in ("true", "false"):
                raise ValueError(text)
            return text == "true"
        if kind == "timestamp":
            return timestamp(text)
        if kind == "blob":
            return base64.b64decode(text, validate=True)
        if kind == "list":
            return [scalar(shape.member, part.strip(), name) for part in text.split(",")]
    except (ValueError, TypeError, binascii.Error):
        if malformed is not None:
            raise malformed() from None
        raise InvalidArgument(f"Invalid value for {name}: {text!r}", ArgumentName=name) from None
    return text


def timestamp(text: str) -> dt.datetime:
    """RFC 822 (headers) or ISO 8601 (documents) -> an aware datetime."""
    if text[:1].isalpha():
        parsed = parsedate_to_datetime(text)
    else:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


# -- writing ------------------------------------------------------------------------
def header_text(member: Shape, value: Any) -> str:
    """A header value as botocore parses it back (RFC 822 dates unless the model says)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if member.serialization.get("timestampFormat") == "iso8601":
            return iso(value)
        return format_datetime(value.astimezone(dt.UTC), usegmt=True)
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def iso(value: dt.datetime) -> str:
    """ISO 8601 with milliseconds and Z, as S3 writes times in its documents."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def write_document(root: str, namespace: str | None, shape: Shape, value: Any) -> bytes:
    """An XML document whose ``root`` element holds ``value`` of ``shape``."""
    element = ET.Element(root)
    if namespace:
        element.set("xmlns", namespace)
    _fill(element, shape, value)
    return DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")


def _fill(element: ET.Element, shape: Shape, value: Any) -> None:
    """Write ``value`` of ``shape`` into ``element``: children for structures and lists."""
    kind = shape.type_name
    if kind == "structure":
        for name, item in value.items():
            if item is None:
                continue
            member = shape.members[name]
            if member.serialization.get("location"):
                continue
            tag = xml_name(member, name)
            if member.type_name == "list" and member.serialization.get("flattened"):
                for entry in item:
                    _fill(ET.SubElement(element, tag), member.member, entry)
            else:
                _fill(ET.SubElement(element, tag), member, item)
    elif kind == "list":
        tag = str(shape.member.serialization.get("name", "member"))
        for entry in value:
            _fill(ET.SubElement(element, tag), shape.member, entry)
    elif kind == "map":
        for key, item in value.items():
            entry = ET.SubElement(element, "entry")
            _fill(ET.SubElement(entry, "key"), shape.key, key)
            _fill(ET.SubElement(entry, "value"), shape.value, item)
    elif kind == "timestamp":
        element.text = (
            format_datetime(value.astimezone(dt.UTC), usegmt=True)
            if shape.serialization.get("timestampFormat") == "rfc822"
            else iso(value)
        )
    elif kind == "boolean":
        element.text = "true" if value else "false"
    elif kind == "blob":
        element.text = base64.b64encode(value).decode("ascii")
    else:
        element.text = str(value)


def error_document(failure: ServiceError) -> bytes:
    """S3's error document: ``<Error>`` (no namespace) with Code, Message and any fields."""
    element = ET.Element("Error")
    ET.SubElement(element, "Code").text = failure.code
    ET.SubElement(element, "Message").text = failure.message
    for name, value in failure.fields.items():
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        ET.SubElement(element, name).text = text
    return DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")
