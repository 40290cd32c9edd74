"""The aws command's values: the aws CLI's shorthand and list words, typed by the model; JSON too."""

from __future__ import annotations

import datetime as dt
import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from emulator.services import REGISTRY
from labs import awscli, shorthand
from labs.awscli import UsageError
from labs.shorthand import Shorthand, ShorthandError


def params(line: str, workspace: Path) -> dict[str, Any]:
    return awscli.parse(shlex.split(line)[1:], workspace).params


def mistake(line: str, workspace: Path) -> str:
    with pytest.raises(UsageError) as caught:
        awscli.parse(shlex.split(line)[1:], workspace)
    return str(caught.value)


# -- the shorthand reader, before any types ---------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a=b", {"a": "b"}),
        ("a=b,c=d", {"a": "b", "c": "d"}),
        ("a=b,c", {"a": ["b", "c"]}),
        ("a=b,c,d=e", {"a": ["b", "c"], "d": "e"}),
        ("a={b=1,c={d=x}}", {"a": {"b": "1", "c": {"d": "x"}}}),
        ("a=[x,y],b=[]", {"a": ["x", "y"], "b": []}),
        ("a=[{k=1},{k=2}]", {"a": [{"k": "1"}, {"k": "2"}]}),
        ("a={b=[x,y]}", {"a": {"b": ["x", "y"]}}),
        ('a=\'x,y=z\',b="say \\"hi\\""', {"a": "x,y=z", "b": 'say "hi"'}),
        ("a=x\\,y", {"a": "x,y"}),
        ("a=", {"a": ""}),
        ("a=b=c", {"a": "b=c"}),
        (" a = b , c = d ", {"a": "b", "c": "d"}),
        (
            "Arn=arn:aws:sqs:us-east-1:123456789012:dlq",
            {"Arn": "arn:aws:sqs:us-east-1:123456789012:dlq"},
        ),
        (":v={S=a1},#n=name", {":v": {"S": "a1"}, "#n": "name"}),
        ("2=0.1", {"2": "0.1"}),
        ("a=hello world", {"a": "hello world"}),
    ],
)
def test_shorthand_reads_pairs_lists_and_braces(text: str, expected: dict[str, Any]) -> None:
    assert Shorthand(text).document() == expected


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("abc", "expected Key=value, but 'abc' has no '='", 3),
        ("a b=c", "expected '=' after 'a', found 'b'", 2),
        ("=x", "expected a key", 0),
        ("a={b=1", "expected '}' to close the braces", 6),
        ("a=[x", "expected ']' to close the list", 4),
        ("a={b=[x] c=2}", "expected ',' or '}'", 9),
        ("a=1,a=2", "the key 'a' comes twice", 4),
        ("a='x", "this ' is never closed", 2),
        ("a=b}", "expected ',', found '}'", 3),
        ("a=b,c d=e", "'=' only follows a key", 7),
    ],
)
def test_shorthand_mistakes_say_what_and_where(text: str, message: str, column: int) -> None:
    with pytest.raises(ShorthandError) as caught:
        Shorthand(text).document()
    assert message in str(caught.value)
    assert caught.value.index == column
    assert caught.value.pointer() == f"    {text}\n    {' ' * column}^"


# -- every form of the brief, through parse, typed by the model -------------------------------
def test_lists_of_scalars_take_words_up_to_the_next_option(tmp_path: Path) -> None:
    got = params(
        "aws sqs receive-message --attribute-names All ApproximateReceiveCount "
        "--queue-url https://q --max-number-of-messages 2",
        tmp_path,
    )
    assert got == {
        "AttributeNames": ["All", "ApproximateReceiveCount"],
        "QueueUrl": "https://q",
        "MaxNumberOfMessages": 2,
    }


def test_structures_take_key_value_pairs_typed_by_the_model(tmp_path: Path) -> None:
    fn = "aws lambda update-function-configuration --function-name f"
    assert params(f"{fn} --ephemeral-storage Size=1024", tmp_path)["EphemeralStorage"] == {
        "Size": 1024
    }
    dlq = "arn:aws:sqs:us-east-1:123456789012:dlq"
    assert params(f"{fn} --dead-letter-config TargetArn={dlq}", tmp_path)["DeadLetterConfig"] == {
        "TargetArn": dlq
    }
    vpc = params(
        f"{fn} --vpc-config SubnetIds=subnet-1,subnet-2,SecurityGroupIds=sg-1,"
        "Ipv6AllowedForDualStack=false",
        tmp_path,
    )["VpcConfig"]
    # A comma list inside a pair is a list; one value where a list goes is a list of one.
    assert vpc == {
        "SubnetIds": ["subnet-1", "subnet-2"],
        "SecurityGroupIds": ["sg-1"],
        "Ipv6AllowedForDualStack": False,
    }
    table = params(
        "aws dynamodb create-table --table-name t --key-schema AttributeName=id,KeyType=HASH "
        "--attribute-definitions AttributeName=id,AttributeType=S "
        "--provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits=10 "
        "--stream-specification StreamEnabled=TRUE,StreamViewType=NEW_IMAGE",
        tmp_path,
    )
    assert table["ProvisionedThroughput"] == {"ReadCapacityUnits": 5, "WriteCapacityUnits": 10}
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}


def test_nested_structures_and_maps_take_braces(tmp_path: Path) -> None:
    failed = "arn:aws:sqs:us-east-1:123456789012:failed"
    got = params(
        f"aws lambda put-function-event-invoke-config --function-name f "
        f"--destination-config OnFailure={{Destination={failed}}} --maximum-retry-attempts 1",
        tmp_path,
    )
    assert got["DestinationConfig"] == {"OnFailure": {"Destination": failed}}
    assert got["MaximumRetryAttempts"] == 1
    alias = params(
        "aws lambda create-alias --function-name f --name live --function-version 1 "
        "--routing-config AdditionalVersionWeights={2=0.1}",
        tmp_path,
    )
    assert alias["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.1}}
    env = params(
        "aws lambda update-function-configuration --function-name f "
        "--environment Variables={TABLE=orders,STAGE=dev}",
        tmp_path,
    )
    assert env["Environment"] == {"Variables": {"TABLE": "orders", "STAGE": "dev"}}


def test_maps_take_key_value_pairs_with_the_value_type(tmp_path: Path) -> None:
    got = params(
        "aws sqs create-queue --queue-name q --attributes VisibilityTimeout=60,DelaySeconds=5",
        tmp_path,
    )
    # SQS's attribute values are strings in its model, so the numbers stay text.
    assert got["Attributes"] == {"VisibilityTimeout": "60", "DelaySeconds": "5"}
    item = params("aws dynamodb put-item --table-name t --item id={S=a1},n={N=5}", tmp_path)
    assert item["Item"] == {"id": {"S": "a1"}, "n": {"N": "5"}}


def test_lists_of_structures_take_one_word_each(tmp_path: Path) -> None:
    got = params(
        "aws dynamodb create-table --table-name t --billing-mode PAY_PER_REQUEST "
        "--key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE "
        "--attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N",
        tmp_path,
    )
    assert got["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert got["AttributeDefinitions"][1] == {"AttributeName": "sk", "AttributeType": "N"}
    assert got["BillingMode"] == "PAY_PER_REQUEST"
    tags = params(
        "aws dynamodb create-table --table-name t --key-schema AttributeName=pk,KeyType=HASH "
        "--attribute-definitions AttributeName=pk,AttributeType=S --tags Key=a,Value=b Key=c,Value=d",
        tmp_path,
    )["Tags"]
    assert tags == [{"Key": "a", "Value": "b"}, {"Key": "c", "Value": "d"}]


def test_timestamps_take_iso_8601_or_epoch_seconds_in_utc(tmp_path: Path) -> None:
    got = params(
        "aws cloudwatch get-metric-statistics --namespace App --metric-name Hits "
        "--start-time 2026-01-01T00:00:00Z --end-time 1767229200 --period 60 "
        "--statistics Sum Average",
        tmp_path,
    )
    assert got["StartTime"] == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert got["EndTime"] == dt.datetime(2026, 1, 1, 1, tzinfo=dt.UTC)
    assert got["Statistics"] == ["Sum", "Average"]
    naive = params(
        "aws cloudwatch get-metric-statistics --namespace App --metric-name Hits "
        "--start-time 2026-01-01T00:00:00 --end-time 2026-01-01T01:00:00 --period 60",
        tmp_path,
    )
    assert naive["StartTime"].tzinfo is dt.UTC


def test_json_is_still_accepted_everywhere(tmp_path: Path) -> None:
    got = params(
        "aws dynamodb create-table --table-name t "
        '--key-schema \'[{"AttributeName": "id", "KeyType": "HASH"}]\' '
        '--attribute-definitions \'{"AttributeName": "id", "AttributeType": "S"}\' '
        '--provisioned-throughput \'{"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}\'',
        tmp_path,
    )
    assert got["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert got["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert got["ProvisionedThroughput"] == {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    names = params("aws sqs receive-message --queue-url q --attribute-names '[\"All\"]'", tmp_path)
    assert names["AttributeNames"] == ["All"]
    (tmp_path / "attrs.json").write_text('{"VisibilityTimeout": "30"}')
    (tmp_path / "attrs.txt").write_text("DelaySeconds=7\n")
    queue = "aws sqs create-queue --queue-name q --attributes"
    assert params(f"{queue} file://attrs.json", tmp_path)["Attributes"] == {
        "VisibilityTimeout": "30"
    }
    assert params(f"{queue} file://attrs.txt", tmp_path)["Attributes"] == {"DelaySeconds": "7"}


# -- mistakes: the option, what was expected, and an example for that option ------------------
@pytest.mark.parametrize(
    ("line", "words"),
    [
        (
            "aws lambda update-function-configuration --function-name f --ephemeral-storage Size=big",
            [
                "--ephemeral-storage: Size takes a whole number, not 'big'",
                "for example: --ephemeral-storage Size=1024",
                """or as JSON:  --ephemeral-storage '{"Size": 1024}'""",
            ],
        ),
        (
            "aws lambda update-function-configuration --function-name f --ephemeral-storage size=512",
            ["--ephemeral-storage has no key 'size' (did you mean 'Size'?); its keys are Size"],
        ),
        (
            "aws lambda put-function-event-invoke-config --function-name f "
            "--destination-config OnFailure={Destnation=x}",
            [
                "--destination-config: OnFailure has no key 'Destnation' (did you mean 'Destination'?)",
                "for example: --destination-config OnFailure={Destination=arn:aws:sqs:",
            ],
        ),
        (
            "aws lambda put-function-event-invoke-config --function-name f "
            "--destination-config OnFailure=arn:aws:sqs:us-east-1:123456789012:q",
            ["--destination-config: OnFailure takes Key=value pairs in braces, {Key=value}"],
        ),
        (
            "aws lambda update-function-configuration --function-name f "
            "--dead-letter-config arn:aws:sqs:us-east-1:123456789012:dlq",
            [
                "--dead-letter-config is not valid shorthand: expected Key=value",
                "for example: --dead-letter-config TargetArn=arn:aws:sqs:us-east-1:123456789012:dlq",
            ],
        ),
        (
            "aws dynamodb create-table --table-name t --key-schema AttributeName=id,KeyType=HASH "
            "AttributeName=sk,KeyTyp=RANGE --attribute-definitions AttributeName=id,AttributeType=S",
            [
                "--key-schema (item 2) has no key 'KeyTyp' (did you mean 'KeyType'?)",
                "for example: --key-schema AttributeName=id,KeyType=HASH",
            ],
        ),
        (
            "aws lambda update-function-configuration --function-name f "
            "--vpc-config Ipv6AllowedForDualStack=maybe",
            ["--vpc-config: Ipv6AllowedForDualStack takes true or false, not 'maybe'"],
        ),
        (
            "aws lambda update-function-configuration --function-name f "
            "--environment Variables={A=[1,2]}",
            ["--environment: Variables.A takes a single value, not '[1,2]'"],
        ),
        (
            'aws dynamodb put-item --table-name t --item \'{"id": {"S": "a1"}\'',
            [
                "--item takes JSON or Key=value shorthand, and this JSON breaks at column 19:"
                " Expecting ',' delimiter",
                "for example: --item id={S=a1},total={N=42}",
            ],
        ),
        (
            "aws cloudwatch get-metric-statistics --namespace App --metric-name Hits "
            "--start-time yesterday --end-time 1767229200 --period 60",
            ["--start-time takes a time such as 2026-01-01T12:00:00Z or seconds since 1970"],
        ),
        (
            "aws sqs receive-message --attribute-names --queue-url q",
            ["--attribute-names needs a value", "usage: aws sqs receive-message"],
        ),
        (
            "aws sqs receive-message --queue-url q --max-number-of-messages lots",
            ["--max-number-of-messages takes a whole number, not 'lots'"],
        ),
    ],
)
def test_mistakes_name_the_option_and_show_it_written_right(
    tmp_path: Path, line: str, words: list[str]
) -> None:
    message = mistake(line, tmp_path)
    for part in words:
        assert part in message


def test_sqs_attributes_mistakes_show_sqs_examples_not_dynamodb_ones(tmp_path: Path) -> None:
    message = mistake(
        "aws sqs create-queue --queue-name q --attributes VisibilityTimeout", tmp_path
    )
    assert message.splitlines() == [
        "--attributes is not valid shorthand: expected Key=value, "
        "but 'VisibilityTimeout' has no '='",
        "    VisibilityTimeout",
        "                     ^",
        "  for example: --attributes VisibilityTimeout=60,DelaySeconds=5",
        """  or as JSON:  --attributes '{"VisibilityTimeout": "60", "DelaySeconds": "5"}'""",
    ]


def _complex_options() -> list[tuple[str, str, str]]:
    return [
        (service, operation, option)
        for service in sorted(REGISTRY)
        for operation in sorted(awscli.operations(service).values())
        for option, (_, shape, _) in awscli.options(service, operation).items()
        if shape.type_name in ("structure", "list", "map")
    ]


@pytest.mark.parametrize(("service", "operation", "option"), _complex_options())
def test_every_example_shown_is_right_for_its_option(
    tmp_path: Path, service: str, operation: str, option: str
) -> None:
    shape = awscli.options(service, operation)[option][1]
    sample = shorthand.example(service, option, shape)
    typed = shlex.split(shorthand.shorthand(sample, shape))
    from_shorthand = awscli.option_value(typed, shape, option, service, tmp_path)
    from_json = awscli.option_value([json.dumps(sample)], shape, option, service, tmp_path)
    assert from_shorthand == from_json
    assert _as_typed(from_json) == sample


def _as_typed(value: Any) -> Any:
    """Parsed values with timestamps written back as the examples show them."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dict):
        return {k: _as_typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_typed(v) for v in value]
    return value
