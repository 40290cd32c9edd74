"""Where the built-in course and the learner's data live."""

from __future__ import annotations

import os
from pathlib import Path


def builtin_course_dir() -> Path:
    """The built-in course, shipped inside the package."""
    import content

    return Path(content.__file__).parent / "serverless-foundations"


def default_home() -> Path:
    """$SERVERLINGS_HOME, or the platform's user data folder."""
    override = os.environ.get("SERVERLINGS_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("serverlings"))
