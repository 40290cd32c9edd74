"""JSON files written atomically, and damaged ones kept aside rather than lost."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` so a crash leaves either the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_json(path: Path, format_version: int, warnings: list[str]) -> Any | None:
    """The file's data, or None when absent; a damaged file is renamed aside with a warning."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != format_version:
            raise ValueError(f"expected format {format_version}")
        return data
    except (ValueError, OSError, UnicodeDecodeError) as error:
        aside = keep_aside(path)
        warnings.append(
            f"{path.name} could not be read ({error}); it was kept as {aside.name} and a fresh one started"
        )
        return None


def keep_aside(path: Path) -> Path:
    n = 1
    while (aside := path.with_name(f"{path.name}.damaged-{n}")).exists():
        n += 1
    os.replace(path, aside)
    return aside
