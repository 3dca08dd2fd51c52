"""Per-stage progress on a TTY: entries read and hashed, analysed, served from the cache."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from integrity.walking import StageCounts

_SHOW_AFTER = 1.0
_EVERY = 0.1

Update = Callable[..., None]


@contextmanager
def _delayed_bar(quiet: bool, label: str, column: TextColumn) -> Iterator[Update | None]:
    """A transient bar on stderr, shown only on a TTY once the run passes a second; the
    yielded callable updates its task's fields (at most every 0.1 s). No refresh thread:
    worker processes fork from a one-thread parent."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    started = time.monotonic()
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        column,
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    )
    task = bar.add_task(label, total=None, stages="")
    shown = False
    last = 0.0

    def update(**fields: Any) -> None:
        nonlocal shown, last
        now = time.monotonic()
        if now - last < _EVERY:
            return
        last = now
        if not shown and now - started > _SHOW_AFTER:
            bar.start()
            shown = True
        if shown:
            bar.update(task, **fields)
            bar.refresh()

    try:
        yield update
    finally:
        if shown:
            bar.stop()


@contextmanager
def stage_progress(quiet: bool, label: str) -> Iterator[Callable[[StageCounts], None] | None]:
    """A stage counter (read, analysed, cached, done) on stderr."""
    with _delayed_bar(quiet, label, TextColumn("{task.fields[stages]}")) as update:
        if update is None:
            yield None
            return

        def tick(counts: StageCounts) -> None:
            update(
                stages=f"read {counts.hashed} · analysed {counts.analysed} · "
                f"cached {counts.cached} · done {counts.done} files"
            )

        yield tick


@contextmanager
def count_progress(quiet: bool, label: str, unit: str) -> Iterator[Callable[[int], None] | None]:
    """A plain counter ("3 repositories") on stderr."""
    with _delayed_bar(quiet, label, TextColumn(f"{{task.completed}} {unit}")) as update:
        if update is None:
            yield None
            return

        def tick(done: int) -> None:
            update(completed=done)

        yield tick
