"""The learner's progress: labs passed, hints seen, lessons opened, quiz scores."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labs.paths import default_home
from labs.storage import read_json, write_json

if TYPE_CHECKING:
    from labs.course import Course
    from labs.grader import LabResult

FORMAT = 1


@dataclass
class LabProgress:
    tasks_passed: set[str] = field(default_factory=set)
    hints_shown: dict[str, int] = field(default_factory=dict)
    completed: bool = False


class Store:
    """progress.json in the learner's home, saved after every change."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = Path(home) if home is not None else default_home()
        self.path = self.home / "progress.json"
        self.warnings: list[str] = []
        self.data: dict[str, Any] = read_json(self.path, FORMAT, self.warnings) or {
            "format": FORMAT,
            "courses": {},
        }

    def lab_dir(self, course_id: str, lab_id: str) -> Path:
        return self.home / "labs" / course_id / lab_id

    def _course(self, course_id: str) -> dict[str, Any]:
        course: dict[str, Any] = self.data["courses"].setdefault(course_id, {})
        course.setdefault("labs", {})
        course.setdefault("lessons_opened", [])
        course.setdefault("quiz_best", {})
        return course

    def _lab(self, course_id: str, lab_id: str) -> dict[str, Any]:
        lab: dict[str, Any] = self._course(course_id)["labs"].setdefault(lab_id, {})
        lab.setdefault("tasks_passed", [])
        lab.setdefault("hints_shown", {})
        lab.setdefault("completed", False)
        return lab

    def save(self) -> None:
        write_json(self.path, self.data)

    def lab_progress(self, course_id: str, lab_id: str) -> LabProgress:
        lab = self.data["courses"].get(course_id, {}).get("labs", {}).get(lab_id)
        if lab is None:
            return LabProgress()
        return LabProgress(
            set(lab["tasks_passed"]), dict(lab["hints_shown"]), bool(lab["completed"])
        )

    def record_check(self, course_id: str, result: LabResult) -> None:
        lab = self._lab(course_id, result.lab_id)
        passed = set(lab["tasks_passed"]) | {t.task_id for t in result.tasks if t.passed}
        lab["tasks_passed"] = sorted(passed)
        lab["completed"] = lab["completed"] or result.passed
        self.save()

    def record_hint(self, course_id: str, lab_id: str, task_id: str, shown: int) -> None:
        self._lab(course_id, lab_id)["hints_shown"][task_id] = shown
        self.save()

    def record_lesson_opened(self, course_id: str, lesson_id: str) -> None:
        opened = self._course(course_id)["lessons_opened"]
        if lesson_id not in opened:
            opened.append(lesson_id)
            self.save()

    def record_quiz(self, course_id: str, lesson_id: str, score: int, total: int) -> None:
        best = self._course(course_id)["quiz_best"]
        if lesson_id not in best or score > best[lesson_id][0]:
            best[lesson_id] = [score, total]
        self.save()

    def quiz_best(self, course_id: str, lesson_id: str) -> tuple[int, int] | None:
        best = self.data["courses"].get(course_id, {}).get("quiz_best", {}).get(lesson_id)
        return tuple(best) if best else None  # type: ignore[return-value]

    def reset_lab(self, course_id: str, lab_id: str) -> None:
        self._course(course_id)["labs"].pop(lab_id, None)
        self.save()

    def course_summary(self, course: Course) -> dict[str, str]:
        """Each lesson's status: "completed", "in progress" or "not started"."""
        data = self.data["courses"].get(course.id, {})
        opened = set(data.get("lessons_opened", []))
        summary = {}
        for lesson in course.lessons():
            lab = data.get("labs", {}).get(lesson.lab.id) if lesson.lab else None
            if (lab and lab.get("completed")) or (
                lesson.lab is None
                and lesson.id in opened
                and (not lesson.quiz or lesson.id in data.get("quiz_best", {}))
            ):
                status = "completed"
            elif lab or lesson.id in opened:
                status = "in progress"
            else:
                status = "not started"
            summary[lesson.id] = status
        return summary
