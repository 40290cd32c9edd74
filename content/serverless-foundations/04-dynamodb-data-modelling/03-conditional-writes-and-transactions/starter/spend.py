"""spend: take coins from a player's wallet, e.g. {"walletId": "w-ada", "amount": 20}."""

import boto3

# Init phase: one client per execution environment, reused by warm invocations.
dynamodb = boto3.client("dynamodb")
TABLE = "Wallets"


def lambda_handler(event, context):
    key = {"walletId": {"S": event["walletId"]}}
    amount = int(event["amount"])

    wallet = dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]
    balance = int(wallet["balance"]["N"])
    if balance < amount:
        return {"ok": False, "reason": "not enough coins", "balance": balance}

    new_balance = balance - amount
    dynamodb.update_item(
        TableName=TABLE,
        Key=key,
        UpdateExpression="SET balance = :new",
        ExpressionAttributeValues={":new": {"N": str(new_balance)}},
    )
    return {"ok": True, "balance": new_balance}
