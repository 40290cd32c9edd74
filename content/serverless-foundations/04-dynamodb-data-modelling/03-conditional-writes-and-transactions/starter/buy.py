"""buy: a player buys one item from the shop.

The event: {"orderId": "o-2001", "walletId": "w-ada", "sku": "sword-01"}.
"""

import boto3

dynamodb = boto3.client("dynamodb")


def lambda_handler(event, context):
    order_id = {"S": event["orderId"]}
    wallet_key = {"walletId": {"S": event["walletId"]}}
    stock_key = {"sku": {"S": event["sku"]}}
    price = dynamodb.get_item(TableName="Stock", Key=stock_key)["Item"]["price"]

    # 1. Take the coins, if the wallet holds enough.
    dynamodb.update_item(
        TableName="Wallets",
        Key=wallet_key,
        UpdateExpression="SET balance = balance - :price ADD version :one",
        ConditionExpression="balance >= :price",
        ExpressionAttributeValues={":price": price, ":one": {"N": "1"}},
    )
    # 2. Take one from the shelf, if there is one.
    dynamodb.update_item(
        TableName="Stock",
        Key=stock_key,
        UpdateExpression="SET stock = stock - :one",
        ConditionExpression="stock >= :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    # 3. Record the order. An order id is used once.
    dynamodb.put_item(
        TableName="Orders",
        Item={
            "orderId": order_id,
            "walletId": wallet_key["walletId"],
            "sku": stock_key["sku"],
            "price": price,
        },
        ConditionExpression="attribute_not_exists(orderId)",
    )
    return {"ok": True, "orderId": event["orderId"], "price": int(price["N"])}
