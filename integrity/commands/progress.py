"""Per-stage progress on a TTY: entries read and hashed, analysed, served from the cache."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from integrity.walking import StageCounts

_SHOW_AFTER = 1.0
_EVERY = 0.1


@contextmanager
def stage_progress(quiet: bool, label: str) -> Iterator[Callable[[StageCounts], None] | None]:
    """A stage counter on stderr, shown only on a TTY once the run passes a second."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    started = time.monotonic()
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[stages]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,  # no refresh thread: worker processes fork from a one-thread parent
    )
    task = bar.add_task(label, total=None, stages="")
    shown = False
    last = 0.0

    def tick(counts: StageCounts) -> None:
        nonlocal shown, last
        now = time.monotonic()
        if now - last < _EVERY:
            return
        last = now
        if not shown and now - started > _SHOW_AFTER:
            bar.start()
            shown = True
        if shown:
            text = (
                f"read {counts.hashed} · analysed {counts.analysed} · "
                f"cached {counts.cached} · done {counts.done} files"
            )
            bar.update(task, stages=text)
            bar.refresh()

    try:
        yield tick
    finally:
        if shown:
            bar.stop()


@contextmanager
def count_progress(quiet: bool, label: str, unit: str) -> Iterator[Callable[[int], None] | None]:
    """A plain counter ("3 repositories") on stderr, shown only on a TTY after a second."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    started = time.monotonic()
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn(f"{{task.completed}} {unit}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task(label, total=None)
    shown = False

    def tick(done: int) -> None:
        nonlocal shown
        if not shown and time.monotonic() - started > _SHOW_AFTER:
            bar.start()
            shown = True
        if shown:
            bar.update(task, completed=done)

    try:
        yield tick
    finally:
        if shown:
            bar.stop()
