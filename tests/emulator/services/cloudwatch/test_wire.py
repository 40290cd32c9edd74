"""A real boto3 CloudWatch client over the wire gateway; a CBOR client gets a clean refusal."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.config import Config

Tools = Any


def _client(cw: Tools) -> Any:
    return boto3.client(
        "cloudwatch",
        endpoint_url=cw.cloud.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )


def test_boto3_lists_and_reads_metrics_over_the_wire(cw: Tools) -> None:
    client = _client(cw)
    cw.backend.record("AWS/Lambda", "Invocations", {"FunctionName": "f"}, 1)
    listed = client.list_metrics(Namespace="AWS/Lambda")
    assert [m["MetricName"] for m in listed["Metrics"]] == ["Invocations"]
    with pytest.raises(client.exceptions.InvalidParameterValueException):
        client.put_metric_data(Namespace="AWS/Lambda", MetricData=[{"MetricName": "x", "Value": 1}])


def test_a_cbor_request_is_refused_in_cbor(cw: Tools) -> None:
    request = urllib.request.Request(
        cw.cloud.endpoint_url + "/service/GraniteServiceVersion20100801/operation/ListMetrics",
        data=b"\xa0",  # an empty CBOR map
        headers={"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400
    assert refused.value.headers["Content-Type"] == "application/cbor"
    body = refused.value.read()
    assert b"UnknownOperationException" in body
    assert b"smithy-rpc-v2-cbor" in body
