"""The lab workspace: tasks, console, resource inspector, check results and the newest load run."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.markdown import Markdown
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tutor.render import hint_line, result_lines
from tutor.widgets.console import CommandInput, ConsoleView
from tutor.widgets.inspector import Inspector, gather


class LabScreen(Screen[None]):
    """Where the learner builds: the session's cloud is saved and closed on leaving or quitting."""

    BINDINGS = [
        Binding("f5", "check", "Check"),
        Binding("ctrl+k", "check", "Check", show=False),
        Binding("f2", "hint", "Next hint"),
        Binding("f6", "reset", "Reset lab"),
        Binding("f7", "toggle_load", "Plot"),
        Binding("escape", "leave", "Back"),
    ]
    # Wide screens put a load run's summary beside its chart; short ones lend the
    # inspector's room to the chart while it is shown (see app.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]

    def __init__(self, lab: Any) -> None:
        super().__init__()
        from labs.session import LabSession

        app: Any = self.app
        self.lab = lab
        self.session = LabSession(app.course, lab, app.store, clock_factory=app.clock_factory)
        self._session_closed = False
        self._load_hidden = False  # the learner hid the load plot: a new run keeps it hidden

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{self.lab.title} — {self.lab.goal}", id="lab-title")
        yield Static(f"Your files: {self.session.workspace}", id="workspace-path")
        with Horizontal(id="lab-body"):
            with Vertical(id="lab-left"):
                yield Static(self._tasks_text(), id="tasks")
                with VerticalScroll(id="results"):
                    yield Static("Press F5 to check your work, F2 for a hint.", id="results-text")
            with Vertical(id="lab-right"):
                yield Inspector(id="inspector")
                yield ConsoleView(self.session.console, id="console")
        yield Footer()

    def on_mount(self) -> None:
        for warning in self.session.warnings:
            self.notify(warning, severity="warning", timeout=15)
        self.query_one("#console-input").focus()
        self.refresh_inspector()

    def _tasks_text(self) -> Group:
        """Each task with a mark and a word; the first task not yet passed shows what to do."""
        app: Any = self.app
        progress = app.store.lab_progress(app.course.id, self.lab.id)
        parts: list[Any] = []
        described = False
        for task in self.lab.tasks:
            done = task.id in progress.tasks_passed
            parts.append(
                Text.assemble(("✔ passed   " if done else "· to do    ", "bold"), task.title)
            )
            if not done and not described and task.description.strip():
                parts.append(Markdown(task.description))
                described = True
        return Group(*parts)

    @on(ConsoleView.CommandRan)
    def command_ran(self, event: ConsoleView.CommandRan) -> None:
        self.refresh_inspector()
        if event.ok and event.command.split(None, 1)[0] == "load":
            self._plot_newest_run()

    def _newest_run(self) -> dict[str, Any] | None:
        # No lock: a load run holds it for seconds, and the backend swaps in a new list of
        # runs rather than changing the one a reader may hold.
        backend: Any = self.session.cloud.backend("lambda")
        runs: list[dict[str, Any]] = backend.load_runs
        return runs[-1] if runs else None

    def _plot_newest_run(self) -> None:
        """Show (or refresh) the load panel with the newest run, mounting it on first use."""
        run = self._newest_run()
        if run is None:
            return
        from tutor.widgets.loadplot import LoadPanel

        panels = self.query(LoadPanel)
        if panels:
            panels.first().run = run
        else:
            self.mount(LoadPanel(run, id="load-panel"), after="#lab-body")
        if self._load_hidden:
            self.notify("The load plot has this run: F7 shows it.", timeout=5)
        else:
            self.add_class("-load-shown")

    def action_toggle_load(self) -> None:
        if self.has_class("-load-shown"):
            self._load_hidden = True
            self.remove_class("-load-shown")
            return
        if self._newest_run() is None:
            self.notify(
                "No load run yet in this lab. Run one in the console, for example: "
                "load FUNCTION --rate 10 --for 30s",
                title="Load plot",
            )
            return
        self._load_hidden = False
        self._plot_newest_run()

    def refresh_inspector(self) -> None:
        # Workers belong to the app, not the screen, so leaving never waits on a thread.
        self.app.run_worker(self._gather, thread=True, group="inspector", exclusive=True)

    def _gather(self) -> None:
        try:
            found = gather(self.session.cloud)
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"Inspector failed: {exc!r}", severity="error")
            return
        self.app.call_from_thread(self._show_resources, found)

    def _show_resources(self, found: Any) -> None:
        if self.is_attached:
            self.query_one(Inspector).show(found)

    def action_check(self) -> None:
        self.query_one("#results-text", Static).update("Checking…")
        self.app.run_worker(self._check, thread=True, group="check", exclusive=True)

    def _check(self) -> None:
        try:
            result = self.session.check()
            text = "\n".join(result_lines(result))
        except Exception as exc:
            text, result = f"! ERROR  the checker failed (our bug, not yours): {exc!r}", None
        self.app.call_from_thread(self._show_result, text, result)

    def _show_result(self, text: str, result: Any) -> None:
        if not self.is_attached:
            return
        self.query_one("#results-text", Static).update(Text(text))
        self.query_one("#tasks", Static).update(self._tasks_text())
        if result is not None and result.passed:
            self.notify("Every task passed. Well done!", title="Lab complete")

    def action_hint(self) -> None:
        hint = self.session.next_hint()
        if hint is None:
            self.notify("Every task has passed: no hints left.")
            return
        self.query_one("#results-text", Static).update(Text(hint_line(hint)))
        self.notify(hint_line(hint), title="Hint", timeout=20)

    def action_reset(self) -> None:
        from tutor.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.session.reset()
                # The reset made a new cloud and console: the console view must use them,
                # and no plot of the old cloud's runs may stay.
                view = self.query_one(ConsoleView)
                view.console = view.query_one(CommandInput).console = self.session.console
                self.query("#load-panel").remove()
                self.remove_class("-load-shown")
                self.query_one("#tasks", Static).update(self._tasks_text())
                self.query_one("#results-text", Static).update("The lab is back at its start.")
                self.refresh_inspector()

        self.app.push_screen(
            ConfirmScreen("Reset this lab? Its resources, your files and its progress start over."),
            answered,
        )

    def close_session(self) -> None:
        if not self._session_closed:
            self._session_closed = True
            self.session.close()

    def action_leave(self) -> None:
        """Back to the lesson: the work is saved and the lab's processes stop."""
        self.close_session()
        app: Any = self.app
        if self in app.lab_screens:
            app.lab_screens.remove(self)
        self.app.pop_screen()
