"""spend: take coins from a player's wallet, e.g. {"walletId": "w-ada", "amount": 20}."""

import boto3

# Init phase: one client per execution environment, reused by warm invocations.
dynamodb = boto3.client("dynamodb")
TABLE = "Wallets"
ATTEMPTS = 3


def lambda_handler(event, context):
    key = {"walletId": {"S": event["walletId"]}}
    amount = int(event["amount"])

    for _ in range(ATTEMPTS):
        wallet = dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]
        balance = int(wallet["balance"]["N"])
        version = int(wallet["version"]["N"])
        if balance < amount:
            return {"ok": False, "reason": "not enough coins", "balance": balance}

        new_balance = balance - amount
        try:
            # Written only if nobody has written since our read: the version is still
            # the one we saw. The write moves the version on for the next writer.
            dynamodb.update_item(
                TableName=TABLE,
                Key=key,
                UpdateExpression="SET balance = :new, version = :next",
                ConditionExpression="version = :seen",
                ExpressionAttributeValues={
                    ":new": {"N": str(new_balance)},
                    ":next": {"N": str(version + 1)},
                    ":seen": {"N": str(version)},
                },
            )
        except dynamodb.exceptions.ConditionalCheckFailedException:
            continue  # another writer came first: read the wallet again and start over
        return {"ok": True, "balance": new_balance}
    return {"ok": False, "reason": "the wallet kept changing; try again"}
