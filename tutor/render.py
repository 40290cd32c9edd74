"""Plain-text views of courses, results and hints, shared by the command line and the app."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labs.checks import CheckResult
    from labs.grader import LabResult
    from labs.loader import Course

STATUS_MARKS = {
    "completed": "✓ done",
    "in progress": "… in progress",
    "not started": "· not started",
}
CHECK_MARKS = {"pass": "✔ PASS", "fail": "✘ FAIL", "error": "! ERROR"}


def status_text(status: str) -> str:
    return STATUS_MARKS.get(status, status)


def course_lines(course: Course, summary: dict[str, str]) -> list[str]:
    lines = [f"{course.title}  ({course.id})"]
    for module in course.modules:
        lines.append(f"  {module.title}")
        for lesson in module.lessons:
            status = status_text(summary.get(lesson.id, "not started"))
            lab = f"   lab: {lesson.lab.id}" if lesson.lab else ""
            lines.append(f"    {status:<16} {lesson.title}{lab}")
    return lines


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        text = json.dumps(value, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def check_lines(check: CheckResult) -> list[str]:
    lines = [
        f"    {CHECK_MARKS.get(check.status, check.status)}  {check.check_id}  ({check.points}/{check.max_points} points)"
    ]
    if check.status != "pass":
        if check.message:
            lines.append(f"        {check.message}")
        lines.append(f"        asked:    {check.query}")
        lines.append(f"        expected: {_value(check.expected)}")
        lines.append(f"        observed: {_value(check.observed)}")
    return lines


def result_lines(result: LabResult) -> list[str]:
    lines = []
    for task in result.tasks:
        mark = "✔ passed" if task.passed else "✘ not yet"
        lines.append(f"  {mark:<10} {task.title}")
        for check in task.checks:
            lines.extend(check_lines(check))
    verdict = "every task passed" if result.passed else "not finished yet"
    lines.append(f"Score {result.score}/{result.total}: {verdict}.")
    return lines


def hint_line(hint: Any) -> str:
    return f"Hint {hint.number} of {hint.total} (task: {hint.task_id}): {hint.text}"
