"""AWS's rules for general purpose bucket names, and where CreateBucket puts a bucket.

Sources: "General purpose bucket naming rules" (Amazon S3 User Guide) and CreateBucket's
LocationConstraint (Amazon S3 API Reference).
"""

from __future__ import annotations

import re

from emulator.services.s3.errors import (
    IllegalLocationConstraintException,
    InvalidBucketName,
    InvalidLocationConstraint,
)
from emulator.services.s3.models import BUCKET_NAME_LENGTH

_SHORTEST, _LONGEST = BUCKET_NAME_LENGTH
_CHARACTERS = re.compile(r"^[a-z0-9.-]*$")
_IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
#: Prefixes and suffixes AWS reserves for other kinds of names.
_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

#: Every value of ``BucketLocationConstraint`` in botocore's S3 model (2006-03-01).
#: us-east-1 is not among them: a bucket there is created without a constraint.
LOCATION_CONSTRAINTS: tuple[str, ...] = (
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "EU",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
)
#: The endpoint that accepts CreateBucket for any Region (and needs no constraint).
GLOBAL_REGION = "us-east-1"


def broken_rule(name: str) -> str | None:
    """The first naming rule ``name`` breaks, in AWS's words, or None if it is valid."""
    checks = (
        (
            _SHORTEST <= len(name) <= _LONGEST,
            f"Bucket names must be between {_SHORTEST} (min) and {_LONGEST} (max) characters long.",
        ),
        (
            bool(_CHARACTERS.match(name)),
            "Bucket names can consist only of lowercase letters, numbers, periods (.), and hyphens (-).",
        ),
        (
            name[:1].isalnum() and name[-1:].isalnum(),
            "Bucket names must begin and end with a letter or number.",
        ),
        (".." not in name, "Bucket names must not contain two adjacent periods."),
        (
            not _IP_ADDRESS.match(name),
            "Bucket names must not be formatted as an IP address (for example, 192.168.5.4).",
        ),
    )
    for holds, rule in checks:
        if not holds:
            return rule
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return f"Bucket names must not start with the prefix {prefix}."
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return f"Bucket names must not end with the suffix {suffix}."
    return None


def check_bucket_name(name: str) -> None:
    """Raise InvalidBucketName, naming the rule, when ``name`` breaks one."""
    rule = broken_rule(name)
    if rule is not None:
        raise InvalidBucketName(name, rule)


def bucket_region(constraint: str | None, endpoint_region: str) -> str:
    """The Region a CreateBucket sent to ``endpoint_region`` creates its bucket in.

    The us-east-1 endpoint creates a bucket in any Region a constraint names, and in
    us-east-1 when there is none; naming us-east-1 itself is not valid. Every other
    Region's endpoint needs a constraint naming that Region.
    """
    # "us-east-1" is no constraint value; elsewhere it is merely the wrong Region.
    named_global = constraint == GLOBAL_REGION and endpoint_region != GLOBAL_REGION
    if constraint is not None and constraint not in LOCATION_CONSTRAINTS and not named_global:
        raise InvalidLocationConstraint(constraint)
    region = "eu-west-1" if constraint == "EU" else constraint
    if endpoint_region == GLOBAL_REGION:
        return region or GLOBAL_REGION
    if region != endpoint_region:
        raise IllegalLocationConstraintException(constraint)
    return region
