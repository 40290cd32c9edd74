"""The DynamoDB data plane, case by case, through our client and through moto's.

Each ``*.json`` file next to this module holds ``given`` (tables and their items) and
``cases``; a case names a ``request`` (or a list of them) and may pin AWS's answer in
``expected``. Both clients start from the same tables, run the same requests, and their
answers and the tables afterwards must be equal once normalised. README.md explains
``moto_differs`` and ``known_gap``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

moto = pytest.importorskip("moto")

import boto3  # noqa: E402
from botocore.exceptions import ClientError as BotoClientError  # noqa: E402

from emulator import ClientError, Cloud  # noqa: E402
from emulator.client import snake_case  # noqa: E402

HERE = Path(__file__).parent
#: Keys of a case; anything else is a typo in a data file.
CASE_KEYS = {
    "id",
    "doc",
    "given",
    "request",
    "paginate",
    "segments",
    "order",
    "message",
    "capacity",
    "expected",
    "moto_differs",
    "known_gap",
}
#: Response members that differ between any two runs, whoever answers.
VOLATILE = {"ResponseMetadata"}
MAX_PAGES = 100
Outcome = dict[str, Any]


def _load() -> Iterator[Any]:
    for path in sorted(HERE.glob("*.json")):
        data = json.loads(path.read_text())
        for case in data["cases"]:
            unknown = set(case) - CASE_KEYS
            if unknown:
                raise ValueError(f"{path.name}: case {case.get('id')}: unknown keys {unknown}")
            marks = []
            if "known_gap" in case:
                marks.append(pytest.mark.xfail(reason=case["known_gap"], strict=True))
            yield pytest.param(
                case.get("given", data["given"]),
                case,
                id=f"{path.stem}:{case['id']}",
                marks=marks,
            )


CASES = list(_load())


# -- input: binary as base64, long strings as a repeat ---------------------------------------
def _decode(value: Any) -> Any:
    """Turn ``{"B": base64}`` and ``{"BS": [base64]}`` into bytes, anywhere in a request.

    ``{"$repeat": [text, times]}`` stands for ``text * times``, for items near 400 KB.
    """
    if isinstance(value, dict):
        if list(value) == ["$repeat"]:
            text, times = value["$repeat"]
            return text * times
        if len(value) == 1 and isinstance(value.get("B"), str):
            return {"B": base64.b64decode(value["B"])}
        members = value.get("BS")
        if (
            len(value) == 1
            and isinstance(members, list)
            and all(isinstance(b, str) for b in members)
        ):
            return {"BS": [base64.b64decode(b) for b in members]}
        return {key: _decode(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_decode(inner) for inner in value]
    return value


# -- output: what legitimately differs is taken out ---------------------------------------
def _plain(value: Any) -> Any:
    """Bytes as base64, sets sorted, everything else as JSON data."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {
            key: sorted(_plain(inner)) if key in ("SS", "NS", "BS") else _plain(inner)
            for key, inner in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(inner) for inner in value]
    return value


def _sorted_items(items: list[Any]) -> list[Any]:
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def _response(operation: str, raw: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    answer = _plain({k: v for k, v in raw.items() if k not in VOLATILE})
    if not case.get("capacity"):
        answer.pop("ConsumedCapacity", None)
    if answer.get("ItemCollectionMetrics") == {}:
        del answer["ItemCollectionMetrics"]  # an empty map says no more than its absence
    if operation == "Scan" and case.get("order") != "pinned" and "Items" in answer:
        answer["Items"] = _sorted_items(answer["Items"])
    if operation == "BatchGetItem":
        answer["Responses"] = {t: _sorted_items(i) for t, i in answer["Responses"].items()}
    return answer


def _error(err: Any, case: dict[str, Any]) -> dict[str, Any]:
    response = err.response
    error = {"Code": response["Error"]["Code"]}
    if case.get("message"):
        message = response["Error"].get("Message") or ""
        if case["message"] == "prefix":  # AWS's wording is known only up to its end
            message = message[: len(case["expected"]["error"]["Message"])]
        error["Message"] = message
    if "Item" in response:
        error["Item"] = _plain(response["Item"])
    if "CancellationReasons" in response:
        reasons = _plain(response["CancellationReasons"])
        if not case.get("message"):
            reasons = [{k: v for k, v in reason.items() if k != "Message"} for reason in reasons]
        error["CancellationReasons"] = reasons
    return {"error": error}


def _call(client: Any, operation: str, params: dict[str, Any], case: dict[str, Any]) -> Outcome:
    method: Callable[..., dict[str, Any]] = getattr(client, snake_case(operation))
    try:
        return {"response": _response(operation, method(**_decode(params)), case)}
    except (ClientError, BotoClientError) as err:
        return _error(err, case)
    except Exception as err:  # a crash is an answer too: AWS never answers with one
        return {"crash": type(err).__name__}


# -- walking pages and segments -------------------------------------------------------------
def _pages(client: Any, operation: str, params: dict[str, Any], case: dict[str, Any]) -> Outcome:
    """Follow LastEvaluatedKey to the end; Scan pages keep only what does not hang on order."""
    pages: list[dict[str, Any]] = []
    params = dict(params)
    while len(pages) < MAX_PAGES:
        outcome = _call(client, operation, params, case)
        if "error" in outcome:
            return {"pages": pages, **outcome}
        page = outcome["response"]
        pages.append(page)
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    if operation == "Query" or case.get("order") == "pinned":
        return {"pages": pages}
    return {
        "items": _sorted_items([item for page in pages for item in page.get("Items", [])]),
        "pages": len(pages),
        "count": sum(page["Count"] for page in pages),
        "scanned": sum(page["ScannedCount"] for page in pages),
    }


def _segments(client: Any, params: dict[str, Any], case: dict[str, Any]) -> Outcome:
    """Every segment of a parallel scan, walked to its end: together they hold each item once."""
    total = case["segments"]
    seen: list[Any] = []
    for segment in range(total):
        walked = _pages(
            client, "Scan", {**params, "Segment": segment, "TotalSegments": total}, case
        )
        if "error" in walked:
            return walked
        seen.extend(walked["items"])
    keys = [json.dumps(item, sort_keys=True) for item in seen]
    return {"items": _sorted_items(seen), "each_once": len(keys) == len(set(keys))}


# -- one run --------------------------------------------------------------------------------
def _create(client: Any, given: dict[str, Any]) -> None:
    for table in given["tables"]:
        keys = list(table["key"].items())
        client.create_table(
            TableName=table["name"],
            KeySchema=[
                {"AttributeName": name, "KeyType": kind}
                for (name, _), kind in zip(keys, ("HASH", "RANGE"), strict=False)
            ],
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": kind} for name, kind in keys
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        items = [_decode(item) for item in table.get("items", [])]
        for start in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            client.batch_write_item(RequestItems={table["name"]: batch})


def _tables(client: Any, given: dict[str, Any]) -> dict[str, Any]:
    """Every table's items afterwards, so a write is judged by what it stored."""
    state = {}
    for table in given["tables"]:
        walked = _pages(client, "Scan", {"TableName": table["name"]}, {})
        state[table["name"]] = walked["items"]
    return state


def run(client: Any, given: dict[str, Any], case: dict[str, Any]) -> Outcome:
    """The case's answers and the tables afterwards, normalised.

    ``unchanged`` says whether the tables are as they were before the requests, which is
    how a case pins "a refused write stores nothing" without copying every item.
    """
    _create(client, given)
    before = _tables(client, given)
    requests = case["request"] if isinstance(case["request"], list) else [case["request"]]
    answers = []
    for request in requests:
        operation, params = request["op"], request["params"]
        if "segments" in case:
            answers.append(_segments(client, params, case))
        elif case.get("paginate"):
            answers.append(_pages(client, operation, params, case))
        else:
            answers.append(_call(client, operation, params, case))
    outcome = answers[0] if len(answers) == 1 else {"answers": answers}
    after = _tables(client, given)
    return {**outcome, "tables": after, "unchanged": after == before}


def ours(given: dict[str, Any], case: dict[str, Any]) -> Outcome:
    return run(Cloud().client("dynamodb"), given, case)


def motos(given: dict[str, Any], case: dict[str, Any]) -> Outcome:
    with moto.mock_aws():
        return run(boto3.client("dynamodb", region_name="us-east-1"), given, case)


def _pinned(outcome: Outcome, expected: dict[str, Any]) -> Outcome:
    """The parts of an outcome that a case's ``expected`` pins."""
    return {key: outcome.get(key) for key in expected}


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.mark.parametrize(("given", "case"), CASES)
def test_same_answer(given: dict[str, Any], case: dict[str, Any]) -> None:
    mine, theirs = ours(given, case), motos(given, case)
    expected = case.get("expected")
    if "moto_differs" in case:
        assert expected is not None, "a moto_differs case pins AWS's answer in expected"
        assert _pinned(mine, expected) == expected
        # The note stays true: once moto answers as AWS does, the note must go.
        assert _pinned(theirs, expected) != expected, "moto now agrees; drop moto_differs"
        return
    if expected is not None:
        assert _pinned(mine, expected) == expected
    assert mine == theirs
