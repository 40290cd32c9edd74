"""``python -m tutor`` does what ``serverlings`` does."""

from __future__ import annotations

from tutor.cli import main

raise SystemExit(main())
