"""Properties of items: whatever valid item goes in comes back as DynamoDB would return it."""

from __future__ import annotations

import decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator import ClientError, Cloud

_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
_NUMBERS = st.decimals(
    min_value=decimal.Decimal("-1e20"),
    max_value=decimal.Decimal("1e20"),
    allow_nan=False,
    allow_infinity=False,
    places=6,
)
_SCALARS = st.one_of(
    st.builds(lambda s: {"S": s}, st.text(max_size=20)),
    st.builds(lambda n: {"N": str(n)}, _NUMBERS),
    st.builds(lambda b: {"B": b}, st.binary(max_size=16)),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda s: {"SS": sorted(s)}, st.sets(st.text(max_size=6), min_size=1, max_size=4)),
    st.builds(
        lambda s: {"NS": sorted(s)},
        st.sets(st.integers(-1000, 1000).map(str), min_size=1, max_size=4),
    ),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"L": xs}, st.lists(inner, max_size=4)),
        st.builds(lambda m: {"M": m}, st.dictionaries(_NAMES, inner, max_size=4)),
    ),
    max_leaves=12,
)
_ITEMS = st.dictionaries(_NAMES.filter(lambda n: n != "pk"), _VALUES, max_size=6)


def _expected(value: dict[str, Any]) -> dict[str, Any]:
    """What DynamoDB returns for a value: numbers in their normal form."""
    ((kind, inner),) = value.items()
    if kind == "N":
        number = decimal.Decimal(inner)
        text = "0" if number.is_zero() else format(number.normalize(), "f")
        return {"N": text}
    if kind == "NS":
        return {"NS": sorted(_expected({"N": n})["N"] for n in inner)}
    if kind == "L":
        return {"L": [_expected(v) for v in inner]}
    if kind == "M":
        return {"M": {k: _expected(v) for k, v in inner.items()}}
    return value


def _normal_sets(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: sorted(v) if k in ("SS", "NS", "BS") else _normal_sets(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_normal_sets(v) for v in value]
    return value


_CLOUD = Cloud()
_DDB = _CLOUD.client("dynamodb")
_DDB.create_table(
    TableName="Props",
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ITEMS)
def test_any_valid_item_round_trips(attributes: dict[str, Any]) -> None:
    item = {"pk": {"S": "k"}, **attributes}
    _CLOUD.clock.advance(1)  # stay within the table's on-demand throughput
    _DDB.put_item(TableName="Props", Item=item)
    got = _DDB.get_item(TableName="Props", Key={"pk": {"S": "k"}}, ConsistentRead=True)["Item"]
    expected = {name: _expected(value) for name, value in item.items()}
    assert _normal_sets(got) == _normal_sets(expected)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_NAMES, st.one_of(_VALUES, st.integers(), st.text(), st.none()), max_size=3))
def test_any_item_is_stored_or_refused_with_a_validation_error(attributes: dict[str, Any]) -> None:
    _CLOUD.clock.advance(1)
    code = "stored"
    try:
        _DDB.put_item(TableName="Props", Item={"pk": {"S": "x"}, **attributes})
    except ClientError as error:
        code = error.response["Error"]["Code"]
    assert code in ("stored", "ValidationException")
