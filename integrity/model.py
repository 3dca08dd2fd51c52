"""Frozen value types shared by every layer. A leaf module: imports only the standard library."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import BinaryIO


class Severity(StrEnum):
    """Finding severity, ordered from least to most severe."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 4 for critical."""
        return _SEVERITY_ORDER.index(self)

    def raised(self, steps: int = 1) -> Severity:
        """This severity raised by `steps` levels, capped at critical."""
        return _SEVERITY_ORDER[min(self.rank + steps, len(_SEVERITY_ORDER) - 1)]

    def lowered(self, steps: int = 1) -> Severity:
        """This severity lowered by `steps` levels, floored at info."""
        return _SEVERITY_ORDER[max(self.rank - steps, 0)]

    def at_least(self, other: Severity) -> bool:
        """True when this severity is `other` or more severe."""
        return self.rank >= other.rank


_SEVERITY_ORDER: tuple[Severity, ...] = (
    Severity.INFO,
    Severity.LOW,
    Severity.MEDIUM,
    Severity.HIGH,
    Severity.CRITICAL,
)


class Confidence(StrEnum):
    """How sure a detector is that its finding is real."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Category(StrEnum):
    """The closed set of finding categories (DESIGN.md part A)."""

    HARDCODED_CREDENTIAL = "hardcoded-credential"
    AUTH_BYPASS = "auth-bypass"
    HIDDEN_EXEC = "hidden-exec"
    NETWORK_EXFILTRATION = "network-exfiltration"
    OBFUSCATED_PAYLOAD = "obfuscated-payload"
    TROJAN_SOURCE = "trojan-source"
    CRYPTO_CONSTANT_CHANGE = "crypto-constant-change"
    BUILD_SABOTAGE = "build-sabotage"
    OPAQUE_BINARY = "opaque-binary"
    SUSPICIOUS_DEPENDENCY = "suspicious-dependency"
    TIME_BOMB = "time-bomb"
    SENSITIVE_CHANGE = "sensitive-change"
    INTEGRITY_VIOLATION = "integrity-violation"
    UNEXPLAINED_CHANGE = "unexplained-change"
    UNSAFE_INPUT = "unsafe-input"


class EntryType(StrEnum):
    """What a path in a tree is."""

    FILE = "file"
    SYMLINK = "symlink"
    GITLINK = "gitlink"
    OTHER = "other"


class ChangeKind(StrEnum):
    """How a path differs between a baseline and a later tree."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    RENAMED = "renamed"
    MODE_CHANGED = "mode-changed"
    TYPE_CHANGED = "type-changed"


class SymbolChangeKind(StrEnum):
    """How a function, method or class differs between two versions of a file."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    RENAMED = "renamed"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a tree came from: kind is "directory", "git" or "archive"."""

    kind: str
    location: str
    ref: str | None = None
    commit: str | None = None
    digest: str | None = None


@dataclass(frozen=True, slots=True)
class FileBlob:
    """One entry of a tree as a Source yields it.

    `open` returns a fresh binary stream of the content (files only). For sequential sources
    (archives) it is only valid until the source's iterator advances. `problem` is set when the
    entry itself is hostile (symlink out of the tree, special file, unreadable, path escaping the
    archive); such an entry is still recorded, never followed.
    """

    path: str
    kind: EntryType
    size: int = 0
    executable: bool = False
    target: str | None = None
    open: Callable[[], BinaryIO] | None = field(default=None, compare=False, repr=False)
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Symbol:
    """A function, method or class with the digest of its normalised token stream."""

    name: str
    kind: str
    start_line: int
    end_line: int
    digest: str  # empty in a scan's records (never compared: see WorkSettings.scan_mode)
    sensitive: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Constant:
    """A pinned literal that looks cryptographic.

    `key` identifies it across versions (enclosing symbol / assigned name + occurrence index);
    `value` is the normalised literal text; `standard` names a registry entry it matches or
    claims to follow.
    """

    key: str
    value: str
    line: int
    symbol: str | None = None
    standard: str | None = None


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A baseline entry: everything recorded about one path."""

    path: str
    kind: EntryType
    size: int
    executable: bool
    sha256: str | None
    language: str | None = None
    target: str | None = None
    symbols: tuple[Symbol, ...] = ()
    constants: tuple[Constant, ...] = ()
    parser: str | None = None
    token_digest: str | None = None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class BaselineHeader:
    """Metadata of a baseline document."""

    schema_version: int
    tool_version: str
    rules_digest: str
    source: SourceInfo
    created: str


@dataclass(frozen=True, slots=True)
class Baseline:
    """A manifest of a tree: header plus one record per path, sorted by path."""

    header: BaselineHeader
    files: tuple[FileRecord, ...]

    def by_path(self) -> dict[str, FileRecord]:
        """Records keyed by path."""
        return {record.path: record for record in self.files}


@dataclass(frozen=True, slots=True)
class SymbolChange:
    """One symbol-level difference inside a modified file."""

    kind: SymbolChangeKind
    name: str
    symbol_kind: str
    old_name: str | None = None
    start_line: int | None = None
    end_line: int | None = None
    sensitive: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """One path-level difference between a baseline and a later tree."""

    path: str
    kind: ChangeKind
    old: FileRecord | None
    new: FileRecord | None
    old_path: str | None = None
    symbols: tuple[SymbolChange, ...] = ()
    cosmetic: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a reviewer must look at (DESIGN.md part A)."""

    rule_id: str
    category: Category
    severity: Severity
    confidence: Confidence
    message: str
    path: str
    start_line: int = 0
    end_line: int = 0
    symbol: str | None = None
    change: str = "unchanged"
    fingerprint: str = ""
    snippet: str = ""
    details: tuple[tuple[str, str], ...] = ()
    status: str = "open"
    waiver: tuple[tuple[str, str], ...] = ()

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic order: path, line, end line, rule id, fingerprint."""
        return (self.path, self.start_line, self.end_line, self.rule_id, self.fingerprint)


@dataclass(frozen=True, slots=True)
class ScanStats:
    """Counters for the summary."""

    files: int = 0
    bytes: int = 0
    parsed: int = 0
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything a renderer needs, and nothing else."""

    command: str
    tool_version: str
    source: SourceInfo
    baseline_source: SourceInfo | None
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]
    stats: ScanStats = ScanStats()
    fail_on: Severity = Severity.HIGH
    rules: tuple[tuple[str, str, str, str], ...] = ()
    """(rule_id, category, severity, short description) of every rule that was active."""

    def counts(self) -> dict[str, int]:
        """Open findings per severity name (all five keys present)."""
        totals = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            if finding.status == "open":
                totals[finding.severity.value] += 1
        return totals

    def failing(self) -> bool:
        """True when an open finding is at or above `fail_on`."""
        return any(f.status == "open" and f.severity.at_least(self.fail_on) for f in self.findings)


def normalise_match(text: str) -> str:
    """Whitespace-insensitive form of matched content used in fingerprints."""
    return " ".join(text.split())


def fingerprint(rule_id: str, path: str, content: str, symbol: str | None, occurrence: int) -> str:
    """Stable finding identity: no line numbers, so moved code keeps its identity."""
    parts = (rule_id, path, normalise_match(content), symbol or "", str(occurrence))
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


def assign_fingerprints(findings: Iterator[Finding] | tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Give each finding whose fingerprint is empty one from its snippet and occurrence index.

    The occurrence index counts earlier findings with the same rule, path, symbol and content,
    in line order, so two identical matches in one file stay distinct.
    """
    ordered = sorted(findings, key=Finding.sort_key)
    seen: dict[tuple[str, str, str, str], int] = {}
    out: list[Finding] = []
    for item in ordered:
        if item.fingerprint:
            out.append(item)
            continue
        key = (item.rule_id, item.path, item.symbol or "", normalise_match(item.snippet))
        index = seen.get(key, 0)
        seen[key] = index + 1
        fp = fingerprint(item.rule_id, item.path, item.snippet, item.symbol, index)
        out.append(replace(item, fingerprint=fp))
    return tuple(sorted(out, key=Finding.sort_key))


def matchable(path: str) -> str:
    """A path safe for glob engines that need valid Unicode: undecodable bytes (lone
    surrogates from surrogateescape) become U+FFFD. For matching only, never for display."""
    if path.isascii():
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
