"""The console's ``load`` command: its options, how they become loads, and the report."""

from __future__ import annotations

import difflib
import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from labs import awscli

if TYPE_CHECKING:
    from emulator.load import FunctionResult, Load

LOAD_HELP = """usage: load FUNCTION --rate N --for DURATION [options]
            [and FUNCTION2 --rate N --for DURATION [options] ...]
  --rate N            requests a second (at the start, if --ramp-to is given)
  --for DURATION      how long: 30, 30s, 5m, 2h
  --ramp-to N         climb (or fall) evenly to N requests a second by the end
  --async             invoke asynchronously (queued, retried) instead
  --duration-ms N     how long each request runs; else one real run measures it
  --init-ms N         how long a new environment's init takes; else measured
  --error-rate R      the share of requests that fail, 0 to 1 (0.1: one in ten)
  --payload JSON      the event each request carries: JSON or file://event.json
  and FUNCTION2 ...   another load at the same time
The run moves the virtual clock to its end, so the clock must be manual."""

DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
OPTIONS = (
    "--rate",
    "--for",
    "--ramp-to",
    "--async",
    "--duration-ms",
    "--init-ms",
    "--error-rate",
    "--payload",
)
#: About ten seconds of simulation on a small machine; more would hold the console too long.
MAX_LOAD_REQUESTS = 1_000_000
#: Rows of a load run's per-second table before it shows every Nth second instead.
TABLE_ROWS = 20
_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


def parse(args: list[str], workspace: Path) -> list[Load]:
    """``F --rate N --for D ... [and G ...]`` -> the loads, or UsageError."""
    groups: list[list[str]] = [[]]
    for word in args:
        if word == "and":
            groups.append([])
        else:
            groups[-1].append(word)
    if any(not group for group in groups):
        raise awscli.UsageError(f"load: name a function before and after each 'and'\n{LOAD_HELP}")
    loads = [spec(group, workspace) for group in groups]
    expected = sum(requests(load) for load in loads)
    if expected > MAX_LOAD_REQUESTS:
        raise awscli.UsageError(
            f"load: that is about {expected:,.0f} requests; a run here is limited to "
            f"{MAX_LOAD_REQUESTS:,}. Lower --rate or shorten --for."
        )
    return loads


def spec(words: list[str], workspace: Path) -> Load:
    """One ``FUNCTION --rate N --for D ...`` group -> a Load, or UsageError."""
    from emulator.load import Load, Stage

    name = words[0]
    if name.startswith("-"):
        raise awscli.UsageError(f"load: name the function first, then {name}\n{LOAD_HELP}")
    given: dict[str, str] = {}
    i = 1
    while i < len(words):
        word = words[i]
        if word not in OPTIONS:
            close = difflib.get_close_matches(word, OPTIONS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise awscli.UsageError(f"load: unknown option '{word}'{hint}\n{LOAD_HELP}")
        if word == "--async":
            given[word] = ""
            i += 1
            continue
        if i + 1 >= len(words) or words[i + 1].startswith("--"):
            raise awscli.UsageError(f"load: {word} needs a value\n{LOAD_HELP}")
        given[word] = words[i + 1]
        i += 2
    missing = [option for option in ("--rate", "--for") if option not in given]
    if missing:
        raise awscli.UsageError(
            f"load {name}: missing {' and '.join(missing)}\n"
            f"  for example: load {name} --rate 100 --for 60s"
        )
    seconds = _duration(given["--for"])
    rate = _number(given, "--rate")
    ramp = _number(given, "--ramp-to") if "--ramp-to" in given else None
    error_rate = _number(given, "--error-rate") if "--error-rate" in given else 0.0
    if error_rate > 1:
        raise awscli.UsageError(
            f"load: --error-rate is a share from 0 to 1 (0.1 fails one request in ten), not {given['--error-rate']}"
        )
    return Load(
        name,
        (Stage(seconds, rate, ramp),),
        asynchronous="--async" in given,
        duration_ms=_number(given, "--duration-ms") if "--duration-ms" in given else None,
        init_ms=_number(given, "--init-ms") if "--init-ms" in given else None,
        error_rate=error_rate,
        event=_payload(given["--payload"], workspace) if "--payload" in given else None,
    )


def _payload(text: str, workspace: Path) -> object:
    if text.startswith("file://"):
        text = awscli.read_file(workspace, text[7:]).decode("utf-8", "replace")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise awscli.UsageError(
            f"load: --payload takes JSON ({error.msg} at column {error.colno}), "
            "for example --payload '{\"id\": 1}'"
        ) from None


def _number(given: dict[str, str], option: str) -> float:
    text = given[option]
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise awscli.UsageError(f"load: {option} takes a number of 0 or more, not '{text}'")
    return number


def _duration(text: str) -> float:
    match = DURATION.match(text)
    seconds = float(match.group(1)) * UNITS[match.group(2)] if match else 0.0
    if seconds <= 0:
        raise awscli.UsageError(
            f"load: --for takes a duration such as 30, 30s, 5m or 2h, not '{text}'"
        )
    return seconds


def requests(load: Load) -> float:
    """How many requests a load's stages make: the area under the rate."""
    return sum(
        s.seconds * (s.rate + (s.rate if s.to_rate is None else s.to_rate)) / 2 for s in load.stages
    )


def series_table(result: FunctionResult) -> list[str]:
    """The run second by second, or every Nth second (and the last) when it is long."""
    series = result.series
    step = next((s for s in _STEPS if math.ceil(len(series) / s) <= TABLE_ROWS), None)
    step = step or math.ceil(len(series) / TABLE_ROWS)
    shown = list(range(0, len(series), step))
    if shown[-1] != len(series) - 1:
        shown.append(len(series) - 1)
    title = "second by second" if step == 1 else f"every {_ordinal(step)} second"
    lines = [
        f"{result.function}, {title}:",
        f"{'second':>6} {'requests':>9} {'succeeded':>10} {'errors':>7} {'throttled':>10}"
        f" {'concurrency':>12} {'cold starts':>12}",
    ]
    for second in shown:
        c = series[second]
        lines.append(
            f"{second:>6} {c.requests:>9} {c.succeeded:>10} {c.errors:>7} {c.throttled:>10}"
            f" {c.peak_concurrency:>12} {c.cold_starts:>12}"
        )
    return lines


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
