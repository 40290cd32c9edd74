"""Checks of the wordfall-keys lab: the keys of Games and Players, their items, and a Query."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator import ClientError
from labs.checks import Verdict

if TYPE_CHECKING:
    from emulator import Cloud

#: The six games of games.json, as stored items, in the file's order.
GAMES: list[dict[str, Any]] = [
    request["PutRequest"]["Item"]
    for request in json.loads(
        (Path(__file__).parent / "starter" / "games.json").read_text(encoding="utf-8")
    )["Games"]
]
PLAYER = "p-17"
#: p-17's games, newest first: the answer to "p-17's games, three at a time".
NEWEST_FIRST = [
    game["gameId"]["S"]
    for game in sorted(GAMES, key=lambda game: game["playedAt"]["S"], reverse=True)
    if game["playerId"]["S"] == PLAYER
]


def _table(cloud: Cloud, name: str) -> dict[str, Any] | None:
    try:
        table: dict[str, Any] = cloud.client("dynamodb").describe_table(TableName=name)["Table"]
    except ClientError:
        return None
    return table


def _keys(table: dict[str, Any]) -> tuple[str | None, str | None, dict[str, str]]:
    """(partition key, sort key or None, attribute name -> type) of a described table."""
    schema = {entry["KeyType"]: entry["AttributeName"] for entry in table["KeySchema"]}
    types = {
        entry["AttributeName"]: entry["AttributeType"] for entry in table["AttributeDefinitions"]
    }
    return schema.get("HASH"), schema.get("RANGE"), types


def check_games_key(cloud: Cloud) -> Verdict:
    """Games has gameId (S) as its only key, so a GetItem needs nothing but the id."""
    expected = {"HASH": "gameId", "RANGE": None, "types": {"gameId": "S"}}
    table = _table(cloud, "Games")
    if table is None:
        return Verdict(
            False,
            "no table Games",
            expected,
            "There is no table named Games yet. Create it with aws dynamodb create-table, "
            "keyed so that a game can be fetched by its id alone.",
        )
    hash_key, range_key, types = _keys(table)
    observed = {"HASH": hash_key, "RANGE": range_key, "types": types}
    if hash_key != "gameId":
        return Verdict(
            False,
            observed,
            expected,
            f"Games has {hash_key} as its partition key, but a shared link knows only the "
            "game's id. Keys cannot be changed: delete Games (aws dynamodb delete-table) and "
            "create it again with gameId as the partition key.",
        )
    if range_key is not None:
        return Verdict(
            False,
            observed,
            expected,
            f"Games also has a sort key, {range_key}, so a GetItem must name it too, and a "
            "shared link knows only the game's id. Each game has its own id, so gameId alone "
            "is enough: delete Games and create it again without a sort key.",
        )
    if types.get("gameId") != "S":
        return Verdict(
            False,
            observed,
            expected,
            f"gameId is declared as type {types.get('gameId')}, but ids like g-a60e are "
            "text. Delete Games and create it again with gameId of type S.",
        )
    return Verdict(True, observed, expected)


def check_players_key(cloud: Cloud) -> Verdict:
    """Players has PK (S) as its partition key and SK (S) as its sort key."""
    expected = {"HASH": "PK", "RANGE": "SK", "types": {"PK": "S", "SK": "S"}}
    table = _table(cloud, "Players")
    if table is None:
        return Verdict(
            False,
            "no table Players",
            expected,
            "There is no table named Players yet. Create it with aws dynamodb create-table; "
            "history.json shows the key attributes its items carry.",
        )
    hash_key, range_key, types = _keys(table)
    observed = {"HASH": hash_key, "RANGE": range_key, "types": types}
    again = (
        " Keys cannot be changed: delete Players (aws dynamodb delete-table) and create it again"
    )
    if hash_key == "gameId":
        message = (
            "Players has gameId as its partition key, so every game sits alone under its own "
            "key value: one player's games are spread over the whole table, and only a Scan "
            "could gather them." + again + " with PK (PLAYER#<id>, shared by all of a "
            "player's items) as the partition key and SK as the sort key."
        )
    elif hash_key == "SK":
        message = (
            "Players has SK as its partition key: PK and SK are the wrong way round, so a "
            "player's items do not share a partition key value." + again + " with PK as the "
            "partition key and SK as the sort key."
        )
    elif hash_key != "PK":
        message = (
            f"Players has {hash_key} as its partition key. The value every item of one "
            "player shares is PK (PLAYER#p-17)." + again + " with PK as the partition key "
            "and SK as the sort key."
        )
    elif range_key is None:
        message = (
            "Players has PK alone as its key, so a player could keep only one item: each game "
            "summary would replace the profile and the game before it." + again + " with SK "
            "as the sort key."
        )
    elif range_key != "SK":
        message = (
            f"Players sorts a player's items by {range_key}. SK is the attribute that tells "
            "the profile from the games and puts the games in time order (GAME#<playedAt>)."
            + again
            + " with SK as the sort key."
        )
    elif types.get("PK") != "S" or types.get("SK") != "S":
        message = (
            f"PK and SK hold text (PLAYER#p-17, GAME#2026-...), but they are declared as "
            f"{types.get('PK')} and {types.get('SK')}." + again + " with both of type S."
        )
    else:
        return Verdict(True, observed, expected)
    return Verdict(False, observed, expected, message)


def _players_items(cloud: Cloud) -> list[dict[str, Any]]:
    ddb = cloud.client("dynamodb")
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": "Players"}
    while True:
        page = ddb.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _summary_problem(game: dict[str, Any], items: list[dict[str, Any]]) -> str | None:
    """What is wrong with the summary of ``game`` among the items of Players, or None."""
    game_id, player = game["gameId"]["S"], game["playerId"]["S"]
    pk, sk = f"PLAYER#{player}", f"GAME#{game['playedAt']['S']}"
    found = [item for item in items if item.get("gameId", {}).get("S") == game_id]
    if not found:
        if game_id == "g-95e4":
            return (
                "Players has no summary of game g-95e4, p-17's newest game. Write it with aws "
                "dynamodb put-item: PK, SK, gameId, mode and score, following the pattern of "
                "the summaries in history.json (aws dynamodb get-item on Games shows the game)."
            )
        return (
            f"Players has no summary of game {game_id}. Load the summaries with aws dynamodb "
            "batch-write-item --request-items file://history.json."
        )
    for item in found:
        item_pk, item_sk = item.get("PK", {}).get("S"), item.get("SK", {}).get("S")
        if (item_pk, item_sk) != (pk, sk):
            return (
                f"A summary of {game_id} has PK {item_pk} and SK {item_sk}. A summary lives "
                f"in its player's collection, under PK {pk}, and its SK is GAME# followed by "
                f"the game's playedAt exactly, {sk}, so the games sort by time. Delete that "
                "item (aws dynamodb delete-item with its PK and SK) and write it again."
            )
    item = found[0]
    score, wanted = item.get("score", {}), game["score"]["N"]
    if "N" not in score:
        return (
            f"The summary of {game_id} stores score as {json.dumps(score)}. A score is a "
            f'number: write it as {{"N": "{wanted}"}}, so it compares and adds as a number.'
        )
    if Decimal(score["N"]) != Decimal(wanted):
        return f"The summary of {game_id} has score {score['N']}; games.json says {wanted}."
    if "moves" in item:
        return (
            f"The summary of {game_id} carries the moves. Summaries stay small, because the "
            "player's page reads them all and every read is billed on the size of the items "
            "it reads; the moves live in Games. Write the summary again without them."
        )
    return None


def check_collections(cloud: Cloud) -> Verdict:
    """Players holds both profiles and a well-keyed, numeric-score summary of each game."""
    items = _players_items(cloud)
    observed = sorted(
        f"{item.get('PK', {}).get('S')} | {item.get('SK', {}).get('S')}" for item in items
    )
    expected = "2 profiles and a summary of each of the 6 games"
    profiles = [
        player
        for player in ("p-17", "p-42")
        if not any(
            item.get("PK", {}).get("S") == f"PLAYER#{player}"
            and item.get("SK", {}).get("S") == "PROFILE"
            for item in items
        )
    ]
    if profiles:
        return Verdict(
            False,
            observed,
            expected,
            f"Players has no profile of {' and '.join(profiles)}. Load history.json with aws "
            "dynamodb batch-write-item --request-items file://history.json.",
        )
    for game in GAMES:
        problem = _summary_problem(game, items)
        if problem is not None:
            return Verdict(False, observed, expected, problem)
    return Verdict(True, observed, expected)


def check_newest_first_pages(cloud: Cloud) -> Verdict:
    """p-17's games, three a page and newest first: a full page, then the oldest game."""
    ddb = cloud.client("dynamodb")
    query: dict[str, Any] = {
        "TableName": "Players",
        "KeyConditionExpression": "PK = :p AND begins_with(SK, :g)",
        "ExpressionAttributeValues": {":p": {"S": f"PLAYER#{PLAYER}"}, ":g": {"S": "GAME#"}},
        "ScanIndexForward": False,
        "Limit": 3,
    }
    first = ddb.query(**query)
    pages = [[item.get("gameId", {}).get("S") for item in first["Items"]]]
    if "LastEvaluatedKey" in first:
        second = ddb.query(**query, ExclusiveStartKey=first["LastEvaluatedKey"])
        pages.append([item.get("gameId", {}).get("S") for item in second["Items"]])
    expected = [NEWEST_FIRST[:3], NEWEST_FIRST[3:]]
    if pages == expected:
        return Verdict(True, pages, expected)
    return Verdict(
        False,
        pages,
        expected,
        f"A Query for p-17's games (PK = PLAYER#p-17 AND begins_with(SK, 'GAME#'), newest "
        f"first, three a page) answered {pages}, where the game table says {expected}. "
        "Every one of p-17's four games needs a summary under PK PLAYER#p-17 with SK "
        "GAME#<playedAt>; the other checks say which one is missing or misplaced.",
    )
