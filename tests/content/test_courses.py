"""Every course under content/: it loads, each start fails, each solution passes, in any order."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import Cloud
from labs.console import Console
from labs.course import Lab
from labs.grader import apply_setup, grade
from labs.loader import load_course

CONTENT = Path(__file__).resolve().parents[2] / "content"
COURSES = sorted(p.parent for p in CONTENT.glob("*/course.yaml"))
LABS = [(course, lab) for course in COURSES for lab in load_course(course).labs()]


def _ids(pair: tuple[Path, Lab]) -> str:
    return f"{pair[0].name}/{pair[1].id}"


@pytest.fixture
def fresh() -> Iterator[list[Cloud]]:
    clouds: list[Cloud] = []
    yield clouds
    for cloud in clouds:
        cloud.close()


def _start(lab: Lab, clouds: list[Cloud]) -> Cloud:
    cloud = Cloud()
    clouds.append(cloud)
    apply_setup(lab, cloud)
    return cloud


def _solve(lab: Lab, cloud: Cloud, workspace: Path) -> None:
    for source in (lab.starter_dir, lab.solution_dir):
        if source.is_dir():
            shutil.copytree(source, workspace, dirs_exist_ok=True)
    console = Console(cloud, workspace)
    for line in (lab.solution_dir / "commands.txt").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            out = console.run(line)
            assert out.ok, f"{line}\n{out.text}"


@pytest.mark.parametrize("course", COURSES, ids=lambda p: p.name)
def test_course_loads_and_every_part_is_there(course: Path) -> None:
    loaded = load_course(course)
    for lesson in loaded.lessons():
        assert len(lesson.markdown.split()) >= 300, f"{lesson.id}: lesson is too short to teach"
        assert len(lesson.quiz) >= 5, f"{lesson.id}: a quiz needs at least five questions"
        if lesson.lab:
            assert all(task.hints for task in lesson.lab.tasks)


@pytest.mark.parametrize(("course", "lab"), LABS, ids=[_ids(p) for p in LABS])
def test_untouched_start_fails(course: Path, lab: Lab, fresh: list[Cloud], tmp_path: Path) -> None:
    cloud = _start(lab, fresh)
    result = grade(lab, cloud)
    assert not result.passed
    assert all(c.status != "error" for t in result.tasks for c in t.checks), result


@pytest.mark.parametrize(("course", "lab"), LABS, ids=[_ids(p) for p in LABS])
def test_solution_passes_every_check_in_any_order(
    course: Path, lab: Lab, fresh: list[Cloud], tmp_path: Path
) -> None:
    cloud = _start(lab, fresh)
    _solve(lab, cloud, tmp_path)
    result = grade(lab, cloud)
    failing = [(t.task_id, c) for t in result.tasks for c in t.checks if c.status != "pass"]
    assert not failing, failing
    backwards = dataclasses.replace(
        lab,
        tasks=tuple(
            task.model_copy(update={"checks": list(reversed(task.checks))})
            for task in reversed(lab.tasks)
        ),
    )
    assert grade(backwards, cloud).passed


CODE_LABS = [pair for pair in LABS if any(pair[1].starter_dir.glob("*.py"))]


@pytest.mark.parametrize(("course", "lab"), CODE_LABS, ids=[_ids(p) for p in CODE_LABS])
def test_starter_code_alone_does_not_pass(
    course: Path, lab: Lab, fresh: list[Cloud], tmp_path: Path
) -> None:
    """The solution's commands run on the untouched starter code must not pass the lab."""
    cloud = _start(lab, fresh)
    shutil.copytree(lab.starter_dir, tmp_path, dirs_exist_ok=True)
    console = Console(cloud, tmp_path)
    for line in (lab.solution_dir / "commands.txt").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            console.run(line)
    assert not grade(lab, cloud).passed
