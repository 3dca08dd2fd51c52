"""Per-file work: read and hash, analyse structure, run detectors, scope their findings.

The work of one entry is two steps: `prepare` (read and hash; everything that needs no parser)
and `FileWorker.analyse` (parse, pin constants, detect). The engine may run the second step in
another process: a `Pending` holds only picklable values (the blob without its opener, the
content bytes, the old record). One FileWorker per thread or process: it owns its tree-sitter
parsers and detector objects, which are never shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from integrity.assess import (
    nonstandard_findings,
    not_inspected_finding,
    out_of_time_finding,
    tokens_only_finding,
    unsafe_finding,
)
from integrity.baseline.build import Content, read_blob
from integrity.config import Policy
from integrity.detectors.base import Detector, FileView, changed_lines
from integrity.model import EntryType, FileBlob, FileRecord, Finding, Symbol
from integrity.syntax.analyze import Analysis, analyze
from integrity.syntax.constants import ConstantRegistry, nonstandard
from integrity.syntax.languages import Grammars, guess_language
from integrity.syntax.symbols import query_safe


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """The record of one entry and what was found in it."""

    record: FileRecord
    findings: tuple[Finding, ...]
    parsed: bool


@dataclass(frozen=True, slots=True)
class WorkSettings:
    """What every worker of a run does."""

    policy: Policy
    structure: bool
    detect: bool
    scan_mode: bool = False
    """A scan: findings carry change "unchanged", and the records, which nothing compares
    (cached apart from other modes' under their own namespace), carry no digests."""


@dataclass(frozen=True, slots=True)
class Pending:
    """A file whose content must be analysed: what a worker receives (picklable)."""

    blob: FileBlob
    content: Content
    old: FileRecord | None
    change: str

    @property
    def weight(self) -> int:
        """Bytes to analyse (how the engine balances work)."""
        return len(self.content.data) if self.content.data is not None else 0


def change_of(settings: WorkSettings, old: FileRecord | None) -> str:
    """The `change` findings of an entry carry: added, modified, or unchanged in scan mode."""
    if settings.scan_mode:
        return "unchanged"
    return "added" if old is None else "modified"


def prepare(
    settings: WorkSettings, blob: FileBlob, old: FileRecord | None
) -> FileOutcome | Pending:
    """Read and hash one entry: its outcome when no parse is needed, else the work left to do."""
    change = change_of(settings, old)
    if blob.problem:
        record = FileRecord(
            blob.path,
            blob.kind,
            blob.size,
            blob.executable,
            None,
            None,
            blob.target,
            problem=blob.problem,
        )
        return FileOutcome(record, (unsafe_finding(blob.path, blob.problem, change),), False)
    if blob.kind is not EntryType.FILE:
        record = FileRecord(
            blob.path, blob.kind, blob.size, blob.executable, None, None, blob.target
        )
        return FileOutcome(record, (), False)
    content = read_blob(blob, settings.policy.max_file_size)
    if content.error:
        record = FileRecord(
            blob.path, blob.kind, blob.size, blob.executable, None, problem=content.error
        )
        return FileOutcome(record, (unsafe_finding(blob.path, content.error, change),), False)
    if old is not None and old.kind is EntryType.FILE and old.sha256 == content.sha256:
        # Unchanged content: reuse the recorded structure (parse cache by digest).
        record = replace(old, path=blob.path, executable=blob.executable)
        return FileOutcome(record, (), False)
    if not settings.detect and (
        content.data is None or content.is_binary or not settings.structure
    ):
        # Nothing to parse or detect: finish here rather than ship the bytes to a worker.
        return _unanalysed(settings, blob, content, change)
    return Pending(replace(blob, open=None), content, old, change)


def out_of_time(settings: WorkSettings, task: Pending, limit: float) -> FileOutcome:
    """A file left unparsed because the run's time limit passed: hashed, recorded, reported."""
    outcome = _unanalysed(settings, task.blob, task.content, task.change)
    finding = out_of_time_finding(task.blob.path, limit, task.change)
    return replace(outcome, findings=(*outcome.findings, finding))


def _unanalysed(
    settings: WorkSettings, blob: FileBlob, content: Content, change: str
) -> FileOutcome:
    """The record of a file that is hashed but not parsed (binary, over the size cap, or a
    baseline built without structure)."""
    record = FileRecord(
        path=blob.path,
        kind=EntryType.FILE,
        size=content.size,
        executable=blob.executable,
        sha256=content.sha256,
        language=guess_language(blob.path, content.head),
    )
    findings: tuple[Finding, ...] = ()
    if content.data is None:
        limit = settings.policy.max_file_size
        findings = (not_inspected_finding(blob.path, content.size, limit, change),)
    return FileOutcome(record, findings, False)


@dataclass
class FileWorker:
    """Processes files one at a time; never shared between threads."""

    settings: WorkSettings
    grammars: Grammars
    detectors: tuple[Detector, ...]
    registry: ConstantRegistry

    def __post_init__(self) -> None:
        self.grammars.parse_budget = self.settings.policy.parse_timeout

    def process(
        self, blob: FileBlob, old: FileRecord | None, before: bytes | None = None
    ) -> FileOutcome:
        """Record one entry; analyse and detect when it is new or changed."""
        step = prepare(self.settings, blob, old)
        if isinstance(step, FileOutcome):
            return step
        return self.analyse(step, before)

    def analyse(self, task: Pending, before: bytes | None = None) -> FileOutcome:
        """Parse, pin constants and detect: the expensive half of `process`."""
        return self._fresh(task.blob, task.content, task.old, before, task.change)

    def _fresh(
        self,
        blob: FileBlob,
        content: Content,
        old: FileRecord | None,
        before: bytes | None,
        change: str,
    ) -> FileOutcome:
        language = guess_language(blob.path, content.head)
        analysis: Analysis | None = None
        if self.settings.structure and content.data is not None and not content.is_binary:
            analysis = analyze(
                blob.path,
                language,
                content.data,
                self.grammars,
                sensitive_globs=self.settings.policy.sensitive,
                registry=self.registry,
                digests=not self.settings.scan_mode,  # a scan's records are never compared
            )
        record = FileRecord(
            path=blob.path,
            kind=EntryType.FILE,
            size=content.size,
            executable=blob.executable,
            sha256=content.sha256,
            language=analysis.language if analysis else language,
            symbols=analysis.symbols if analysis else (),
            constants=analysis.constants if analysis else (),
            parser=analysis.parser if analysis else None,
            token_digest=analysis.token_digest if analysis else None,
        )
        findings: list[Finding] = []
        if content.data is None:
            limit = self.settings.policy.max_file_size
            findings.append(not_inspected_finding(blob.path, content.size, limit, change))
        elif self.settings.detect:
            findings.extend(self._detect(record, content.data, analysis, old, before, change))
        if analysis is not None and analysis.over_budget:
            findings.append(
                tokens_only_finding(blob.path, self.settings.policy.parse_timeout, change)
            )
        if analysis is not None and analysis.constants:
            odd = nonstandard(analysis.constants, self.registry)
            findings.extend(nonstandard_findings(blob.path, odd, change))
        return FileOutcome(record, tuple(findings), analysis is not None)

    def _detect(
        self,
        record: FileRecord,
        data: bytes,
        analysis: Analysis | None,
        old: FileRecord | None,
        before: bytes | None,
        change: str,
    ) -> list[Finding]:
        tree = analysis.tree if analysis else None
        if tree is None and record.language and not (analysis and analysis.degraded):
            tree = self.grammars.parse(record.language, data)
        before_tree = None
        if before is not None and record.language:
            before_tree = self.grammars.parse(record.language, before)
        found: list[Finding] = []
        if tree is not None and not query_safe(tree):  # flat error nodes: quadratic queries
            tree = None
            found.append(tokens_only_finding(record.path, 0.0, change))
        if before_tree is not None and not query_safe(before_tree):
            before_tree = None
        view = FileView(
            path=record.path,
            language=record.language,
            after=data,
            before=before,
            change=change,
            added_lines=_scope(data, before, old, record.symbols),
            tree=tree,
            before_tree=before_tree,
            symbols=record.symbols,
            sensitive_path=self.settings.policy.is_sensitive(record.path),
        )
        innermost: Callable[[int], Symbol | None] | None = None
        for detector in self.detectors:
            if not detector.wants(view):
                continue
            for item in detector.detect(view):
                if not view.in_scope(item.start_line, max(item.end_line, item.start_line)):
                    continue
                if innermost is None:
                    innermost = innermost_symbols(record.symbols)
                found.append(_in_context(item, innermost, change))
        return found


_PAINT_BUDGET = 2_000_000


def innermost_symbols(symbols: tuple[Symbol, ...]) -> Callable[[int], Symbol | None]:
    """line -> the smallest symbol spanning it (the first listed on ties).

    Built once per file with findings by painting lines, widest spans first, so a file with
    thousands of functions and findings stays linear. Deeply nested symbols (spans summing
    past a budget, as hostile nesting would) fall back to one pass over the symbols per line.
    """
    if sum(max(0, s.end_line - s.start_line + 1) for s in symbols) > _PAINT_BUDGET:
        return lambda line: _smallest_spanning(symbols, line)
    order = sorted(
        range(len(symbols)),
        key=lambda i: (symbols[i].start_line - symbols[i].end_line, -i),
    )
    lines: dict[int, Symbol] = {}
    for i in order:
        sym = symbols[i]
        for line in range(sym.start_line, sym.end_line + 1):
            lines[line] = sym
    return lines.get


def _smallest_spanning(symbols: tuple[Symbol, ...], line: int) -> Symbol | None:
    best: Symbol | None = None
    for sym in symbols:
        if sym.start_line <= line <= sym.end_line and (
            best is None or sym.end_line - sym.start_line < best.end_line - best.start_line
        ):
            best = sym
    return best


def _in_context(item: Finding, innermost: Callable[[int], Symbol | None], change: str) -> Finding:
    """Name the enclosing symbol; raise severity one level inside sensitive code."""
    sym = innermost(item.start_line)
    severity = item.severity
    if sym is not None and sym.sensitive:
        severity = severity.raised()
    return replace(
        item,
        symbol=item.symbol or (sym.name if sym else None),
        severity=severity,
        change=change if item.change == "unchanged" else item.change,
    )


def _scope(
    data: bytes, before: bytes | None, old: FileRecord | None, symbols: tuple[Symbol, ...]
) -> frozenset[int] | None:
    """Lines of `data` that are new or changed (None: all lines count).

    With the old content (git modes) this is a line diff. Against a baseline, which holds no
    content, it is every line outside the functions whose digest is unchanged.
    """
    if old is None:
        return None
    if before is not None:
        return changed_lines(before, data)
    lines = data.split(b"\n")
    unchanged = {(s.name, s.digest) for s in old.symbols}
    keep: set[int] = set()
    for sym in symbols:
        if (sym.name, sym.digest) in unchanged:
            keep.update(range(sym.start_line, sym.end_line + 1))
    return frozenset(n for n in range(1, len(lines) + 1) if n not in keep)
