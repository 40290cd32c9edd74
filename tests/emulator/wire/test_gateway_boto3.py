"""Real boto3 clients talking to the emulator over HTTP on 127.0.0.1."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from emulator import Cloud


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with Cloud() as cloud:
        yield cloud


def _client(cloud: Cloud, service: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        service,
        endpoint_url=cloud.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )


def test_gateway_listens_on_loopback_only(cloud: Cloud) -> None:
    assert cloud.endpoint_url.startswith("http://127.0.0.1:")


def test_dynamodb_round_trip_through_boto3(cloud: Cloud) -> None:
    ddb = _client(cloud, "dynamodb")
    ddb.create_table(
        TableName="Wire",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    described = ddb.describe_table(TableName="Wire")["Table"]
    assert described["TableStatus"] == "ACTIVE"
    assert described["CreationDateTime"].year == 2026
    for n in range(5):
        ddb.put_item(
            TableName="Wire",
            Item={"pk": {"S": "a"}, "sk": {"N": str(n)}, "data": {"B": bytes([n, 255])}},
        )
    item = ddb.get_item(TableName="Wire", Key={"pk": {"S": "a"}, "sk": {"N": "3"}})["Item"]
    assert item["data"] == {"B": b"\x03\xff"}
    page = ddb.query(
        TableName="Wire",
        KeyConditionExpression="pk = :p AND sk >= :low",
        ExpressionAttributeValues={":p": {"S": "a"}, ":low": {"N": "2"}},
        ScanIndexForward=False,
        Limit=2,
    )
    assert [i["sk"]["N"] for i in page["Items"]] == ["4", "3"]
    assert page["LastEvaluatedKey"] == {"pk": {"S": "a"}, "sk": {"N": "3"}}


def test_dynamodb_errors_arrive_as_botocore_client_errors(cloud: Cloud) -> None:
    ddb = _client(cloud, "dynamodb")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as caught:
        ddb.get_item(TableName="Nope", Key={"pk": {"S": "a"}})
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


HANDLER = """
def handler(event, context):
    print("got", event)
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"echo": event, "fn": context.function_name}
"""


def test_lambda_create_invoke_and_logs_through_boto3(cloud: Cloud) -> None:
    fn = _client(cloud, "lambda")
    created = fn.create_function(
        FunctionName="wire-echo",
        Runtime="python3.12",
        Role="arn:aws:iam::123456789012:role/lambda-basic",
        Handler="handler.handler",
        Code={"ZipFile": _zip(HANDLER)},
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["FunctionArn"].endswith(":function:wire-echo")
    assert [f["FunctionName"] for f in fn.list_functions()["Functions"]] == ["wire-echo"]

    answer = fn.invoke(FunctionName="wire-echo", Payload=json.dumps({"x": 1}), LogType="Tail")
    assert answer["StatusCode"] == 200
    assert json.loads(answer["Payload"].read()) == {"echo": {"x": 1}, "fn": "wire-echo"}
    assert "FunctionError" not in answer
    assert "REPORT RequestId" in __import__("base64").b64decode(answer["LogResult"]).decode()

    failed = fn.invoke(FunctionName="wire-echo", Payload=b'{"fail": true}')
    assert failed["FunctionError"] == "Unhandled"
    body = json.loads(failed["Payload"].read())
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "asked to fail"

    logs = _client(cloud, "logs")
    streams = logs.describe_log_streams(logGroupName="/aws/lambda/wire-echo")["logStreams"]
    assert streams
    events = logs.filter_log_events(logGroupName="/aws/lambda/wire-echo", filterPattern="REPORT")
    assert len(events["events"]) == 2


def test_lambda_errors_through_boto3(cloud: Cloud) -> None:
    fn = _client(cloud, "lambda")
    with pytest.raises(fn.exceptions.ResourceNotFoundException):
        fn.get_function(FunctionName="missing")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        fn.create_function(
            FunctionName="too-long",
            Runtime="python3.12",
            Role="arn:aws:iam::123456789012:role/lambda-basic",
            Handler="handler.handler",
            Code={"ZipFile": _zip(HANDLER)},
            Timeout=901,
        )
    assert caught.value.response["Error"]["Code"] in (
        "ValidationException",
        "InvalidParameterValueException",
    )


def test_a_handlers_own_boto3_reaches_the_emulator(cloud: Cloud) -> None:
    ddb = _client(cloud, "dynamodb")
    ddb.create_table(
        TableName="FromHandler",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    source = """
import boto3
table = boto3.client("dynamodb")

def handler(event, context):
    table.put_item(TableName="FromHandler", Item={"id": {"S": event["id"]}})
    return "ok"
"""
    fn = cloud.client("lambda")
    fn.create_function(
        FunctionName="writer",
        Runtime="python3.12",
        Role="arn:aws:iam::123456789012:role/writer",
        Handler="handler.handler",
        Code={"ZipFile": _zip(source)},
        Timeout=30,
    )
    answer = fn.invoke(FunctionName="writer", Payload=json.dumps({"id": "from-lambda"}))
    assert answer["Payload"].read() == b'"ok"', answer
    item = cloud.client("dynamodb").get_item(
        TableName="FromHandler", Key={"id": {"S": "from-lambda"}}
    )
    assert item["Item"] == {"id": {"S": "from-lambda"}}


def test_unsigned_rest_request_gets_a_clear_error(cloud: Cloud) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(cloud.endpoint_url + "/2015-03-31/functions", method="GET")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    body = json.loads(caught.value.read())
    assert "SigV4" in body["message"]


def test_versions_aliases_concurrency_and_throttles_through_boto3(cloud: Cloud) -> None:
    fn = _client(cloud, "lambda")
    fn.create_function(
        FunctionName="wired",
        Runtime="python3.12",
        Role="arn:aws:iam::123456789012:role/r",
        Handler="handler.handler",
        Code={"ZipFile": _zip("def handler(event, context):\n    return event\n")},
    )
    assert fn.publish_version(FunctionName="wired")["Version"] == "1"
    alias = fn.create_alias(FunctionName="wired", Name="live", FunctionVersion="1")
    assert alias["AliasArn"].endswith(":function:wired:live")
    fn.put_function_concurrency(FunctionName="wired", ReservedConcurrentExecutions=0)
    with pytest.raises(fn.exceptions.TooManyRequestsException) as caught:
        fn.invoke(FunctionName="wired", Payload=b"{}")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert caught.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    fn.delete_function_concurrency(FunctionName="wired")
    answer = fn.invoke(FunctionName="wired", Qualifier="live", Payload=b'{"a": 1}')
    assert (answer["ExecutedVersion"], json.loads(answer["Payload"].read())) == ("1", {"a": 1})
    limits = fn.get_account_settings()["AccountLimit"]
    assert limits["ConcurrentExecutions"] == 1000
