"""active-sessions: the devices a user is signed in on, for the account page.

The event: {"userId": "u-ada", "now": 1767232800}. The web tier passes "now", the time of
the request in epoch seconds, so that every server answers for the same moment.
"""

import boto3

dynamodb = boto3.client("dynamodb")


def lambda_handler(event, context):
    pages = dynamodb.get_paginator("query").paginate(
        TableName="Sessions",
        IndexName="by-user",
        KeyConditionExpression="userId = :u",
        ExpressionAttributeValues={":u": {"S": event["userId"]}},
    )
    sessions = [
        {"sessionId": item["sessionId"]["S"], "device": item["device"]["S"]}
        for page in pages
        for item in page["Items"]
    ]
    return {"userId": event["userId"], "sessions": sessions}
