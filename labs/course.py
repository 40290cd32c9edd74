"""A loaded course: modules, lessons, labs and quizzes, with the folders they came from."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from labs.model import Question, QuotaSetting, SetupStep, Task


@dataclass(frozen=True)
class Lab:
    id: str
    title: str
    goal: str
    tasks: tuple[Task, ...]
    setup: tuple[SetupStep, ...]
    dir: Path
    quotas: tuple[QuotaSetting, ...] = ()

    @property
    def starter_dir(self) -> Path:
        return self.dir / "starter"

    @property
    def solution_dir(self) -> Path:
        return self.dir / "solution"

    @property
    def checks_file(self) -> Path:
        return self.dir / "checks.py"

    def task(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(_missing("task", task_id, [t.id for t in self.tasks]))


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    minutes: int
    markdown: str
    dir: Path
    lab: Lab | None
    quiz: tuple[Question, ...]


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    summary: str
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    description: str
    dir: Path
    modules: tuple[Module, ...] = field(default_factory=tuple)

    def lessons(self) -> list[Lesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    def labs(self) -> list[Lab]:
        return [lesson.lab for lesson in self.lessons() if lesson.lab is not None]

    def lab(self, lab_id: str) -> Lab:
        for lab in self.labs():
            if lab.id == lab_id:
                return lab
        raise KeyError(_missing("lab", lab_id, [lab.id for lab in self.labs()]))

    def lesson_of(self, lab_id: str) -> Lesson:
        return next(lesson for lesson in self.lessons() if lesson.lab and lesson.lab.id == lab_id)


def _missing(kind: str, wanted: str, known: list[str]) -> str:
    close = difflib.get_close_matches(wanted, known, n=1)
    if close:
        return f"no {kind} {wanted!r}; did you mean {close[0]!r}?"
    return f"no {kind} {wanted!r}; there are: {', '.join(known) or 'none'}"
