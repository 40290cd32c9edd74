"""Checks of the stats-that-keep-up lab: the stream, the mapping, the handler, the failures."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import TYPE_CHECKING, Any

from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

TABLE = "Matches"
STATS = "Stats"
FUNCTION = "match-stats"
VIEW = "NEW_AND_OLD_IMAGES"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:match-stats-failed"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/match-stats-failed"
LOGS = "aws logs filter-log-events --log-group-name /aws/lambda/match-stats"
UPLOAD = (
    "upload it: zip match-stats.zip match_stats.py, and aws lambda update-function-code "
    "--function-name match-stats --zip-file fileb://match-stats.zip"
)
#: The checker's own players and matches start with this; the learner's never do.
OWN = "chk-"
#: How long the checker lets a failing batch be retried before it calls the shard stuck.
PATIENCE = 90

Counts = dict[str, Any]


def _on_a_copy(check: Callable[[Cloud], Verdict]) -> Callable[[Cloud], Verdict]:
    """Run a check that writes on a copy of its own, so checks never see each other's writes.

    The checks of a task share one copy of the account; a bad change that blocks the shard
    there would hold up the next check's matches too.
    """

    @wraps(check)
    def run(cloud: Cloud) -> Verdict:
        trial = cloud.fork()
        try:
            return check(trial)
        finally:
            trial.close()

    return run


def _zero() -> Counts:
    return {"matches": 0, "totalScore": 0}


def _number(value: dict[str, Any] | None) -> Any:
    """A stored counter as a plain number (absent is 0), or as stored when not a Number."""
    if value is None:
        return 0
    if "N" not in value:
        return value
    number = Decimal(value["N"])
    return int(number) if number == number.to_integral_value() else float(number)


def _counts(cloud: Cloud, player: str) -> Counts:
    """A player's counters in Stats; a player without an item has played nothing."""
    answer = cloud.client("dynamodb").get_item(TableName=STATS, Key={"playerId": {"S": player}})
    item = answer.get("Item") or {}
    return {"matches": _number(item.get("matches")), "totalScore": _number(item.get("totalScore"))}


def _put_match(cloud: Cloud, match_id: str, player: str, score: int) -> None:
    cloud.client("dynamodb").put_item(
        TableName=TABLE,
        Item={"matchId": {"S": match_id}, "playerId": {"S": player}, "score": {"N": str(score)}},
    )


def _stream(cloud: Cloud) -> tuple[str | None, str | None]:
    """The ARN and view type of the enabled stream of Matches, or (None, None)."""
    table = cloud.client("dynamodb").describe_table(TableName=TABLE)["Table"]
    spec = table.get("StreamSpecification") or {}
    if not spec.get("StreamEnabled"):
        return None, None
    return table.get("LatestStreamArn"), spec.get("StreamViewType")


def _connection(cloud: Cloud) -> tuple[dict[str, Any] | None, str]:
    """The enabled mapping from the latest stream of Matches to match-stats, or what is amiss."""
    arn, _ = _stream(cloud)
    if arn is None:
        return None, (
            f"{TABLE} has no stream turned on (the first task): aws dynamodb update-table "
            f"--table-name {TABLE} --stream-specification StreamEnabled=true,StreamViewType={VIEW}."
        )
    lam = cloud.client("lambda")
    mappings = lam.list_event_source_mappings(FunctionName=FUNCTION)["EventSourceMappings"]
    on_stream = [m for m in mappings if m.get("EventSourceArn") == arn]
    if not on_stream:
        if mappings:
            other = mappings[0]
            return None, (
                f"match-stats is mapped to {other.get('EventSourceArn')}, which is not the "
                f"latest stream of {TABLE} ({arn}): a stream turned off and on again gets a new "
                f"ARN. Delete that mapping (aws lambda delete-event-source-mapping --uuid "
                f"{other['UUID']}) and create one on {arn}."
            )
        return None, (
            f"No event source mapping sends the stream of {TABLE} to match-stats (the second "
            f"task): aws lambda create-event-source-mapping --function-name {FUNCTION} "
            f"--event-source-arn {arn} --starting-position TRIM_HORIZON --batch-size 10."
        )
    mapping: dict[str, Any] = on_stream[0]
    if mapping.get("State") != "Enabled":
        return None, (
            f"The mapping {mapping['UUID']} is {mapping.get('State')}, so nothing reads the "
            f"stream: aws lambda update-event-source-mapping --uuid {mapping['UUID']} --enabled."
        )
    return mapping, ""


def _settle(cloud: Cloud, mapping: dict[str, Any]) -> None:
    """Move the clock on a second (and any batching window), as the learner does."""
    seconds = 1 + int(mapping.get("MaximumBatchingWindowInSeconds") or 0)
    with cloud.lock.hold():
        cloud.clock.advance(seconds)


def _last_result(cloud: Cloud, mapping: dict[str, Any]) -> str:
    answer = cloud.client("lambda").get_event_source_mapping(UUID=mapping["UUID"])
    return str(answer.get("LastProcessingResult", ""))


def _why_not_counted(cloud: Cloud, mapping: dict[str, Any]) -> str:
    """Why changes did not reach Stats: the view type, a failing function, or the code."""
    _, view = _stream(cloud)
    if view != VIEW:
        return (
            f"The stream's view type is {view}, so its records lack an image match-stats reads "
            "(the first task)."
        )
    result = _last_result(cloud, mapping)
    if result.startswith("PROBLEM"):
        return (
            f"The mapping's LastProcessingResult is '{result}': match-stats raises an error on "
            "a batch, and the records after it wait until it succeeds. The traceback is in the "
            f"log group /aws/lambda/match-stats ({LOGS}). If it is the ValidationException "
            "of Cy's match, the fourth task deals with it."
        )
    return (
        "match-stats ran without an error, yet Stats did not change: it should update the "
        "player's item with ADD matches :m, totalScore :s."
    )


def _described(counts: Counts) -> str:
    """ "2 matches for 75 points", however the counters are stored."""
    played, total = counts["matches"], counts["totalScore"]
    matches = "1 match" if played == 1 else f"{json.dumps(played)} matches"
    points = "1 point" if total == 1 else f"{json.dumps(total)} points"
    return f"{matches} for {points}"


def check_stream_on(cloud: Cloud) -> Verdict:
    """Matches has a stream enabled with both images."""
    arn, view = _stream(cloud)
    observed = {"StreamEnabled": arn is not None, "StreamViewType": view}
    expected = {"StreamEnabled": True, "StreamViewType": VIEW}
    if observed == expected:
        return Verdict(True, observed, expected)
    change = (
        " A stream's view type cannot be changed while it is on: turn it off "
        "(--stream-specification StreamEnabled=false), then on again with "
        f"StreamViewType={VIEW}. The new stream has a new ARN."
    )
    if view is None:
        message = (
            f"{TABLE} has no stream. Turn it on: aws dynamodb update-table --table-name {TABLE} "
            "--stream-specification StreamEnabled=true,StreamViewType=... with the view type "
            "that carries the item before and after each change."
        )
    elif view == "KEYS_ONLY":
        message = (
            "With KEYS_ONLY a record carries only the key, matchId: match-stats would learn "
            "neither the player nor the score." + change
        )
    elif view == "NEW_IMAGE":
        message = (
            "With NEW_IMAGE a REMOVE record carries no image, so a deleted match could not be "
            "taken away from its player, and a MODIFY would not tell the old score." + change
        )
    else:
        message = (
            f"With {view} an INSERT record carries no image, so a new match could not be "
            "counted." + change
        )
    return Verdict(False, observed, expected, message)


def check_mapping(cloud: Cloud) -> Verdict:
    """An enabled mapping reads the latest stream of Matches into match-stats from TRIM_HORIZON."""
    mapping, problem = _connection(cloud)
    arn, _ = _stream(cloud)
    expected = {"EventSourceArn": arn, "State": "Enabled", "StartingPosition": "TRIM_HORIZON"}
    if mapping is None:
        return Verdict(False, None, expected, problem)
    observed = {key: mapping.get(key) for key in expected}
    if observed == expected:
        return Verdict(True, observed, expected)
    uuid = mapping["UUID"]
    return Verdict(
        False,
        observed,
        expected,
        f"The mapping starts at {mapping.get('StartingPosition')}: the records written before "
        "it existed, such as Ben's m-201, are never read. Delete it (aws lambda "
        f"delete-event-source-mapping --uuid {uuid}) and create it again with "
        "--starting-position TRIM_HORIZON. The new mapping reads every record still in the "
        "stream, so those the old one counted are counted again: compare Stats with Matches "
        "afterwards.",
    )


@_on_a_copy
def check_new_matches_counted(cloud: Cloud) -> Verdict:
    """Three new matches of the checker's players are counted a second later."""
    expected = {
        "chk-ivy": {"matches": 2, "totalScore": 42},
        "chk-jon": {"matches": 1, "totalScore": 25},
    }
    mapping, problem = _connection(cloud)
    if mapping is None:
        return Verdict(False, None, expected, problem)
    _put_match(cloud, "chk-m-201", "chk-ivy", 30)
    _put_match(cloud, "chk-m-202", "chk-ivy", 12)
    _put_match(cloud, "chk-m-203", "chk-jon", 25)
    _settle(cloud, mapping)
    observed = {player: _counts(cloud, player) for player in expected}
    if observed == expected:
        return Verdict(True, observed, expected)
    if all(counts == _zero() for counts in observed.values()):
        message = "None of the checker's three new matches reached Stats once the clock moved on. "
        message += _why_not_counted(cloud, mapping)
    elif all(observed[p]["matches"] == expected[p]["matches"] for p in expected):
        message = (
            "The new matches were counted, but totalScore did not grow by their scores: add "
            'the score of NewImage, int(match["score"]["N"]), with the match. Then ' + UPLOAD + "."
        )
    else:
        message = (
            "Two matches of chk-ivy (30 and 12 points) and one of chk-jon (25) should make "
            f"{expected}; Stats holds {observed}. Each INSERT should add 1 match and its score "
            "to its player, once."
        )
    return Verdict(False, observed, expected, message)


def _followed(
    cloud: Cloud,
    player: str,
    change: Callable[[Any], object],
    expected: Counts,
    story: str,
    fixes: dict[tuple[int, int] | str, str],
) -> Verdict:
    """Count two matches of ``player`` (40 and 20 points), make ``change``, compare Stats.

    ``fixes`` holds what to say for a known wrong outcome, by (matches, totalScore); the
    entries "failing", "ignored" and "other" say it when the function fails on the record,
    when Stats does not move, and for any other outcome.
    """
    mapping, problem = _connection(cloud)
    if mapping is None:
        return Verdict(False, None, expected, problem)
    _put_match(cloud, "chk-m-1-" + player, player, 40)
    _put_match(cloud, "chk-m-2-" + player, player, 20)
    _settle(cloud, mapping)
    before = _counts(cloud, player)
    counted = {"matches": 2, "totalScore": 60}
    if before != counted:
        return Verdict(
            False,
            {"after two new matches": before},
            {"after two new matches": counted},
            "Two new matches (40 and 20 points) should count 2 matches for 60 points, and "
            f"Stats holds {_described(before)}. " + _why_not_counted(cloud, mapping),
        )
    change(cloud.client("dynamodb"))
    _settle(cloud, mapping)
    observed = _counts(cloud, player)
    if observed == expected:
        return Verdict(True, observed, expected)
    if observed == before:
        failing = _last_result(cloud, mapping).startswith("PROBLEM")
        fix = fixes["failing" if failing else "ignored"]
    else:
        fix = fixes.get((observed["matches"], observed["totalScore"]), fixes["other"])
    message = f"{story} Stats holds {_described(observed)}. {fix} Then {UPLOAD}."
    return Verdict(False, observed, expected, message)


@_on_a_copy
def check_score_change_followed(cloud: Cloud) -> Verdict:
    """A corrected score moves its player's total by the difference."""
    player = "chk-kai"
    return _followed(
        cloud,
        player,
        lambda ddb: ddb.update_item(
            TableName=TABLE,
            Key={"matchId": {"S": "chk-m-2-" + player}},
            UpdateExpression="SET score = :s",
            ExpressionAttributeValues={":s": {"N": "35"}},
        ),
        {"matches": 2, "totalScore": 75},
        "Of two matches (40 and 20 points), the second was corrected to 35, so their player "
        "should have 2 matches for 75 points.",
        {
            "failing": "match-stats fails on the MODIFY record: read its traceback with "
            f"{LOGS}. Both images are there: NewImage after the change, OldImage before.",
            "ignored": "The MODIFY record did not change Stats: handle it by adding NewImage's "
            "score minus OldImage's score, and 0 matches.",
            (3, 95): "The correction was counted as one more match: a MODIFY changes a match "
            "that is already counted, so add 0 matches and only the difference of the scores.",
            (2, 95): "The new score was added without taking the old one away: add NewImage's "
            "score minus OldImage's score.",
            "other": "On MODIFY, add 0 matches and NewImage's score minus OldImage's score, "
            "once per record.",
        },
    )


@_on_a_copy
def check_deleted_match_subtracted(cloud: Cloud) -> Verdict:
    """A deleted match is taken away from its player."""
    player = "chk-lea"
    return _followed(
        cloud,
        player,
        lambda ddb: ddb.delete_item(TableName=TABLE, Key={"matchId": {"S": "chk-m-1-" + player}}),
        {"matches": 1, "totalScore": 20},
        "Of two matches (40 and 20 points), the first was deleted, so their player should "
        "have 1 match for 20 points.",
        {
            "failing": "match-stats fails on the REMOVE record, which has no NewImage: the "
            f"deleted match is in OldImage only. Its traceback: {LOGS}.",
            "ignored": "The REMOVE record did not change Stats: take 1 match and OldImage's "
            "score away from OldImage's player (ADD with negative numbers).",
            (3, 100): "The deletion was counted as one more match: on REMOVE, subtract "
            "instead of adding.",
            (1, 60): "The match was taken away but not its score: subtract OldImage's score "
            "as well.",
            "other": "On REMOVE, add -1 match and minus OldImage's score, once per record.",
        },
    )


def _destination(mapping: dict[str, Any]) -> str | None:
    on_failure = (mapping.get("DestinationConfig") or {}).get("OnFailure") or {}
    destination: str | None = on_failure.get("Destination")
    return destination


def check_mapping_gives_up(cloud: Cloud) -> Verdict:
    """Limited retries (or record age), bisection on error, and the queue for what is given up."""
    expected = {
        "MaximumRetryAttempts": 2,
        "BisectBatchOnFunctionError": True,
        "OnFailure": QUEUE_ARN,
    }
    mapping, problem = _connection(cloud)
    if mapping is None:
        return Verdict(False, None, expected, problem)
    retries = mapping.get("MaximumRetryAttempts", -1)
    age = mapping.get("MaximumRecordAgeInSeconds", -1)
    observed = {
        "MaximumRetryAttempts": retries,
        "MaximumRecordAgeInSeconds": age,
        "BisectBatchOnFunctionError": mapping.get("BisectBatchOnFunctionError", False),
        "OnFailure": _destination(mapping),
    }
    problems = []
    if not _gives_up(mapping):
        problems.append(
            "A failing batch is retried until its records leave the stream, 24 hours, and "
            "holds up its shard all that time: set --maximum-retry-attempts 2."
        )
    if not observed["BisectBatchOnFunctionError"]:
        problems.append(
            "Without --bisect-batch-on-function-error, the good records that share a batch "
            "with a failing one are given up with it."
        )
    if observed["OnFailure"] is None:
        problems.append(
            "Nothing keeps a record of the batches given up: add --destination-config "
            f'\'{{"OnFailure": {{"Destination": "{QUEUE_ARN}"}}}}\'.'
        )
    elif observed["OnFailure"] != QUEUE_ARN:
        problems.append(
            f"Records of the batches given up go to {observed['OnFailure']}, not to the queue "
            f"match-stats-failed ({QUEUE_ARN})."
        )
    if not problems:
        return Verdict(True, observed, expected)
    fix = (
        f" Change the mapping with aws lambda update-event-source-mapping --uuid {mapping['UUID']}."
    )
    return Verdict(False, observed, expected, " ".join(problems) + fix)


def _sequence_of(cloud: Cloud, arn: str, match_id: str) -> int | None:
    """The sequence number of the INSERT of a match in the stream, read as a consumer would."""
    streams = cloud.client("dynamodbstreams")
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    for shard in shards:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        ).get("ShardIterator")
        while iterator:
            answer = streams.get_records(ShardIterator=iterator)
            for record in answer["Records"]:
                keys = record["dynamodb"].get("Keys", {})
                if record["eventName"] == "INSERT" and keys.get("matchId") == {"S": match_id}:
                    return int(record["dynamodb"]["SequenceNumber"])
            if not answer["Records"]:
                break
            iterator = answer.get("NextShardIterator")
    return None


def _failure_records(cloud: Cloud) -> list[dict[str, Any]]:
    """Every invocation record in match-stats-failed, as JSON."""
    sqs = cloud.client("sqs")
    found = []
    for _ in range(100):
        messages = sqs.receive_message(QueueUrl=QUEUE_URL, MaxNumberOfMessages=10).get(
            "Messages", []
        )
        if not messages:
            break
        for message in messages:
            try:
                found.append(json.loads(message["Body"]))
            except ValueError:
                continue
    return found


def _covering(records: list[dict[str, Any]], sequence: int) -> dict[str, Any] | None:
    """The batch info of the record whose batch includes a sequence number, if any."""
    for record in records:
        info = record.get("DDBStreamBatchInfo") or {}
        try:
            first, last = int(info["startSequenceNumber"]), int(info["endSequenceNumber"])
        except (KeyError, TypeError, ValueError):
            continue
        if first <= sequence <= last:
            return info
    return None


@_on_a_copy
def check_bad_change_set_aside(cloud: Cloud) -> Verdict:
    """A change that cannot be applied is recorded in the queue; the good ones beside it count."""
    bad, good = "chk-pat", "chk-quin"
    expected = {good: {"matches": 2, "totalScore": 40}, "recorded in match-stats-failed": True}
    mapping, problem = _connection(cloud)
    if mapping is None:
        return Verdict(False, None, expected, problem)
    arn, _ = _stream(cloud)
    # A counter stored as text, like Cy's: any ADD to it fails, whatever the code.
    cloud.client("dynamodb").put_item(
        TableName=STATS,
        Item={"playerId": {"S": bad}, "matches": {"S": "7"}, "totalScore": {"N": "300"}},
    )
    # The bad change first, then two good ones, written together so that they share a batch.
    _put_match(cloud, "chk-m-501", bad, 20)
    _put_match(cloud, "chk-m-502", good, 30)
    _put_match(cloud, "chk-m-503", good, 10)
    waited = 0
    counts = _zero()
    while waited < PATIENCE:
        _settle(cloud, mapping)
        waited += 1 + int(mapping.get("MaximumBatchingWindowInSeconds") or 0)
        counts = _counts(cloud, good)
        if counts != _zero():
            break
    sequence = _sequence_of(cloud, str(arn), "chk-m-501")
    note = None if sequence is None else _covering(_failure_records(cloud), sequence)
    observed = {good: counts, "recorded in match-stats-failed": note is not None}
    if note is not None:
        observed["batchSize of that record"] = note.get("batchSize")
    if counts == expected[good] and note is not None:
        return Verdict(True, observed, expected)
    fresh = cloud.client("lambda").get_event_source_mapping(UUID=mapping["UUID"])
    retries = fresh.get("MaximumRetryAttempts", -1)
    intro = (
        "The checker stored a player's matches as text, as Cy's was, and wrote one match of "
        f"that player ({bad}) followed by two of {good} (30 and 10 points) in one batch. "
    )
    failing = fresh.get("LastProcessingResult", "").startswith("PROBLEM")
    if counts == _zero():
        if not _gives_up(fresh) and failing:
            message = (
                f"After {waited} seconds the batch was still being retried, with no limit, and "
                f"{good}'s matches waited behind it. Set --maximum-retry-attempts 2 with aws "
                "lambda update-event-source-mapping."
            )
        elif not fresh.get("BisectBatchOnFunctionError"):
            size = "" if note is None else f" (the record's batchSize is {note.get('batchSize')})"
            message = (
                f"After its retries the batch was given up whole{size}, the two good matches "
                f"with the bad one, so {good} has nothing. Turn on "
                "--bisect-batch-on-function-error: a failing batch is split in two before it "
                "is retried, until the bad record is alone."
            )
        elif failing:
            message = (
                f"After {waited} seconds the bad match was still being retried "
                f"(MaximumRetryAttempts {retries}, MaximumRecordAgeInSeconds "
                f"{fresh.get('MaximumRecordAgeInSeconds', -1)}), and {good}'s matches waited "
                "behind it. Lower the retries: --maximum-retry-attempts 2."
            )
        else:
            message = _why_not_counted(cloud, mapping)
    elif counts != expected[good]:
        message = (
            f"{good} has {_described(counts)} instead of 2 for 40. A good match counted more "
            "than once was applied before the error and again when the batch was retried: "
            "apply the records in order, and let the first error end the invocation."
        )
    elif _destination(fresh) != QUEUE_ARN:
        message = (
            f"The good matches counted, but the bad one left no record in match-stats-failed: "
            "add --destination-config "
            f'\'{{"OnFailure": {{"Destination": "{QUEUE_ARN}"}}}}\' to the mapping.'
        )
    else:
        message = (
            "The good matches counted, but no record of the bad one reached match-stats-failed: "
            "match-stats did not fail on it, so the match was dropped without a trace. If "
            "match_stats.py catches the error, let it raise instead, so that Lambda retries "
            "the batch and then sends a record of it. Then " + UPLOAD + "."
        )
    return Verdict(False, observed, expected, intro + message)


def _scan(cloud: Cloud, table: str) -> list[dict[str, Any]]:
    """Every item of a table, page by page."""
    ddb = cloud.client("dynamodb")
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"TableName": table}
    while True:
        page = ddb.scan(**params)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _implied(cloud: Cloud) -> tuple[dict[str, Counts], list[str]]:
    """What the learner's items in Matches add up to, per player; and matches without a score."""
    sums: dict[str, tuple[int, Decimal]] = {}
    unscored = []
    for item in _scan(cloud, TABLE):
        player = item.get("playerId", {}).get("S")
        match_id = item.get("matchId", {}).get("S", "")
        if player is None or player.startswith(OWN) or match_id.startswith(OWN):
            continue
        score = item.get("score", {}).get("N")
        if score is None:
            unscored.append(match_id)
            continue
        played, total = sums.get(player, (0, Decimal(0)))
        sums[player] = (played + 1, total + Decimal(score))
    totals = {
        player: {"matches": played, "totalScore": _number({"N": str(total)})}
        for player, (played, total) in sums.items()
    }
    return totals, unscored


def _stored(cloud: Cloud) -> dict[str, Counts]:
    """The learner's players' counters in Stats."""
    stored = {}
    for item in _scan(cloud, STATS):
        player = item.get("playerId", {}).get("S")
        if player is None or player.startswith(OWN):
            continue
        stored[player] = {
            "matches": _number(item.get("matches")),
            "totalScore": _number(item.get("totalScore")),
        }
    return stored


def _gives_up(mapping: dict[str, Any]) -> bool:
    """Whether the mapping ever stops retrying a failing batch."""
    return bool(
        mapping.get("MaximumRetryAttempts", -1) != -1
        or mapping.get("MaximumRecordAgeInSeconds", -1) != -1
    )


def _numeric(counts: Counts) -> bool:
    return all(isinstance(value, int | float) for value in counts.values())


def check_stats_in_step(cloud: Cloud) -> Verdict:
    """Every player's counters in Stats are what their matches add up to."""
    mapping, problem = _connection(cloud)
    if mapping is not None:
        _settle(cloud, mapping)  # let changes still waiting in the stream arrive
    implied, unscored = _implied(cloud)
    stored = _stored(cloud)
    players = sorted(set(implied) | set(stored))
    expected = {p: implied.get(p, _zero()) for p in players}
    observed = {p: stored.get(p, _zero()) for p in players}
    wrong = [p for p in players if observed[p] != expected[p]]
    if not wrong and not unscored:
        return Verdict(True, observed, expected)
    lines = []
    if unscored:
        lines.append(
            f"{', '.join(sorted(unscored))} in {TABLE} has no Number score, so it cannot be "
            "counted: give it one or delete it."
        )
    for player in wrong:
        held, due = observed[player], expected[player]
        line = f"{player}: Stats holds {_described(held)}, Matches adds up to {_described(due)}."
        if not _numeric(held):
            line += " A counter stored as text makes every ADD to it fail."
        lines.append(line)
    fixable = [p for p in wrong if _numeric(observed[p])]
    if mapping is not None and _gives_up(mapping):
        fixable = wrong
    if mapping is None:
        lines.append(problem)
    elif not _gives_up(mapping) and _last_result(cloud, mapping).startswith("PROBLEM"):
        lines.append(
            "match-stats is failing on a batch, so the changes after it wait and are not in "
            "Stats yet. Let the mapping give up on it first (the fourth task), then compare "
            "again."
        )
    elif fixable:
        player = fixable[0]
        item = {
            "playerId": {"S": player},
            "matches": {"N": str(expected[player]["matches"])},
            "totalScore": {"N": str(expected[player]["totalScore"])},
        }
        others = " (and likewise for the others)" if len(fixable) > 1 else ""
        lines.append(
            "A change the function passed over or gave up on is not sent again, so put the "
            "numbers right by hand: aws dynamodb put-item --table-name Stats --item "
            f"'{json.dumps(item)}'{others}."
        )
    elif wrong:
        lines.append(
            "The fourth task shows what such a counter does to the stream, and ends with "
            "repairing it."
        )
    return Verdict(False, observed, expected, " ".join(lines))
