"""Checks of the sessions-that-expire lab: TTL's setting, the expiry values, the filter, the sweep."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import TYPE_CHECKING, Any

from emulator.services.dynamodb.ttl import ttl_of
from labs.checks import Verdict, invoke

if TYPE_CHECKING:
    from emulator import Cloud

TABLE = "Sessions"
ATTRIBUTE = "expiresAt"
START = 1767225600  # 2026-01-01T00:00:00Z, where the lab's clock starts
DAY = 86400
#: The two sessions the old app wrote wrong; both end at 2026-01-20T00:00:00Z.
REPAIRED = {"s-ada-tablet": ("u-ada", "tablet"), "s-ben-laptop": ("u-ben", "laptop")}
REPAIRED_EXPIRY = START + 19 * DAY
#: Ada signed in on her phone at 01:00:00 for 30 days.
PHONE_EXPIRY = START + 3600 + 30 * DAY
#: Sessions that had expired by 02:00 on the first day: TTL deletes them within two days.
EXPIRED = ("s-ada-laptop", "s-ben-phone", "s-cy-phone")
#: Sessions that are live all through the lab, and their expiry.
LIVE = {
    "s-ada-tv": ("u-ada", "tv", START + 7 * DAY),
    "s-ada-tablet": ("u-ada", "tablet", REPAIRED_EXPIRY),
    "s-ada-phone": ("u-ada", "phone", PHONE_EXPIRY),
    "s-ben-laptop": ("u-ben", "laptop", REPAIRED_EXPIRY),
    "s-cy-laptop": ("u-cy", "laptop", START + 14 * DAY),
}


def _when(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _listed(ids: list[str]) -> str:
    """ "a is" or "a, b are": the subject of a sentence about stored sessions."""
    return f"{', '.join(ids)} {'is' if len(ids) == 1 else 'are'}"


def _session(cloud: Cloud, session_id: str) -> dict[str, Any] | None:
    answer = cloud.client("dynamodb").get_item(
        TableName=TABLE, Key={"sessionId": {"S": session_id}}
    )
    item: dict[str, Any] | None = answer.get("Item")
    return item


def _put_command(session_id: str, user: str, device: str, expiry: int) -> str:
    item = {
        "sessionId": {"S": session_id},
        "userId": {"S": user},
        "device": {"S": device},
        ATTRIBUTE: {"N": str(expiry)},
    }
    return f"aws dynamodb put-item --table-name {TABLE} --item '{json.dumps(item)}'"


def _expiry_problem(session_id: str, value: dict[str, Any] | None, wanted: int) -> str | None:
    """What is wrong with a session's expiresAt, given the epoch seconds it should hold."""
    if value is None:
        return f"{session_id} has no {ATTRIBUTE}, so TTL never deletes it."
    if "N" not in value:
        return (
            f"{session_id} holds {ATTRIBUTE} as {json.dumps(value)}. TTL reads only a Number "
            f"and ignores anything else, so this session would never expire. Write "
            f'{{"N": "{wanted}"}}.'
        )
    seconds = float(value["N"])
    if seconds >= 1e12:
        return (
            f"{session_id} has {ATTRIBUTE} {value['N']}: milliseconds, a date tens of "
            "thousands of years away, so TTL would never delete it. TTL counts seconds: "
            f"{wanted}."
        )
    if seconds != wanted:
        return (
            f"{session_id} has {ATTRIBUTE} {value['N']} ({_when(seconds)}), where "
            f"{wanted} ({_when(wanted)}) was due."
        )
    return None


def check_ttl_enabled(cloud: Cloud) -> Verdict:
    """TTL is ENABLED on expiresAt (not still ENABLING, not on another attribute)."""
    described = cloud.client("dynamodb").describe_time_to_live(TableName=TABLE)
    settings = described["TimeToLiveDescription"]
    status, attribute = settings["TimeToLiveStatus"], settings.get("AttributeName")
    observed = {"TimeToLiveStatus": status, "AttributeName": attribute}
    expected = {"TimeToLiveStatus": "ENABLED", "AttributeName": ATTRIBUTE}
    if observed == expected:
        return Verdict(True, observed, expected)
    if status in ("ENABLING", "ENABLED") and attribute != ATTRIBUTE:
        message = (
            f"TTL is on for {attribute}, but the sessions keep their expiry in {ATTRIBUTE}, so "
            f"nothing would ever be deleted. Once an hour has passed since your last change, "
            f"turn it off (Enabled=false,AttributeName={attribute}), let another hour pass "
            f"(clock advance 1h), and turn it on for {ATTRIBUTE}."
        )
    elif status == "ENABLING":
        message = (
            "TTL is still ENABLING: the change takes up to an hour to settle. Type clock "
            "advance 1h."
        )
    else:
        message = (
            f"TTL is {status} on {TABLE}. Turn it on: aws dynamodb update-time-to-live "
            f"--table-name {TABLE} --time-to-live-specification "
            f"Enabled=true,AttributeName={ATTRIBUTE}, then clock advance 1h."
        )
    return Verdict(False, observed, expected, message)


def check_broken_expiries_fixed(cloud: Cloud) -> Verdict:
    """s-ada-tablet and s-ben-laptop expire at 2026-01-20 00:00:00 UTC, in epoch seconds."""
    observed: dict[str, Any] = {}
    problems = []
    for session_id, (user, device) in REPAIRED.items():
        item = _session(cloud, session_id)
        observed[session_id] = None if item is None else item.get(ATTRIBUTE)
        if item is None:
            problems.append(
                f"{session_id} is missing from {TABLE}; {user} is still signed in on that "
                f"{device}. Put it back: " + _put_command(session_id, user, device, REPAIRED_EXPIRY)
            )
            continue
        problem = _expiry_problem(session_id, item.get(ATTRIBUTE), REPAIRED_EXPIRY)
        if problem:
            problems.append(problem)
    expected = {session_id: {"N": str(REPAIRED_EXPIRY)} for session_id in REPAIRED}
    if not problems:
        return Verdict(True, observed, expected)
    fix = (
        " Fix it with aws dynamodb update-item --table-name Sessions --key "
        '\'{"sessionId": {"S": "..."}}\' --update-expression \'SET expiresAt = :e\' '
        f'--expression-attribute-values \'{{":e": {{"N": "{REPAIRED_EXPIRY}"}}}}\'.'
    )
    return Verdict(False, observed, expected, " ".join(problems) + fix)


def check_ada_phone(cloud: Cloud) -> Verdict:
    """s-ada-phone: u-ada's phone, expiring 30 days after 01:00:00 on 1 January."""
    item = _session(cloud, "s-ada-phone")
    expected = {"userId": "u-ada", "device": "phone", ATTRIBUTE: {"N": str(PHONE_EXPIRY)}}
    command = _put_command("s-ada-phone", "u-ada", "phone", PHONE_EXPIRY)
    if item is None:
        return Verdict(
            False,
            "no session s-ada-phone",
            expected,
            "Sessions has no s-ada-phone. Ada signed in at 2026-01-01 01:00:00 UTC (epoch "
            f"{START + 3600}) for 30 days of 86,400 seconds: {command}",
        )
    observed = {
        "userId": item.get("userId", {}).get("S"),
        "device": item.get("device", {}).get("S"),
        ATTRIBUTE: item.get(ATTRIBUTE),
    }
    if observed["userId"] != "u-ada" or observed["device"] != "phone":
        return Verdict(
            False,
            observed,
            expected,
            "s-ada-phone should belong to u-ada (userId, which the by-user index lists it "
            f"under) and have device phone. {command}",
        )
    problem = _expiry_problem("s-ada-phone", item.get(ATTRIBUTE), PHONE_EXPIRY)
    if problem is None:
        return Verdict(True, observed, expected)
    value = item.get(ATTRIBUTE, {}).get("N")
    if value is not None and float(value) == START + 30 * DAY:
        problem += " That is 30 days after midnight; Ada signed in an hour later, at 01:00:00."
    elif value is not None and float(value) == START + 3600 + 30 * 60:
        problem += " That is 30 minutes after she signed in; remember me gives 30 days."
    return Verdict(False, observed, expected, f"{problem} {command}")


def _live_ids(body: Any) -> list[str] | None:
    """The session ids of an active-sessions answer, or None if it has another shape."""
    if not isinstance(body, dict) or not isinstance(body.get("sessions"), list):
        return None
    ids = []
    for session in body["sessions"]:
        if not isinstance(session, dict) or not isinstance(session.get("sessionId"), str):
            return None
        ids.append(session["sessionId"])
    return sorted(ids)


def check_only_live_sessions(cloud: Cloud) -> Verdict:
    """active-sessions, asked at two moments, returns exactly the sessions live at each."""
    # A user of the checker's own, a month ahead of the clock, so TTL leaves it alone.
    now = int(cloud.clock.now()) + 30 * DAY
    offsets = {"s-chk-1": -7200, "s-chk-2": 3600, "s-chk-3": -60, "s-chk-4": DAY, "s-chk-5": 5400}
    ddb = cloud.client("dynamodb")
    for session_id, offset in offsets.items():
        ddb.put_item(
            TableName=TABLE,
            Item={
                "sessionId": {"S": session_id},
                "userId": {"S": "u-checker"},
                "device": {"S": "browser"},
                ATTRIBUTE: {"N": str(now + offset)},
            },
        )
    moments = {"now": now, "two hours later": now + 7200}
    observed: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    for label, moment in moments.items():
        body, error = invoke(cloud, "active-sessions", {"userId": "u-checker", "now": moment})
        live = sorted(s for s, offset in offsets.items() if now + offset > moment)
        expected[label] = live
        if error is not None:
            return Verdict(
                False,
                {label: error},
                expected,
                f"active-sessions failed with {error}. The traceback is in the log group "
                "/aws/lambda/active-sessions. Fix active_sessions.py, zip it and upload it "
                "with aws lambda update-function-code.",
            )
        ids = _live_ids(body)
        observed[label] = ids if ids is not None else body
        if ids is None:
            return Verdict(
                False,
                observed,
                expected,
                'active-sessions should answer {"userId": ..., "sessions": [{"sessionId": '
                f'..., "device": ...}}, ...]}} as the starter does; it answered {body}.',
            )
        if ids == live:
            continue
        every = sorted(offsets)
        if ids == every:
            message = (
                "active-sessions returned every session of the user, expired ones included: "
                "TTL has not deleted them yet, so the read must leave them out. Add "
                "FilterExpression 'expiresAt > :now' to the query."
            )
        elif not ids:
            message = (
                "active-sessions returned no session at all, though some are live. Compare "
                'with a Number: ":now": {"N": str(event["now"])}. A Number compared with text '
                "never matches."
            )
        elif set(ids) > set(live):
            message = (
                f"Asked at {label}, active-sessions kept {sorted(set(ids) - set(live))}, "
                "which had expired by then. Compare with the event's now, not a fixed time, "
                "and keep only expiresAt > :now."
            )
        else:
            message = (
                f"Asked at {label}, active-sessions answered {ids}, where {live} were live "
                "(expiresAt later than the event's now)."
            )
        return Verdict(
            False,
            observed,
            expected,
            message + " Then zip active_sessions.py and upload it with aws lambda "
            "update-function-code.",
        )
    return Verdict(True, observed, expected)


def check_expired_gone(cloud: Cloud) -> Verdict:
    """TTL has deleted the sessions that expired on the first day."""
    present = [s for s in EXPIRED if _session(cloud, s) is not None]
    now = cloud.clock.now()
    observed = {"still stored": present, "clock": _when(now)}
    expected = {"still stored": []}
    if not present:
        return Verdict(True, observed, expected)
    status = cloud.client("dynamodb").describe_time_to_live(TableName=TABLE)
    settings = status["TimeToLiveDescription"]
    if settings["TimeToLiveStatus"] not in ("ENABLED", "ENABLING") or (
        settings.get("AttributeName") != ATTRIBUTE
    ):
        return Verdict(
            False,
            observed,
            expected,
            f"{_listed(present)} still stored, and nothing will delete them once they "
            f"have expired: TTL is not on for {ATTRIBUTE} (the first task).",
        )
    backend: Any = cloud.backend("dynamodb")
    table = backend.tables[TABLE]
    engine = ttl_of(backend)
    due = [engine.deletion_time(table, {"sessionId": {"S": s}}) for s in present]
    if any(when is None for when in due):
        return Verdict(
            False,
            observed,
            expected,
            f"{', '.join(present)} would never be deleted: an expiresAt that TTL can act on "
            "is a Number of seconds in the past. Were these sessions changed?",
        )
    last = max(when for when in due if when is not None)
    hours = math.ceil((last - now) / 3600)
    return Verdict(
        False,
        observed,
        expected,
        f"{_listed(present)} still stored. TTL deletes expired items in the "
        f"background, typically within two days; by {_when(last)} all of them will be gone, and the "
        f"clock shows {_when(now)}. Move it on by at least {hours} hour(s): clock advance 2d "
        "is enough.",
    )


def check_live_kept(cloud: Cloud) -> Verdict:
    """The five live sessions are stored, with expiries TTL reads as still to come."""
    now = cloud.clock.now()
    items = {session_id: _session(cloud, session_id) for session_id in LIVE}
    observed = {s: None if item is None else item.get(ATTRIBUTE) for s, item in items.items()}
    expected = {session_id: {"N": str(expiry)} for session_id, (_, _, expiry) in LIVE.items()}
    for session_id, (user, device, expiry) in LIVE.items():
        if items[session_id] is None:
            return Verdict(
                False,
                observed,
                expected,
                f"{session_id} is not in {TABLE}, yet {user} stays signed in on that {device} "
                f"until {_when(expiry)}. If TTL deleted it, its {ATTRIBUTE} lay in the past. "
                "Write it again: " + _put_command(session_id, user, device, expiry),
            )
        value = observed[session_id] or {}
        if "N" not in value or not now < float(value["N"]) < 1e12:
            return Verdict(
                False,
                observed,
                expected,
                f"{session_id} has {ATTRIBUTE} {json.dumps(observed[session_id])}, which is not "
                f"a Number of seconds in the future. It should be {expiry} ({_when(expiry)}).",
            )
    return Verdict(True, observed, expected)
