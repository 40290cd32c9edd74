"""The services of the emulator, registered by their boto3 client name."""

from __future__ import annotations

#: boto3 client name -> package under ``emulator.services``. Imported on first use.
REGISTRY: dict[str, str] = {
    "application-autoscaling": "applicationautoscaling",
    "cloudwatch": "cloudwatch",
    "dax": "dax",
    "dynamodbstreams": "dynamodbstreams",  # before dynamodb: both sign as "dynamodb", the later wins
    "dynamodb": "dynamodb",
    "lambda": "awslambda",
    "logs": "logs",
    "s3": "s3",
    "sqs": "sqs",
}
