"""match-stats: keeps Stats, one item per player, in step with the Matches table.

It reads the stream of Matches. Each record in event["Records"] is one change to one
match: record["eventName"] is INSERT, MODIFY or REMOVE, and record["dynamodb"] holds the
item in DynamoDB's typed JSON, as it is after the change ("NewImage") and as it was
before ("OldImage"), when the stream's view type includes them. A match looks like
{"matchId": {"S": "m-201"}, "playerId": {"S": "p-ben"}, "score": {"N": "45"}}.
"""

import boto3

dynamodb = boto3.client("dynamodb")


def add(player, matches, score):
    """Add to a player's two counters in one atomic update; negative numbers subtract."""
    dynamodb.update_item(
        TableName="Stats",
        Key={"playerId": {"S": player}},
        UpdateExpression="ADD matches :m, totalScore :s",
        ExpressionAttributeValues={":m": {"N": str(matches)}, ":s": {"N": str(score)}},
    )


def lambda_handler(event, context):
    for record in event["Records"]:
        change = record["dynamodb"]
        old = change.get("OldImage")  # absent on INSERT
        new = change.get("NewImage")  # absent on REMOVE
        if old and new and old["playerId"] == new["playerId"]:
            # A correction: the match still counts once, only its score moves.
            difference = int(new["score"]["N"]) - int(old["score"]["N"])
            if difference:
                add(new["playerId"]["S"], 0, difference)
            continue
        # Otherwise take away what the match counted for before, and count what it is now.
        if old:
            add(old["playerId"]["S"], -1, -int(old["score"]["N"]))
        if new:
            add(new["playerId"]["S"], 1, int(new["score"]["N"]))
