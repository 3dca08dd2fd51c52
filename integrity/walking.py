"""The moving parts of one walk: entry order, where analysis runs, and stage counters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType

from integrity.filework import FileOutcome, FileWorker, Pending
from integrity.model import EntryType, FileBlob
from integrity.sources import Source
from integrity.workpool import BATCH_BYTES, BATCH_FILES, AnalysisPool, WorkerSpec, batches

PREBUILD_WAIT_BYTES = 32 << 20
"""Text buffered, at most, while the secrets database still compiles before the pool forks."""


@dataclass(frozen=True, slots=True)
class StageCounts:
    """How far a walk got: entries read and hashed, analysed (parsed + detected), served from
    the cache, and finished in total."""

    hashed: int = 0
    analysed: int = 0
    cached: int = 0
    done: int = 0


StageProgress = Callable[[StageCounts], None]


class StageCounter:
    """Counts stages and reports them to the run's callbacks."""

    def __init__(self, stages: StageProgress | None, progress: Callable[[int], None] | None):
        self._stages = stages
        self._progress = progress
        self._hashed = self._analysed = self._cached = self._done = 0

    def hashed(self) -> None:
        """One more entry read and hashed."""
        self._hashed += 1

    def done(self, *, analysed: bool = False, cached: bool = False) -> None:
        """One more entry finished."""
        self._done += 1
        self._analysed += analysed
        self._cached += cached
        if self._progress is not None:
            self._progress(self._done)
        if self._stages is not None:
            self._stages(StageCounts(self._hashed, self._analysed, self._cached, self._done))


@dataclass(frozen=True, slots=True)
class Plan:
    """The entries of a walk as (source position, entry), in processing order."""

    entries: Iterator[tuple[int, FileBlob]]


def _weight(blob: FileBlob) -> int:
    return blob.size if blob.kind is EntryType.FILE and blob.problem is None else 0


def plan_entries(source: Source, jobs: int) -> Plan:
    """(source position, entry) pairs: biggest files first when running in parallel on a source
    that can be read out of order (so one huge file starts early and does not serialise the end
    of the run); source order otherwise."""
    if jobs <= 1 or not source.random_access:
        return Plan(enumerate(source.iter_files()))
    listed = list(enumerate(source.iter_files()))
    listed.sort(key=lambda item: (-_weight(item[1]), item[0]))
    return Plan(iter(listed))


class Analyser:
    """Runs the analysis half of the per-file work, in-process or on a process pool.

    With jobs > 1 it buffers work until there is enough to pay for a pool (min_bytes of text
    or min_files files); a small run never starts one. Results come back as (position, outcome)
    in any order; the caller merges by position.
    """

    def __init__(self, spec: WorkerSpec, jobs: int, min_bytes: int, min_files: int) -> None:
        self._spec = spec
        self._jobs = jobs
        self._min_bytes = min_bytes
        self._min_files = min_files
        self._worker: FileWorker | None = None
        self._pool: AnalysisPool | None = None
        self._buffer: list[tuple[int, Pending]] = []
        self._buffered = 0
        self._batch: list[tuple[int, Pending]] = []
        self._batch_bytes = 0

    def __enter__(self) -> Analyser:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    @property
    def pooled(self) -> bool:
        """Whether this run started worker processes."""
        return self._pool is not None

    def _inline(self, index: int, task: Pending) -> tuple[int, FileOutcome]:
        if self._worker is None:
            self._worker = self._spec.build()
        return index, self._worker.analyse(task)

    def add(self, index: int, task: Pending) -> Iterator[tuple[int, FileOutcome]]:
        """Queue one file; yields any outcomes that are ready."""
        if self._jobs <= 1:
            yield self._inline(index, task)
            return
        if self._pool is None:
            self._buffer.append((index, task))
            self._buffered += task.weight
            if not self._enough_for_pool():
                return
            if not self._spec.ready() and self._buffered < PREBUILD_WAIT_BYTES:
                return  # keep reading while the secrets database compiles
            yield from self._start_pool()
            return
        self._batch.append((index, task))
        self._batch_bytes += task.weight
        if self._batch_bytes >= BATCH_BYTES or len(self._batch) >= BATCH_FILES:
            yield from self._flush()

    def _enough_for_pool(self) -> bool:
        """Buffered work enough to pay for worker processes (min_bytes of text or min_files)."""
        return self._buffered >= self._min_bytes or len(self._buffer) >= self._min_files

    def _start_pool(self) -> Iterator[tuple[int, FileOutcome]]:
        """Enough buffered work to pay for worker processes: start them, hand it over."""
        self._pool = AnalysisPool(self._spec, self._jobs)
        queued, self._buffer = self._buffer, []
        for batch in batches(queued):
            yield from self._pool.submit(batch)

    def _flush(self) -> Iterator[tuple[int, FileOutcome]]:
        assert self._pool is not None
        batch, self._batch, self._batch_bytes = tuple(self._batch), [], 0
        if batch:
            yield from self._pool.submit(batch)

    def finish(self) -> Iterator[tuple[int, FileOutcome]]:
        """Everything not yet returned."""
        if self._pool is None and self._jobs > 1 and self._enough_for_pool():
            yield from self._start_pool()  # the source ended while the database compiled
        if self._pool is None:
            for index, task in self._buffer:
                yield self._inline(index, task)
            self._buffer = []
            return
        yield from self._flush()
        yield from self._pool.drain()
