"""A lesson: its text, then the way to its lab and its quiz."""

from __future__ import annotations

from typing import Any

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class LessonScreen(Screen[None]):
    """The lesson's Markdown, rendered by rich (fast to mount), in a scrolling pane."""

    BINDINGS = [
        Binding("l", "open_lab", "Open lab"),
        Binding("q", "quiz", "Quiz"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, lesson: Any) -> None:
        super().__init__()
        self.lesson = lesson

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.lesson.title, id="lesson-title")
        with VerticalScroll(id="lesson-body"):
            yield Static(Markdown(self.lesson.markdown), id="lesson-text")
        yield Footer()

    def on_mount(self) -> None:
        app: Any = self.app
        app.store.record_lesson_opened(app.course.id, self.lesson.id)
        self.query_one("#lesson-body").focus()

    def action_open_lab(self) -> None:
        if self.lesson.lab is None:
            self.notify("This lesson has no lab.")
            return
        app: Any = self.app
        app.open_lab(self.lesson.lab)

    def action_quiz(self) -> None:
        if not self.lesson.quiz:
            self.notify("This lesson has no quiz.")
            return
        from tutor.screens.quiz import QuizScreen

        self.app.push_screen(QuizScreen(self.lesson))
