"""Buckets and objects as plain data, and the JSON form they take in a snapshot.

Bucket names are global: every bucket of the account lives in one ``Partition``, whatever
Region a request came from, the way the ``aws`` partition shares one bucket namespace.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedDict

#: Limits AWS documents for S3 that ``emulator.limits`` does not hold yet.
#: "With a single PUT operation, you can upload a single object up to 5 GB in size"
#: (Uploading objects, Amazon S3 User Guide); AWS's GB here is 2**30 bytes.
PUT_OBJECT_MAX = 5 * 1024**3
#: "The object key name is a sequence of Unicode characters with UTF-8 encoding of up to
#: 1,024 bytes long" (Naming Amazon S3 objects).
KEY_BYTES_MAX = 1024
#: "Within the PUT request header, the user-defined metadata is limited to 2 KB in size",
#: counted as the UTF-8 bytes of each key and value (Working with object metadata).
METADATA_BYTES_MAX = 2048
#: ListObjectsV2: "Returns some or all (up to 1,000) of the objects in a bucket".
LIST_KEYS_MAX = 1000
#: ListBuckets MaxBuckets: from 1 to 10,000 (the default general purpose bucket quota).
LIST_BUCKETS_MAX = 10_000
#: Bucket names: "between 3 (min) and 63 (max) characters long" (Bucket naming rules).
BUCKET_NAME_LENGTH = (3, 63)
#: DeleteObjects: "The request can contain a list of up to 1,000 keys that you want to delete."
DELETE_OBJECTS_MAX = 1000

#: What S3 answers for an object stored without a Content-Type.
DEFAULT_CONTENT_TYPE = "binary/octet-stream"
#: The content headers an object keeps and returns, by their API member names.
CONTENT_HEADERS = ("CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage")


@dataclass
class S3Object:
    """One object: its bytes and what S3 keeps beside them; times are virtual epoch seconds."""

    key: str
    body: bytes
    #: The quoted MD5 of the body in hex, as S3 gives it for a single-part upload.
    etag: str
    last_modified: float
    content_type: str = DEFAULT_CONTENT_TYPE
    #: User-defined metadata (x-amz-meta-*), keys in lower case as S3 returns them.
    metadata: dict[str, str] = field(default_factory=dict)
    #: CacheControl, ContentDisposition, ... as they were given.
    headers: dict[str, str] = field(default_factory=dict)
    #: Checksums given with the upload and verified: algorithm ("CRC32") -> base64 value.
    checksums: dict[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.body)


@dataclass
class Bucket:
    """A general purpose bucket; objects are kept in key order, as listings need them."""

    name: str
    region: str
    created: float
    objects: SortedDict = field(default_factory=SortedDict)


@dataclass
class Partition:
    """Every bucket of the account, and names another account holds (set up by a lab)."""

    buckets: dict[str, Bucket] = field(default_factory=dict)
    #: Bucket name -> the 12-digit account that owns it elsewhere in the partition.
    foreign: dict[str, str] = field(default_factory=dict)


def timestamp(seconds: float) -> dt.datetime:
    """A virtual time as S3 reports it: UTC, to the second."""
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC)


# -- snapshot form -------------------------------------------------------------------------
def object_to_json(item: S3Object) -> dict[str, Any]:
    return {
        "key": item.key,
        "body": base64.b64encode(item.body).decode("ascii"),
        "etag": item.etag,
        "last_modified": item.last_modified,
        "content_type": item.content_type,
        "metadata": dict(item.metadata),
        "headers": dict(item.headers),
        "checksums": dict(item.checksums),
    }


def object_from_json(data: dict[str, Any]) -> S3Object:
    return S3Object(
        key=data["key"],
        body=base64.b64decode(data["body"]),
        etag=data["etag"],
        last_modified=data["last_modified"],
        content_type=data["content_type"],
        metadata=dict(data["metadata"]),
        headers=dict(data["headers"]),
        checksums=dict(data["checksums"]),
    )


def partition_to_json(partition: Partition) -> dict[str, Any]:
    return {
        "buckets": [
            {
                "name": bucket.name,
                "region": bucket.region,
                "created": bucket.created,
                "objects": [object_to_json(o) for o in bucket.objects.values()],
            }
            for bucket in partition.buckets.values()
        ],
        "foreign": dict(partition.foreign),
    }


def partition_from_json(data: dict[str, Any]) -> Partition:
    partition = Partition(foreign=dict(data.get("foreign", {})))
    for raw in data.get("buckets", []):
        bucket = Bucket(raw["name"], raw["region"], raw["created"])
        for item in raw["objects"]:
            loaded = object_from_json(item)
            bucket.objects[loaded.key] = loaded
        partition.buckets[bucket.name] = bucket
    return partition
