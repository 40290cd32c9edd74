"""A learner working on one lab: its cloud, its files, its checks and hints, saved as they go."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator import Cloud, VirtualClock
from labs.grader import LabResult, apply_setup, grade
from labs.storage import read_json, write_json

if TYPE_CHECKING:
    from labs.console import Console
    from labs.course import Course, Lab
    from labs.progress import Store


@dataclass(frozen=True)
class HintView:
    task_id: str
    text: str
    number: int
    total: int


class LabSession:
    """The lab's saved cloud (or a fresh one with the setup applied) and workspace.

    Args:
        course, lab, store: what is being worked on and where progress goes.
        clock_factory: makes the clock of a fresh cloud (tests pass a manual clock).
    """

    def __init__(
        self,
        course: Course,
        lab: Lab,
        store: Store,
        clock_factory: Callable[[], VirtualClock] | None = None,
    ) -> None:
        self.course = course
        self.lab = lab
        self.store = store
        self.clock_factory = clock_factory
        self.dir = store.lab_dir(course.id, lab.id)
        self.cloud_file = self.dir / "cloud.json"
        self.workspace = self.dir / "workspace"
        self.warnings: list[str] = []
        self.cloud = self._open_cloud()
        self._fill_workspace()
        self._console: Console | None = None

    def _fresh_cloud(self) -> Cloud:
        cloud = Cloud(clock=self.clock_factory() if self.clock_factory else None)
        apply_setup(self.lab, cloud)
        return cloud

    def _open_cloud(self) -> Cloud:
        from emulator.cloud import SNAPSHOT_FORMAT

        state = read_json(self.cloud_file, SNAPSHOT_FORMAT, self.warnings)
        if state is None:
            return self._fresh_cloud()
        try:
            return Cloud.restore(state)
        except Exception as error:
            from labs.storage import keep_aside

            aside = keep_aside(self.cloud_file)
            self.warnings.append(
                f"the saved resources of {self.lab.id} could not be restored ({error}); kept as {aside.name}, starting fresh"
            )
            return self._fresh_cloud()

    def _fill_workspace(self) -> None:
        if self.workspace.exists():
            return
        self.workspace.mkdir(parents=True)
        if self.lab.starter_dir.is_dir():
            for path in self.lab.starter_dir.iterdir():
                if path.name in (".keep", "__pycache__"):
                    continue
                target = self.workspace / path.name
                if path.is_dir():
                    shutil.copytree(path, target)
                else:
                    shutil.copy2(path, target)

    @property
    def console(self) -> Console:
        if self._console is None:
            from labs.console import Console

            self._console = Console(self.cloud, self.workspace)
        return self._console

    def check(self) -> LabResult:
        """Grade on a fork, record the tasks passed, and save the cloud."""
        result = grade(self.lab, self.cloud)
        self.store.record_check(self.course.id, result)
        self.save()
        return result

    def next_hint(self, task_id: str | None = None) -> HintView | None:
        """The next hint of a task (default: the first task not yet passed), one at a time."""
        progress = self.store.lab_progress(self.course.id, self.lab.id)
        if task_id is not None:
            task = self.lab.task(task_id)
        else:
            pending = [t for t in self.lab.tasks if t.id not in progress.tasks_passed]
            if not pending:
                return None
            task = pending[0]
        shown = min(progress.hints_shown.get(task.id, 0) + 1, len(task.hints))
        self.store.record_hint(self.course.id, self.lab.id, task.id, shown)
        return HintView(task.id, task.hints[shown - 1], shown, len(task.hints))

    def save(self) -> None:
        write_json(self.cloud_file, self.cloud.snapshot())

    def reset(self) -> None:
        """A fresh cloud and workspace; the lab's progress starts over."""
        self.cloud.close()
        self.cloud_file.unlink(missing_ok=True)
        shutil.rmtree(self.workspace, ignore_errors=True)
        self.store.reset_lab(self.course.id, self.lab.id)
        self.cloud = self._fresh_cloud()
        self._fill_workspace()
        self._console = None
        self.save()

    def close(self) -> None:
        self.save()
        self.cloud.close()

    def __enter__(self) -> LabSession:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
