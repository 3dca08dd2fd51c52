"""Audit the change between two git trees: only the paths that differ are read.

Each changed path is read from the object database; the new side goes through the same
FileWorker as `verify` (read, hash, analyse, detect), with the old content as `before`, so
detector findings are scoped to the lines the change touches. Path-level and symbol-level
findings come from `diff_records` + `change_findings`; a change to the policy, the waivers or
the baselines folder is itself a finding.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from integrity.assess import change_findings
from integrity.detectors import build_detectors
from integrity.detectors.base import Detector
from integrity.diff import diff_records
from integrity.engine import RunContext
from integrity.filework import FileWorker, WorkSettings
from integrity.gitflow.objects import Delta, ObjectReader
from integrity.gitflow.policyat import Governance, read_path
from integrity.model import (
    Category,
    Change,
    Confidence,
    EntryType,
    FileBlob,
    FileRecord,
    Finding,
    ScanStats,
    Severity,
)
from integrity.syntax.languages import Grammars

_SNIFF = 8000


@dataclass(frozen=True, slots=True)
class Audit:
    """What one tree-to-tree change holds."""

    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]
    binaries: tuple[str, ...]
    stats: ScanStats


@dataclass(frozen=True, slots=True)
class _Side:
    records: list[FileRecord]
    findings: list[Finding]


class ChangeAuditor:
    """Audits tree-to-tree changes of one repository; owns parsers and detectors for one run."""

    def __init__(self, reader: ObjectReader, ctx: RunContext) -> None:
        self._reader = reader
        self._ctx = ctx
        self._grammars = Grammars()
        self._detectors: tuple[Detector, ...] = build_detectors(ctx.ruleset, self._grammars)

    def _workers(self, governance: Governance) -> tuple[FileWorker, FileWorker]:
        policy = governance.policy
        structure = self._ctx.structure
        detect = FileWorker(
            WorkSettings(policy, structure, True),
            self._grammars,
            self._detectors,
            self._ctx.registry,
        )
        record = FileWorker(
            WorkSettings(policy, structure, False), self._grammars, (), self._ctx.registry
        )
        return detect, record

    def audit(self, old_tree: bytes | None, new_tree: bytes, governance: Governance) -> Audit:
        """Records, changes and findings of the change from `old_tree` to `new_tree`."""
        detect, record = self._workers(governance)
        limit = governance.policy.max_file_size
        old_records: list[FileRecord] = []
        new_records: list[FileRecord] = []
        findings: list[Finding] = []
        binaries: list[str] = []
        parsed = total = 0
        for delta in self._reader.diff(old_tree, new_tree):
            old_record, before = self._old_side(delta, record, limit)
            if old_record is not None:
                old_records.append(old_record)
            blob = self._new_blob(delta)
            if blob is None:
                continue
            outcome = detect.process(blob, old_record, before)
            new_records.append(outcome.record)
            findings.extend(outcome.findings)
            parsed += int(outcome.parsed)
            total += outcome.record.size
            if blob.kind is EntryType.FILE and blob.open is not None and _is_binary(blob):
                binaries.append(blob.path)
        changes = diff_records(tuple(old_records), tuple(new_records))
        for change in changes:
            findings.extend(change_findings(change, governance.policy))
        findings.extend(self._governance_findings(changes, governance, old_tree, new_tree))
        stats = ScanStats(files=len(new_records), bytes=total, parsed=parsed)
        return Audit(changes, tuple(findings), tuple(sorted(binaries)), stats)

    def _old_side(
        self, delta: Delta, worker: FileWorker, limit: int
    ) -> tuple[FileRecord | None, bytes | None]:
        if delta.old is None:
            return None, None
        blob = self._reader.file_blob(delta.path, delta.old)
        old_record = worker.process(blob, None).record
        before = None
        if blob.kind is EntryType.FILE and blob.problem is None:
            before = self._reader.blob_bytes(delta.old.binsha, limit)
        return old_record, before

    def _new_blob(self, delta: Delta) -> FileBlob | None:
        if delta.problem is not None:
            return FileBlob(delta.path, EntryType.OTHER, problem=delta.problem)
        if delta.new is None:
            return None
        return self._reader.file_blob(delta.path, delta.new)

    def _governance_findings(
        self,
        changes: tuple[Change, ...],
        governance: Governance,
        old_tree: bytes | None,
        new_tree: bytes,
    ) -> list[Finding]:
        out: list[Finding] = []
        for change in changes:
            for path in dict.fromkeys(p for p in (change.path, change.old_path) if p):
                what = governance.governs(path)
                if what is None:
                    continue
                if path == "pyproject.toml" and not self._tool_table_changed(old_tree, new_tree):
                    continue
                out.append(policy_finding(path, what, change.kind.value))
        return out

    def _tool_table_changed(self, old_tree: bytes | None, new_tree: bytes) -> bool:
        tables = []
        for tree in (old_tree, new_tree):
            data = (
                None if tree is None else read_path(self._reader, tree, "pyproject.toml", 1 << 20)
            )
            tables.append(_tool_table(data))
        return tables[0] != tables[1]


def _tool_table(data: bytes | None) -> object:
    if data is None:
        return None
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ("unparsable", data)
    tool = doc.get("tool")
    return tool.get("integrity") if isinstance(tool, dict) else None


def _is_binary(blob: FileBlob) -> bool:
    assert blob.open is not None
    try:
        with blob.open() as stream:
            return b"\x00" in stream.read(_SNIFF)
    except OSError:
        return False


def policy_finding(path: str, what: str, kind: str) -> Finding:
    """A change to the rules of the review is itself for a reviewer (high)."""
    return Finding(
        rule_id="policy-changed",
        category=Category.INTEGRITY_VIOLATION,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        message=(
            f"this change {kind} {what} ({path}); the review used the base's version, "
            "a reviewer must approve the new one"
        ),
        path=path,
        change="removed" if kind == "removed" else ("added" if kind == "added" else "modified"),
        snippet=f"{kind} {path}",
    )
