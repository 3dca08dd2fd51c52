"""Pure: commit-level signals (what a commit claims vs what it changes, who made it, signed?)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from integrity.config import Policy
from integrity.gitflow.changeset import Audit
from integrity.gitflow.commits import CommitFacts
from integrity.gitflow.safegit import SignatureStatus
from integrity.model import Category, Change, Confidence, Finding, Severity
from integrity.syntax.classify import classify_path, is_build_file

_TRIVIAL = re.compile(
    r"(?:\bfix(?:ed|es)?\s+)?\btypos?\b|\bspelling\b|\btest\s+files?\b|\bclean\s*-?\s*ups?\b"
    r"|\b(?:fix(?:ed|es)?|remove[ds]?|strip(?:ped)?|trailing)\s+white\s*space\b"
    r"|\bwhite\s*space\s+(?:only|fix(?:es)?|changes?|cleanup)\b"
    r"|\b(?:minor|trivial|cosmetic|small)\s+(?:fix(?:es)?|changes?|cleanups?|tweaks?|updates?"
    r"|edits?|refactor(?:ing)?)\b|^(?:minor|trivial|cosmetic)\b|\bcosmetic\b"
    r"|\breformat(?:ted|s)?\b|\bformatting\s+(?:only|fix(?:es)?|changes?)\b|\bfix\s+formatting\b"
    r"|\bnits?\b|\b(?:comments?|docs?)\s+only\b",
    re.IGNORECASE,
)
_AREA = re.compile(r"^[\w./ -]{1,40}:\s+")
_BUILD_NAMES = (
    "configure.ac",
    "configure.in",
    "cmakelists.txt",
    "meson.build",
    "meson_options.txt",
)


@dataclass(frozen=True, slots=True)
class Touched:
    """What in a commit's change needs a reviewer, by kind (sorted paths)."""

    sensitive_code: tuple[str, ...]
    sensitive_paths: tuple[str, ...]
    build_checks: tuple[str, ...]
    binaries: tuple[str, ...]

    @property
    def sensitive(self) -> tuple[str, ...]:
        """Paths with sensitive code, sensitive names or build checks."""
        return tuple(sorted({*self.sensitive_code, *self.sensitive_paths, *self.build_checks}))


def is_build_check(path: str) -> bool:
    """configure.ac, *.m4, CMakeLists.txt, Makefile*, meson.build and the like."""
    name = PurePosixPath(path).name.lower()
    return (
        is_build_file(path)
        or name in _BUILD_NAMES
        or name.endswith((".m4", ".cmake", ".mk", ".am"))
        or name.startswith(("makefile", "gnumakefile"))
    )


def _has_sensitive_symbols(change: Change) -> bool:
    if any(sym.sensitive for sym in change.symbols):
        return True
    return (
        change.old is None
        and change.new is not None
        and any(sym.sensitive for sym in change.new.symbols)
    )


def touched(audit: Audit, policy: Policy) -> Touched:
    """Classify the paths a change touches."""
    code: set[str] = set()
    paths: set[str] = set()
    builds: set[str] = set()
    for change in audit.changes:
        for path in {p for p in (change.path, change.old_path) if p}:
            if is_build_check(path):
                builds.add(path)
            tags = classify_path(path, policy.sensitive)
            if any(tag != "build-check" for tag in tags) or policy.is_sensitive(path):
                paths.add(path)
        if _has_sensitive_symbols(change):
            code.add(change.path)
    return Touched(tuple(sorted(code)), tuple(sorted(paths)), tuple(sorted(builds)), audit.binaries)


def claims_trivial(subject: str) -> str | None:
    """The words of a commit subject that claim a trivial change, if any.

    An "area:" prefix is dropped first; words are matched in the forms that claim triviality
    ("fix whitespace", "minor fixes"), not where they only describe a feature.
    """
    found = _TRIVIAL.search(_AREA.sub("", subject.strip(), count=1))
    return found.group(0) if found else None


def _listing(paths: tuple[str, ...]) -> str:
    return ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")


def understated(facts: CommitFacts, what: Touched) -> Finding | None:
    """High: a subject calling the change trivial, on sensitive code, build checks or binaries.

    Disguising a sensitive change as housekeeping is how backdoors get past review (xz-utils
    "test files" were the payload), so the mismatch itself needs a reviewer.
    """
    word = claims_trivial(facts.subject)
    if word is None:
        return None
    parts = []
    if what.sensitive_code or what.sensitive_paths:
        parts.append(f"sensitive code ({_listing((*what.sensitive_code, *what.sensitive_paths))})")
    if what.build_checks:
        parts.append(f"build checks ({_listing(what.build_checks)})")
    if what.binaries:
        parts.append(f"binary files ({_listing(what.binaries)})")
    if not parts:
        return None
    path = (what.sensitive_code or what.sensitive_paths or what.build_checks or what.binaries)[0]
    return Finding(
        rule_id="commit-message-understates",
        category=Category.SENSITIVE_CHANGE,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        message=(
            f"commit {facts.short} says {word!r} ({facts.subject!r}) but changes "
            + "; ".join(parts)
        ),
        path=path,
        change="modified",
        snippet=f"{word}: {facts.subject}",
    )


def author_differs(facts: CommitFacts, what: Touched) -> Finding | None:
    """Medium: sensitive paths committed by someone other than their author.

    Normal in patch-based projects, so not high; but the person who applied the patch must be
    able to say it is the one that was reviewed.
    """
    if not what.sensitive or facts.author_email.lower() == facts.committer_email.lower():
        return None
    return Finding(
        rule_id="author-committer-differ",
        category=Category.SENSITIVE_CHANGE,
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        message=(
            f"commit {facts.short} by {facts.author} <{facts.author_email}> was committed by "
            f"{facts.committer} <{facts.committer_email}> and touches {_listing(what.sensitive)}"
        ),
        path=what.sensitive[0],
        change="modified",
        snippet=f"{facts.author_email} != {facts.committer_email}",
    )


_STATUS_SEVERITY = {
    SignatureStatus.BAD: Severity.CRITICAL,
    SignatureStatus.NONE: Severity.HIGH,
    SignatureStatus.REVOKED_KEY: Severity.HIGH,
    SignatureStatus.CANNOT_CHECK: Severity.MEDIUM,
    SignatureStatus.EXPIRED_KEY: Severity.MEDIUM,
    SignatureStatus.EXPIRED_SIGNATURE: Severity.MEDIUM,
    SignatureStatus.UNKNOWN: Severity.MEDIUM,
    SignatureStatus.GOOD_UNKNOWN_VALIDITY: Severity.LOW,
}


def unsigned(facts: CommitFacts, what: Touched, status: SignatureStatus) -> Finding | None:
    """When the policy requires signed commits: a sensitive commit without a good signature.

    Bad signature: critical (forged or altered commit). None or revoked: high (the policy is
    broken on sensitive code). Uncheckable here (missing key, expired, git unavailable): medium.
    Good signature of a key with unknown trust: low.
    """
    severity = _STATUS_SEVERITY.get(status)
    if severity is None or not what.sensitive:
        return None
    return Finding(
        rule_id="unsigned-sensitive-commit",
        category=Category.INTEGRITY_VIOLATION,
        severity=severity,
        confidence=Confidence.HIGH,
        message=(
            f"commit {facts.short} touches {_listing(what.sensitive)} and git reports "
            f"%G?={status.value}: {status.label} (policy requires signed commits)"
        ),
        path=what.sensitive[0],
        change="modified",
        snippet=f"signature {status.value}",
        details=(("signature", status.value),),
    )
