"""Analysis over a process pool: batches of Pending files in, (index, FileOutcome) out.

Tree-sitter parsing and the Python detectors hold the GIL, so threads do not scale; processes
do. Each worker process builds its parsers and detectors ONCE (pool initializer), then analyses
batches of files the parent has already read and hashed. The secret rules' hyperscan database,
the largest part of that build, is compiled once, on a thread of the parent while it reads
(`WorkerSpec.secrets`), and forked workers inherit it. Start method: "fork" when the parent
runs a single thread (the children inherit the loaded RuleSet, compiled queries included, for
free), else "forkserver", whose workers reload the rules from their folder.

The module-level `_WORKER` and `_FAULT` slots are process-local state of pool children only (the
pool API offers no other place for what the initializer builds); the parent never touches them.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

from integrity.assess import unsafe_finding
from integrity.detectors import build_detectors
from integrity.filework import FileOutcome, FileWorker, Pending, WorkSettings
from integrity.model import EntryType, FileRecord
from integrity.rules.load import RuleSet, load_rules
from integrity.secrets.database import DatabaseBuild
from integrity.syntax.constants import ConstantRegistry, load_registry
from integrity.syntax.languages import Grammars

Batch = tuple[tuple[int, Pending], ...]
Done = list[tuple[int, FileOutcome]]
Reply = tuple[Done, int]  # outcomes, and the worker's peak RSS in bytes

BATCH_BYTES = 512 * 1024
BATCH_FILES = 64
_INFLIGHT_BYTES = 64 << 20
WORKER_RSS_LIMIT = 512 << 20
"""Workers whose peak RSS passes this are replaced by fresh ones between batches, a safety net
for memory a long-lived worker cannot give back (fragmentation after a huge file; tree-sitter
0.26.1 leaked in `QueryCursor.matches` with a predicate callback, which the query rules no
longer use: they filter matches afterwards)."""

_WORKER: list[FileWorker] = []
_FAULT: list[str] = []


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker needs to build its FileWorker."""

    settings: WorkSettings
    ruleset: RuleSet
    registry: ConstantRegistry
    fault_path: str | None = None
    """Test instrumentation passed as data: a worker process exits abruptly when asked to
    analyse this path, as a parser crash would make it."""
    secrets: DatabaseBuild | None = None
    """The secret rules' hyperscan database, compiling on a thread of the parent: workers
    forked after `wait()` inherit it."""

    def build(self) -> FileWorker:
        """Parsers and detectors for one thread or process."""
        grammars = Grammars()
        detectors = (
            build_detectors(self.ruleset, grammars, self.secrets) if self.settings.detect else ()
        )
        return FileWorker(self.settings, grammars, detectors, self.registry)

    def ready(self) -> bool:
        """True when nothing is compiling on a thread (a fork now would be safe)."""
        return self.secrets is None or self.secrets.done()

    def wait(self) -> None:
        """Let what compiles on a thread finish (before any fork)."""
        if self.secrets is not None:
            self.secrets.wait()


@dataclass(frozen=True, slots=True)
class _ReloadSpec:
    """A WorkerSpec without compiled queries (they do not pickle): rules reloaded by path."""

    settings: WorkSettings
    rules_dir: str
    rule_ids: tuple[str, ...]
    registry_path: str
    fault_path: str | None = None

    def build(self) -> FileWorker:
        # the parent loaded (and checked) the same rules: compile queries on first use
        ruleset = load_rules(Path(self.rules_dir), checked=True)
        ruleset = ruleset.subset(frozenset(self.rule_ids))
        registry = load_registry(Path(self.registry_path))
        return WorkerSpec(self.settings, ruleset, registry).build()


def _init(spec: WorkerSpec | _ReloadSpec) -> None:
    _WORKER.clear()
    _WORKER.append(spec.build())
    _FAULT[:] = [spec.fault_path] if spec.fault_path else []


def _run(batch: Batch) -> Reply:
    worker = _WORKER[0]
    done: Done = []
    for index, task in batch:
        if task.blob.path in _FAULT:
            os._exit(70)
        done.append((index, worker.analyse(task)))
    return done, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


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


def crashed_outcome(task: Pending) -> FileOutcome:
    """A file whose analysis killed its worker process (twice): recorded without structure,
    reported as hostile input; the run goes on."""
    blob, content = task.blob, task.content
    record = FileRecord(blob.path, EntryType.FILE, content.size, blob.executable, content.sha256)
    problem = "analysis crashed a worker process (parser or detector fault on this content)"
    return FileOutcome(record, (unsafe_finding(blob.path, problem, task.change),), False)


class AnalysisPool:
    """A bounded window of batches over worker processes; results as they complete.

    A worker that dies (a parser crash on hostile content, the OOM killer) breaks the pool:
    the batches in flight are re-run one file at a time on a fresh single worker, a file that
    kills that worker too gets `crashed_outcome`, and a fresh pool takes over the rest.
    """

    def __init__(self, spec: WorkerSpec, jobs: int, method: str | None = None) -> None:
        spec.wait()  # no fork while a thread of this process compiles
        self.method = method or start_method()
        self._spec = spec
        self._jobs = jobs
        self._pool = self._executor(jobs)
        self._inflight: deque[tuple[Future[Reply], Batch]] = deque()
        self._bytes = 0
        self._started = False
        self._peak = 0
        self.crashes = 0
        self.recycled = 0
        self.rss_limit = WORKER_RSS_LIMIT

    def _executor(self, workers: int) -> ProcessPoolExecutor:
        init: WorkerSpec | _ReloadSpec = self._spec
        if self.method != "fork":
            rules, spec = self._spec.ruleset, self._spec
            ids = tuple(rule.id for rule in rules.rules)
            init = _ReloadSpec(spec.settings, rules.directory, ids, spec.registry.source)
            init = replace(init, fault_path=spec.fault_path)
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(self.method),
            initializer=_init,
            initargs=(init,),
        )

    def _full(self) -> bool:
        return len(self._inflight) >= self._jobs * 4 or self._bytes >= _INFLIGHT_BYTES

    def _take(self, reply: Reply) -> Done:
        done, peak = reply
        self._peak = max(self._peak, peak)
        return done

    def _recycle(self) -> Iterator[tuple[int, FileOutcome]]:
        """Drain, then replace the workers (their memory grew past the limit)."""
        yield from self.drain()
        self._pool.shutdown(wait=True)
        self.method = start_method()
        self._pool = self._executor(self._jobs)
        self._started = False
        self._peak = 0
        self.recycled += 1

    def submit(self, batch: Batch) -> Iterator[tuple[int, FileOutcome]]:
        """Queue a batch; yields whatever completed while waiting for room."""
        if self._peak > self.rss_limit:
            yield from self._recycle()
        while self._full():
            yield from self._collect(block=True)
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
        self._inflight.append((future, batch))
        self._bytes += _weight(batch)
        yield from self._collect(block=False)

    def _collect(self, *, block: bool) -> Iterator[tuple[int, FileOutcome]]:
        if not self._inflight:
            return
        if block:
            wait([future for future, _ in self._inflight], return_when=FIRST_COMPLETED)
        keep: deque[tuple[Future[Reply], Batch]] = deque()
        lost: list[tuple[int, Pending]] = []
        for future, batch in self._inflight:
            if not future.done():
                keep.append((future, batch))
                continue
            self._bytes -= _weight(batch)
            try:
                yield from self._take(future.result())
            except BrokenProcessPool:
                lost.extend(batch)
        self._inflight = keep
        if lost:
            yield from self._recover(lost)

    def _recover(self, lost: list[tuple[int, Pending]]) -> Iterator[tuple[int, FileOutcome]]:
        wait([future for future, _ in self._inflight])
        for future, batch in self._inflight:  # the broken pool fails them all (or finished)
            if future.exception() is None:
                yield from self._take(future.result())
            else:
                lost.extend(batch)
        self._inflight.clear()
        self._bytes = 0
        self._pool.shutdown(wait=True)
        self.method = start_method()
        single: ProcessPoolExecutor | None = None
        for index, task in sorted(lost, key=lambda item: item[0]):
            single = single or self._executor(1)
            try:
                yield from single.submit(_run, ((index, task),)).result()[0]
            except BrokenProcessPool:
                self.crashes += 1
                yield index, crashed_outcome(task)
                single.shutdown(wait=True)
                single = None
        if single is not None:
            single.shutdown(wait=True)
        self._pool = self._executor(self._jobs)

    def drain(self) -> Iterator[tuple[int, FileOutcome]]:
        """Everything still in flight."""
        while self._inflight:
            yield from self._collect(block=True)

    def close(self) -> None:
        """Stop the workers (cancelling anything not started)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _weight(batch: Batch) -> int:
    return sum(task.weight for _, task in batch)
