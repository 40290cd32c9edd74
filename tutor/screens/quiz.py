"""A lesson's quiz: one question at a time, with the explanation after each answer."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

LETTERS = "abcdefgh"


class QuizScreen(Screen[None]):
    """Keys 1–8 toggle a choice, Enter answers, Enter again goes on."""

    BINDINGS = [
        Binding("enter", "submit", "Answer / next"),
        Binding("escape", "app.pop_screen", "Back"),
        *[Binding(str(n), f"choose({n - 1})", show=False) for n in range(1, 9)],
    ]

    def __init__(self, lesson: Any) -> None:
        super().__init__()
        self.lesson = lesson
        self.index = 0
        self.chosen: set[int] = set()
        self.answered = False
        self.score = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="question")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    @property
    def question(self) -> Any:
        return self.lesson.quiz[self.index]

    def show(self, feedback: Text | None = None) -> None:
        q = self.question
        text = Text()
        text.append(f"Question {self.index + 1} of {len(self.lesson.quiz)}", style="bold")
        many = q.kind == "multiple"
        text.append("  (choose all that apply)\n\n" if many else "  (choose one)\n\n")
        text.append(q.prompt.strip() + "\n\n")
        for n, choice in enumerate(q.choices):
            mark = "[x]" if n in self.chosen else "[ ]"
            text.append(f"  {n + 1}. {mark} {choice}\n")
        text.append("\nPress a number to choose, Enter to answer.\n" if not self.answered else "")
        if feedback is not None:
            text.append("\n")
            text.append_text(feedback)
        self.query_one("#question", Static).update(text)

    def action_choose(self, n: int) -> None:
        if self.answered or n >= len(self.question.choices):
            return
        if self.question.kind == "single":
            self.chosen = {n}
        else:
            self.chosen ^= {n}
        self.show()

    def action_submit(self) -> None:
        if self.answered:
            self.next_question()
            return
        if not self.chosen:
            self.notify("Choose an answer first (press its number).")
            return
        self.answered = True
        right = set(self.question.answer)
        correct = self.chosen == right
        self.score += int(correct)
        feedback = Text()
        feedback.append("✔ Right. " if correct else "✘ Not quite. ", style="bold")
        answers = ", ".join(str(n + 1) for n in sorted(right))
        feedback.append(
            f"The answer: {answers}.\n{self.question.explanation.strip()}\n\nEnter for the next question."
        )
        self.show(feedback)

    def next_question(self) -> None:
        self.index += 1
        self.chosen, self.answered = set(), False
        if self.index < len(self.lesson.quiz):
            self.show()
            return
        total = len(self.lesson.quiz)
        app: Any = self.app
        app.store.record_quiz(app.course.id, self.lesson.id, self.score, total)
        self.notify(f"Quiz finished: {self.score} of {total} right.", title="Quiz")
        self.app.pop_screen()
