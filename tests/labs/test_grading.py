"""Checks and grading: every expectation, python verdicts, and the learner's cloud left alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator import Cloud
from labs.checks import run_check
from labs.grader import apply_setup, grade
from labs.loader import load_course
from labs.model import ApiCheck, PythonCheck

FIXTURES = Path(__file__).parent / "fixtures"
LAB = load_course(FIXTURES / "good").lab("notes")


def _cloud(notes: int = 0) -> Cloud:
    cloud = Cloud()
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="Notes",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for n in range(notes):
        ddb.put_item(TableName="Notes", Item={"id": {"S": f"n{n}"}, "text": {"S": f"note {n}"}})
    return cloud


def _api(expect: dict[str, Any], query: str | None = "Table.ItemCount", **extra: Any) -> ApiCheck:
    return ApiCheck.model_validate(
        {
            "kind": "api",
            "id": "c",
            "service": "dynamodb",
            "operation": "DescribeTable",
            "params": {"TableName": "Notes"},
            "query": query,
            "expect": expect,
            "message": "fix it",
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("expect", "query", "passes"),
    [
        ({"equals": 2}, "Table.ItemCount", True),
        ({"equals": 3}, "Table.ItemCount", False),
        ({"not_equals": 3}, "Table.ItemCount", True),
        ({"at_least": 2}, "Table.ItemCount", True),
        ({"at_least": 3}, "Table.ItemCount", False),
        ({"at_most": 2}, "Table.ItemCount", True),
        ({"at_most": 1}, "Table.ItemCount", False),
        ({"matches": "^No"}, "Table.TableName", True),
        ({"matches": "^X"}, "Table.TableName", False),
        ({"matches": "^X"}, "Table.ItemCount", False),
        ({"contains": "id"}, "Table.KeySchema[*].AttributeName", True),
        ({"contains": "pk"}, "Table.KeySchema[*].AttributeName", False),
        ({"length": 1}, "Table.KeySchema", True),
        ({"length": 2}, "Table.KeySchema", False),
        ({"exists": True}, "Table.TableArn", True),
        ({"exists": False}, "Table.GlobalSecondaryIndexes", True),
        ({"exists": True}, "Table.GlobalSecondaryIndexes", False),
    ],
)
def test_expectations(expect: dict[str, Any], query: str, passes: bool) -> None:
    result = run_check(_api(expect, query), _cloud(2), LAB)
    assert result.status == ("pass" if passes else "fail")
    assert result.points == (1 if passes else 0)
    assert result.message == ("" if passes else "fix it")
    assert query in result.query


def test_aws_errors_fail_with_the_code_unless_expected() -> None:
    cloud = Cloud()
    failed = run_check(_api({"equals": 0}), cloud, LAB)
    assert failed.status == "fail"
    assert failed.observed.startswith("error ResourceNotFoundException")
    expected = run_check(_api({"error": "ResourceNotFoundException"}), cloud, LAB)
    assert expected.status == "pass"


def test_python_checks_verdicts_and_checker_errors() -> None:
    def python(function: str) -> PythonCheck:
        return PythonCheck(kind="python", id="p", function=function, message="put a note")

    assert run_check(python("check_note"), _cloud(1), LAB).status == "pass"
    failed = run_check(python("check_note"), _cloud(0), LAB)
    assert (failed.status, failed.observed, failed.expected) == ("fail", 0, "at least 1")
    assert (
        run_check(python("check_note"), Cloud(), LAB).status == "fail"
    )  # table missing: the learner's to fix
    broken = run_check(python("check_broken"), _cloud(1), LAB)
    assert broken.status == "error"
    assert "not in your work" in broken.message


def test_grading_runs_on_a_fork_and_never_changes_the_learner_cloud() -> None:
    cloud = _cloud(1)
    before = cloud.snapshot()
    mutating = PythonCheck(kind="python", id="m", function="check_mutates", message="m")
    task = LAB.tasks[1].model_copy(update={"checks": [mutating, *LAB.tasks[1].checks]})
    import dataclasses

    lab = dataclasses.replace(LAB, tasks=(LAB.tasks[0], task))
    result = grade(lab, cloud)
    assert cloud.snapshot() == before
    assert result.tasks[0].passed
    assert result.score == 2
    assert result.total == 3


def test_a_solved_fixture_passes() -> None:
    result = grade(LAB, _cloud(1))
    assert result.passed
    assert (result.score, result.total) == (2, 2)


def test_setup_sets_the_lab_quotas_before_its_calls() -> None:
    lab = load_course(Path(__file__).parent / "fixtures" / "good").lab("notes")
    with Cloud() as cloud:
        apply_setup(lab, cloud)
        assert cloud.quota("lambda", "ConcurrentExecutions") == 50
        answer = cloud.client("lambda").get_account_settings()
        assert answer["AccountLimit"]["ConcurrentExecutions"] == 50
