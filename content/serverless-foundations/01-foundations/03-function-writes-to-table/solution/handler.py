"""Save an order, given as the event, into the table named by TABLE_NAME."""

import os

import boto3

dynamodb = boto3.client("dynamodb")  # created once per execution environment
TABLE = os.environ.get("TABLE_NAME", "")


def lambda_handler(event, context):
    dynamodb.put_item(
        TableName=TABLE,
        Item={
            "customerId": {"S": event["customerId"]},
            "orderDate": {"S": event["orderDate"]},
            "total": {"N": str(event["total"])},
        },
    )
    return {"saved": True, "customerId": event["customerId"], "orderDate": event["orderDate"]}
