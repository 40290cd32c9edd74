"""SnapStart's runtime hooks for Python, as Lambda's Python runtimes offer them.

A function registers callables to run before the snapshot is taken (at PublishVersion,
after the init code) and after each restore (before the first invocation of a restored
environment)::

    from snapshot_restore_py import register_after_restore, register_before_snapshot

    @register_after_restore
    def reconnect():
        ...

    register_before_snapshot(close_connections, pool)

Before-snapshot hooks run in the reverse order of registration, after-restore hooks in
the order of registration. In an environment that is not SnapStart's, no hook runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_before_snapshot: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []
_after_restore: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []


def register_before_snapshot(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``func(*args, **kwargs)`` before the snapshot is taken; usable as a decorator."""
    _before_snapshot.append((func, args, kwargs))
    return func


def register_after_restore(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``func(*args, **kwargs)`` after each restore; usable as a decorator."""
    _after_restore.append((func, args, kwargs))
    return func


def run(phase: str) -> None:
    """Run the hooks of ``before_snapshot`` or ``after_restore`` (called by the runtime)."""
    hooks = reversed(_before_snapshot) if phase == "before_snapshot" else iter(_after_restore)
    for func, args, kwargs in hooks:
        func(*args, **kwargs)
