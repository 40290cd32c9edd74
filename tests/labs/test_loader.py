"""The loader: a good course loads; a broken one reports every problem at once, with places."""

from __future__ import annotations

from pathlib import Path

import pytest

from labs.loader import ContentError, load_course

FIXTURES = Path(__file__).parent / "fixtures"


def test_good_course_loads() -> None:
    course = load_course(FIXTURES / "good")
    assert course.id == "fixture"
    assert [lesson.id for lesson in course.lessons()] == ["tables"]
    lab = course.lab("notes")
    assert [task.id for task in lab.tasks] == ["table", "note"]
    assert course.lessons()[0].markdown.startswith("# Tables")
    with pytest.raises(KeyError, match="did you mean 'notes'"):
        course.lab("note")


def test_broken_course_lists_every_problem_with_file_line_and_column() -> None:
    with pytest.raises(ContentError) as caught:
        load_course(FIXTURES / "broken")
    found = {(p.file.split("/")[-1], p.line, p.path): p.message for p in caught.value.problems}
    assert found[("lesson.md", 2, "id")].startswith("String should match pattern")
    assert found[("lab.yaml", 7, "tasks[0].hits")] == "unknown field 'hits'; did you mean 'hints'?"
    assert found[("lab.yaml", 5, "tasks[0].hints")] == "missing required field 'hints'"
    assert (
        found[("lab.yaml", 11, "tasks[0].checks[0].service")]
        == "unknown service 'dynamo'; did you mean 'dynamodb'?"
    )
    assert (
        "did you mean 'DescribeTable'?" in found[("lab.yaml", 22, "tasks[1].checks[0].operation")]
    )
    assert "not a valid JMESPath query" in found[("lab.yaml", 23, "tasks[1].checks[0].query")]
    assert "give exactly one expectation" in found[("lab.yaml", 24, "tasks[1].checks[0].expect")]
    assert "did you mean 'ConcurrentExecutions'?" in found[("lab.yaml", 31, "quotas[0].name")]
    assert "is fixed by AWS" in found[("lab.yaml", 32, "quotas[1].name")]
    assert "no quotas for service 'lamda'" in found[("lab.yaml", 33, "quotas[2].service")]
    assert "did you mean 'check_present'?" in found[("lab.yaml", 28, "tasks[1].checks[1].function")]
    assert found[("quiz.yaml", 2, "questions[0]")] == "answer 5 is not a choice index (0 to 1)"
    assert (
        found[("course.yaml", 4, "modules[1]")] == "no module folder 02-missing/ with a module.yaml"
    )
    assert any("solution/commands.txt" in m for m in found.values())
    rendered = str(caught.value)
    assert "broken/01-mod/01-lesson/lab.yaml:7:5  tasks[0].hits  unknown field 'hits'" in rendered


def test_yaml_syntax_errors_point_at_the_line(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text(
        "format_version: 1\nid: x\ntitle: [unclosed\nmodules: []\n"
    )
    with pytest.raises(ContentError) as caught:
        load_course(tmp_path)
    problem = caught.value.problems[0]
    assert problem.message.startswith("not valid YAML")
    assert problem.line == 4


def test_not_a_course_folder(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"no course\.yaml"):
        load_course(tmp_path)


def test_syntax_error_in_checks_py_is_reported_with_its_line(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(FIXTURES / "good", tmp_path / "c")
    checks = tmp_path / "c" / "01-mod" / "01-tables" / "checks.py"
    checks.write_text("def check_note(cloud)\n    return True\n")
    with pytest.raises(ContentError) as caught:
        load_course(tmp_path / "c")
    problem = caught.value.problems[0]
    assert problem.file.endswith("checks.py")
    assert problem.line == 1
    assert problem.message.startswith("syntax error")
