"""The ``serverlings`` command: the app by default, plain subcommands for everything else."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labs.loader import Course
    from labs.progress import Store


def _parser() -> argparse.ArgumentParser:
    from tutor import __version__

    parser = argparse.ArgumentParser(
        prog="serverlings",
        description="Learn AWS serverless against a built-in AWS emulator. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"serverlings {__version__}")
    parser.add_argument(
        "--course", type=Path, help="a course folder (default: the built-in course)"
    )
    parser.add_argument(
        "--home",
        type=Path,
        help="where progress is kept (default: $SERVERLINGS_HOME or your user data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("list", help="the course, with your progress")
    check = commands.add_parser("check", help="grade a lab and show every check")
    check.add_argument("lab")
    hint = commands.add_parser("hint", help="show the next hint of a lab")
    hint.add_argument("lab")
    hint.add_argument("--task", help="a task id (default: the first task not passed)")
    reset = commands.add_parser("reset", help="start a lab over: its resources, files and progress")
    reset.add_argument("lab")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    validate = commands.add_parser("validate", help="check a course folder and list every problem")
    validate.add_argument("path", type=Path)
    shell = commands.add_parser("shell", help="a lab's console in the plain terminal")
    shell.add_argument("lab", nargs="?")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "validate":
        return _validate(args.path)
    from labs.loader import ContentError

    try:
        course = _course(args.course)
    except ContentError as error:
        print(f"The course has problems:\n{error}", file=sys.stderr)
        return 1
    store = _store(args.home)
    if args.command is None:
        from tutor.app import make_app

        app = make_app(course_dir=course.dir, state_dir=args.home, course=course, store=store)
        try:
            app.run()
        finally:
            app.close_sessions()
        return 0
    if args.command == "list":
        return _list(course, store)
    if args.command == "shell" and args.lab is None:
        print(
            "Name a lab: " + ", ".join(lesson.lab.id for lesson in course.lessons() if lesson.lab)
        )
        return 2
    try:
        lab = course.lab(args.lab)
    except KeyError as error:
        print(str(error).strip("'\""), file=sys.stderr)
        return 2
    if args.command == "reset":
        return _reset(course, lab, store, args.yes)
    from labs.session import LabSession

    session = LabSession(course, lab, store)
    _warn(session.warnings)
    try:
        if args.command == "check":
            from tutor.render import result_lines

            result = session.check()
            print(f"{lab.title} ({lab.id})")
            print("\n".join(result_lines(result)))
            return 0 if result.passed else 1
        if args.command == "hint":
            return _hint(session, args.task)
        from tutor.shell import run_shell

        return run_shell(session)
    finally:
        session.close()


def _course(path: Path | None) -> Course:
    from labs.loader import load_course
    from labs.paths import builtin_course_dir

    return load_course(path or builtin_course_dir())


def _store(home: Path | None) -> Store:
    from labs.progress import Store

    store = Store(home)
    _warn(store.warnings)
    return store


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _list(course: Course, store: Store) -> int:
    from tutor.render import course_lines

    print("\n".join(course_lines(course, store.course_summary(course))))
    return 0


def _hint(session: object, task: str | None) -> int:
    from tutor.render import hint_line

    try:
        hint = session.next_hint(task)  # type: ignore[attr-defined]
    except KeyError as error:
        print(str(error).strip("'\""), file=sys.stderr)
        return 2
    if hint is None:
        print("Every task of this lab has passed: no hints left to give.")
        return 0
    print(hint_line(hint))
    return 0


def _reset(course: Course, lab: object, store: Store, yes: bool) -> int:
    from labs.session import LabSession

    lab_id = lab.id  # type: ignore[attr-defined]
    if not yes:
        if not sys.stdin.isatty():
            print(f"Refusing to reset {lab_id} without confirmation: add --yes.", file=sys.stderr)
            return 2
        answer = input(
            f"Reset {lab_id}? Its resources, your files and its progress will be lost [y/N] "
        )
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was changed.")
            return 1
    session = LabSession(course, lab, store)  # type: ignore[arg-type]
    try:
        session.reset()
    finally:
        session.close()
    print(f"{lab_id} is back at its start.")
    return 0


def _validate(path: Path) -> int:
    from labs.loader import ContentError, load_course

    try:
        course = load_course(path)
    except ContentError as error:
        print(str(error))
        print(f"{len(error.problems)} problem(s).")
        return 1
    except FileNotFoundError as error:
        print(f"{path}: {error}")
        return 1
    lessons = course.lessons()
    labs = [lesson.lab for lesson in lessons if lesson.lab]
    questions = sum(len(lesson.quiz) for lesson in lessons)
    print(
        f"course {course.id}: {len(course.modules)} modules, {len(lessons)} lessons, "
        f"{len(labs)} labs, {questions} questions — no problems"
    )
    return 0
