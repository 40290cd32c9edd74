"""Secondary index definitions: one index's shape checked as AWS checks it, and its description.

The wording is AWS's as dynalite's CreateTable validations record it (written against the
live service), with the shape limits of botocore's DynamoDB model: index names of 3-255
characters ``[a-zA-Z0-9_.-]``, one to twenty ``NonKeyAttributes`` per index. Writes are held to
an index's key the same way: the type, empty-value and size messages are the service's as
quoted in dynalite's tests and in public issue threads.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from emulator import limits
from emulator.errors import NotSupportedByEmulator
from emulator.services.dynamodb import attributes as av
from emulator.services.dynamodb.attributes import AttributeValue
from emulator.services.dynamodb.capacity import ProjectionType
from emulator.services.dynamodb.errors import ValidationException, invalid
from emulator.services.dynamodb.throughput import validate_provisioned

IndexStatus = Literal["CREATING", "UPDATING", "DELETING", "ACTIVE"]

#: LSIs per table: a hard limit (botocore CreateTable ``LocalSecondaryIndexes`` doc).
MAX_LOCAL_INDEXES = 5
#: GSIs per table by default; an adjustable quota (botocore CreateTable doc, ServiceQuotas).
DEFAULT_MAX_GLOBAL_INDEXES = 20
#: INCLUDE attributes summed over all of a table's indexes (botocore ``Projection`` doc).
MAX_PROJECTED_ATTRIBUTES = 100
#: INCLUDE attributes of one index (botocore ``NonKeyAttributeNameList`` max).
MAX_NON_KEY_PER_INDEX = 20

#: Query's ``ConsistentRead`` doc: a strongly consistent read of a GSI is a ValidationException.
CONSISTENT_READ_ON_GSI = "Consistent reads are not supported on global secondary indexes"

_NAME = re.compile(r"^[a-zA-Z0-9_.-]+$")
_PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """One secondary index as the table defines it; fits ``capacity.IndexSpec``.

    Attributes:
        name: the IndexName.
        is_global: True for a GSI, False for an LSI.
        hash_key: the index's partition key attribute.
        hash_type: its declared type, "S", "N" or "B".
        range_key: the index's sort key attribute, or None (GSIs only may omit it).
        range_type: its declared type, or None.
        projection: ALL, KEYS_ONLY or INCLUDE.
        non_key: the attributes an INCLUDE projection adds, in request order.
        read_capacity: a provisioned GSI's read units (0 on demand and for LSIs).
        write_capacity: a provisioned GSI's write units (0 on demand and for LSIs).
    """

    name: str
    is_global: bool
    hash_key: str
    hash_type: str
    range_key: str | None
    range_type: str | None
    projection: ProjectionType
    non_key: tuple[str, ...] = ()
    read_capacity: int = 0
    write_capacity: int = 0

    @property
    def keys(self) -> tuple[str, ...]:
        """The index's key attributes: partition key, then sort key if any."""
        return (self.hash_key,) if self.range_key is None else (self.hash_key, self.range_key)

    @property
    def types(self) -> dict[str, str]:
        """The declared type of each index key attribute."""
        types = {self.hash_key: self.hash_type}
        if self.range_key is not None and self.range_type is not None:
            types[self.range_key] = self.range_type
        return types

    def with_throughput(self, read: int, write: int) -> IndexSpec:
        return dataclasses.replace(self, read_capacity=read, write_capacity=write)

    def to_json(self) -> dict[str, Any]:
        """The definition as JSON data, for the emulator's saved state."""
        data = dataclasses.asdict(self)
        data["non_key"] = list(self.non_key)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IndexSpec:
        return cls(**{**data, "non_key": tuple(data.get("non_key", ()))})


# -- one index definition ------------------------------------------------------------------------


def parse_index(
    raw: Any, path: str, definitions: Mapping[str, str], *, is_global: bool
) -> IndexSpec:
    """One ``GlobalSecondaryIndex`` / ``LocalSecondaryIndex`` (or an UpdateTable ``Create``).

    Args:
        raw: the request's index structure.
        path: where it sits in the request, for AWS's shape errors
            ("globalSecondaryIndexes.1.member").
        definitions: the request's AttributeDefinitions, name -> type.
        is_global: a GSI (True) or an LSI (False); throughput is the caller's to read.
    """
    if not isinstance(raw, dict):
        raise ValidationException(f"1 validation error detected: Value at '{path}' must be a map")
    name = index_name(raw.get("IndexName"), path)
    schema = key_schema(raw.get("KeySchema"), path)
    keys = [key for key, _ in schema]
    if any(key not in definitions for key in keys):
        raise invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(definitions)}]"
        )
    if len(keys) == 2 and keys[0] == keys[1]:
        raise ValidationException(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    if schema[0][1] != "HASH":
        raise ValidationException(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
        )
    if len(schema) == 2 and schema[1][1] != "RANGE":
        raise ValidationException(
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
        )
    projection, non_key = _projection(raw.get("Projection"), f"{path}.projection")
    range_key = keys[1] if len(keys) == 2 else None
    return IndexSpec(
        name=name,
        is_global=is_global,
        hash_key=keys[0],
        hash_type=definitions[keys[0]],
        range_key=range_key,
        range_type=None if range_key is None else definitions[range_key],
        projection=projection,
        non_key=non_key,
    )


def index_name(name: Any, path: str) -> str:
    """An IndexName: 3-255 characters of ``[a-zA-Z0-9_.-]`` (botocore ``IndexName``)."""
    where = f"at '{path}.indexName' failed to satisfy constraint: Member must"
    if not isinstance(name, str):
        raise ValidationException(f"1 validation error detected: Value null {where} not be null")
    if len(name) < 3:
        raise ValidationException(
            f"1 validation error detected: Value '{name}' {where} have length greater than or equal to 3"
        )
    if len(name) > 255:
        raise ValidationException(
            f"1 validation error detected: Value '{name}' {where} have length less than or equal to 255"
        )
    if not _NAME.match(name):
        raise ValidationException(
            f"1 validation error detected: Value '{name}' {where} satisfy regular expression "
            "pattern: [a-zA-Z0-9_.-]+"
        )
    return name


def key_schema(raw: Any, path: str) -> list[tuple[str, str]]:
    """An index KeySchema as (attribute, key type) pairs; the key types are checked by the caller."""
    if not isinstance(raw, list) or not raw:
        raise ValidationException(
            f"1 validation error detected: Value '{raw if raw is not None else 'null'}' at "
            f"'{path}.keySchema' failed to satisfy constraint: Member must have length greater "
            "than or equal to 1"
        )
    schema = []
    for position, element in enumerate(raw, 1):
        element = element if isinstance(element, dict) else {}
        for member in ("AttributeName", "KeyType"):
            if not isinstance(element.get(member), str):
                raise ValidationException(
                    f"1 validation error detected: Value null at '{path}.keySchema.{position}."
                    f"member.{member[0].lower()}{member[1:]}' failed to satisfy constraint: "
                    "Member must not be null"
                )
        schema.append((element["AttributeName"], element["KeyType"]))
    if len(schema) > 2:
        # AWS now lets a GSI key span up to four partition and four sort attributes; the
        # emulator indexes one of each.
        raise NotSupportedByEmulator("A secondary index KeySchema with more than two elements")
    return schema


def _projection(raw: Any, path: str) -> tuple[ProjectionType, tuple[str, ...]]:
    raw = raw if isinstance(raw, dict) else {}
    kind = raw.get("ProjectionType")
    if kind is None:
        raise invalid("Unknown ProjectionType: null")
    if kind not in _PROJECTIONS:
        raise ValidationException(
            f"1 validation error detected: Value '{kind}' at '{path}.projectionType' failed to "
            "satisfy constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]"
        )
    non_key = raw.get("NonKeyAttributes")
    if non_key is not None and kind != "INCLUDE":
        raise invalid(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    if kind != "INCLUDE":
        return kind, ()
    if non_key is None:
        raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    names = [str(n) for n in non_key] if isinstance(non_key, list) else []
    if not names or len(names) > MAX_NON_KEY_PER_INDEX:
        bound = "greater than or equal to 1" if not names else "less than or equal to 20"
        raise ValidationException(
            f"1 validation error detected: Value '[{', '.join(names)}]' at "
            f"'{path}.nonKeyAttributes' failed to satisfy constraint: Member must have "
            f"length {bound}"
        )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise invalid(f"Duplicate element in NonKeyAttributes: {name}")
        seen.add(name)
    return "INCLUDE", tuple(names)


def index_throughput(
    raw: dict[str, Any], path: str, name: str, billing_mode: str, *, update: bool
) -> tuple[int, int]:
    """A new GSI's (read, write) units: required when provisioned, refused on demand.

    ``update`` picks UpdateTable's wording over CreateTable's; on demand gives (0, 0).
    """
    throughput = raw.get("ProvisionedThroughput")
    if billing_mode == "PAY_PER_REQUEST":
        if throughput is not None:
            raise invalid(
                f"Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: "
                f"{name} when BillingMode is PAY_PER_REQUEST"
                if update
                else f"ProvisionedThroughput should not be specified for index: {name} when "
                "BillingMode is PAY_PER_REQUEST"
            )
        return 0, 0
    if not isinstance(throughput, dict):
        raise invalid(
            f"ProvisionedThroughput must be specified for index: {name}"
            if update
            else f"ProvisionedThroughput is not specified for index: {name}"
        )
    return throughput_units(throughput, f"{path}.provisionedThroughput")


def throughput_units(throughput: dict[str, Any], path: str) -> tuple[int, int]:
    """A ProvisionedThroughput's (read, write): both present, integers, at least 1."""
    read, write = throughput.get("ReadCapacityUnits"), throughput.get("WriteCapacityUnits")
    for label, value in (("readCapacityUnits", read), ("writeCapacityUnits", write)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationException(
                f"1 validation error detected: Value null at '{path}.{label}' failed to "
                "satisfy constraint: Member must not be null"
            )
    validate_provisioned(read, write, path)  # type: ignore[arg-type]
    return read, write  # type: ignore[return-value]


def index_list(raw: Any, path: str) -> list[Any]:
    """A request's list of indexes, or the shape error for anything else."""
    if not isinstance(raw, list):
        raise ValidationException(f"1 validation error detected: Value at '{path}' must be a list")
    return raw


def unique_name(name: str, names: set[str]) -> None:
    """Add ``name`` to the names seen so far; LSIs and GSIs share one namespace."""
    if name in names:
        raise invalid(f"Duplicate index name: {name}")
    names.add(name)


# -- index key values -------------------------------------------------------------------------


def key_violation(
    index: str, name: str, declared: str, value: AttributeValue, limit_name: str
) -> ValidationException | None:
    """AWS's ValidationException for one index key value, or None if it can be indexed."""
    inner = value.get(declared)
    if inner is None:
        return invalid(
            f"Type mismatch for Index Key {name} Expected: {declared} "
            f"Actual: {next(iter(value))} IndexName: {index}"
        )
    if declared != "N" and not inner:
        return ValidationException(
            "One or more parameter values are not valid. A value specified for a secondary "
            "index key is not supported. The AttributeValue for a key attribute cannot contain "
            f"an empty {'string' if declared == 'S' else 'binary'} value. "
            f"IndexName: {index}, IndexKey: {name}"
        )
    limit = limits.value("dynamodb", limit_name)
    # a UTF-8 character is at most 4 bytes: shorter strings cannot pass the limit
    if declared != "N" and (declared == "B" or len(inner) * 4 > limit):
        size = av.value_size(value)
        if size > limit:
            return invalid(
                f"Size limit exceeded for Index Key {name} Actual Size: {size} bytes "
                f"Max Size: {int(limit)} bytes IndexName: {index}"
            )
    return None


# -- DescribeTable --------------------------------------------------------------------------------


def describe_index(
    spec: IndexSpec,
    *,
    table_arn: str,
    status: IndexStatus,
    item_count: int,
    size_bytes: int,
) -> dict[str, Any]:
    """The index's entry in DescribeTable's ``GlobalSecondaryIndexes`` / ``LocalSecondaryIndexes``.

    Botocore's ``GlobalSecondaryIndexDescription`` and ``LocalSecondaryIndexDescription``; a
    GSI on demand reports 0 units, as AWS does.
    """
    schema = [{"AttributeName": spec.hash_key, "KeyType": "HASH"}]
    if spec.range_key is not None:
        schema.append({"AttributeName": spec.range_key, "KeyType": "RANGE"})
    projection: dict[str, Any] = {"ProjectionType": spec.projection}
    if spec.projection == "INCLUDE":
        projection["NonKeyAttributes"] = list(spec.non_key)
    description: dict[str, Any] = {
        "IndexName": spec.name,
        "KeySchema": schema,
        "Projection": projection,
    }
    if spec.is_global:
        description["IndexStatus"] = status
        if status == "CREATING":
            description["Backfilling"] = True
        description["ProvisionedThroughput"] = {
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": spec.read_capacity,
            "WriteCapacityUnits": spec.write_capacity,
        }
    description["IndexSizeBytes"] = size_bytes
    description["ItemCount"] = item_count
    description["IndexArn"] = f"{table_arn}/index/{spec.name}"
    return description
