"""Save an order, given as the event, into the table named by TABLE_NAME."""

import os

import boto3

dynamodb = boto3.client("dynamodb")  # created once per execution environment
TABLE = os.environ.get("TABLE_NAME", "")


def lambda_handler(event, context):
    # TODO: save the order with dynamodb.put_item: customerId and orderDate as strings (S),
    # total as a number (N, sent as a string).
    return {"saved": False}
