"""Every course under content/ loads, every start fails, every solution passes in any order."""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import content
from emulator import Cloud
from labs import solution
from labs.course import Course, Lab
from labs.grader import LabResult, apply_setup, grade
from labs.loader import load_course
from labs.paths import builtin_course_dir
from labs.progress import Store
from labs.session import LabSession

CONTENT = Path(content.__file__).parent
COURSE_DIRS = sorted(path.parent for path in CONTENT.glob("*/course.yaml"))
#: (course folder, lesson folder) of every lab, found without loading, so a broken
#: course fails its own test instead of breaking collection.
LAB_DIRS = sorted(
    (course, lab_yaml.parent) for course in COURSE_DIRS for lab_yaml in course.glob("*/*/lab.yaml")
)


@cache
def _course(course_dir: Path) -> Course:
    return load_course(course_dir)


def _lab(course_dir: Path, lesson_dir: Path) -> tuple[Course, Lab]:
    course = _course(course_dir)
    lab = next((lab for lab in course.labs() if lab.dir.resolve() == lesson_dir.resolve()), None)
    assert lab is not None, f"{lesson_dir} has a lab.yaml but is not a lesson of the course"
    return course, lab


LAB_IDS = [f"{course.name}/{lesson.name}" for course, lesson in LAB_DIRS]


def _failures(result: LabResult) -> list[str]:
    return [
        f"{task.task_id}.{check.check_id}: {check.status}; observed {check.observed!r}; "
        f"expected {check.expected!r}; {check.message}"
        for task in result.tasks
        for check in task.checks
        if check.status != "pass"
    ]


def _reordered(lab: Lab, rng: random.Random | None) -> Lab:
    """The lab with its tasks and each task's checks reversed, or shuffled by ``rng``."""

    def order(items: list) -> list:
        if rng is None:
            return list(reversed(items))
        rng.shuffle(items)
        return items

    tasks = [task.model_copy(update={"checks": order(list(task.checks))}) for task in lab.tasks]
    return dataclasses.replace(lab, tasks=tuple(order(tasks)))


def _workspace(lab: Lab, target: Path, with_solution: bool) -> Path:
    return solution.prepare_workspace(lab, target, with_solution)


def _commands(lab: Lab) -> list[str]:
    return solution.commands(lab)


def _run_commands(lab: Lab, cloud: Cloud, workspace: Path, must_succeed: bool) -> None:
    for line, out in solution.run_commands(lab, cloud, workspace):
        if must_succeed:
            assert out.ok, f"solution command failed:\n$ {line}\n{out.text}"


@pytest.fixture
def clouds() -> Iterator[list[Cloud]]:
    made: list[Cloud] = []
    yield made
    for cloud in made:
        cloud.close()


def _started(lab: Lab, clouds: list[Cloud]) -> Cloud:
    cloud = Cloud()
    clouds.append(cloud)
    apply_setup(lab, cloud)
    return cloud


def test_there_is_a_builtin_course() -> None:
    assert builtin_course_dir() in COURSE_DIRS
    assert LAB_DIRS, "no labs found under content/"


@pytest.mark.parametrize("course_dir", COURSE_DIRS, ids=lambda path: path.name)
def test_course_loads_with_every_part(course_dir: Path) -> None:
    course = load_course(course_dir)  # raises ContentError listing every problem
    assert course.lessons(), "a course needs lessons"
    for lesson in course.lessons():
        if lesson.quiz:
            assert len(lesson.quiz) >= 5, f"{lesson.id}: a quiz needs at least 5 questions"
        if lesson.lab is None:
            continue
        for task in lesson.lab.tasks:
            assert task.hints, f"{lesson.lab.id}.{task.id} has no hint"
            assert all(hint.strip() for hint in task.hints), f"{task.id} has an empty hint"
        assert _commands(lesson.lab), f"{lesson.lab.id}: solution/commands.txt has no command"
        for folder in (lesson.lab.starter_dir, lesson.lab.solution_dir):
            for source in folder.rglob("*.py"):
                compile(source.read_text(encoding="utf-8"), str(source), "exec")


@pytest.mark.parametrize(("course_dir", "lesson_dir"), LAB_DIRS, ids=LAB_IDS)
def test_untouched_start_fails(course_dir: Path, lesson_dir: Path, tmp_path: Path) -> None:
    course, lab = _lab(course_dir, lesson_dir)
    session = LabSession(course, lab, Store(tmp_path / "home"))
    try:
        starter_files = {p.name for p in lab.starter_dir.iterdir()} - {".keep", "__pycache__"}
        assert {p.name for p in session.workspace.iterdir()} == starter_files
        result = grade(lab, session.cloud)
    finally:
        session.close()
    assert not result.passed, "the lab passes before the learner has done anything"
    errors = [line for line in _failures(result) if ": error;" in line]
    assert not errors, "a check errors on the untouched start (a bug in the check):\n" + "\n".join(
        errors
    )


@pytest.mark.parametrize(("course_dir", "lesson_dir"), LAB_DIRS, ids=LAB_IDS)
def test_solution_passes_in_any_order(
    course_dir: Path, lesson_dir: Path, tmp_path: Path, clouds: list[Cloud]
) -> None:
    _, lab = _lab(course_dir, lesson_dir)
    cloud = _started(lab, clouds)
    _run_commands(lab, cloud, _workspace(lab, tmp_path / "workspace", True), must_succeed=True)
    for variant in (lab, _reordered(lab, None), _reordered(lab, random.Random(20260101))):
        result = grade(variant, cloud)
        assert result.passed, "\n".join(_failures(result))
        assert result.score == result.total


@pytest.mark.parametrize(("course_dir", "lesson_dir"), LAB_DIRS, ids=LAB_IDS)
def test_solution_commands_on_starter_code_fail(
    course_dir: Path, lesson_dir: Path, tmp_path: Path, clouds: list[Cloud]
) -> None:
    """Where the solution changes learner code, typing the commands alone is not enough."""
    _, lab = _lab(course_dir, lesson_dir)
    changed = [
        path.name
        for path in lab.solution_dir.glob("*.py")
        if (lab.starter_dir / path.name).is_file()
        and path.read_bytes() != (lab.starter_dir / path.name).read_bytes()
    ]
    if not changed:
        pytest.skip("the solution changes no starter code")
    cloud = _started(lab, clouds)
    _run_commands(lab, cloud, _workspace(lab, tmp_path / "workspace", False), must_succeed=False)
    assert not grade(lab, cloud).passed, f"the untouched {', '.join(changed)} passes the lab"


# -- the built-in course: the house rules of its lessons and quizzes --------------------


def _builtin() -> Course:
    return _course(builtin_course_dir())


def _words(markdown: str) -> int:
    prose = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    return len(re.findall(r"[A-Za-z0-9][\w'’.,-]*", prose))


def test_builtin_lessons_teach_and_point_to_the_lab() -> None:
    for lesson in _builtin().lessons():
        words = _words(lesson.markdown)
        assert 600 <= words <= 1200, f"{lesson.id}: {words} words (600 to 1,200 wanted)"
        headings = re.findall(r"^## (.+)$", lesson.markdown, flags=re.MULTILINE)
        assert "Exam notes" in headings, lesson.id
        # A lesson points to its lab, and one without a lab promises none.
        assert ("Try it in the lab" in headings) == (lesson.lab is not None), lesson.id


def test_builtin_tasks_have_escalating_hints() -> None:
    for lab in _builtin().labs():
        for task in lab.tasks:
            assert 2 <= len(task.hints) <= 4, f"{lab.id}.{task.id}: {len(task.hints)} hints"
            assert task.description.strip(), f"{lab.id}.{task.id} has no description"


def test_builtin_quizzes_are_exam_shaped() -> None:
    for lesson in _builtin().lessons():
        quiz = lesson.quiz
        assert len(quiz) >= 6, f"{lesson.id}: {len(quiz)} questions"
        multiple = [q for q in quiz if q.kind == "multiple"]
        assert multiple, f"{lesson.id}: no multiple-answer question"
        assert all(len(q.choices) >= 5 for q in multiple), lesson.id
        assert all(len(q.choices) == 4 for q in quiz if q.kind == "single"), lesson.id
        assert all(re.match(r"^(DVA-C02|SAA-C03): ", q.domain) for q in quiz), lesson.id
        positions = {q.answer[0] for q in quiz if q.kind == "single"}
        assert len(positions) >= 3, f"{lesson.id}: the right answer sits in too few places"
