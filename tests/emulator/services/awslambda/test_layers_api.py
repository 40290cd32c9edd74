"""Layers: publishing versions, listing, deleting, and the limits functions meet using them."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from lambdakit import code_of, create, error_of, zipped

from emulator import ClientError, Cloud, limits

ECHO = "def handler(event, context):\n    return event\n"
ARN = "arn:aws:lambda:us-east-1:123456789012:layer:"


def _publish(cloud: Cloud, name: str = "shared", **extra: object) -> dict:
    return cloud.client("lambda").publish_layer_version(
        LayerName=name,
        Content={"ZipFile": zipped("VALUE = 1\n", "python/shared.py")},
        CompatibleRuntimes=["python3.12"],
        **extra,
    )


def _refused(cloud: Cloud, **extra: object) -> ClientError:
    return error_of(
        cloud.client("lambda").create_function,
        FunctionName="fn",
        Runtime="python3.12",
        Role="arn:aws:iam::123456789012:role/r",
        Handler="handler.handler",
        Code={"ZipFile": zipped(ECHO)},
        **extra,
    )


def test_publish_get_list_delete(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    first = _publish(cloud, Description="helpers")
    assert (first["Version"], first["LayerVersionArn"]) == (1, ARN + "shared:1")
    assert first["LayerArn"] == ARN + "shared"
    assert first["Content"]["CodeSize"] > 0
    assert _publish(cloud)["Version"] == 2
    got = fn.get_layer_version(LayerName="shared", VersionNumber=1)
    assert got["Description"] == "helpers"
    assert fn.get_layer_version_by_arn(Arn=ARN + "shared:2")["Version"] == 2
    versions = fn.list_layer_versions(LayerName="shared")["LayerVersions"]
    assert [v["Version"] for v in versions] == [2, 1]
    (layer,) = fn.list_layers(CompatibleRuntime="python3.12")["Layers"]
    assert layer["LatestMatchingVersion"]["Version"] == 2
    assert fn.list_layers(CompatibleRuntime="python3.9")["Layers"] == []
    fn.delete_layer_version(LayerName="shared", VersionNumber=2)
    assert code_of(fn.get_layer_version, LayerName="shared", VersionNumber=2) == (
        "ResourceNotFoundException"
    )
    assert _publish(cloud)["Version"] == 3  # numbers are never reused


def test_functions_reference_layer_versions(cloud: Cloud) -> None:
    arn = _publish(cloud)["LayerVersionArn"]
    answer = create(cloud, ECHO, Layers=[arn])
    assert answer["Layers"][0]["Arn"] == arn
    # A function keeps a layer version that is deleted afterwards.
    cloud.client("lambda").delete_layer_version(LayerName="shared", VersionNumber=1)
    config = cloud.client("lambda").get_function_configuration(FunctionName="fn")
    assert config["Layers"][0]["Arn"] == arn
    missing = ARN + "nope:1"
    assert (
        code_of(
            cloud.client("lambda").update_function_configuration,
            FunctionName="fn",
            Layers=[missing],
        )
        == "InvalidParameterValueException"
    )


def test_at_most_five_layers_and_one_version_of_each(cloud: Cloud) -> None:
    arns = [_publish(cloud, f"l{n}")["LayerVersionArn"] for n in range(6)]
    error = _refused(cloud, Layers=arns)
    assert error.response["Error"]["Message"] == "Cannot reference more than 5 layers."
    two = _publish(cloud, "l0")["LayerVersionArn"]
    error = _refused(cloud, Layers=[arns[0], two])
    assert error.response["Error"]["Code"] == "InvalidParameterValueException"


def test_code_and_layers_together_stay_within_250_mb_unzipped(
    cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("python/blob.bin", b"\0" * 600_000)
    small = dataclasses.replace(limits.get("lambda", "UnzippedPackage"), value=1_000_000)
    monkeypatch.setitem(limits.LIMITS, ("lambda", "UnzippedPackage"), small)
    arn = cloud.client("lambda").publish_layer_version(
        LayerName="big", Content={"ZipFile": big.getvalue()}
    )["LayerVersionArn"]
    other = cloud.client("lambda").publish_layer_version(
        LayerName="big2", Content={"ZipFile": big.getvalue()}
    )["LayerVersionArn"]
    error = _refused(cloud, Layers=[arn, other])
    assert (
        "Function code combined with layers exceeds the maximum allowed size of 1000000 bytes"
        in (error.response["Error"]["Message"])
    )
    create(cloud, ECHO, Layers=[arn])


def test_layers_survive_a_snapshot(cloud: Cloud) -> None:
    arn = _publish(cloud)["LayerVersionArn"]
    create(cloud, ECHO, Layers=[arn])
    with Cloud.restore(cloud.snapshot()) as copy:
        fn = copy.client("lambda")
        assert fn.get_function_configuration(FunctionName="fn")["Layers"][0]["Arn"] == arn
        assert fn.get_layer_version(LayerName="shared", VersionNumber=1)["Version"] == 1
        assert _publish(copy)["Version"] == 2
