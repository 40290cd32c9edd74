"""Progress and lab sessions: saved atomically, restored, damaged files kept aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labs.loader import load_course
from labs.progress import Store
from labs.session import LabSession

FIXTURES = Path(__file__).parent / "fixtures"
COURSE = load_course(FIXTURES / "good")
LAB = COURSE.lab("notes")
CREATE = (
    'aws dynamodb create-table --table-name Notes --key-schema \'[{"AttributeName": "id", "KeyType": "HASH"}]\' '
    '--attribute-definitions \'[{"AttributeName": "id", "AttributeType": "S"}]\' --billing-mode PAY_PER_REQUEST'
)


def test_work_and_progress_survive_a_new_session(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with LabSession(COURSE, LAB, store) as session:
        assert session.console.run(CREATE).ok
        result = session.check()
        assert [t.passed for t in result.tasks] == [True, False]
    again = Store(tmp_path)
    assert again.lab_progress("fixture", "notes").tasks_passed == {"table"}
    assert again.course_summary(COURSE) == {"tables": "in progress"}
    with LabSession(COURSE, LAB, again) as session:
        assert session.cloud.client("dynamodb").list_tables()["TableNames"] == ["Notes"]
        assert session.console.run(
            'aws dynamodb put-item --table-name Notes --item \'{"id": {"S": "a"}}\''
        ).ok
        assert session.check().passed
    assert Store(tmp_path).course_summary(COURSE) == {"tables": "completed"}


def test_hints_come_one_at_a_time(tmp_path: Path) -> None:
    with LabSession(COURSE, LAB, Store(tmp_path)) as session:
        first = session.next_hint()
        second = session.next_hint()
        third = session.next_hint()
        assert (first.task_id, first.number, first.total) == ("table", 1, 2)
        assert (second.number, second.text) == (2, "The key is id (S).")
        assert third.number == 2  # the last hint stays shown
        other = session.next_hint("note")
        assert (other.task_id, other.number, other.total) == ("note", 1, 1)
        with pytest.raises(KeyError, match="did you mean"):
            session.next_hint("tabel")
    assert Store(tmp_path).lab_progress("fixture", "notes").hints_shown == {"table": 2, "note": 1}


def test_reset_starts_the_lab_over(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with LabSession(COURSE, LAB, store) as session:
        session.console.run(CREATE)
        (session.workspace / "mine.txt").write_text("my notes")
        session.check()
        session.reset()
        assert session.cloud.client("dynamodb").list_tables()["TableNames"] == []
        assert not (session.workspace / "mine.txt").exists()
    assert store.lab_progress("fixture", "notes").tasks_passed == set()


def test_damaged_progress_is_kept_aside_and_the_app_goes_on(tmp_path: Path) -> None:
    (tmp_path / "progress.json").write_text("{not json")
    store = Store(tmp_path)
    assert len(store.warnings) == 1
    assert "progress.json.damaged-1" in store.warnings[0]
    assert (tmp_path / "progress.json.damaged-1").read_text() == "{not json"
    store.record_lesson_opened("fixture", "tables")
    assert json.loads((tmp_path / "progress.json").read_text())["format"] == 1
    (tmp_path / "progress.json").write_text('{"format": 99}')
    assert "damaged-2" in Store(tmp_path).warnings[0]


def test_damaged_lab_state_is_kept_aside(tmp_path: Path) -> None:
    store = Store(tmp_path)
    cloud_file = store.lab_dir("fixture", "notes") / "cloud.json"
    cloud_file.parent.mkdir(parents=True)
    cloud_file.write_text('{"format": 1, "half": ')
    with LabSession(COURSE, LAB, store) as session:
        assert session.warnings
        assert session.cloud.client("dynamodb").list_tables()["TableNames"] == []
    assert (cloud_file.parent / "cloud.json.damaged-1").exists()
    assert json.loads(cloud_file.read_text())["format"] == 1


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for n in range(5):
        store.record_quiz("fixture", "tables", n, 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.json"]
    assert store.quiz_best("fixture", "tables") == (4, 5)
