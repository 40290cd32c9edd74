"""save-order: store the order given as the event in the table named by TABLE_NAME."""

import os

import boto3

# Init phase: runs once per execution environment, then reused by warm invocations.
dynamodb = boto3.client("dynamodb")
TABLE_NAME = os.environ["TABLE_NAME"]


def lambda_handler(event, context):
    """Save one order, e.g. {"customerId": "c-1", "orderDate": "2026-01-05T10:00:00Z", "total": 25}."""
    item = {
        "customerId": {"S": event["customerId"]},
        "orderDate": {"S": event["orderDate"]},
        "total": {"N": str(event["total"])},  # DynamoDB numbers travel as text
    }
    dynamodb.put_item(TableName=TABLE_NAME, Item=item)
    print("order saved:", event["customerId"], event["orderDate"])
    return {"saved": True, "customerId": event["customerId"], "orderDate": event["orderDate"]}
