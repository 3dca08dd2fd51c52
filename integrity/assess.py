"""Pure: turn path-level changes, constants and hostile entries into findings.

These are the engine's own rules (the file-level categories); their ids and metadata are listed
in BUILTIN_RULES so reports can describe them like signature rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from integrity.config import Policy
from integrity.model import (
    Category,
    Change,
    ChangeKind,
    Confidence,
    Constant,
    FileRecord,
    Finding,
    Severity,
    SymbolChangeKind,
)
from integrity.symdiff import diff_constants

BUILTIN_RULES: tuple[tuple[str, str, str, str], ...] = (
    ("file-added", "integrity-violation", "low", "A file was added to the tree"),
    ("file-removed", "integrity-violation", "low", "A file was removed from the tree"),
    ("file-modified", "integrity-violation", "low", "A file's content changed"),
    ("file-renamed", "integrity-violation", "low", "A file moved to a new path"),
    ("file-mode-changed", "integrity-violation", "low", "A file's executable bit changed"),
    ("file-type-changed", "integrity-violation", "low", "An entry changed type"),
    ("sensitive-symbol-changed", "sensitive-change", "medium", "Sensitive code changed"),
    ("crypto-constant-changed", "crypto-constant-change", "critical", "A pinned constant moved"),
    (
        "crypto-constant-nonstandard",
        "crypto-constant-change",
        "critical",
        "Departs from a standard",
    ),
    ("unsafe-entry", "unsafe-input", "high", "The tree holds a hostile entry"),
    ("not-inspected", "unsafe-input", "info", "A limit stopped inspection of a file"),
)

_RULE_IDS = {
    ChangeKind.ADDED: "file-added",
    ChangeKind.REMOVED: "file-removed",
    ChangeKind.MODIFIED: "file-modified",
    ChangeKind.RENAMED: "file-renamed",
    ChangeKind.MODE_CHANGED: "file-mode-changed",
    ChangeKind.TYPE_CHANGED: "file-type-changed",
}


def _path_severity(policy: Policy, *paths: str | None) -> Severity:
    real = [p for p in paths if p]
    if any(policy.is_frozen(p) for p in real):
        return Severity.HIGH
    if any(policy.is_sensitive(p) for p in real):
        return Severity.MEDIUM
    return Severity.LOW


def _describe(change: Change) -> tuple[str, str]:
    old, new = change.old, change.new
    if change.kind is ChangeKind.ADDED and new:
        return f"{new.kind.value} added", f"+ {new.sha256 or new.target or ''}"
    if change.kind is ChangeKind.REMOVED and old:
        return f"{old.kind.value} removed", f"- {old.sha256 or old.target or ''}"
    if change.kind is ChangeKind.RENAMED:
        return f"renamed from {change.old_path}", f"{change.old_path} -> {change.path}"
    if change.kind is ChangeKind.MODE_CHANGED and old and new:
        flip = "now executable" if new.executable else "no longer executable"
        return f"mode changed: {flip}", flip
    if change.kind is ChangeKind.TYPE_CHANGED and old and new:
        text = f"{old.kind.value} became {new.kind.value}"
        if new.target:
            text += f" (-> {new.target})"
        return text, text
    assert old is not None and new is not None
    names = [s.name for s in change.symbols]
    what = "content changed"
    if change.cosmetic:
        what = "comments or whitespace changed only"
    elif names:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        what = f"content changed in {shown}"
    return (
        what,
        f"{(old.sha256 or old.target or '')[:16]} -> {(new.sha256 or new.target or '')[:16]}",
    )


def change_findings(change: Change, policy: Policy) -> Iterator[Finding]:
    """The integrity-violation finding of a change, plus sensitive and constant findings."""
    severity = _path_severity(policy, change.path, change.old_path)
    if change.kind is ChangeKind.MODIFIED and change.cosmetic:
        severity = Severity.INFO
    message, snippet = _describe(change)
    state = "removed" if change.kind is ChangeKind.REMOVED else "modified"
    if change.kind is ChangeKind.ADDED:
        state = "added"
    yield Finding(
        rule_id=_RULE_IDS[change.kind],
        category=Category.INTEGRITY_VIOLATION,
        severity=severity,
        confidence=Confidence.HIGH,
        message=message,
        path=change.path,
        change=state,
        snippet=snippet,
    )
    if change.kind is ChangeKind.MODIFIED and change.old and change.new and not change.cosmetic:
        yield from _sensitive_findings(change, policy)
        yield from _constant_findings(change.old, change.new)


def _sensitive_findings(change: Change, policy: Policy) -> Iterator[Finding]:
    whole_file = policy.is_sensitive(change.path)
    for sym in change.symbols:
        if not sym.sensitive and not whole_file:
            continue
        tags = ", ".join(sym.sensitive) or "sensitive path"
        verb = {
            SymbolChangeKind.ADDED: "added",
            SymbolChangeKind.REMOVED: "removed",
            SymbolChangeKind.MODIFIED: "changed",
            SymbolChangeKind.RENAMED: f"renamed from {sym.old_name}",
        }[sym.kind]
        yield Finding(
            rule_id="sensitive-symbol-changed",
            category=Category.SENSITIVE_CHANGE,
            severity=Severity.MEDIUM,
            confidence=Confidence.HIGH,
            message=f"{sym.symbol_kind} {sym.name} ({tags}) {verb}: needs a reviewer",
            path=change.path,
            start_line=sym.start_line or 0,
            end_line=sym.end_line or sym.start_line or 0,
            symbol=sym.name,
            change="modified",
            snippet=f"{sym.kind.value} {sym.name}",
        )


def describe_difference(old: str, new: str) -> str:
    """Where two normalised constants differ, compactly: the first differing element."""
    before, after = old.split(","), new.split(",")
    for index, (a, b) in enumerate(zip(before, after, strict=False)):
        if a != b:
            where = f"element {index}: " if len(before) > 1 else ""
            return f"{where}{_clip(a)} -> {_clip(b)}"
    return f"{len(before)} -> {len(after)} elements"


def _clip(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit // 2] + "..." + text[-limit // 2 :]


def _constant_snippet(key: str, value: str) -> str:
    """Short enough to read; the digest keeps the fingerprint exact for the full value."""
    digest = hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"{key}: {_clip(value, 96)} (sha256:{digest})"


def _constant_findings(old: FileRecord, new: FileRecord) -> Iterator[Finding]:
    for moved in diff_constants(old, new):
        claim = f" (claims {moved.standard})" if moved.standard else ""
        what = describe_difference(moved.old, moved.new)
        yield Finding(
            rule_id="crypto-constant-changed",
            category=Category.CRYPTO_CONSTANT_CHANGE,
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            message=f"pinned constant {moved.key}{claim} changed, {what}",
            path=new.path,
            start_line=moved.line,
            end_line=moved.line,
            symbol=moved.symbol,
            change="modified",
            snippet=_constant_snippet(moved.key, moved.new),
            details=(("old", moved.old), ("new", moved.new)),
        )


def nonstandard_findings(
    path: str, found: tuple[tuple[Constant, str], ...], change: str
) -> Iterator[Finding]:
    """Critical findings for constants that claim a standard but differ from it."""
    for constant, expected in found:
        yield Finding(
            rule_id="crypto-constant-nonstandard",
            category=Category.CRYPTO_CONSTANT_CHANGE,
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            message=(
                f"constant {constant.key} claims {constant.standard or 'a standard'} but "
                f"differs from it: {_clip(expected, 160)}"
            ),
            path=path,
            start_line=constant.line,
            end_line=constant.line,
            symbol=constant.symbol,
            change=change,
            snippet=_constant_snippet(constant.key, constant.value),
            details=(("found", constant.value), ("expected", expected)),
        )


_HIGH_PROBLEMS = ("outside", "escapes", "ratio", "exceeds", "bomb", "device", "hard link")


def unsafe_finding(path: str, problem: str, change: str) -> Finding:
    """An unsafe-input finding for a hostile entry (recorded, never followed)."""
    severity = Severity.MEDIUM
    if any(word in problem for word in _HIGH_PROBLEMS):
        severity = Severity.HIGH
    if problem.startswith("unreadable"):
        severity = Severity.LOW
    return Finding(
        rule_id="unsafe-entry",
        category=Category.UNSAFE_INPUT,
        severity=severity,
        confidence=Confidence.HIGH,
        message=problem,
        path=path,
        change=change,
        snippet=problem,
    )


def _not_inspected(path: str, message: str, snippet: str, change: str) -> Finding:
    return Finding(
        rule_id="not-inspected",
        category=Category.UNSAFE_INPUT,
        severity=Severity.INFO,
        confidence=Confidence.HIGH,
        message=message,
        path=path,
        change=change,
        snippet=snippet,
    )


def not_inspected_finding(path: str, size: int, limit: int, change: str = "unchanged") -> Finding:
    """Info: a file over the analysis cap was hashed but not parsed or scanned."""
    message = f"{size} bytes exceeds max_file_size ({limit}); hashed but not inspected"
    return _not_inspected(path, message, f"size {size}", change)


def out_of_time_finding(path: str, limit: float, change: str = "unchanged") -> Finding:
    """Info: the run's time limit was reached before this file was parsed and scanned."""
    message = f"max_run_seconds ({limit:g} s) reached; hashed but not inspected"
    return _not_inspected(path, message, "run time limit", change)


def tokens_only_finding(path: str, budget: float, change: str = "unchanged") -> Finding:
    """Info: the grammar ran over the parse budget (or, budget 0, produced a tree too broken
    to query in linear time), so only token-level rules saw the file."""
    why = (
        f"parsing ran over the {budget:g}s parse_timeout"
        if budget
        else "the syntax tree is too flat (wide or broken) to query in linear time"
    )
    message = f"{why}; analysed as tokens only (syntax-tree rules did not inspect this file)"
    return _not_inspected(path, message, "parse timeout" if budget else "flat syntax tree", change)
