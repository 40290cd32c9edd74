"""A lab's reference solution: its files and the console commands that solve it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from labs.console import Console, ConsoleOutput

if TYPE_CHECKING:
    from emulator import Cloud
    from labs.course import Lab


def prepare_workspace(lab: Lab, target: Path, with_solution: bool = True) -> Path:
    """A copy of starter/, overlaid with solution/ when asked, as a learner's would be."""
    target.mkdir(parents=True, exist_ok=True)
    sources = [lab.starter_dir, lab.solution_dir] if with_solution else [lab.starter_dir]
    for source in sources:
        if source.is_dir():
            shutil.copytree(
                source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
            )
    return target


def commands(lab: Lab) -> list[str]:
    """The lines of solution/commands.txt, without blanks and comments."""
    lines = (lab.solution_dir / "commands.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def run_commands(lab: Lab, cloud: Cloud, workspace: Path) -> list[tuple[str, ConsoleOutput]]:
    """Type the solution's commands into a console over ``cloud``; each line with its output."""
    console = Console(cloud, workspace)
    return [(line, console.run(line)) for line in commands(lab)]
