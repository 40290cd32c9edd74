"""Grading a lab on a fork of the learner's cloud, so grading never changes their work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from labs.checks import CheckResult, run_check

if TYPE_CHECKING:
    from emulator import Cloud
    from labs.course import Lab


@dataclass(frozen=True)
class TaskResult:
    task_id: str
    title: str
    checks: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return all(check.status == "pass" for check in self.checks)


@dataclass(frozen=True)
class LabResult:
    lab_id: str
    tasks: tuple[TaskResult, ...]

    @property
    def passed(self) -> bool:
        return all(task.passed for task in self.tasks)

    @property
    def score(self) -> int:
        return sum(check.points for task in self.tasks for check in task.checks)

    @property
    def total(self) -> int:
        return sum(check.max_points for task in self.tasks for check in task.checks)


def grade(lab: Lab, cloud: Cloud) -> LabResult:
    """Run every check; each task's checks run on their own fork of ``cloud``."""
    tasks = []
    for task in lab.tasks:
        trial = cloud.fork()
        try:
            results = tuple(run_check(check, trial, lab) for check in task.checks)
        finally:
            trial.close()
        tasks.append(TaskResult(task.id, task.title, results))
    return LabResult(lab.id, tuple(tasks))


def apply_setup(lab: Lab, cloud: Cloud) -> None:
    """Set the lab's quotas and make its setup calls on a fresh cloud."""
    for quota in lab.quotas:
        value = int(quota.value) if float(quota.value).is_integer() else quota.value
        cloud.set_quota(quota.service, quota.name, value)
    for step in lab.setup:
        cloud.client(step.service).call(step.operation, dict(step.params))
