"""The home screen: the course map with progress."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from tutor.render import status_text


class HomeScreen(Screen[None]):
    """Modules and lessons, each with its status in a mark and a word."""

    BINDINGS = [("r", "refresh", "Refresh")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.app.course.title, id="home-title")  # type: ignore[attr-defined]
        yield OptionList(id="course-map")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_map()

    def on_screen_resume(self) -> None:
        self.refresh_map()

    def refresh_map(self) -> None:
        app: Any = self.app
        summary = app.store.course_summary(app.course)
        options: list[Option | None] = []
        for module in app.course.modules:
            options.append(Option(f"[b]{module.title}[/b]", disabled=True))
            for lesson in module.lessons:
                status = status_text(summary.get(lesson.id, "not started"))
                lab = "  (lab)" if lesson.lab else ""
                options.append(Option(f"  {status:<16} {lesson.title}{lab}", id=lesson.id))
        course_map = self.query_one(OptionList)
        highlighted = course_map.highlighted
        course_map.clear_options()
        course_map.add_options([o for o in options if o is not None])
        if highlighted is not None:
            course_map.highlighted = highlighted
        else:
            first = next(
                (i for i, o in enumerate(options) if o is not None and not o.disabled), None
            )
            course_map.highlighted = first
        course_map.focus()

    @on(OptionList.OptionSelected, "#course-map")
    def open_lesson(self, event: OptionList.OptionSelected) -> None:
        from tutor.screens.lesson import LessonScreen

        app: Any = self.app
        lesson = next(lesson for lesson in app.course.lessons() if lesson.id == event.option.id)
        self.app.push_screen(LessonScreen(lesson))

    def action_refresh(self) -> None:
        self.refresh_map()
