"""The load plot: exact chart rows, the summary, two functions, and the panel in the lab workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lambdakit import create
from textual.color import Color
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import RichLog

from emulator import Cloud
from emulator.load import Load, Stage, run_load
from tutor.app import make_app
from tutor.widgets.loadplot import LoadPanel, chart_lines, run_title, summary_text

COURSE = Path(__file__).resolve().parents[1] / "labs" / "fixtures" / "good"
ECHO = "def handler(event, context):\n    return event\n"
RESERVED = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT = "ConcurrentInvocationLimitExceeded"
MARKS = ("● requests/s", "✔ succeeded/s", "⊘ throttled/s", "≡ concurrency")


def _second(requests: int, succeeded: int, throttled: int, busy: int) -> dict[str, Any]:
    throttles = {RESERVED: throttled} if throttled else {}
    return {
        "requests": requests,
        "succeeded": succeeded,
        "errors": 0,
        "throttles": throttles,
        "peak_concurrency": busy,
    }


TINY: dict[str, Any] = {
    "started": 1767225600.0,
    "seconds": 3,
    "functions": {
        "f": {
            "function": "f",
            "asynchronous": False,
            "duration_ms": 250.0,
            "init_ms": 120.0,
            "pending_events": 0,
            "totals": {
                "requests": 12,
                "succeeded": 8,
                "errors": 0,
                "throttles": {RESERVED: 4},
                "cold_starts": 2,
                "spillover": 0,
                "retries": 0,
                "dead_lettered": 0,
                "expired": 0,
                "exhausted": 0,
                "peak_concurrency": 2,
            },
            # Sorted keys, as a saved account gives them back.
            "latency_ms": {"max": 370.0, "p50": 250.0, "p90": 370.0, "p99": 370.0},
            "series": [_second(4, 4, 0, 1), _second(8, 4, 4, 2), _second(0, 0, 0, 0)],
        }
    },
}


def test_a_tiny_series_draws_exact_rows() -> None:
    # 3 seconds stretched over 10 columns; rates share the scale of 8 requests a second.
    assert [line.plain for line in chart_lines(TINY, 32)] == [
        "f  ● requests/s  ▄▄▄▄███       8",
        "   ✔ succeeded/s ▄▄▄▄▄▄▄       4",
        "   ⊘ throttled/s     ▄▄▄       4",
        "   ≡ concurrency ▄▄▄▄███       2",
        "                 0s──────3s peak",
    ]


def test_the_summary_has_totals_reasons_and_percentiles_in_order() -> None:
    assert summary_text(TINY).plain.splitlines() == [
        "f  sync, 250 ms each, init 120 ms",
        "  12 requests, 8 succeeded, 0 errors, 4 throttled",
        "  2 cold starts, peak concurrency 2",
        f"  ⊘ 4 {RESERVED}",
        "  latency p50 250, p90 370, p99 370, max 370 ms",
    ]
    assert run_title(TINY) == "Load run of 3 s from 2026-01-01 00:00:00 UTC (virtual time)"


def test_a_long_run_is_squeezed_into_whole_seconds_per_column() -> None:
    series = [_second(n, n, 0, 100 - n) for n in range(100)]
    run = {
        "started": 0,
        "seconds": 100,
        "functions": {"f": {**TINY["functions"]["f"], "series": series}},
    }
    lines = [line.plain for line in chart_lines(run, 62)]  # room for 40 columns
    requests, concurrency, axis = lines[0], lines[3], lines[-1]
    bars = requests[17:-5]
    assert len(bars) == 34  # 100 seconds at 3 a column
    assert bars[0] == "▁"  # 1 a second on average
    assert bars[-1] == "█"  # the top
    assert concurrency[17] == "█"  # a column shows its busiest second: 100, not the mean
    assert "each column 3 s" in axis
    assert axis.strip().startswith("0s")
    assert axis.rstrip().endswith("100s peak")


def test_an_error_row_appears_only_when_there_were_errors() -> None:
    failing = {**TINY["functions"]["f"]}
    failing["totals"] = {**failing["totals"], "errors": 2}
    failing["series"] = [{**s, "errors": 1} for s in failing["series"][:2]] + failing["series"][2:]
    run = {**TINY, "functions": {"f": failing}}
    labels = [line.plain[3:16] for line in chart_lines(run, 32)]
    assert "✘ errors/s   " in labels
    assert all("errors/s" not in line.plain for line in chart_lines(TINY, 32))


@pytest.fixture
def fifty() -> Iterator[dict[str, Any]]:
    """The course's example: an account of 50, A reserved 10, B unreserved, both flat out."""
    with Cloud() as cloud:
        cloud.set_quota("lambda", "ConcurrentExecutions", 50)
        cloud.set_quota("lambda", "UnreservedMinimum", 10)
        create(cloud, ECHO, name="A")
        create(cloud, ECHO, name="B")
        cloud.client("lambda").put_function_concurrency(
            FunctionName="A", ReservedConcurrentExecutions=10
        )
        busy = (Stage(10, 100),)
        yield run_load(
            cloud,
            Load("A", busy, duration_ms=1000, init_ms=200),
            Load("B", busy, duration_ms=1000, init_ms=200),
        ).to_json()


def test_two_functions_each_get_their_rows_and_their_own_numbers(fifty: dict[str, Any]) -> None:
    lines = [line.plain for line in chart_lines(fifty, 78)]
    assert len(lines) == 9  # four rows each and the time axis
    assert all(len(line) <= 78 for line in lines)
    a, b = lines[:4], lines[4:8]
    assert a[0].startswith("A  ● requests/s")
    assert b[0].startswith("B  ● requests/s")
    assert [row.split()[-1] for row in a] == ["100", "10", "90", "10"]
    assert [row.split()[-1] for row in b] == ["100", "40", "60", "40"]
    summary = summary_text(fifty).plain
    assert f"⊘ 900 {RESERVED}" in summary
    assert f"⊘ 600 {ACCOUNT}" in summary
    assert "1,000 requests, 100 succeeded, 0 errors, 900 throttled" in summary
    assert "1,000 requests, 400 succeeded, 0 errors, 600 throttled" in summary


def test_long_names_get_a_line_of_their_own(fifty: dict[str, Any]) -> None:
    functions = fifty["functions"]
    run = {**fifty, "functions": {"orders-api-handler": functions["A"], "B": functions["B"]}}
    lines = [line.plain for line in chart_lines(run, 78)]
    assert lines[0] == "orders-api-handler"
    assert lines[1].startswith("● requests/s")
    assert lines[5] == "B"


# -- in the app ------------------------------------------------------------------------------
DEPLOY = (
    "zip fn.zip handler.py",
    "aws lambda create-function --function-name {name} --runtime python3.12 "
    "--role arn:aws:iam::123456789012:role/r --handler handler.handler --zip-file fileb://fn.zip",
)


async def _type(pilot: Any, app: Any, command: str) -> None:
    app.screen.query_one("#console-input").value = command
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _wait_for(pilot: Any, condition: Any) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the app did not get there")


async def _deploy(pilot: Any, app: Any, *names: str) -> None:
    (app.screen.session.workspace / "handler.py").write_text(ECHO)
    for name in names:
        for command in DEPLOY:
            await _type(pilot, app, command.format(name=name))


def _shown(widget: Widget) -> str:
    """The text a widget puts on the screen."""
    return "\n".join(line.text for line in _strips(widget))


def _strips(widget: Widget) -> list[Any]:
    """A widget's lines as drawn, padding included."""
    return widget.render_lines(Region(0, 0, *widget.region.size))


async def test_a_load_in_the_console_shows_its_plot_and_summary(tmp_path: Path) -> None:
    app = make_app(course_dir=COURSE, state_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "l")
        screen: Any = app.screen
        assert not screen.query(LoadPanel)  # nothing is mounted before there is a run
        assert screen.active_bindings["f7"].binding.description == "Plot"
        await pilot.press("f7")
        assert any("No load run yet" in n.message for n in app._notifications)
        # The fixture lab's account has 50; AWS would keep 100 unreserved, this lab 10.
        screen.session.cloud.set_quota("lambda", "UnreservedMinimum", 10)
        await _deploy(pilot, app, "orders")
        await _type(
            pilot,
            app,
            "aws lambda put-function-concurrency --function-name orders --reserved-concurrent-executions 5",
        )
        await _type(pilot, app, "load orders --rate 20 --for 5s --duration-ms 500 --init-ms 100")
        await _wait_for(pilot, lambda: screen.query(LoadPanel))
        await pilot.pause()
        panel = screen.query_one(LoadPanel)
        assert panel.display
        kept = screen.session.cloud.backend("lambda").load_runs[-1]
        assert panel.run == kept
        totals = kept["functions"]["orders"]["totals"]
        assert (totals["requests"], totals["peak_concurrency"]) == (100, 5)
        chart = _shown(screen.query_one("#load-chart"))
        rows = chart.splitlines()
        assert rows[0].startswith("orders  ● requests/s")
        assert [row.split()[-1] for row in rows[:4]] == ["20", "10", "10", "5"]
        assert rows[4].strip().startswith("0s─")
        assert rows[4].endswith("─5s peak")
        assert " virtual time " in rows[4]
        summary = _shown(screen.query_one("#load-summary"))
        assert f"100 requests, {totals['succeeded']} succeeded, 0 errors" in summary
        assert f"⊘ {sum(totals['throttles'].values())} {RESERVED}" in summary
        assert "latency p50 500" in summary
        assert panel.border_title == "Load run of 5 s from 2026-01-01 00:00:00 UTC (virtual time)"

        await pilot.press("f7")
        assert not panel.display
        await _type(pilot, app, "load orders --rate 2 --for 4s --duration-ms 500 --init-ms 100")
        await _wait_for(pilot, lambda: panel.run is not kept)
        assert not panel.display  # hidden by the learner: updated, but still hidden
        assert any("F7 shows it" in n.message for n in app._notifications)
        await pilot.press("f7")
        await pilot.pause()
        assert panel.display
        newest = screen.session.cloud.backend("lambda").load_runs[-1]
        assert panel.run == newest
        again = newest["functions"]["orders"]["totals"]
        assert f"8 requests, {again['succeeded']} succeeded" in _shown(
            screen.query_one("#load-summary")
        )
        assert _shown(screen.query_one("#load-chart")).splitlines()[0].endswith(" 2")


async def test_two_functions_fit_an_80_by_24_terminal(tmp_path: Path) -> None:
    app = make_app(course_dir=COURSE, state_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "l")
        screen: Any = app.screen
        screen.session.cloud.set_quota("lambda", "UnreservedMinimum", 10)
        await _deploy(pilot, app, "A", "B")
        await _type(
            pilot,
            app,
            "aws lambda put-function-concurrency --function-name A --reserved-concurrent-executions 10",
        )
        await _type(
            pilot,
            app,
            "load A --rate 100 --for 10s --duration-ms 1000 --init-ms 200 "
            "and B --rate 100 --for 10s --duration-ms 1000 --init-ms 200",
        )
        await _wait_for(pilot, lambda: screen.query(LoadPanel))
        await pilot.pause()
        panel = screen.query_one(LoadPanel)
        rows = _shown(screen.query_one("#load-chart")).splitlines()
        assert rows[0].startswith("A  ● requests/s")
        assert rows[4].startswith("B  ● requests/s")
        assert [row.split()[-1] for row in rows[4:8]] == ["100", "40", "60", "40"]
        # Both functions and the time axis are in view without scrolling.
        assert panel.scrollable_content_region.height >= len(rows[:9])
        assert not screen.query_one("#inspector").display  # it lent its rows to the chart
        assert screen.query_one("#console-input").region.height > 0


async def test_no_color_keeps_the_legend_marks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(course_dir=COURSE, state_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.no_color
        await pilot.press("enter", "l")
        await _deploy(pilot, app, "orders")
        await _type(pilot, app, "load orders --rate 10 --for 3s --duration-ms 100 --init-ms 50")
        await _wait_for(pilot, lambda: app.screen.query(LoadPanel))
        await pilot.pause()
        chart = app.screen.query_one("#load-chart")
        strips = _strips(chart)
        # What reaches the terminal: the app's own filters, Monochrome among them.
        for line_filter in app._filters:
            strips = [strip.apply_filter(line_filter, Color(0, 0, 0)) for strip in strips]
        text = "\n".join(strip.text for strip in strips)
        for mark in MARKS:
            assert mark in text
        colours = [
            colour
            for strip in strips
            for segment in strip
            if segment.style
            for colour in (segment.style.color, segment.style.bgcolor)
            if colour is not None and colour.triplet is not None
        ]
        assert colours  # the chart was drawn, in greys
        assert all(len(set(colour.triplet)) == 1 for colour in colours)  # type: ignore[arg-type]


async def test_reset_takes_the_plot_away_and_the_console_works_on_the_fresh_account(
    tmp_path: Path,
) -> None:
    app = make_app(course_dir=COURSE, state_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "l")
        screen: Any = app.screen
        await _deploy(pilot, app, "orders")
        await _type(pilot, app, "load orders --rate 5 --for 2s --duration-ms 100 --init-ms 50")
        await _wait_for(pilot, lambda: screen.query(LoadPanel))
        await pilot.press("f6", "y")
        await _wait_for(pilot, lambda: not screen.query(LoadPanel))
        assert not screen.has_class("-load-shown")
        await _type(pilot, app, "load orders --rate 5 --for 2s --duration-ms 100 --init-ms 50")
        log = [str(line.text) for line in screen.query_one("#console-log", RichLog).lines]
        assert any("Function not found" in line for line in log[-4:]), log[-6:]
        await _deploy(pilot, app, "orders")
        await _type(pilot, app, "load orders --rate 5 --for 2s --duration-ms 100 --init-ms 50")
        await _wait_for(pilot, lambda: screen.query(LoadPanel))
        assert screen.session.cloud.backend("lambda").load_runs == [screen.query_one(LoadPanel).run]
