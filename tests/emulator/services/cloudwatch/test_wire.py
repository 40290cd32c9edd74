"""A real boto3 CloudWatch client against the wire gateway gets an answer or a clean refusal."""

from __future__ import annotations

from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config

Tools = Any


def test_boto3_over_the_wire_never_meets_a_crash(cw: Tools) -> None:
    client = boto3.client(
        "cloudwatch",
        endpoint_url=cw.cloud.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )
    cw.backend.record("AWS/Lambda", "Invocations", {"FunctionName": "f"}, 1)
    try:
        outcome = client.list_metrics(Namespace="AWS/Lambda")
    except botocore.exceptions.ClientError as refused:
        outcome = refused.response
    if "Error" in outcome:
        # The gateway does not speak CloudWatch's protocol yet: a 4xx with a reason.
        assert outcome["ResponseMetadata"]["HTTPStatusCode"] < 500
        assert outcome["Error"]["Message"]
    else:
        assert [m["MetricName"] for m in outcome["Metrics"]] == ["Invocations"]
