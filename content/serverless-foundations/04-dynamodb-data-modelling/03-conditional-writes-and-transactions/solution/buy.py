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

    # The three writes succeed together or not at all.
    try:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": "Wallets",
                        "Key": wallet_key,
                        "UpdateExpression": "SET balance = balance - :price ADD version :one",
                        "ConditionExpression": "balance >= :price",
                        "ExpressionAttributeValues": {":price": price, ":one": {"N": "1"}},
                    }
                },
                {
                    "Update": {
                        "TableName": "Stock",
                        "Key": stock_key,
                        "UpdateExpression": "SET stock = stock - :one",
                        "ConditionExpression": "stock >= :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {
                    "Put": {
                        "TableName": "Orders",
                        "Item": {
                            "orderId": order_id,
                            "walletId": wallet_key["walletId"],
                            "sku": stock_key["sku"],
                            "price": price,
                        },
                        "ConditionExpression": "attribute_not_exists(orderId)",
                    }
                },
            ]
        )
    except dynamodb.exceptions.TransactionCanceledException as error:
        # One reason per action, in order: wallet, stock, order.
        reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
        return {"ok": False, "orderId": event["orderId"], "reasons": reasons}
    return {"ok": True, "orderId": event["orderId"], "price": int(price["N"])}
