"""FilterCriteria patterns: EventBridge's rules, matched against DynamoDB stream records."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.services.awslambda.esm_filters import (
    PatternError,
    compile_filters,
    compile_pattern,
)

#: A record as a DynamoDB stream event carries it.
RECORD: dict[str, Any] = {
    "eventName": "MODIFY",
    "eventSource": "aws:dynamodb",
    "dynamodb": {
        "Keys": {"id": {"S": "order-17"}},
        "NewImage": {
            "id": {"S": "order-17"},
            "status": {"S": "OPEN"},
            "total": {"N": "42"},
            "express": {"BOOL": True},
            "tags": {"SS": ["gift", "fragile"]},
            "note": {"NULL": True},
        },
        "SizeBytes": 57,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    },
    "source_ip": "10.0.3.7",
    "empty": "",
    "nothing": None,
}

#: (pattern, whether RECORD matches it)
CASES: list[tuple[dict[str, Any], bool]] = [
    ({"eventName": ["MODIFY"]}, True),
    ({"eventName": ["INSERT", "MODIFY"]}, True),
    ({"eventName": ["modify"]}, False),
    ({"dynamodb": {"NewImage": {"status": {"S": ["OPEN"]}}}}, True),
    ({"dynamodb": {"NewImage": {"status": {"S": ["CLOSED"]}}}}, False),
    ({"dynamodb": {"NewImage": {"total": {"N": ["42"]}}}}, True),
    # N values are strings in the event: a number or a numeric rule does not match them.
    ({"dynamodb": {"NewImage": {"total": {"N": [42]}}}}, False),
    ({"dynamodb": {"NewImage": {"total": {"N": [{"numeric": [">", 10]}]}}}}, False),
    ({"dynamodb": {"SizeBytes": [{"numeric": [">", 50, "<=", 57]}]}}, True),
    ({"dynamodb": {"SizeBytes": [{"numeric": ["<", 50]}]}}, False),
    ({"dynamodb": {"SizeBytes": [{"numeric": ["=", 57]}]}}, True),
    ({"dynamodb": {"SizeBytes": [57.0]}}, False),  # 57 and 57.0 differ, as in AWS
    ({"dynamodb": {"SizeBytes": [57]}}, True),
    ({"dynamodb": {"NewImage": {"express": {"BOOL": [True]}}}}, True),
    ({"dynamodb": {"NewImage": {"express": {"BOOL": [False]}}}}, False),
    ({"dynamodb": {"Keys": {"id": {"S": [{"prefix": "order-"}]}}}}, True),
    ({"dynamodb": {"Keys": {"id": {"S": [{"prefix": "ORDER-"}]}}}}, False),
    ({"dynamodb": {"Keys": {"id": {"S": [{"prefix": {"equals-ignore-case": "ORDER-"}}]}}}}, True),
    ({"dynamodb": {"Keys": {"id": {"S": [{"suffix": "-17"}]}}}}, True),
    ({"dynamodb": {"Keys": {"id": {"S": [{"suffix": {"equals-ignore-case": "ER-17"}}]}}}}, True),
    ({"dynamodb": {"NewImage": {"status": {"S": [{"equals-ignore-case": "open"}]}}}}, True),
    ({"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": "CLOSED"}]}}}}, True),
    ({"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": ["OPEN", "X"]}]}}}}, False),
    ({"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": {"prefix": "OP"}}]}}}}, False),
    ({"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": {"suffix": "X"}}]}}}}, True),
    (
        {
            "dynamodb": {
                "NewImage": {"status": {"S": [{"anything-but": {"equals-ignore-case": ["open"]}}]}}
            }
        },
        False,
    ),
    # anything-but needs the field: a missing field matches nothing but exists: false.
    ({"dynamodb": {"NewImage": {"missing": {"S": [{"anything-but": "x"}]}}}}, False),
    ({"dynamodb": {"NewImage": {"missing": [{"exists": False}]}}}, True),
    ({"dynamodb": {"NewImage": {"status": [{"exists": False}]}}}, False),
    ({"dynamodb": {"NewImage": {"status": {"S": [{"exists": True}]}}}}, True),
    # exists looks at leaves: a field holding an object is neither there nor missing.
    ({"dynamodb": {"NewImage": {"status": [{"exists": True}]}}}, False),
    ({"dynamodb": {"OldImage": {"status": {"S": [{"exists": False}]}}}}, True),
    ({"dynamodb": {"OldImage": {"status": {"S": ["OPEN"]}}}}, False),
    # An array in the record matches when any element does.
    ({"dynamodb": {"NewImage": {"tags": {"SS": ["fragile"]}}}}, True),
    ({"dynamodb": {"NewImage": {"tags": {"SS": [{"anything-but": "gift"}]}}}}, True),
    ({"dynamodb": {"NewImage": {"note": {"NULL": [True]}}}}, True),
    ({"nothing": [None]}, True),
    ({"empty": [""]}, True),
    ({"empty": [None]}, False),
    ({"dynamodb": {"Keys": {"id": {"S": [{"wildcard": "order-*7"}]}}}}, True),
    ({"dynamodb": {"Keys": {"id": {"S": [{"wildcard": "order-*8"}]}}}}, False),
    ({"source_ip": [{"cidr": "10.0.0.0/16"}]}, True),
    ({"source_ip": [{"cidr": "10.1.0.0/16"}]}, False),
    # Every field of a pattern must match ("and").
    ({"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"status": {"S": ["CLOSED"]}}}}, False),
    (
        {
            "$or": [
                {"eventName": ["INSERT"]},
                {"dynamodb": {"NewImage": {"status": {"S": ["OPEN"]}}}},
            ]
        },
        True,
    ),
    ({"$or": [{"eventName": ["INSERT"]}, {"eventName": ["REMOVE"]}]}, False),
    # A nested pattern on a value that is not an object matches only exists: false.
    ({"eventName": {"inner": ["x"]}}, False),
    ({"eventName": {"inner": [{"exists": False}]}}, True),
]


@pytest.mark.parametrize(("pattern", "expected"), CASES)
def test_pattern_matches_like_eventbridge(pattern: dict[str, Any], expected: bool) -> None:
    assert compile_pattern(json.dumps(pattern))(RECORD) is expected


#: (pattern text, dotted path the error names)
INVALID: list[tuple[str, str]] = [
    ("not json", ""),
    ("[]", ""),
    ("{}", ""),
    ('{"a": "b"}', "a"),
    ('{"a": []}', "a"),
    ('{"a": [{"prefix": 1}]}', "a[0].prefix"),
    ('{"a": [{"prefix": "x", "suffix": "y"}]}', "a[0]"),
    ('{"a": [{"numeric": [">", "ten"]}]}', "a[0].numeric[1]"),
    ('{"a": [{"numeric": ["<", 5, ">", 1]}]}', "a[0].numeric"),
    ('{"a": [{"numeric": ["~", 5]}]}', "a[0].numeric[0]"),
    ('{"a": [{"exists": "yes"}]}', "a[0].exists"),
    ('{"a": [{"anything-but": []}]}', "a[0].anything-but"),
    ('{"a": [{"anything-but": {"numeric": [">", 1]}}]}', "a[0].anything-but.numeric"),
    ('{"a": [{"cidr": "not-a-network"}]}', "a[0].cidr"),
    ('{"a": [{"wildcard": "a**b"}]}', "a[0].wildcard"),
    ('{"a": [{"regex": "x"}]}', "a[0].regex"),
    ('{"$or": [{"a": ["x"]}]}', "$or"),
    ('{"b": {"c": [[1]]}}', "b.c[0]"),
]


@pytest.mark.parametrize(("text", "path"), INVALID)
def test_invalid_patterns_name_the_place(text: str, path: str) -> None:
    with pytest.raises(PatternError) as caught:
        compile_pattern(text)
    assert caught.value.path == path
    assert caught.value.reason


def test_filters_are_ored_and_none_lets_everything_through() -> None:
    assert compile_filters([])(RECORD)
    either = compile_filters(['{"eventName": ["INSERT"]}', '{"eventName": ["MODIFY"]}'])
    assert either(RECORD)
    assert not either({**RECORD, "eventName": "REMOVE"})
    with pytest.raises(PatternError):
        compile_pattern("x" * 4097)
