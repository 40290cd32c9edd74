"""The app, driven with Pilot: home -> lesson -> lab -> console -> check, and back again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import OptionList, Static

from tutor.app import make_app
from tutor.screens.home import HomeScreen
from tutor.screens.lab import LabScreen
from tutor.screens.lesson import LessonScreen
from tutor.screens.quiz import QuizScreen

COURSE = Path(__file__).resolve().parents[1] / "labs" / "fixtures" / "good"
CREATE = (
    'aws dynamodb create-table --table-name Notes --key-schema \'[{"AttributeName": "id", "KeyType": "HASH"}]\' '
    '--attribute-definitions \'[{"AttributeName": "id", "AttributeType": "S"}]\' --billing-mode PAY_PER_REQUEST'
)
PUT = 'aws dynamodb put-item --table-name Notes --item \'{"id": {"S": "n1"}}\''


def _text(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _type(pilot: Any, app: Any, command: str) -> None:
    box = app.screen.query_one("#console-input")
    box.value = command
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _wait_for(pilot: Any, condition: Any) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the app did not get there")


async def test_walk_from_home_to_a_passed_lab_and_back(tmp_path: Path) -> None:
    app = make_app(course_dir=COURSE, state_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        course_map = app.screen.query_one(OptionList)
        assert "· not started" in str(course_map.get_option_at_index(1).prompt)
        await pilot.press("enter")
        assert isinstance(app.screen, LessonScreen)
        shown = app.screen.query_one("#lesson-text", Static).content
        assert "Create a table called Notes" in shown.markup  # a rich Markdown renderable
        await pilot.press("l")
        assert isinstance(app.screen, LabScreen)
        await _type(pilot, app, "aws dynamodb list-tables")
        log = app.screen.query_one("#console-log")
        assert any("TableNames" in str(line.text) for line in log.lines)
        await pilot.press("f2")
        assert "Hint 1 of 2 (task: table)" in _text(app, "#results-text")
        await pilot.press("f5")
        await _wait_for(pilot, lambda: "Score" in _text(app, "#results-text"))
        assert "✘ FAIL" in _text(app, "#results-text")
        await _type(pilot, app, CREATE)
        await _type(pilot, app, PUT)
        await pilot.press("f5")
        await _wait_for(pilot, lambda: "every task passed" in _text(app, "#results-text"))
        tasks = app.screen.query_one("#tasks", Static).content
        assert [r.plain for r in tasks.renderables] == [
            "✔ passed   Create Notes",
            "✔ passed   Put a note",
        ]
        await pilot.press("escape")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert "✓ done" in str(app.screen.query_one(OptionList).get_option_at_index(1).prompt)

    reopened = make_app(course_dir=COURSE, state_dir=tmp_path)
    async with reopened.run_test(size=(120, 40)) as pilot:
        assert "✓ done" in str(reopened.screen.query_one(OptionList).get_option_at_index(1).prompt)
        await pilot.press("enter", "l")
        await _type(pilot, reopened, "aws dynamodb scan --table-name Notes")
        log = reopened.screen.query_one("#console-log")
        assert any('"n1"' in str(line.text) for line in log.lines)


async def test_bad_commands_print_usage_and_the_app_goes_on(tmp_path: Path) -> None:
    app = make_app(course_dir=COURSE, state_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "l")
        await _type(pilot, app, "aws dynamodb put-item --table-name Notes --item {oops")
        await _type(pilot, app, "aws lambda invoke")
        lines = [str(line.text) for line in app.screen.query_one("#console-log").lines]
        assert any("--item takes JSON" in line for line in lines)
        assert any("missing --function-name" in line for line in lines)
        assert isinstance(app.screen, LabScreen)


async def test_quiz_records_the_score(tmp_path: Path) -> None:
    app = make_app(course_dir=COURSE, state_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "q")
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("1", "enter")
        assert "✔ Right." in _text(app, "#question")
        await pilot.press("enter")
        assert isinstance(app.screen, LessonScreen)
    assert app.store.quiz_best("fixture", "tables") == (1, 1)


async def test_damaged_progress_is_reported_and_the_app_starts(tmp_path: Path) -> None:
    (tmp_path / "progress.json").write_text("garbage")
    app = make_app(course_dir=COURSE, state_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("damaged-1" in n.message for n in app._notifications)


async def test_quitting_from_the_lab_saves_and_exits(tmp_path: Path) -> None:
    app = make_app(course_dir=COURSE, state_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "l")
        await _type(pilot, app, CREATE)
        screen = app.screen
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert screen.session.cloud._closed
    saved = (tmp_path / "labs" / "fixture" / "notes" / "cloud.json").read_text()
    assert '"Notes"' in saved
