"""The event source mapping calls: AWS's shapes, states and validation errors."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from lambdakit import code_of, create, error_of

from emulator import Cloud
from emulator.clock import DEFAULT_START

OK = "def handler(event, context):\n    return None\n"
FN = "arn:aws:lambda:us-east-1:123456789012:function:fn"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:failures"


def streamed_table(cloud: Cloud, name: str = "Orders") -> str:
    answer = cloud.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    return str(answer["TableDescription"]["LatestStreamArn"])


def test_create_get_update_list_delete(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, OK)
    lam = cloud.client("lambda")
    created = lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName="fn", StartingPosition="LATEST"
    )
    uuid = created["UUID"]
    assert created.pop("ResponseMetadata")["HTTPStatusCode"] == 202
    assert created == {
        "UUID": uuid,
        "StartingPosition": "LATEST",
        "BatchSize": 100,
        "MaximumBatchingWindowInSeconds": 0,
        "ParallelizationFactor": 1,
        "EventSourceArn": stream,
        "FunctionArn": FN,
        "LastModified": dt.datetime.fromtimestamp(DEFAULT_START, dt.UTC),
        "LastProcessingResult": "No records processed",
        "State": "Creating",
        "StateTransitionReason": "User action",
        "DestinationConfig": {"OnFailure": {}},
        "MaximumRecordAgeInSeconds": -1,
        "BisectBatchOnFunctionError": False,
        "MaximumRetryAttempts": -1,
        "TumblingWindowInSeconds": 0,
        "FunctionResponseTypes": [],
        "EventSourceMappingArn": f"arn:aws:lambda:us-east-1:123456789012:event-source-mapping:{uuid}",
    }
    got = lam.get_event_source_mapping(UUID=uuid)
    got.pop("ResponseMetadata")
    assert got == {**created, "State": "Enabled"}

    cloud.clock.advance(10)
    pattern = json.dumps({"eventName": ["INSERT"]})
    updated = lam.update_event_source_mapping(
        UUID=uuid,
        BatchSize=10,
        MaximumBatchingWindowInSeconds=5,
        ParallelizationFactor=3,
        MaximumRetryAttempts=2,
        MaximumRecordAgeInSeconds=3600,
        BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": QUEUE}},
        FilterCriteria={"Filters": [{"Pattern": pattern}]},
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    assert updated["State"] == "Updating"
    assert updated["LastModified"] == dt.datetime.fromtimestamp(DEFAULT_START + 10, dt.UTC)
    assert {
        k: updated[k] for k in ("BatchSize", "MaximumRetryAttempts", "ParallelizationFactor")
    } == {
        "BatchSize": 10,
        "MaximumRetryAttempts": 2,
        "ParallelizationFactor": 3,
    }
    assert updated["DestinationConfig"] == {"OnFailure": {"Destination": QUEUE}}
    assert updated["FilterCriteria"] == {"Filters": [{"Pattern": pattern}]}
    assert updated["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    cleared = lam.update_event_source_mapping(UUID=uuid, FilterCriteria={}, DestinationConfig={})
    assert "FilterCriteria" not in cleared
    assert cleared["DestinationConfig"] == {"OnFailure": {}}

    listed = lam.list_event_source_mappings(FunctionName=FN)["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [uuid]
    assert lam.list_event_source_mappings(EventSourceArn=stream + "x")["EventSourceMappings"] == []

    deleted = lam.delete_event_source_mapping(UUID=uuid)
    assert deleted["State"] == "Deleting"
    for call in (lam.get_event_source_mapping, lam.delete_event_source_mapping):
        error = error_of(call, UUID=uuid)
        assert error.response["Error"] == {
            "Code": "ResourceNotFoundException",
            "Message": "The resource you requested does not exist.",
        }
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []


def test_duplicates_qualifiers_and_paging(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, OK)
    create(cloud, OK, name="other")
    lam = cloud.client("lambda")
    lam.publish_version(FunctionName="fn")
    lam.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    first = lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName="fn", StartingPosition="LATEST"
    )
    error = error_of(
        lam.create_event_source_mapping,
        EventSourceArn=stream,
        FunctionName=FN,
        StartingPosition="TRIM_HORIZON",
    )
    assert error.response["Error"] == {
        "Code": "ResourceConflictException",
        "Message": f'The event source arn (" {stream} ") and function (" fn ") provided '
        f"mapping already exists. Please update or delete the existing mapping with UUID "
        f"{first['UUID']}",
    }
    aliased = lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName="fn:live", StartingPosition="LATEST"
    )
    assert aliased["FunctionArn"] == FN + ":live"
    third = lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName="other", StartingPosition="LATEST"
    )
    assert (
        code_of(lam.update_event_source_mapping, UUID=third["UUID"], FunctionName="fn")
        == "ResourceConflictException"
    )
    moved = lam.update_event_source_mapping(UUID=third["UUID"], FunctionName=FN + ":1")
    assert moved["FunctionArn"] == FN + ":1"
    assert (
        code_of(
            lam.create_event_source_mapping,
            EventSourceArn=stream,
            FunctionName="fn:nope",
            StartingPosition="LATEST",
        )
        == "ResourceNotFoundException"
    )

    page = lam.list_event_source_mappings(MaxItems=2)
    assert len(page["EventSourceMappings"]) == 2
    rest = lam.list_event_source_mappings(MaxItems=2, Marker=page["NextMarker"])
    assert "NextMarker" not in rest
    assert len(rest["EventSourceMappings"]) == 1
    by_function = lam.list_event_source_mappings(FunctionName="fn")["EventSourceMappings"]
    assert len(by_function) == 3


#: (parameters over a valid request, error code, message or its start)
INVALID: list[tuple[dict[str, Any], str, str]] = [
    (
        {"StartingPosition": None},
        "InvalidParameterValueException",
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
        "constraint: Member must not be null.",
    ),
    (
        {"StartingPosition": "OLDEST"},
        "ValidationException",
        "1 validation error detected: Value 'OLDEST' at 'startingPosition' failed to satisfy "
        "constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]",
    ),
    (
        {"StartingPosition": "AT_TIMESTAMP"},
        "InvalidParameterValueException",
        "Unsupported starting position for arn type: ",
    ),
    (
        {"BatchSize": 0},
        "ValidationException",
        "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    ),
    ({"BatchSize": 10_001}, "ValidationException", "1 validation error detected: Value '10001'"),
    ({"MaximumBatchingWindowInSeconds": 301}, "ValidationException", "1 validation error"),
    ({"MaximumRetryAttempts": -2}, "ValidationException", "1 validation error"),
    ({"MaximumRecordAgeInSeconds": 604_801}, "ValidationException", "1 validation error"),
    ({"MaximumRecordAgeInSeconds": 59}, "InvalidParameterValueException", "MaximumRecordAge"),
    ({"ParallelizationFactor": 11}, "ValidationException", "1 validation error"),
    ({"FunctionResponseTypes": ["Everything"]}, "ValidationException", "1 validation error"),
    (
        {"FilterCriteria": {"Filters": [{"Pattern": '{"eventName": "INSERT"}'}]}},
        "InvalidParameterValueException",
        "Invalid filter pattern definition.",
    ),
    (
        {"FilterCriteria": {"Filters": [{"Pattern": '{"a": ["x"]}'}] * 6}},
        "InvalidParameterValueException",
        "The FilterCriteria holds 6 filters",
    ),
    (
        {"DestinationConfig": {"OnSuccess": {"Destination": QUEUE}}},
        "InvalidParameterValueException",
        "Unsupported DestinationConfig parameter for given event source mapping type.",
    ),
    (
        {"DestinationConfig": {"OnFailure": {"Destination": FN}}},
        "InvalidParameterValueException",
        "The OnFailure destination",
    ),
    ({"FunctionName": "ghost"}, "ResourceNotFoundException", "Function not found: "),
    ({"EventSourceArn": None}, "InvalidParameterValueException", "Unrecognized event source."),
    (
        {"EventSourceArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"},
        "InvalidParameterValueException",
        "Stream not found: ",
    ),
    (
        {
            "EventSourceArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Gone/stream/2026-01-01T00:00:00.000"
        },
        "InvalidParameterValueException",
        "Stream not found: ",
    ),
    # What AWS offers and the emulator does not reproduce is refused, never ignored.
    (
        {"EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"},
        "NotSupportedByEmulator",
        "An event source mapping for Amazon Kinesis",
    ),
    (
        {
            "DestinationConfig": {
                "OnFailure": {"Destination": "arn:aws:sns:us-east-1:123456789012:t"}
            }
        },
        "NotSupportedByEmulator",
        "An OnFailure destination of type sns",
    ),
    ({"TumblingWindowInSeconds": 60}, "NotSupportedByEmulator", "Tumbling windows"),
    ({"ScalingConfig": {"MaximumConcurrency": 5}}, "NotSupportedByEmulator", "Create"),
    ({"MetricsConfig": {"Metrics": ["EventCount"]}}, "NotSupportedByEmulator", "Create"),
    ({"ProvisionedPollerConfig": {"MinimumPollers": 1}}, "NotSupportedByEmulator", "Create"),
]


@pytest.mark.parametrize(("change", "code", "message"), INVALID)
def test_invalid_requests_get_aws_errors(
    cloud: Cloud, change: dict[str, Any], code: str, message: str
) -> None:
    stream = streamed_table(cloud)
    create(cloud, OK)
    params: dict[str, Any] = {
        "EventSourceArn": stream,
        "FunctionName": "fn",
        "StartingPosition": "TRIM_HORIZON",
    }
    params.update(change)
    params = {k: v for k, v in params.items() if v is not None}
    lam = cloud.client("lambda")
    error = error_of(lam.create_event_source_mapping, **params)
    assert error.response["Error"]["Code"] == code
    assert error.response["Error"]["Message"].startswith(message)
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []
