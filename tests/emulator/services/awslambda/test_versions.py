"""Versions and aliases: publishing, immutability, weighted routing, qualified calls."""

from __future__ import annotations

from collections import Counter

from lambdakit import code_of, create, invoke, zipped

from emulator import Cloud

V1 = "def handler(event, context):\n    return {'v': 1, 'fv': context.function_version}\n"
V2 = "def handler(event, context):\n    return {'v': 2, 'fv': context.function_version}\n"


def test_publish_makes_an_immutable_numbered_version(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, V1)
    first = fn.publish_version(FunctionName="fn", Description="first")
    assert (first["Version"], first["Description"]) == ("1", "first")
    assert first["FunctionArn"].endswith(":function:fn:1")
    # Nothing changed since: publishing again returns the same version.
    assert fn.publish_version(FunctionName="fn")["Version"] == "1"
    fn.update_function_code(FunctionName="fn", ZipFile=zipped(V2))
    assert fn.publish_version(FunctionName="fn")["Version"] == "2"
    fn.update_function_configuration(FunctionName="fn", Timeout=9)
    assert invoke(cloud, Qualifier="1")[1] == {"v": 1, "fv": "1"}
    assert invoke(cloud, Qualifier="2")[1] == {"v": 2, "fv": "2"}
    assert invoke(cloud)[1] == {"v": 2, "fv": "$LATEST"}
    answer, _ = invoke(cloud, name="fn:1")
    assert answer["ExecutedVersion"] == "1"
    versions = fn.list_versions_by_function(FunctionName="fn")["Versions"]
    assert [(v["Version"], v["Timeout"]) for v in versions] == [("$LATEST", 9), ("1", 3), ("2", 3)]
    assert fn.get_function(FunctionName="fn", Qualifier="1")["Configuration"]["Timeout"] == 3


def test_publish_checks_code_sha_and_revision(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, V1)
    assert code_of(fn.publish_version, FunctionName="fn", CodeSha256="nope") == (
        "InvalidParameterValueException"
    )
    assert code_of(fn.publish_version, FunctionName="fn", RevisionId="stale") == (
        "PreconditionFailedException"
    )
    sha = fn.get_function(FunctionName="fn")["Configuration"]["CodeSha256"]
    assert fn.publish_version(FunctionName="fn", CodeSha256=sha)["Version"] == "1"


def test_create_and_update_can_publish(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    assert create(cloud, V1, Publish=True)["Version"] == "1"
    answer = fn.update_function_code(FunctionName="fn", ZipFile=zipped(V2), Publish=True)
    assert answer["Version"] == "2"


def test_alias_points_at_a_version_and_moves(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, V1, Publish=True)
    fn.update_function_code(FunctionName="fn", ZipFile=zipped(V2), Publish=True)
    alias = fn.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    assert alias["AliasArn"].endswith(":function:fn:live")
    answer, body = invoke(cloud, Qualifier="live")
    assert (answer["ExecutedVersion"], body["v"]) == ("1", 1)
    fn.update_alias(FunctionName="fn", Name="live", FunctionVersion="2")
    assert invoke(cloud, name="fn:live")[1]["v"] == 2
    assert code_of(fn.create_alias, FunctionName="fn", Name="live", FunctionVersion="1") == (
        "ResourceConflictException"
    )
    assert code_of(fn.create_alias, FunctionName="fn", Name="x", FunctionVersion="9") == (
        "ResourceNotFoundException"
    )
    assert code_of(fn.create_alias, FunctionName="fn", Name="12", FunctionVersion="1") == (
        "ValidationException"
    )
    listed = fn.list_aliases(FunctionName="fn")["Aliases"]
    assert [(a["Name"], a["FunctionVersion"]) for a in listed] == [("live", "2")]
    # A version an alias uses cannot be deleted; the alias must go first.
    assert code_of(fn.delete_function, FunctionName="fn", Qualifier="2") == (
        "ResourceConflictException"
    )
    fn.delete_alias(FunctionName="fn", Name="live")
    fn.delete_function(FunctionName="fn", Qualifier="2")
    assert code_of(fn.get_function, FunctionName="fn", Qualifier="2") == (
        "ResourceNotFoundException"
    )


def test_weighted_alias_splits_calls_by_weight_the_same_way_every_time(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, V1, Publish=True)
    fn.update_function_code(FunctionName="fn", ZipFile=zipped(V2), Publish=True)
    fn.create_alias(
        FunctionName="fn",
        Name="canary",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}},
    )
    got = [invoke(cloud, Qualifier="canary")[0]["ExecutedVersion"] for _ in range(50)]
    assert Counter(got) == {"1": 40, "2": 10}
    with Cloud() as again:
        create(again, V1, Publish=True)
        again.client("lambda").update_function_code(
            FunctionName="fn", ZipFile=zipped(V2), Publish=True
        )
        again.client("lambda").create_alias(
            FunctionName="fn",
            Name="canary",
            FunctionVersion="1",
            RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}},
        )
        assert [invoke(again, Qualifier="canary")[0]["ExecutedVersion"] for _ in range(50)] == got


def test_routing_config_is_validated(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, V1, Publish=True)
    bad = {"AdditionalVersionWeights": {"1": 1.5}}
    assert code_of(
        fn.create_alias, FunctionName="fn", Name="a", FunctionVersion="1", RoutingConfig=bad
    ) == ("ValidationException")
    same = {"AdditionalVersionWeights": {"1": 0.5}}
    assert code_of(
        fn.create_alias, FunctionName="fn", Name="a", FunctionVersion="1", RoutingConfig=same
    ) == ("InvalidParameterValueException")


def test_unknown_qualifier_is_not_found(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, V1)
    error = code_of(fn.invoke, FunctionName="fn", Qualifier="nope")
    assert error == "ResourceNotFoundException"
    assert code_of(fn.invoke, FunctionName="fn:1", Qualifier="2") == (
        "InvalidParameterValueException"
    )


def test_versions_and_aliases_survive_a_snapshot(cloud: Cloud) -> None:
    fn = cloud.client("lambda")
    create(cloud, V1, Publish=True)
    fn.update_function_code(FunctionName="fn", ZipFile=zipped(V2), Publish=True)
    fn.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    with Cloud.restore(cloud.snapshot()) as copy:
        assert invoke(copy, Qualifier="live")[1]["v"] == 1
        assert invoke(copy, Qualifier="2")[1]["v"] == 2
        assert copy.client("lambda").publish_version(FunctionName="fn")["Version"] == "2"
