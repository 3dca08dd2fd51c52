"""The only orchestrator: sources -> records and findings -> baselines and scan results."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from integrity import __version__
from integrity.assess import BUILTIN_RULES, change_findings
from integrity.baseline.store import SCHEMA_VERSION
from integrity.cache import DEFAULT_MAX_BYTES, CachedOutcome, ResultCache, run_namespace
from integrity.config import Policy
from integrity.detectors.secrets import secret_rules
from integrity.diff import diff_records
from integrity.filework import FileOutcome, Pending, WorkSettings, out_of_time, prepare
from integrity.model import (
    Baseline,
    BaselineHeader,
    Change,
    FileRecord,
    Finding,
    ScanResult,
    ScanStats,
    Severity,
    SourceInfo,
    assign_fingerprints,
)
from integrity.rules.load import RuleSet
from integrity.secrets.database import DatabaseBuild
from integrity.sources import Source
from integrity.syntax.constants import ConstantRegistry
from integrity.walking import Analyser, StageCounter, StageProgress, plan_entries
from integrity.workpool import WorkerSpec, start_method

Progress = Callable[[int], None]

POOL_MIN_BYTES = 2 << 20
"""Text to analyse before a process pool pays for itself (start-up ~50 ms + detector build)."""
POOL_MIN_FILES = 200
LOOKUP_FILES = 64
LOOKUP_BYTES = 4 << 20
"""Hashed files (or bytes of them) looked up in the cache together, in one query."""


@dataclass(frozen=True, slots=True)
class RunContext:
    """Everything a run needs that does not come from the tree.

    `cache_dir` names the folder of the content-addressed outcome cache (None: no cache);
    `pool_min_bytes`/`pool_min_files` say when work is big enough for worker processes.
    """

    policy: Policy
    ruleset: RuleSet
    registry: ConstantRegistry
    jobs: int = 2
    structure: bool = True
    fail_on: Severity = Severity.HIGH
    progress: Progress | None = None
    cache_dir: Path | None = None
    cache_max_bytes: int = DEFAULT_MAX_BYTES
    pool_min_bytes: int = POOL_MIN_BYTES
    pool_min_files: int = POOL_MIN_FILES
    stages: StageProgress | None = None


@dataclass(frozen=True, slots=True)
class Walk:
    """Records and findings of one pass over a source."""

    records: tuple[FileRecord, ...]
    findings: tuple[Finding, ...]
    stats: ScanStats


def walk(
    source: Source,
    ctx: RunContext,
    old: dict[str, FileRecord] | None,
    *,
    detect: bool,
    scan_mode: bool = False,
) -> Walk:
    """Read every entry once: hash, analyse what is new or changed, detect when asked.

    Reading and hashing happen here, in source order (or biggest first when the source allows
    random access); analysis runs in-process or on worker processes; outcomes are merged by
    source position, so the result is the same for any number of jobs.
    """
    settings = WorkSettings(ctx.policy, ctx.structure, detect, scan_mode)
    spec = WorkerSpec(settings, ctx.ruleset, ctx.registry, secrets=_secrets_build(ctx, detect))
    cache = _open_cache(ctx, settings) if old is None else None
    outcomes: dict[int, FileOutcome] = {}
    counter = StageCounter(ctx.stages, ctx.progress)
    try:
        plan = plan_entries(source, ctx.jobs)
        limits = (ctx.pool_min_bytes, ctx.pool_min_files)
        with Analyser(spec, ctx.jobs, *limits) as analyser:
            limit = ctx.policy.max_run_seconds
            deadline = None if limit is None else time.monotonic() + limit
            waiting: list[tuple[int, Pending]] = []  # hashed, not yet looked up in the cache
            waiting_bytes = 0
            for index, blob in plan.entries:
                step = prepare(settings, blob, (old or {}).get(blob.path))
                counter.hashed()
                if isinstance(step, Pending) and deadline and time.monotonic() > deadline:
                    step = out_of_time(settings, step, limit or 0.0)
                if isinstance(step, FileOutcome):
                    outcomes[index] = step
                    counter.done()
                    continue
                waiting.append((index, step))
                waiting_bytes += step.weight
                if cache is None or len(waiting) >= LOOKUP_FILES or waiting_bytes >= LOOKUP_BYTES:
                    _dispatch(waiting, cache, analyser, outcomes, counter)
                    waiting, waiting_bytes = [], 0
            _dispatch(waiting, cache, analyser, outcomes, counter)
            for at, outcome in analyser.finish():
                _keep(outcomes, at, outcome, cache, counter)
    finally:
        spec.wait()  # the secrets database thread, even when listing the source failed
        if cache is not None:
            cache.close()
    return _merged(outcomes)


def _secrets_build(ctx: RunContext, detect: bool) -> DatabaseBuild | None:
    """Start compiling the secrets database on a thread, when worker processes may fork from
    this one (a run served from the cache never waits for it; it only compiles meanwhile)."""
    if not detect or ctx.jobs <= 1 or start_method() != "fork":
        return None
    rules = secret_rules(ctx.ruleset.rules)
    return DatabaseBuild(rules) if rules else None


def _keep(
    outcomes: dict[int, FileOutcome],
    index: int,
    outcome: FileOutcome,
    cache: ResultCache | None,
    counter: StageCounter,
) -> None:
    outcomes[index] = outcome
    counter.done(analysed=True)
    record = outcome.record
    if cache is not None and record.sha256 is not None:
        cache.put(
            record.path, record.sha256, CachedOutcome(record, outcome.findings, outcome.parsed)
        )


def _dispatch(
    waiting: list[tuple[int, Pending]],
    cache: ResultCache | None,
    analyser: Analyser,
    outcomes: dict[int, FileOutcome],
    counter: StageCounter,
) -> None:
    """Serve the waiting files the cache holds (one lookup for them all); analyse the others."""
    for (index, step), hit in zip(waiting, _cached(cache, waiting), strict=True):
        if hit is not None:
            outcomes[index] = hit
            counter.done(cached=True)
            continue
        for at, outcome in analyser.add(index, step):
            _keep(outcomes, at, outcome, cache, counter)


def _cached(
    cache: ResultCache | None, waiting: list[tuple[int, Pending]]
) -> list[FileOutcome | None]:
    """The cached outcome of each waiting file (None: not cached, or nothing to look up by)."""
    if cache is None:
        return [None] * len(waiting)
    keyed = [
        (position, (step.blob.path, step.content.sha256, step.blob.executable))
        for position, (_, step) in enumerate(waiting)
        if step.content.sha256 is not None
    ]
    out: list[FileOutcome | None] = [None] * len(waiting)
    found = cache.get_many([key for _, key in keyed]) if keyed else []
    for (position, _), item in zip(keyed, found, strict=True):
        if item is not None:
            out[position] = FileOutcome(item.record, item.findings, item.parsed)
    return out


def _merged(outcomes: dict[int, FileOutcome]) -> Walk:
    records: list[FileRecord] = []
    findings: list[Finding] = []
    total_bytes = parsed = 0
    for index in sorted(outcomes):
        outcome = outcomes[index]
        records.append(outcome.record)
        findings.extend(outcome.findings)
        total_bytes += outcome.record.size
        parsed += outcome.parsed
    records.sort(key=lambda r: r.path)
    stats = ScanStats(files=len(records), bytes=total_bytes, parsed=parsed)
    return Walk(tuple(records), tuple(findings), stats)


def _open_cache(ctx: RunContext, settings: WorkSettings) -> ResultCache | None:
    if ctx.cache_dir is None:
        return None
    flags = f"structure={settings.structure},detect={settings.detect},scan={settings.scan_mode}"
    space = run_namespace(
        ctx.ruleset.digest,
        (
            ",".join(sorted(rule.id for rule in ctx.ruleset.rules)),
            hashlib.sha256(repr(ctx.policy).encode("utf-8", "surrogateescape")).hexdigest(),
            hashlib.sha256(repr(ctx.registry).encode("utf-8", "surrogateescape")).hexdigest(),
            flags,
        ),
    )
    return ResultCache(ctx.cache_dir, space, ctx.cache_max_bytes)


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
    # One entry per path: a repeated archive member (reported by the walk) keeps its first copy.
    first: dict[str, FileRecord] = {}
    for record in result.records:
        first.setdefault(record.path, record)
    return Baseline(header, tuple(first.values())), result


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
