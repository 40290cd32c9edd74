"""``serverlings shell``: a lab's console in the plain terminal, for screen readers and scripts."""

from __future__ import annotations

import sys
from typing import Any

BUILTINS = ("check", "hint", "exit", "quit")


def _answer(session: Any, line: str) -> tuple[str, bool]:
    from tutor.render import hint_line, result_lines

    command = line.strip()
    if command == "check":
        result = session.check()
        return "\n".join(result_lines(result)), result.passed
    if command == "hint":
        hint = session.next_hint()
        return (hint_line(hint) if hint else "Every task has passed: no hints left."), True
    out = session.console.run(command)
    return out.text, out.ok


def run_shell(session: Any) -> int:
    """Read commands until end of input or ``exit``; completion and history on a terminal."""
    lab_id = session.lab.id if hasattr(session, "lab") else "lab"
    if not sys.stdin.isatty():
        for line in sys.stdin:
            if line.strip() in ("exit", "quit"):
                break
            if line.strip() and not line.lstrip().startswith("#"):
                text, _ = _answer(session, line)
                print(text)
        return 0
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import Completer, Completion
    from prompt_toolkit.history import FileHistory

    class ConsoleCompleter(Completer):
        def get_completions(self, document: Any, complete_event: Any) -> Any:
            before = document.text_before_cursor
            word = document.get_word_before_cursor(WORD=True)
            options = list(session.console.completions(before))
            if " " not in before.strip():
                options += [b for b in BUILTINS if b.startswith(before.strip())]
            for option in options:
                yield Completion(option, start_position=-len(word))

    history = FileHistory(str(session.workspace.parent / "shell-history"))
    prompt: PromptSession[str] = PromptSession(history=history, completer=ConsoleCompleter())
    print(f"Console for {lab_id}. Type help, check, hint, or exit. Files: {session.workspace}")
    while True:
        try:
            line = prompt.prompt(f"{lab_id}> ")
        except (EOFError, KeyboardInterrupt):
            break
        if line.strip() in ("exit", "quit"):
            break
        if line.strip():
            text, _ = _answer(session, line)
            print(text)
    return 0
