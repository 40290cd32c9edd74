"""S3 behaviour: one bucket namespace for the account, buckets and their objects.

Other services reach S3 through this class with plain Python values, for example a
DynamoDB export writing its files::

    s3 = cast(S3Backend, cloud.backend("s3"))
    s3.put_object("exports", "AWSDynamoDB/data/1.json.gz", data, content_type="application/gzip")
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from emulator.services.base import Backend
from emulator.services.s3 import listing, names
from emulator.services.s3.errors import (
    AccessDenied,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    EntityTooLarge,
    InvalidRequest,
    KeyTooLongError,
    MetadataTooLarge,
    NoSuchBucket,
    NoSuchKey,
)
from emulator.services.s3.models import (
    DEFAULT_CONTENT_TYPE,
    KEY_BYTES_MAX,
    METADATA_BYTES_MAX,
    PUT_OBJECT_MAX,
    Bucket,
    Partition,
    S3Object,
    partition_from_json,
    partition_to_json,
)

#: The backend that holds the account's buckets; the Regional backends share its state.
PARTITION = "aws-global"


class S3Backend(Backend):
    """S3 as seen from one Region: every Region sees the same buckets.

    ``region`` is where requests arrive; it matters only to CreateBucket, whose
    LocationConstraint must agree with it.
    """

    service = "s3"

    def __init__(self, cloud: Any, region: str) -> None:
        super().__init__(cloud, region)
        self._own = Partition()

    @property
    def partition(self) -> Partition:
        """The account's buckets, wherever they are."""
        if self.region == PARTITION:
            return self._own
        return cast(S3Backend, self.cloud.backend(self.service, PARTITION))._own

    def now(self) -> float:
        return float(self.cloud.clock.now())

    @property
    def owner_id(self) -> str:
        """The account's canonical user ID: 64 hex digits, the same for the same account."""
        return hashlib.sha256(f"canonical-user/{self.account_id}".encode()).hexdigest()

    # -- buckets -----------------------------------------------------------------------
    def create_bucket(self, name: str, constraint: str | None = None) -> tuple[Bucket, bool]:
        """Create a bucket; returns it and whether it is new.

        Raises:
            InvalidBucketName, InvalidLocationConstraint, IllegalLocationConstraintException,
            BucketAlreadyExists (another account has the name), BucketAlreadyOwnedByYou.
        """
        names.check_bucket_name(name)
        region = names.bucket_region(constraint, self.region)
        partition = self.partition
        if name in partition.foreign:
            raise BucketAlreadyExists(name)
        existing = partition.buckets.get(name)
        if existing is not None:
            # For legacy compatibility us-east-1 answers 200 OK to re-creating a bucket
            # you own there; every other Region says you own it already.
            if region == names.GLOBAL_REGION and existing.region == names.GLOBAL_REGION:
                return existing, False
            raise BucketAlreadyOwnedByYou(name)
        bucket = Bucket(name, region, self.now())
        partition.buckets[name] = bucket
        return bucket, True

    def bucket(self, name: str) -> Bucket:
        """The bucket ``name``: NoSuchBucket if nobody has it, AccessDenied if not yours."""
        partition = self.partition
        found = partition.buckets.get(name)
        if found is not None:
            return found
        if name in partition.foreign:
            raise AccessDenied()
        raise NoSuchBucket(name)

    def delete_bucket(self, name: str) -> None:
        bucket = self.bucket(name)
        if bucket.objects:
            raise BucketNotEmpty(name)
        del self.partition.buckets[name]

    def list_buckets(self) -> list[Bucket]:
        """Every bucket of the account, in name order."""
        return [b for _, b in sorted(self.partition.buckets.items())]

    def claim_elsewhere(self, name: str, owner: str = "111122223333") -> None:
        """Let another account own the bucket name ``name`` (a lab's setup).

        CreateBucket with the name then fails with BucketAlreadyExists, and requests to it
        are denied, as they are for a bucket you have no access to.
        """
        names.check_bucket_name(name)
        if name in self.partition.buckets:
            raise BucketAlreadyOwnedByYou(name)
        self.partition.foreign[name] = owner

    # -- objects -----------------------------------------------------------------------
    def put_object(
        self,
        bucket: str,
        key: str,
        body: bytes,
        *,
        content_type: str | None = None,
        metadata: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        checksums: dict[str, str] | None = None,
    ) -> S3Object:
        """Store ``body`` under ``key``, replacing what was there.

        Raises:
            NoSuchBucket, KeyTooLongError, EntityTooLarge (over 5 GB), MetadataTooLarge.
        """
        target = self.bucket(bucket)
        check_key(key)
        if len(body) > PUT_OBJECT_MAX:
            raise EntityTooLarge(len(body), PUT_OBJECT_MAX)
        given = {str(k).lower(): str(v) for k, v in (metadata or {}).items()}
        check_metadata(given)
        stored = S3Object(
            key=key,
            body=bytes(body),
            etag=etag_of(body),
            last_modified=self.now(),
            content_type=content_type or DEFAULT_CONTENT_TYPE,
            metadata=given,
            headers=dict(headers or {}),
            checksums=dict(checksums or {}),
        )
        target.objects[key] = stored
        return stored

    def get_object(self, bucket: str, key: str) -> S3Object:
        found = self.bucket(bucket).objects.get(key)
        if found is None:
            raise NoSuchKey(key)
        return cast(S3Object, found)

    def delete_object(self, bucket: str, key: str) -> bool:
        """Remove ``key``; deleting a key that is not there succeeds too. True if it was."""
        return self.bucket(bucket).objects.pop(key, None) is not None

    def copy_object(
        self,
        source_bucket: str,
        source_key: str,
        bucket: str,
        key: str,
        *,
        replace: dict[str, Any] | None = None,
    ) -> S3Object:
        """Copy an object; ``replace`` (content_type, metadata, headers) sets new metadata.

        Without ``replace`` the copy keeps the source's metadata (MetadataDirective COPY),
        and then copying an object onto itself changes nothing, which S3 refuses.
        """
        source = self.get_object(source_bucket, source_key)
        if replace is None and (source_bucket, source_key) == (bucket, key):
            raise InvalidRequest(
                "This copy request is illegal because it is trying to copy an object to "
                "itself without changing the object's metadata, storage class, website "
                "redirect location or encryption attributes."
            )
        settings: dict[str, Any] = replace or {
            "content_type": source.content_type,
            "metadata": source.metadata,
            "headers": source.headers,
        }
        return self.put_object(bucket, key, source.body, checksums=source.checksums, **settings)

    def list_objects(
        self, bucket: str, prefix: str, delimiter: str | None, after: str | None, limit: int
    ) -> listing.Page:
        """One page of ``bucket``'s keys: see ``listing.walk``."""
        objects = self.bucket(bucket).objects
        start = max(prefix, after or "")
        return listing.walk(objects.irange(minimum=start), prefix, delimiter, after, limit)

    # -- state -------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        if self.region != PARTITION:
            return {}
        return partition_to_json(self._own)

    def load(self, state: dict[str, Any]) -> None:
        if self.region == PARTITION:
            self._own = partition_from_json(state)


def etag_of(body: bytes) -> str:
    """The ETag of a single-part upload: the MD5 of its bytes in hex, in double quotes."""
    return f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'


def check_key(key: str) -> None:
    size = len(key.encode("utf-8"))
    if size > KEY_BYTES_MAX:
        raise KeyTooLongError(size, KEY_BYTES_MAX)


def check_metadata(metadata: dict[str, str]) -> None:
    size = sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in metadata.items())
    if size > METADATA_BYTES_MAX:
        raise MetadataTooLarge(size, METADATA_BYTES_MAX)


BACKEND = S3Backend
