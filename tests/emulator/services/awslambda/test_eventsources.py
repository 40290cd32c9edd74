"""DynamoDB stream event source mappings at work: batches, windows, filters, failures, state."""

from __future__ import annotations

import json
import re
from typing import Any

from lambdakit import create

from emulator import Cloud
from emulator.clock import DEFAULT_START
from emulator.services.awslambda.esm_records import lambda_record
from emulator.services.dynamodbstreams.models import Record, Stream

#: Prints every batch it receives, so tests read what it saw from its log.
SINK = "import json\n\ndef handler(event, context):\n    print('BATCH ' + json.dumps(event))\n"
#: Prints the batch, then fails if any record is marked as poison.
POISONED = (
    "import json\n\n"
    "def handler(event, context):\n"
    "    print('BATCH ' + json.dumps(event))\n"
    "    for record in event['Records']:\n"
    "        if 'poison' in record['dynamodb'].get('NewImage', {}):\n"
    "            raise ValueError('poison ' + record['dynamodb']['Keys']['id']['S'])\n"
)
#: Prints the batch, then reports the first poisoned record as a batch item failure.
REPORTING = (
    "import json\n\n"
    "def handler(event, context):\n"
    "    print('BATCH ' + json.dumps(event))\n"
    "    for record in event['Records']:\n"
    "        if 'poison' in record['dynamodb'].get('NewImage', {}):\n"
    "            seq = record['dynamodb']['SequenceNumber']\n"
    "            return {'batchItemFailures': [{'itemIdentifier': seq}]}\n"
    "    return {'batchItemFailures': []}\n"
)
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ARRIVAL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def streamed_table(cloud: Cloud, name: str = "Orders") -> str:
    """A table with a NEW_AND_OLD_IMAGES stream; returns the stream's ARN."""
    answer = cloud.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return str(answer["TableDescription"]["LatestStreamArn"])


def put(cloud: Cloud, *ids: str, **extra: str) -> None:
    ddb = cloud.client("dynamodb")
    for item_id in ids:
        item = {"id": {"S": item_id}, **{k: {"S": v} for k, v in extra.items()}}
        ddb.put_item(TableName="Orders", Item=item)


def batches(cloud: Cloud, function: str = "fn") -> list[dict[str, Any]]:
    """Every event the function received, in order."""
    logs = cloud.client("logs")
    group = f"/aws/lambda/{function}"
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        return []
    events = logs.filter_log_events(logGroupName=group, filterPattern="BATCH")["events"]
    return [json.loads(e["message"].split("BATCH ", 1)[1]) for e in events]


def ids(cloud: Cloud, function: str = "fn") -> list[list[str]]:
    """The item ids of each batch the function received."""
    return [
        [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]
        for event in batches(cloud, function)
    ]


def queue(cloud: Cloud) -> tuple[str, str]:
    """A queue for on-failure records: (url, arn)."""
    sqs = cloud.client("sqs")
    url = sqs.create_queue(QueueName="failures")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, attributes["Attributes"]["QueueArn"]


def received(cloud: Cloud, url: str) -> list[dict[str, Any]]:
    answer = cloud.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in answer.get("Messages", [])]


def mapping(cloud: Cloud, stream: str, function: str = "fn", **settings: Any) -> str:
    """Create a mapping (TRIM_HORIZON unless told); returns its UUID."""
    settings.setdefault("StartingPosition", "TRIM_HORIZON")
    answer = cloud.client("lambda").create_event_source_mapping(
        EventSourceArn=stream, FunctionName=function, **settings
    )
    return str(answer["UUID"])


def result(cloud: Cloud, uuid: str) -> str:
    answer = cloud.client("lambda").get_event_source_mapping(UUID=uuid)
    return str(answer["LastProcessingResult"])


def sequence_of(cloud: Cloud, stream: str, item_id: str) -> str:
    """The SequenceNumber GetRecords gives the first record of an item."""
    streams = cloud.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=stream, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    for record in streams.get_records(ShardIterator=iterator)["Records"]:
        if record["dynamodb"]["Keys"]["id"]["S"] == item_id:
            return str(record["dynamodb"]["SequenceNumber"])
    raise AssertionError(item_id)


def test_batches_arrive_in_order_shaped_like_the_stream(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, SINK)
    uuid = mapping(cloud, stream, BatchSize=2)
    cloud.clock.advance(1)
    assert cloud.clock.pending() == 0  # caught up: an idle stream costs nothing
    assert result(cloud, uuid) == "No records processed"
    put(cloud, "o1", "o2", "o3", "o4", "o5")
    ddb = cloud.client("dynamodb")
    ddb.update_item(
        TableName="Orders",
        Key={"id": {"S": "o1"}},
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "PAID"}},
    )
    ddb.delete_item(TableName="Orders", Key={"id": {"S": "o2"}})
    cloud.clock.advance(0.25)  # the next poll, a quarter second later
    assert ids(cloud) == [["o1", "o2"], ["o3", "o4"], ["o5", "o1"], ["o2"]]
    assert cloud.clock.pending() == 0
    assert result(cloud, uuid) == "OK"

    streams = cloud.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=stream, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    stored = streams.get_records(ShardIterator=iterator)["Records"]
    sent = [r for event in batches(cloud) for r in event["Records"]]
    assert [r["eventID"] for r in sent] == [r["eventID"] for r in stored]
    modify, remove = sent[5], sent[6]
    assert modify == {
        "eventID": stored[5]["eventID"],
        "eventName": "MODIFY",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": DEFAULT_START + 1,
            "Keys": {"id": {"S": "o1"}},
            "NewImage": {"id": {"S": "o1"}, "status": {"S": "PAID"}},
            "OldImage": {"id": {"S": "o1"}},
            "SequenceNumber": stored[5]["dynamodb"]["SequenceNumber"],
            "SizeBytes": stored[5]["dynamodb"]["SizeBytes"],
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": stream,
    }
    assert remove["eventName"] == "REMOVE"
    assert "NewImage" not in remove["dynamodb"]
    assert remove["dynamodb"]["OldImage"] == {"id": {"S": "o2"}}


def test_ttl_deletions_carry_the_service_identity() -> None:
    stream = Stream(
        "arn:aws:dynamodb:eu-west-1:123456789012:table/T/stream/x",
        "x",
        "T",
        "id",
        "KEYS_ONLY",
        [("id", "HASH")],
        0.0,
    )
    record = Record(7, 12.5, "REMOVE", {"id": {"S": "a"}}, None, None, 4, "dynamodb.amazonaws.com")
    event = lambda_record(record, stream)
    assert event["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert event["awsRegion"] == "eu-west-1"
    assert event["dynamodb"] == {
        "ApproximateCreationDateTime": 12.0,
        "Keys": {"id": {"S": "a"}},
        "SequenceNumber": "000000000000000000007",
        "SizeBytes": 4,
        "StreamViewType": "KEYS_ONLY",
    }


def test_disable_enable_and_delete(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, SINK)
    lam = cloud.client("lambda")
    uuid = mapping(cloud, stream, Enabled=False)
    assert cloud.clock.pending() == 0  # nothing enabled: nothing scheduled
    put(cloud, "a")
    cloud.clock.advance(5)
    assert ids(cloud) == []
    assert lam.update_event_source_mapping(UUID=uuid, Enabled=True)["State"] == "Enabling"
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    cloud.clock.advance(1)
    assert ids(cloud) == [["a"]]
    assert lam.update_event_source_mapping(UUID=uuid, Enabled=False)["State"] == "Disabling"
    assert cloud.clock.pending() == 0
    put(cloud, "b")
    cloud.clock.advance(5)
    assert ids(cloud) == [["a"]]
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    cloud.clock.advance(1)
    assert ids(cloud) == [["a"], ["b"]]  # resumed from where it stopped
    assert lam.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"
    put(cloud, "c")
    cloud.clock.advance(5)
    assert ids(cloud) == [["a"], ["b"]]
    assert cloud.clock.pending() == 0


def test_batching_window_waits_for_a_full_batch(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, SINK)
    mapping(cloud, stream, BatchSize=3, MaximumBatchingWindowInSeconds=2)
    put(cloud, "a", "b")
    cloud.clock.advance(2)
    assert ids(cloud) == []  # the window opened at the first poll, 0.25 s after the writes
    cloud.clock.advance(0.25)
    assert ids(cloud) == [["a", "b"]]
    put(cloud, "c", "d", "e")
    cloud.clock.advance(0.25)
    assert ids(cloud) == [["a", "b"], ["c", "d", "e"]]  # a full batch goes at once


def test_filters_drop_records_that_match_none(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, SINK)
    uuid = mapping(
        cloud,
        stream,
        FilterCriteria={
            "Filters": [
                {"Pattern": json.dumps({"dynamodb": {"NewImage": {"status": {"S": ["OPEN"]}}}})},
                {"Pattern": json.dumps({"eventName": ["REMOVE"]})},
            ]
        },
    )
    put(cloud, "a", status="OPEN")
    put(cloud, "b", status="CLOSED")
    put(cloud, "c", status="OPEN")
    cloud.client("dynamodb").delete_item(TableName="Orders", Key={"id": {"S": "b"}})
    put(cloud, "d", status="CLOSED")
    cloud.clock.advance(1)
    assert ids(cloud) == [["a", "c", "b"]]
    assert cloud.clock.pending() == 0  # "d" was dropped and counts as processed
    got = cloud.client("lambda").get_event_source_mapping(UUID=uuid)["FilterCriteria"]
    assert len(got["Filters"]) == 2


def test_a_failing_batch_blocks_the_shard_until_retries_run_out(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, POISONED)
    url, arn = queue(cloud)
    uuid = mapping(
        cloud,
        stream,
        BatchSize=2,
        MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": arn}},
    )
    put(cloud, "bad", poison="yes")
    put(cloud, "a", "b")
    cloud.clock.advance(0.5)
    assert ids(cloud) == [["bad", "a"], ["bad", "a"]]  # the shard waits: "b" is not sent
    assert result(cloud, uuid) == "PROBLEM: Function call failed"
    cloud.clock.advance(0.25)  # the second retry fails too: the batch is given up
    assert ids(cloud) == [["bad", "a"]] * 3 + [["b"]]
    assert result(cloud, uuid) == "OK"
    (record,) = received(cloud, url)
    assert re.match(r"^[0-9a-f-]{36}$", record["requestContext"].pop("requestId"))
    assert STAMP.match(record.pop("timestamp"))
    info = record["DDBStreamBatchInfo"]
    assert ARRIVAL.match(info.pop("approximateArrivalOfFirstRecord"))
    assert ARRIVAL.match(info.pop("approximateArrivalOfLastRecord"))
    shard = cloud.client("dynamodbstreams").describe_stream(StreamArn=stream)
    assert record == {
        "requestContext": {
            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:fn",
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": 3,
        },
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled",
        },
        "version": "1.0",
        "DDBStreamBatchInfo": {
            "shardId": shard["StreamDescription"]["Shards"][0]["ShardId"],
            "startSequenceNumber": sequence_of(cloud, stream, "bad"),
            "endSequenceNumber": sequence_of(cloud, stream, "a"),
            "batchSize": 2,
            "streamArn": stream,
        },
    }


def test_bisecting_isolates_the_poison_record(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, POISONED)
    url, arn = queue(cloud)
    mapping(
        cloud,
        stream,
        BatchSize=4,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": arn}},
    )
    put(cloud, "a", "b")
    put(cloud, "bad", poison="yes")
    put(cloud, "c")
    cloud.clock.advance(1)
    # Splitting does not use up retries: with none allowed, only the lone poison is given up.
    assert ids(cloud) == [["a", "b", "bad", "c"], ["a", "b"], ["bad", "c"], ["bad"], ["c"]]
    (record,) = received(cloud, url)
    info = record["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1
    assert info["startSequenceNumber"] == info["endSequenceNumber"]
    assert info["startSequenceNumber"] == sequence_of(cloud, stream, "bad")
    assert record["requestContext"]["approximateInvokeCount"] == 3


def test_reported_item_failures_checkpoint_before_the_failed_record(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, REPORTING)
    url, arn = queue(cloud)
    mapping(
        cloud,
        stream,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": arn}},
    )
    put(cloud, "a", "b")
    put(cloud, "bad", poison="yes")
    put(cloud, "c")
    cloud.clock.advance(1)
    # "a" and "b" are checkpointed; the retry starts at the reported record.
    assert ids(cloud) == [["a", "b", "bad", "c"], ["bad", "c"]]
    (record,) = received(cloud, url)
    assert record["DDBStreamBatchInfo"]["batchSize"] == 2
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    put(cloud, "d")
    cloud.clock.advance(1)
    assert ids(cloud)[-1] == ["d"]


def test_latest_skips_records_written_before_the_mapping(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, SINK)
    create(cloud, SINK, name="audit")
    put(cloud, "old1", "old2")
    mapping(cloud, stream, StartingPosition="LATEST")
    mapping(cloud, stream, function="audit")
    put(cloud, "new")
    cloud.clock.advance(1)
    assert ids(cloud) == [["new"]]
    assert ids(cloud, "audit") == [["old1", "old2", "new"]]


def test_throttled_batches_age_out_without_using_retries(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, SINK)
    cloud.client("lambda").put_function_concurrency(
        FunctionName="fn", ReservedConcurrentExecutions=0
    )
    url, arn = queue(cloud)
    mapping(
        cloud,
        stream,
        MaximumRetryAttempts=0,
        MaximumRecordAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": arn}},
    )
    put(cloud, "a")
    cloud.clock.advance(60)
    assert received(cloud, url) == []  # throttled, and retried: throttles are not retries
    cloud.clock.advance(1)
    (record,) = received(cloud, url)
    assert record["requestContext"]["condition"] == "RecordAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert "responseContext" not in record
    assert ids(cloud) == []
    assert cloud.clock.pending() == 0


def test_a_deleted_function_stalls_the_mapping_until_it_returns(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, SINK)
    uuid = mapping(cloud, stream)
    cloud.client("lambda").delete_function(FunctionName="fn")
    put(cloud, "a")
    cloud.clock.advance(1)
    assert result(cloud, uuid) == "PROBLEM: Function call failed"
    assert cloud.clock.pending() == 0  # the mapping stays, and waits without polling
    create(cloud, SINK)
    put(cloud, "b")  # a write wakes the mapping (so would any change to it)
    cloud.clock.advance(1)
    assert ids(cloud) == [["a"], ["b"]]


def test_shards_are_read_in_order_across_a_rollover(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, SINK)
    mapping(cloud, stream)
    put(cloud, "a")
    cloud.clock.advance(9 * 3600)  # shards close after about 4 hours: the second is empty
    put(cloud, "b")
    cloud.clock.advance(1)
    shards = cloud.client("dynamodbstreams").describe_stream(StreamArn=stream)
    assert len(shards["StreamDescription"]["Shards"]) == 3
    assert ids(cloud) == [["a"], ["b"]]


def test_snapshot_and_restore_resume_polling_from_the_checkpoint(cloud: Cloud) -> None:
    stream = streamed_table(cloud)
    create(cloud, SINK)
    uuid = mapping(cloud, stream)
    put(cloud, "a")
    cloud.clock.advance(1)
    state = json.loads(json.dumps(cloud.snapshot()))
    with Cloud.restore(state) as restored:
        answer = restored.client("lambda").get_event_source_mapping(UUID=uuid)
        assert (answer["State"], answer["LastProcessingResult"]) == ("Enabled", "OK")
        put(restored, "b")
        restored.clock.advance(1)
        assert ids(restored) == [["a"], ["b"]]  # "a" is not sent again
    assert ids(cloud) == [["a"]]


#: Invoked asynchronously: writes the order it is given through the handler's own boto3.
WRITER = (
    "import boto3\n\n"
    "def handler(event, context):\n"
    "    boto3.client('dynamodb').put_item(\n"
    "        TableName='Orders', Item={'id': {'S': event['id']}}\n"
    "    )\n"
)


def test_writes_by_handlers_run_from_the_clock_are_polled(cloud: Cloud) -> None:
    # The write comes on the gateway's thread while the clock waits for the handler: the
    # poll after it is armed once the invocation is over, in the same advance.
    stream = streamed_table(cloud)
    create(cloud, SINK)
    create(cloud, WRITER, name="writer", Timeout=30)
    mapping(cloud, stream)
    cloud.client("lambda").invoke(
        FunctionName="writer", InvocationType="Event", Payload=json.dumps({"id": "w1"})
    )
    cloud.clock.advance(1)
    assert ids(cloud) == [["w1"]]
