"""The face of serverlings: the terminal app, the plain shell and the command line."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("serverlings")
except metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0.1.0"
