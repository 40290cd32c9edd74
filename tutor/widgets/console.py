"""The lab console: an input line over a scrolling log, running commands off the UI thread."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, RichLog


class CommandInput(Input):
    """An Input whose Tab completes from the console's completions."""

    def __init__(self, console: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.console = console

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "tab":
            event.prevent_default()
            event.stop()
            self.complete()
            return
        await super()._on_key(event)

    def complete(self) -> None:
        options = self.console.completions(self.value)
        if not options:
            return
        head, _, word = self.value.rpartition(" ")
        prefix = (head + " ") if head else ""
        common = options[0]
        for option in options[1:]:
            while not option.startswith(common):
                common = common[:-1]
        if len(options) == 1:
            self.value = prefix + options[0] + " "
        elif len(common) > len(word):
            self.value = prefix + common
        else:
            self.post_message(ConsoleView.CompletionsShown(options))
        self.cursor_position = len(self.value)


class ConsoleView(Vertical):
    """Runs ``console.run`` in a thread; posts ``CommandRan`` when a command finishes."""

    class CommandRan(Message):
        def __init__(self, command: str, ok: bool) -> None:
            super().__init__()
            self.command = command
            self.ok = ok

    class CompletionsShown(Message):
        def __init__(self, options: list[str]) -> None:
            super().__init__()
            self.options = options

    def __init__(self, console: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.console = console

    def compose(self) -> ComposeResult:
        yield RichLog(id="console-log", wrap=True, markup=False, highlight=False)
        yield CommandInput(
            self.console,
            placeholder="aws dynamodb list-tables   (Tab completes; help lists commands)",
            id="console-input",
        )

    def on_mount(self) -> None:
        self.write(Text("Type help to see the commands. Tab completes.", style="italic"))

    def write(self, text: Text | str) -> None:
        self.query_one(RichLog).write(text)

    @on(Input.Submitted, "#console-input")
    def submitted(self, event: Input.Submitted) -> None:
        command = event.value.strip()
        event.input.value = ""
        if not command:
            return
        self.write(Text(f"$ {command}", style="bold"))
        self.app.run_worker(lambda: self.run_command(command), thread=True, group="console")

    @on(CompletionsShown)
    def show_completions(self, event: CompletionsShown) -> None:
        self.write(Text("  ".join(event.options[:40]), style="dim"))

    def run_command(self, command: str) -> None:
        """Run one command (on a worker thread: an invoke can take seconds)."""
        try:
            out = self.console.run(command)
            text, ok = out.text, out.ok
        except Exception as exc:  # the app goes on whatever a command does
            text, ok = f"error: {exc!r} (this is a bug in serverlings, not in your command)", False
        self.app.call_from_thread(self._finish, command, text, ok)

    def _finish(self, command: str, text: str, ok: bool) -> None:
        if not self.is_attached:
            return
        prefix = "" if ok else "✘ "
        self.write(Text(prefix + text) if text else Text("(no output)", style="dim"))
        self.post_message(self.CommandRan(command, ok))
