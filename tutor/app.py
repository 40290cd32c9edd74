"""The Textual app: built by a factory so tests can inject a course, a state folder and a clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding

from tutor.screens.home import HomeScreen

if TYPE_CHECKING:
    from labs.loader import Course
    from labs.progress import Store


class ServerlingsApp(App[None]):
    """Home -> lesson -> lab workspace, over one course and one progress store."""

    CSS_PATH = "app.tcss"
    TITLE = "serverlings"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self, course: Course, store: Store, clock_factory: Callable[[], Any] | None
    ) -> None:
        super().__init__()
        self.course = course
        self.store = store
        self.clock_factory = clock_factory
        self.lab_screens: list[Any] = []

    def on_mount(self) -> None:
        self.sub_title = self.course.title
        self.push_screen(HomeScreen())
        for warning in self.store.warnings:
            self.notify(warning, title="Progress file", severity="warning", timeout=15)

    def open_lab(self, lab: Any) -> None:
        """Show a lab's workspace, with its saved resources and files."""
        from tutor.screens.lab import LabScreen

        screen = LabScreen(lab)
        self.lab_screens.append(screen)
        self.push_screen(screen)

    def close_sessions(self) -> None:
        """Save every open lab and stop its worker processes (safe to call twice)."""
        for screen in self.lab_screens:
            screen.close_session()
        self.lab_screens.clear()

    async def action_quit(self) -> None:
        self.close_sessions()
        self.exit()


def make_app(
    course_dir: Path | None = None,
    state_dir: Path | None = None,
    clock_factory: Callable[[], Any] | None = None,
    *,
    course: Course | None = None,
    store: Store | None = None,
) -> ServerlingsApp:
    """Build the app. Args default to the built-in course and the user's data folder."""
    if course is None:
        from labs.loader import load_course
        from labs.paths import builtin_course_dir

        course = load_course(course_dir or builtin_course_dir())
    if store is None:
        from labs.progress import Store

        store = Store(state_dir)
    return ServerlingsApp(course, store, clock_factory)
