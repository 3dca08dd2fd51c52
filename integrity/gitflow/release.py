"""`integrity release ARCHIVE --ref REF`: every archive member against the tag's tree.

Members are compared by git blob id (computed while streaming the member), so identical files
cost one read and no parse. What differs, and what only the archive holds, goes through the
detectors (with the tag's content as `before` where there is one); only-in-archive files are
classified (autotools output, m4 macros, translations, generated docs, or unexplained source),
and vendored m4 macros are checked against the registry of known upstream copies.
"""

from __future__ import annotations

import io
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from integrity.assess import not_inspected_finding
from integrity.detectors import build_detectors
from integrity.engine import RunContext
from integrity.filework import FileWorker, WorkSettings
from integrity.gitflow.artifacts import Artifact, classify_artifact
from integrity.gitflow.m4registry import M4Judgement, M4Registry, M4Verdict, judge_m4
from integrity.gitflow.objects import MODE_SYMLINK, Entry, ObjectReader, blob_hasher
from integrity.gitflow.policyat import Governance
from integrity.gitflow.result import build_result
from integrity.model import (
    Category,
    Confidence,
    EntryType,
    FileBlob,
    Finding,
    ScanResult,
    ScanStats,
    Severity,
    SourceInfo,
)
from integrity.sources import Source
from integrity.syntax.languages import Grammars

_CHUNK = 1 << 20
_MINOR = {
    Artifact.AUTOTOOLS: Severity.LOW,
    Artifact.TRANSLATION: Severity.INFO,
    Artifact.GENERATED_DOC: Severity.INFO,
    Artifact.M4_MACRO: Severity.LOW,
    Artifact.SOURCE: Severity.HIGH,
}
_M4_SEVERITY = {
    M4Verdict.SAME_SERIAL: Severity.CRITICAL,
    M4Verdict.NEWER_SERIAL: Severity.CRITICAL,
    M4Verdict.NO_SERIAL: Severity.CRITICAL,
    M4Verdict.OLDER_SERIAL: Severity.HIGH,
    M4Verdict.UNKNOWN_NAME: Severity.MEDIUM,
}


@dataclass(frozen=True, slots=True)
class Member:
    """An archive member read once: its git blob id and (under the cap) its content."""

    blob: FileBlob
    blob_id: bytes | None
    data: bytes | None


@dataclass(frozen=True, slots=True)
class Tag:
    """The tag side: its tree entries by path, and the reader of their objects."""

    reader: ObjectReader
    entries: dict[str, Entry]
    commit: str


def tag_entries(reader: ObjectReader, tree: bytes) -> dict[str, Entry]:
    """Every non-tree entry of the tag's tree by path (hostile names left out)."""
    return {path: entry for path, entry, problem in reader.walk(tree) if entry and not problem}


def _read_member(blob: FileBlob, cap: int) -> Member:
    if blob.kind is not EntryType.FILE or blob.open is None or blob.problem:
        return Member(blob, None, None)
    hasher = blob_hasher(blob.size)
    parts: list[bytes] | None = []
    kept = 0
    with blob.open() as stream:
        while chunk := stream.read(_CHUNK):
            hasher.update(chunk)
            kept += len(chunk)
            if parts is not None and kept <= cap:
                parts.append(chunk)
            else:
                parts = None
    data = b"".join(parts) if parts is not None else None
    return Member(blob, hasher.digest(), data)


def _same(member: Member, entry: Entry, tag: Tag) -> bool:
    blob = member.blob
    if blob.kind is EntryType.SYMLINK:
        if stat.S_IFMT(entry.mode) != MODE_SYMLINK:
            return False
        return tag.reader.blob_bytes(entry.binsha, 4096) == (blob.target or "").encode()
    if stat.S_IFMT(entry.mode) != stat.S_IFREG or member.blob_id is None:
        return False
    return member.blob_id == entry.binsha and blob.executable == bool(entry.mode & 0o111)


class ReleaseAuditor:
    """Compares a release archive with a tag's tree, with one set of rules."""

    def __init__(
        self, tag: Tag, ctx: RunContext, governance: Governance, registry: M4Registry
    ) -> None:
        self._tag = tag
        self._policy = governance.policy
        self._m4 = registry
        grammars = Grammars()
        detectors = build_detectors(ctx.ruleset, grammars)
        settings = WorkSettings(self._policy, ctx.structure, True)
        self._detect = FileWorker(settings, grammars, detectors, ctx.registry)
        self._record = FileWorker(replace(settings, detect=False), grammars, (), ctx.registry)

    def findings(self, archive: Source) -> tuple[list[Finding], ScanStats]:
        """Findings for every member that differs or is extra, then for tag-only files."""
        remaining = dict(self._tag.entries)
        found: list[Finding] = []
        files = size = parsed = 0
        for blob in archive.iter_files():
            files += 1
            size += blob.size
            entry = remaining.pop(blob.path, None)
            member = _read_member(blob, self._policy.max_file_size)
            if entry is not None and _same(member, entry, self._tag):
                continue
            more, did_parse = self._member_findings(member, entry)
            found.extend(more)
            parsed += int(did_parse)
        found.extend(_missing(path) for path in sorted(remaining))
        return found, ScanStats(files=files, bytes=size, parsed=parsed)

    def _member_findings(self, member: Member, entry: Entry | None) -> tuple[list[Finding], bool]:
        blob = member.blob
        if blob.problem or blob.kind is not EntryType.FILE:
            outcome = self._detect.process(blob, None)
            return [*outcome.findings, *self._compare(member, entry, None)], False
        if member.data is None:
            cap = self._policy.max_file_size
            extra = not_inspected_finding(blob.path, blob.size, cap, "added")
            return [extra, *self._compare(member, entry, None)], False
        data = member.data
        memory = replace(blob, size=len(data), open=lambda: io.BytesIO(data))
        old_record, before = None, None
        if entry is not None and stat.S_IFMT(entry.mode) == stat.S_IFREG:
            tag_blob = self._tag.reader.file_blob(blob.path, entry)
            old_record = self._record.process(tag_blob, None).record
            before = self._tag.reader.blob_bytes(entry.binsha, self._policy.max_file_size)
        outcome = self._detect.process(memory, old_record, before)
        return [*outcome.findings, *self._compare(member, entry, data)], outcome.parsed

    def _compare(
        self, member: Member, entry: Entry | None, data: bytes | None
    ) -> Iterator[Finding]:
        path = member.blob.path
        kind = classify_artifact(path)
        judgement = None
        if kind is Artifact.M4_MACRO and data is not None:
            judgement = judge_m4(self._m4, PurePosixPath(path).name, data)
        yield _release_finding(path, kind, entry is not None, judgement)


def _release_finding(
    path: str, kind: Artifact, in_tag: bool, judgement: M4Judgement | None
) -> Finding:
    where = "differs from the tag" if in_tag else "is in the archive but not in the tag"
    rule = "release-file-differs" if in_tag else "release-file-extra"
    severity = _MINOR[kind]
    if in_tag and kind is not Artifact.SOURCE:
        severity = Severity.LOW
    message = f"{kind.value} {where}"
    details: tuple[tuple[str, str], ...] = (("class", kind.value),)
    if judgement is not None:
        details += (
            ("m4-verdict", judgement.verdict.value),
            ("serial", judgement.serial or "none"),
            ("known-serials", ",".join(judgement.known_serials) or "none"),
        )
        if judgement.verdict is M4Verdict.KNOWN:
            severity = Severity.INFO if not in_tag else Severity.LOW
            message += (
                f"; matches upstream {judgement.origin or 'macro'} (serial {judgement.serial})"
            )
        else:
            severity = _M4_SEVERITY[judgement.verdict]
            rule = "release-m4-unknown" if severity is Severity.CRITICAL else rule
            message += "; " + _m4_text(judgement)
    elif kind is Artifact.SOURCE and not in_tag:
        message += ": nothing generates such a file; an unexplained source file"
    return Finding(
        rule_id=rule,
        category=Category.UNEXPLAINED_CHANGE,
        severity=severity,
        confidence=Confidence.HIGH,
        message=message,
        path=path,
        change="modified" if in_tag else "added",
        snippet=f"{rule} {path}",
        details=details,
    )


def _m4_text(judgement: M4Judgement) -> str:
    serial = f"serial {judgement.serial}" if judgement.serial else "no serial"
    known = ", ".join(judgement.known_serials) or "none"
    return {
        M4Verdict.UNKNOWN_NAME: f"{serial}; no upstream copy of this macro file is known",
        M4Verdict.SAME_SERIAL: f"{serial} but differs from the upstream copy of that serial",
        M4Verdict.NEWER_SERIAL: f"{serial} is newer than any upstream copy (known: {known}) "
        "and matches none",
        M4Verdict.NO_SERIAL: f"no serial, and content matches no upstream copy (known: {known})",
        M4Verdict.OLDER_SERIAL: f"{serial} matches no upstream copy known here (known: {known})",
    }[judgement.verdict]


def _missing(path: str) -> Finding:
    return Finding(
        rule_id="release-file-missing",
        category=Category.UNEXPLAINED_CHANGE,
        severity=Severity.INFO,
        confidence=Confidence.HIGH,
        message="in the tag but not in the archive",
        path=path,
        change="removed",
        snippet=f"release-file-missing {path}",
    )


def run_release(
    archive: Source,
    tag: Tag,
    ref: str,
    repo_path: Path,
    ctx: RunContext,
    governance: Governance,
    registry: M4Registry,
) -> ScanResult:
    """The release report: archive (source) against the tag (baseline side)."""
    ctx = replace(ctx, policy=governance.policy)
    auditor = ReleaseAuditor(tag, ctx, governance, registry)
    found, stats = auditor.findings(archive)
    against = SourceInfo("git", str(repo_path), ref=ref, commit=tag.commit)
    return build_result("release", archive.info, against, ctx, (), found, stats)
