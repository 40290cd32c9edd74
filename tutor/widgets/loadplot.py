"""The newest load run in the lab workspace: a strip chart per function and a short summary."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

#: Eight heights of a one-row bar; a value above zero always gets at least the lowest.
BLOCKS = " ▁▂▃▄▅▆▇█"
#: Names up to this long sit in a column beside their rows; longer ones get a line each.
NAME_ROOM = 12
#: Fewer bar columns than this and the chart is cropped rather than squeezed further.
MIN_BARS = 10


@dataclass(frozen=True)
class Series:
    """One row of a function's chart; the mark and the label carry its meaning, not colour."""

    key: str
    mark: str
    label: str
    style: str


SERIES = (
    Series("requests", "●", "requests/s", "cyan"),
    Series("succeeded", "✔", "succeeded/s", "green"),
    Series("errors", "✘", "errors/s", "red"),
    Series("throttled", "⊘", "throttled/s", "yellow"),
    Series("concurrency", "≡", "concurrency", "magenta"),
)
LABEL_WIDTH = 2 + max(len(s.label) for s in SERIES) + 1
PERCENTILES = ("p50", "p90", "p99", "max")


def per_second(series: list[dict[str, Any]], key: str) -> list[int]:
    """One figure per second from a run's per-second counts."""
    if key == "throttled":
        return [sum(second.get("throttles", {}).values()) for second in series]
    if key == "concurrency":
        return [second.get("peak_concurrency", 0) for second in series]
    return [second.get(key, 0) for second in series]


def _rows(result: dict[str, Any]) -> list[Series]:
    """Every row but errors, which only takes room when the function had some."""
    errors = result.get("totals", {}).get("errors", 0)
    return [s for s in SERIES if s.key != "errors" or errors]


def _per_column(seconds: int, room: int) -> int:
    """Seconds a column covers: whole seconds, so "each column 5 s" is exactly true."""
    return 1 if seconds <= room else math.ceil(seconds / room)


def _columns(figures: list[int], per_column: int, width: int, peak: bool) -> list[float]:
    """``width`` columns from per-second figures.

    A short run is stretched (a second takes one or more columns, as evenly as the width
    allows). In a long run a column covers ``per_column`` seconds: rates are averaged so it
    still reads "per second", and concurrency keeps the busiest second, a peak being what
    it is about.
    """
    if per_column == 1:
        return [float(figures[c * len(figures) // width]) for c in range(width)]
    columns: list[float] = []
    for start in range(0, len(figures), per_column):
        chunk = figures[start : start + per_column]
        columns.append(max(chunk) if peak else sum(chunk) / len(chunk))
    return columns


def _block(figure: float, scale: float) -> str:
    if figure <= 0 or scale <= 0:
        return BLOCKS[0]
    return BLOCKS[min(8, max(1, math.floor(figure / scale * 8 + 0.5)))]


def _axis(seconds: float, bars: int, per_column: int) -> str:
    """``0s ─── caption ─── 10s`` under the bars, as much of it as fits."""
    start, end = "0s", f"{seconds:g}s"
    caption = f" each column {per_column} s " if per_column > 1 else " virtual time "
    inner = bars - len(start) - len(end)
    if inner < 2:
        return start[:bars]
    if inner < len(caption) + 2:
        return start + "─" * inner + end
    left = (inner - len(caption)) // 2
    return start + "─" * left + caption + "─" * (inner - len(caption) - left) + end


def chart_lines(run: dict[str, Any], width: int) -> list[Text]:
    """The run as rows of one-line bars: rates on one scale per function, concurrency on its own.

    Requests, succeeded, errors and throttled share a scale so a learner sees at a glance
    how much of the traffic got through; the number at the end of a row is its busiest second.
    """
    functions: dict[str, Any] = run.get("functions", {})
    seconds = max((len(f.get("series", [])) for f in functions.values()), default=0) or 1
    inline = all(len(name) <= NAME_ROOM for name in functions)
    name_width = max((len(name) for name in functions), default=0) + 2 if inline else 0
    peaks = {
        (name, s.key): max(per_second(result.get("series", []), s.key), default=0)
        for name, result in functions.items()
        for s in SERIES
    }
    number_width = max(4, *(len(f"{p:,}") for p in peaks.values()))
    room = max(MIN_BARS, width - name_width - LABEL_WIDTH - 1 - number_width)
    per_column = _per_column(seconds, room)
    bars = room if per_column == 1 else math.ceil(seconds / per_column)
    lines: list[Text] = []
    for name, result in functions.items():
        series = result.get("series", [])
        shown = _rows(result)
        rate_scale = max(peaks[name, s.key] for s in shown if s.key != "concurrency")
        if not inline:
            lines.append(Text(name, style="bold"))
        for index, row in enumerate(shown):
            concurrency = row.key == "concurrency"
            scale = peaks[name, row.key] if concurrency else rate_scale
            columns = _columns(per_second(series, row.key) or [0], per_column, bars, concurrency)
            line = Text(no_wrap=True, overflow="crop")
            if inline:
                line.append(f"{name if index == 0 else '':<{name_width}}", style="bold")
            line.append(f"{row.mark} ", style=row.style)
            line.append(f"{row.label:<{LABEL_WIDTH - 2}}")
            line.append("".join(_block(c, scale) for c in columns).ljust(bars), style=row.style)
            line.append(f" {peaks[name, row.key]:>{number_width},}")
            lines.append(line)
    axis = _axis(float(run.get("seconds", seconds)), bars, per_column)
    lines.append(
        Text(
            " " * (name_width + LABEL_WIDTH) + axis.ljust(bars) + f" {'peak':>{number_width}}",
            style="dim",
            no_wrap=True,
            overflow="crop",
        )
    )
    return lines


class LoadChart:
    """A Rich renderable drawing :func:`chart_lines` at whatever width it is given."""

    def __init__(self, run: dict[str, Any]) -> None:
        self.run = run

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from chart_lines(self.run, options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(LABEL_WIDTH + MIN_BARS, options.max_width)


def _ms(figure: float) -> str:
    """Milliseconds as a learner reads them: 1,002 and 2.4, not 1,002.256 and 2.418."""
    if figure >= 100:
        return f"{figure:,.0f}"
    return f"{figure:,.1f}".removesuffix(".0")


def run_title(run: dict[str, Any]) -> str:
    """When the run started and how long it lasted, on the virtual clock."""
    started = dt.datetime.fromtimestamp(run.get("started", 0), dt.UTC)
    return f"Load run of {run.get('seconds', 0):g} s from {started:%Y-%m-%d %H:%M:%S} UTC (virtual time)"


def summary_text(run: dict[str, Any]) -> Text:
    """Per function: its totals, each throttle reason and the latency percentiles."""
    throttled = next(s for s in SERIES if s.key == "throttled")
    text = Text()
    for name, result in run.get("functions", {}).items():
        totals = result.get("totals", {})
        throttles: dict[str, int] = totals.get("throttles", {})
        if text:
            text.append("\n")
        text.append(name, style="bold")
        text.append(
            f"  {'async' if result.get('asynchronous') else 'sync'}, "
            f"{_ms(result.get('duration_ms', 0))} ms each, init {_ms(result.get('init_ms', 0))} ms\n"
            f"  {totals.get('requests', 0):,} requests, {totals.get('succeeded', 0):,} succeeded, "
            f"{totals.get('errors', 0):,} errors, {sum(throttles.values()):,} throttled\n"
            f"  {totals.get('cold_starts', 0):,} cold starts, "
            f"peak concurrency {totals.get('peak_concurrency', 0):,}"
        )
        if totals.get("spillover"):
            text.append(f", {totals['spillover']:,} spilled over from provisioned")
        for reason, count in sorted(throttles.items()):
            text.append(f"\n  {throttled.mark}", style=throttled.style)
            text.append(f" {count:,} {reason}")
        latency: dict[str, float] = result.get("latency_ms", {})
        # A saved account comes back with its keys sorted; percentiles read best in order.
        order = [k for k in PERCENTILES if k in latency] + sorted(set(latency) - set(PERCENTILES))
        shown = ", ".join(f"{k} {_ms(latency[k])}" for k in order)
        text.append(f"\n  latency {shown} ms" if shown else "\n  latency: no request succeeded")
        if result.get("asynchronous"):
            text.append(
                f"\n  {totals.get('retries', 0):,} retries, "
                f"{totals.get('dead_lettered', 0):,} dead-lettered, "
                f"{totals.get('expired', 0):,} too old, "
                f"{totals.get('exhausted', 0):,} out of retries, "
                f"{result.get('pending_events', 0):,} still queued"
            )
    return text


class LoadPanel(VerticalScroll):
    """The chart and summary of one run; set ``run`` to show another."""

    run: reactive[dict[str, Any]] = reactive(dict, init=False)

    def __init__(self, run: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.set_reactive(LoadPanel.run, run)

    def compose(self) -> ComposeResult:
        yield Static(LoadChart(self.run), id="load-chart")
        yield Static(summary_text(self.run), id="load-summary")

    def on_mount(self) -> None:
        self._titles()

    def watch_run(self, run: dict[str, Any]) -> None:
        self.query_one("#load-chart", Static).update(LoadChart(run))
        self.query_one("#load-summary", Static).update(summary_text(run))
        self._titles()
        self.scroll_home(animate=False)

    def _titles(self) -> None:
        self.border_title = run_title(self.run)
        self.border_subtitle = "F7 hides this"
