"""Analysis over a process pool: batches of Pending files in, (index, FileOutcome) out.

Tree-sitter parsing and the Python detectors hold the GIL, so threads do not scale; processes
do. Each worker process builds its parsers and detectors ONCE (pool initializer), then analyses
batches of files the parent has already read and hashed. Start method: "fork" when the parent
runs a single thread (the children inherit the loaded RuleSet, compiled queries included, for
free), else "forkserver", whose workers reload the rules from their folder.

The module-level `_WORKER` slot is process-local state of pool children only (the pool API
offers no other place for what the initializer builds); the parent never sets or reads it.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from integrity.detectors import build_detectors
from integrity.filework import FileOutcome, FileWorker, Pending, WorkSettings
from integrity.rules.load import RuleSet, load_rules
from integrity.syntax.constants import ConstantRegistry, load_registry
from integrity.syntax.languages import Grammars

Batch = tuple[tuple[int, Pending], ...]
Done = list[tuple[int, FileOutcome]]

BATCH_BYTES = 512 * 1024
BATCH_FILES = 64
_INFLIGHT_BYTES = 64 << 20

_WORKER: list[FileWorker] = []


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker needs to build its FileWorker."""

    settings: WorkSettings
    ruleset: RuleSet
    registry: ConstantRegistry

    def build(self) -> FileWorker:
        """Parsers and detectors for one thread or process."""
        grammars = Grammars()
        detectors = build_detectors(self.ruleset, grammars) if self.settings.detect else ()
        return FileWorker(self.settings, grammars, detectors, self.registry)


@dataclass(frozen=True, slots=True)
class _ReloadSpec:
    """A WorkerSpec without compiled queries (they do not pickle): rules reloaded by path."""

    settings: WorkSettings
    rules_dir: str
    rule_ids: tuple[str, ...]
    registry_path: str

    def build(self) -> FileWorker:
        ruleset = load_rules(Path(self.rules_dir)).subset(frozenset(self.rule_ids))
        registry = load_registry(Path(self.registry_path))
        return WorkerSpec(self.settings, ruleset, registry).build()


def _init(spec: WorkerSpec | _ReloadSpec) -> None:
    _WORKER.clear()
    _WORKER.append(spec.build())


def _run(batch: Batch) -> Done:
    worker = _WORKER[0]
    return [(index, worker.analyse(task)) for index, task in batch]


def start_method() -> str:
    """fork when this process runs one thread, else forkserver (fork is unsafe with threads)."""
    return "fork" if threading.active_count() == 1 else "forkserver"


def batches(tasks: Sequence[tuple[int, Pending]]) -> Iterator[Batch]:
    """Group files into tasks of about BATCH_BYTES (a big file alone), in the given order."""
    batch: list[tuple[int, Pending]] = []
    weight = 0
    for item in tasks:
        batch.append(item)
        weight += item[1].weight
        if weight >= BATCH_BYTES or len(batch) >= BATCH_FILES:
            yield tuple(batch)
            batch, weight = [], 0
    if batch:
        yield tuple(batch)


class AnalysisPool:
    """A bounded window of batches over worker processes; results as they complete."""

    def __init__(self, spec: WorkerSpec, jobs: int, method: str | None = None) -> None:
        self.method = method or start_method()
        init: WorkerSpec | _ReloadSpec = spec
        if self.method != "fork":
            rules = spec.ruleset
            ids = tuple(rule.id for rule in rules.rules)
            init = _ReloadSpec(spec.settings, rules.directory, ids, spec.registry.source)
        self._jobs = jobs
        self._pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context(self.method),
            initializer=_init,
            initargs=(init,),
        )
        self._inflight: deque[tuple[Future[Done], int]] = deque()
        self._bytes = 0
        self._started = False

    def _full(self) -> bool:
        return len(self._inflight) >= self._jobs * 4 or self._bytes >= _INFLIGHT_BYTES

    def submit(self, batch: Batch) -> Iterator[tuple[int, FileOutcome]]:
        """Queue a batch; yields whatever completed while waiting for room."""
        while self._full():
            yield from self._collect(block=True)
        weight = sum(task.weight for _, task in batch)
        if not self._started:
            # The first submit forks the workers: freeze the parent's objects first, so the
            # children's garbage collector does not touch (and copy) every inherited page.
            gc.freeze()
            try:
                future = self._pool.submit(_run, batch)
            finally:
                gc.unfreeze()
            self._started = True
        else:
            future = self._pool.submit(_run, batch)
        self._inflight.append((future, weight))
        self._bytes += weight
        yield from self._collect(block=False)

    def _collect(self, *, block: bool) -> Iterator[tuple[int, FileOutcome]]:
        if not self._inflight:
            return
        futures = [future for future, _ in self._inflight]
        if block:
            wait(futures, return_when=FIRST_COMPLETED)
        keep: deque[tuple[Future[Done], int]] = deque()
        for future, weight in self._inflight:
            if future.done():
                self._bytes -= weight
                yield from future.result()
            else:
                keep.append((future, weight))
        self._inflight = keep

    def drain(self) -> Iterator[tuple[int, FileOutcome]]:
        """Everything still in flight."""
        while self._inflight:
            yield from self._collect(block=True)

    def close(self) -> None:
        """Stop the workers (cancelling anything not started)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
