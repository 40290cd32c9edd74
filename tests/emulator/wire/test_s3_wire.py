"""S3 over the wire: real boto3 and the aws CLI, path-style, against the rest-xml gateway."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http.client
import os
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from emulator import ClientError, Cloud

AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host, Signature=0"
)


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with Cloud() as cloud:
        yield cloud


def _client(cloud: Cloud, region: str = "us-east-1", **config: Any) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=cloud.endpoint_url,
        region_name=region,
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}, **config),
    )


@pytest.fixture(scope="module")
def s3(cloud: Cloud) -> Any:
    return _client(cloud, s3={"addressing_style": "path"})


@pytest.fixture
def bucket(cloud: Cloud, s3: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    name = request.node.name.lower().replace("_", "-")[:40].strip("-[]") + "-bkt"
    s3.create_bucket(Bucket=name)
    yield name
    local = cloud.client("s3")
    for item in local.list_objects_v2(Bucket=name).get("Contents", []):
        local.delete_object(Bucket=name, Key=item["Key"])
    local.delete_bucket(Bucket=name)


def _raw(
    cloud: Cloud, method: str, path: str, body: bytes = b"", **headers: str
) -> tuple[http.client.HTTPResponse, bytes]:
    """Send a request by hand; the gateway routes it by the SigV4 scope in Authorization."""
    url = urlsplit(cloud.endpoint_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=5)
    sent = {"Authorization": AUTH, **{k.replace("_", "-"): v for k, v in headers.items()}}
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    return response, response.read()


# -- buckets --------------------------------------------------------------------------
def test_bucket_lifecycle(s3: Any) -> None:
    created = s3.create_bucket(Bucket="wire-life")
    assert created["Location"] == "/wire-life"
    head = s3.head_bucket(Bucket="wire-life")
    assert head["BucketRegion"] == "us-east-1"
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    assert "wire-life" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert s3.delete_bucket(Bucket="wire-life")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.head_bucket(Bucket="wire-life")
    assert caught.value.response["Error"] == {"Code": "404", "Message": "Not Found"}


def test_a_bucket_in_another_region_needs_its_constraint(cloud: Cloud) -> None:
    eu = _client(cloud, "eu-west-1", s3={"addressing_style": "path"})
    with pytest.raises(eu.exceptions.ClientError) as caught:
        eu.create_bucket(Bucket="wire-euro")
    assert caught.value.response["Error"]["Code"] == "IllegalLocationConstraintException"
    answer = eu.create_bucket(
        Bucket="wire-euro", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    assert answer["Location"] == "http://wire-euro.s3.amazonaws.com/"
    with pytest.raises(eu.exceptions.BucketAlreadyOwnedByYou):
        eu.create_bucket(
            Bucket="wire-euro", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
    eu.delete_bucket(Bucket="wire-euro")


# -- objects --------------------------------------------------------------------------
KEY = "folder/sub dir/naïve+plus&amp?.bin"


def test_put_get_head_round_trip(cloud: Cloud, s3: Any, bucket: str) -> None:
    body = bytes(range(256)) * 4
    put = s3.put_object(
        Bucket=bucket,
        Key=KEY,
        Body=body,
        ContentType="application/x-test",
        Metadata={"Origin": "wire"},
        CacheControl="max-age=5",
    )
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    # botocore sends a CRC32 of the body by default; S3 verifies it and says so.
    assert put["ChecksumCRC32"] == base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    got = s3.get_object(Bucket=bucket, Key=KEY)
    assert got["Body"].read() == body
    assert got["ContentLength"] == 1024
    assert got["ContentType"] == "application/x-test"
    assert got["Metadata"] == {"origin": "wire"}
    assert got["CacheControl"] == "max-age=5"
    assert got["LastModified"] == dt.datetime.fromtimestamp(int(cloud.clock.now()), dt.UTC)
    # boto3 asked for the checksum and checked the body against it.
    assert got["ResponseMetadata"]["ChecksumAlgorithm"] == "crc32"
    head = s3.head_object(Bucket=bucket, Key=KEY)
    assert head["ContentLength"] == 1024
    assert head["ETag"] == put["ETag"]
    local = cloud.client("s3").get_object(Bucket=bucket, Key=KEY)
    assert local["Body"].read() == body


def test_an_empty_object_and_the_default_content_type(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b""
    assert got["ContentType"] == "binary/octet-stream"


def test_ranges_over_the_wire(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    part = s3.get_object(Bucket=bucket, Key="digits", Range="bytes=3-5")
    assert part["Body"].read() == b"345"
    assert part["ContentRange"] == "bytes 3-5/10"
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="digits", Range="bytes=20-")
    assert caught.value.response["Error"] == {
        "Code": "InvalidRange",
        "Message": "The requested range is not satisfiable",
        "RangeRequested": "bytes=20-",
        "ActualObjectSize": "10",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416


def test_listing_pages_and_url_encoded_keys(s3: Any, bucket: str) -> None:
    keys = ["a b/1", "a b/2", "c+d", "e&f<g>", "z/é"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    paginator = s3.get_paginator("list_objects_v2")
    pages = list(paginator.paginate(Bucket=bucket, PaginationConfig={"PageSize": 2}))
    assert [c["Key"] for p in pages for c in p.get("Contents", [])] == keys
    assert [p["KeyCount"] for p in pages] == [2, 2, 1]
    folded = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in folded["CommonPrefixes"]] == ["a b/", "z/"]
    assert [c["Key"] for c in folded["Contents"]] == ["c+d", "e&f<g>"]
    assert folded["KeyCount"] == 4
    under = s3.list_objects_v2(Bucket=bucket, Prefix="a b/", StartAfter="a b/1")
    assert [c["Key"] for c in under["Contents"]] == ["a b/2"]
    assert under["StartAfter"] == "a b/1"


def test_copy_and_deletes(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src/ä b.txt", Body=b"copy me", Metadata={"m": "1"})
    copied = s3.copy_object(
        Bucket=bucket, Key="dst.txt", CopySource={"Bucket": bucket, "Key": "src/ä b.txt"}
    )
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"copy me").hexdigest()}"'
    assert s3.head_object(Bucket=bucket, Key="dst.txt")["Metadata"] == {"m": "1"}
    replaced = s3.copy_object(
        Bucket=bucket,
        Key="dst.txt",
        CopySource=f"{bucket}/dst.txt",
        MetadataDirective="REPLACE",
        ContentType="text/plain",
    )
    assert replaced["CopyObjectResult"]["LastModified"].year == 2026
    assert s3.head_object(Bucket=bucket, Key="dst.txt")["ContentType"] == "text/plain"
    deleted = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "src/ä b.txt"}, {"Key": "nope"}]}
    )
    assert deleted["Deleted"] == [{"Key": "src/ä b.txt"}, {"Key": "nope"}]
    assert (
        s3.delete_object(Bucket=bucket, Key="dst.txt")["ResponseMetadata"]["HTTPStatusCode"] == 204
    )
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_upload_and_download_files(s3: Any, bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_bytes(b"file body\n" * 100)
    s3.upload_file(str(source), bucket, "files/in.txt")
    target = tmp_path / "out.txt"
    s3.download_file(bucket, "files/in.txt", str(target))
    assert target.read_bytes() == source.read_bytes()


def test_the_default_addressing_style_works_on_a_loopback_endpoint(
    cloud: Cloud, bucket: str
) -> None:
    plain = _client(cloud)
    plain.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert plain.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


# -- errors: the same in process and over the wire ------------------------------------
@pytest.mark.parametrize(
    ("operation", "params", "status"),
    [
        ("get_object", {"Bucket": "parity", "Key": "absent"}, 404),
        ("get_object", {"Bucket": "no-such-bucket-here", "Key": "k"}, 404),
        ("head_object", {"Bucket": "parity", "Key": "absent"}, 404),
        ("delete_bucket", {"Bucket": "parity"}, 409),
        ("create_bucket", {"Bucket": "parity"}, 200),
        ("create_bucket", {"Bucket": "bad..name"}, 400),
        (
            "create_bucket",
            {"Bucket": "other", "CreateBucketConfiguration": {"LocationConstraint": "us-east-1"}},
            400,
        ),
        ("get_object", {"Bucket": "parity", "Key": "k", "Range": "bytes=9-"}, 416),
        ("get_object", {"Bucket": "parity", "Key": "k", "IfMatch": '"0"'}, 412),
        ("get_object", {"Bucket": "parity", "Key": "k", "IfNoneMatch": "*"}, 304),
        ("put_object", {"Bucket": "parity", "Key": "é" * 513, "Body": b""}, 400),
        ("put_object", {"Bucket": "parity", "Key": "k", "Body": b"", "ACL": "private"}, 501),
        ("list_objects_v2", {"Bucket": "parity", "MaxKeys": -1}, 400),
        ("copy_object", {"Bucket": "parity", "Key": "k", "CopySource": "parity/k"}, 400),
    ],
)
def test_in_process_and_wire_answers_agree(
    cloud: Cloud, s3: Any, operation: str, params: dict[str, Any], status: int
) -> None:
    local = cloud.client("s3")
    local.create_bucket(Bucket="parity")
    local.put_object(Bucket="parity", Key="k", Body=b"abc")
    if status == 200:
        assert getattr(s3, operation)(**params)["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert getattr(local, operation)(**params)["ResponseMetadata"]["HTTPStatusCode"] == 200
        return
    with pytest.raises(botocore.exceptions.ClientError) as remote:
        getattr(s3, operation)(**params)
    with pytest.raises(ClientError) as here:
        getattr(local, operation)(**params)
    assert here.value.response["Error"] == remote.value.response["Error"]
    assert remote.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert here.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_modelled_errors_raise_boto3s_exception_classes(s3: Any) -> None:
    with pytest.raises(s3.exceptions.NoSuchBucket):
        s3.list_objects_v2(Bucket="no-such-bucket-here")
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket="parity", Key="absent")


@pytest.mark.parametrize(
    ("operation", "params", "name"),
    [
        ("get_bucket_policy", {"Bucket": "parity"}, "GetBucketPolicy"),
        (
            "put_bucket_versioning",
            {"Bucket": "parity", "VersioningConfiguration": {"Status": "Enabled"}},
            "PutBucketVersioning",
        ),
        ("create_multipart_upload", {"Bucket": "parity", "Key": "big"}, "CreateMultipartUpload"),
        ("get_object_tagging", {"Bucket": "parity", "Key": "k"}, "GetObjectTagging"),
        ("list_objects", {"Bucket": "parity"}, "ListObjects"),
    ],
)
def test_operations_the_emulator_lacks_are_refused(
    s3: Any, operation: str, params: dict[str, Any], name: str
) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        getattr(s3, operation)(**params)
    assert caught.value.response["Error"] == {
        "Code": "NotSupportedByEmulator",
        "Message": f"S3's {name} is not supported by the emulator",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


# -- the protocol itself --------------------------------------------------------------
def test_an_error_is_an_s3_error_document(cloud: Cloud, s3: Any) -> None:
    s3.create_bucket(Bucket="raw-wire")
    response, body = _raw(cloud, "GET", "/raw-wire/absent")
    assert response.status == 404
    assert response.getheader("Content-Type") == "application/xml"
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>')
    assert b"<Key>absent</Key>" in body


def test_paths_other_sdks_write_reach_the_same_operations(cloud: Cloud, s3: Any) -> None:
    s3.create_bucket(Bucket="raw-wire")
    s3.put_object(Bucket="raw-wire", Key="k", Body=b"v")
    response, body = _raw(cloud, "GET", "/raw-wire/?list-type=2&prefix=k")
    assert response.status == 200
    assert b"<ListBucketResult" in body
    assert b"<Key>k</Key>" in body
    response, body = _raw(cloud, "GET", "/raw-wire/k?x-id=GetObject")
    assert (response.status, body) == (200, b"v")


def test_an_aws_chunked_body_is_decoded(cloud: Cloud, s3: Any) -> None:
    s3.create_bucket(Bucket="raw-wire")
    data = b"hello chunks"
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    chunked = (
        b"5\r\nhello\r\n7\r\n chunks\r\n0\r\nx-amz-checksum-crc32:" + crc.encode() + b"\r\n\r\n"
    )
    response, _ = _raw(
        cloud,
        "PUT",
        "/raw-wire/chunked.txt",
        chunked,
        Content_Encoding="aws-chunked",
        X_Amz_Decoded_Content_Length=str(len(data)),
        X_Amz_Trailer="x-amz-checksum-crc32",
        Content_Type="text/plain",
    )
    assert response.status == 200
    assert response.getheader("x-amz-checksum-crc32") == crc
    got = s3.get_object(Bucket="raw-wire", Key="chunked.txt")
    assert got["Body"].read() == data
    assert "ContentEncoding" not in got


def test_delete_objects_needs_an_intact_checked_body(cloud: Cloud, s3: Any) -> None:
    s3.create_bucket(Bucket="raw-wire")
    document = b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object></Delete>'
    md5 = base64.b64encode(hashlib.md5(document).digest()).decode()
    response, _ = _raw(cloud, "POST", "/raw-wire?delete", document, Content_MD5=md5)
    assert response.status == 200
    response, body = _raw(cloud, "POST", "/raw-wire?delete", document)
    assert response.status == 400
    assert b"<Code>InvalidRequest</Code>" in body
    assert b"Content-MD5 OR x-amz-checksum-*" in body
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    response, body = _raw(cloud, "POST", "/raw-wire?delete", document, Content_MD5=wrong)
    assert response.status == 400
    assert b"<Code>BadDigest</Code>" in body
    crc = base64.b64encode(zlib.crc32(document).to_bytes(4, "big")).decode()
    response, _ = _raw(cloud, "POST", "/raw-wire?delete", document, X_Amz_Checksum_Crc32=crc)
    assert response.status == 200


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (b"<Delete><Object><Key>a</Key></Object>", "MalformedXML"),
        (b"<Remove><Object><Key>a</Key></Object></Remove>", "MalformedXML"),
        (
            b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object></Delete>',
            None,
        ),
    ],
)
def test_a_request_document_must_be_s3s(
    cloud: Cloud, s3: Any, document: bytes, code: str | None
) -> None:
    s3.create_bucket(Bucket="raw-wire")
    md5 = base64.b64encode(hashlib.md5(document).digest()).decode()
    response, body = _raw(cloud, "POST", "/raw-wire?delete", document, Content_MD5=md5)
    if code is None:
        assert response.status == 200
        assert b"<DeleteResult" in body
    else:
        assert response.status == 400
        assert f"<Code>{code}</Code>".encode() in body


# -- the aws CLI ----------------------------------------------------------------------
@pytest.mark.skipif(shutil.which("aws") is None, reason="the aws CLI is not installed here")
def test_the_aws_cli_s3api(cloud: Cloud, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }

    def aws(*words: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["aws", "--endpoint-url", cloud.endpoint_url, "--output", "json", "s3api", *words],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )

    source = tmp_path / "note.txt"
    source.write_text("from the cli\n")
    assert aws("create-bucket", "--bucket", "cli-wire").returncode == 0
    put = aws("put-object", "--bucket", "cli-wire", "--key", "n/note.txt", "--body", str(source))
    assert put.returncode == 0, put.stderr
    listed = aws("list-objects-v2", "--bucket", "cli-wire")
    assert '"Key": "n/note.txt"' in listed.stdout
    target = tmp_path / "back.txt"
    got = aws("get-object", "--bucket", "cli-wire", "--key", "n/note.txt", str(target))
    assert got.returncode == 0, got.stderr
    assert target.read_text() == "from the cli\n"
    missing = aws("head-object", "--bucket", "cli-wire", "--key", "absent")
    assert missing.returncode != 0
    assert "(404)" in missing.stderr
    assert aws("delete-object", "--bucket", "cli-wire", "--key", "n/note.txt").returncode == 0
    assert aws("delete-bucket", "--bucket", "cli-wire").returncode == 0
