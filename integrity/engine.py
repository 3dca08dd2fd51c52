"""The only orchestrator: sources -> records and findings -> baselines and scan results."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from integrity import __version__
from integrity.assess import BUILTIN_RULES, change_findings
from integrity.baseline.store import SCHEMA_VERSION
from integrity.config import Policy
from integrity.detectors import build_detectors
from integrity.diff import diff_records
from integrity.filework import FileOutcome, FileWorker, WorkSettings
from integrity.model import (
    Baseline,
    BaselineHeader,
    Change,
    FileBlob,
    FileRecord,
    Finding,
    ScanResult,
    ScanStats,
    Severity,
    SourceInfo,
    assign_fingerprints,
)
from integrity.rules.load import RuleSet
from integrity.sources import Source
from integrity.syntax.constants import ConstantRegistry
from integrity.syntax.languages import Grammars

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class RunContext:
    """Everything a run needs that does not come from the tree."""

    policy: Policy
    ruleset: RuleSet
    registry: ConstantRegistry
    jobs: int = 2
    structure: bool = True
    fail_on: Severity = Severity.HIGH
    progress: Progress | None = None


@dataclass(frozen=True, slots=True)
class Walk:
    """Records and findings of one pass over a source."""

    records: tuple[FileRecord, ...]
    findings: tuple[Finding, ...]
    stats: ScanStats


class _Workers:
    """Lazily creates one FileWorker per thread for the life of one run."""

    def __init__(self, ctx: RunContext, settings: WorkSettings) -> None:
        self._ctx = ctx
        self._settings = settings
        self._local = threading.local()

    def get(self) -> FileWorker:
        worker: FileWorker | None = getattr(self._local, "worker", None)
        if worker is None:
            grammars = Grammars()
            detectors = (
                build_detectors(self._ctx.ruleset, grammars) if self._settings.detect else ()
            )
            worker = FileWorker(self._settings, grammars, detectors, self._ctx.registry)
            self._local.worker = worker
        return worker


def _outcomes(
    blobs: Iterable[FileBlob],
    job: Callable[[FileBlob], FileOutcome],
    jobs: int,
    parallel: bool,
) -> Iterator[FileOutcome]:
    if not parallel or jobs <= 1:
        yield from (job(blob) for blob in blobs)
        return
    window = jobs * 8
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="integrity") as pool:
        pending: deque[Future[FileOutcome]] = deque()
        for blob in blobs:
            pending.append(pool.submit(job, blob))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def walk(
    source: Source,
    ctx: RunContext,
    old: dict[str, FileRecord] | None,
    *,
    detect: bool,
    scan_mode: bool = False,
) -> Walk:
    """Read every entry once: hash, analyse what is new or changed, detect when asked."""
    settings = WorkSettings(ctx.policy, ctx.structure, detect, scan_mode)
    workers = _Workers(ctx, settings)
    previous = old or {}

    def job(blob: FileBlob) -> FileOutcome:
        return workers.get().process(blob, previous.get(blob.path))

    records: list[FileRecord] = []
    findings: list[Finding] = []
    total_bytes = parsed = 0
    for count, outcome in enumerate(
        _outcomes(source.iter_files(), job, ctx.jobs, source.random_access), start=1
    ):
        records.append(outcome.record)
        findings.extend(outcome.findings)
        total_bytes += outcome.record.size
        parsed += outcome.parsed
        if ctx.progress is not None:
            ctx.progress(count)
    records.sort(key=lambda r: r.path)
    stats = ScanStats(files=len(records), bytes=total_bytes, parsed=parsed)
    return Walk(tuple(records), tuple(findings), stats)


def snapshot(source: Source, ctx: RunContext, created: str) -> tuple[Baseline, Walk]:
    """A baseline of a tree (structure included), with the hostile entries it holds."""
    result = walk(source, ctx, None, detect=False)
    header = BaselineHeader(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        rules_digest=ctx.ruleset.digest,
        source=source.info,
        created=created,
    )
    return Baseline(header, result.records), result


def snapshot_result(info: SourceInfo, ctx: RunContext, walked: Walk) -> ScanResult:
    """The findings of a baseline build (hostile entries, non-standard constants)."""
    return _result("baseline", info, None, ctx, walked, ())


def _rules_listing(ctx: RunContext) -> tuple[tuple[str, str, str, str], ...]:
    listed = [
        (rule.id, rule.category.value, rule.severity.value, rule.message)
        for rule in ctx.ruleset.rules
    ]
    return tuple(sorted([*BUILTIN_RULES, *listed]))


def _result(
    command: str,
    source: SourceInfo,
    baseline_source: SourceInfo | None,
    ctx: RunContext,
    walked: Walk,
    changes: tuple[Change, ...],
    extra: Iterable[Finding] = (),
) -> ScanResult:
    findings = assign_fingerprints((*walked.findings, *extra))
    return ScanResult(
        command=command,
        tool_version=__version__,
        source=source,
        baseline_source=baseline_source,
        changes=changes,
        findings=findings,
        stats=walked.stats,
        fail_on=ctx.fail_on,
        rules=_rules_listing(ctx),
    )


def verify(source: Source, baseline: Baseline, ctx: RunContext) -> ScanResult:
    """What changed since the trusted baseline, and is it suspicious."""
    old = baseline.by_path()
    walked = walk(source, ctx, old, detect=True)
    changes = diff_records(baseline.files, walked.records)
    extra: list[Finding] = []
    for change in changes:
        extra.extend(change_findings(change, ctx.policy))
    kept = _drop_unchanged_problems(walked, old)
    walked = replace(walked, findings=_one_per_constant(kept, extra))
    return _result("verify", source.info, baseline.header.source, ctx, walked, changes, extra)


def _one_per_constant(found: tuple[Finding, ...], extra: list[Finding]) -> tuple[Finding, ...]:
    """A moved constant that also departs from its standard is one finding, not two."""
    moved = {(f.path, f.start_line) for f in extra if f.rule_id == "crypto-constant-changed"}
    return tuple(
        f
        for f in found
        if not (f.rule_id == "crypto-constant-nonstandard" and (f.path, f.start_line) in moved)
    )


def _drop_unchanged_problems(walked: Walk, old: dict[str, FileRecord]) -> tuple[Finding, ...]:
    """Hostile entries already recorded in the baseline were reported when it was built."""
    kept = []
    for finding in walked.findings:
        before = old.get(finding.path)
        if finding.rule_id == "unsafe-entry" and before is not None and before.problem:
            continue
        kept.append(finding)
    return tuple(kept)


def scan(source: Source, ctx: RunContext) -> ScanResult:
    """Audit a whole tree with every detector, no baseline."""
    walked = walk(source, ctx, None, detect=True, scan_mode=True)
    return _result("scan", source.info, None, ctx, walked, ())
